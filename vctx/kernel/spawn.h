/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * spawn.h — creating a context's init: clone3 into new namespaces, the parent/child sync
 * points, and everything the child does until it execs init.
 *
 * The sequence (S = supervisor, I = the child that becomes init, M = mount helper):
 *
 *   S  unshare(NEWNS) + rslave: S lives in a private mount namespace M0 owned by the host
 *   S  clone3(NEWUSER|NEWPID|NEWUTS|NEWIPC|NEWNET, INTO_CGROUP)             -> I
 *   S  writes I's uid/gid maps                              --- SYNC_MAPPED --->  I
 *   I  setresuid(0), joins the v1 cgroups, unshare(NEWCGROUP) <- SYNC_CGROUP ---
 *   S  sets up the network and the device control (on a thread); forks M inside I's pid
 *      namespace; M builds the root in M0: overlay (lower = idmapped template), /dev,
 *      /proc, /sys, masks, console
 *   S                                                       --- SYNC_MOUNTED -->  I
 *   I  unshare(NEWNS): the copy of M0 it gets is owned by its user namespace, so every
 *      mount M made is locked (MNT_LOCKED): the tenant cannot unmount a mask or mount a
 *      fresh procfs around it.  pivot_root, hostname, console, caps, seccomp, exec init.
 *   I  close-on-exec sync socket: EOF tells S that exec succeeded; an error travels back
 *      as a struct vx_err from whichever step failed.
 */
#ifndef VX_SPAWN_H
#define VX_SPAWN_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/conf.h"
#include "core/err.h"
#include "core/paths.h"
#include "core/template.h"
#include "kernel/cgroup.h"
#include "kernel/sysfilter.h"

enum vx_phase {
	PH_CGROUP,
	PH_CLONE,
	PH_MAPS,
	PH_NETWORK,
	PH_ROOTFS,
	PH_EXEC,
	PH_COUNT
};

struct vx_spawn {
	const struct vx_conf *conf;
	const struct vx_template *tpl;
	const char *name;

	char init[PATH_MAX];		/* the command line of pid 1 */
	char tpl_rootfs[VX_PATH_MAX];
	char upper[VX_PATH_MAX], work[VX_PATH_MAX];
	char stage[VX_PATH_MAX];	/* where M0 assembles the root */
	char lower[VX_PATH_MAX];	/* where M0 attaches the idmapped template */
	char pts[VX_PATH_MAX];		/* host path of the context's devpts (rootfs_devpts) */
	char console[VX_PATH_MAX];	/* host path of the console pty's slave, one of its ptys */
	char logsock[VX_PATH_MAX];	/* host path of the /dev/log socket, "" if none */
	char notifysock[VX_PATH_MAX];	/* host path of the notify socket, "" if none */
	bool lxcfs;			/* lxcfs's view of /proc over the context's */
	char host_resolv[512];		/* the host's name servers, "nameserver X" lines */

	struct vx_cgroup cg;
	struct vx_bpf bpf;		/* the seccomp filter (len 0: none) */

	pid_t pid;			/* init, as the host sees it */
	int pidfd;
	int sync_fd;			/* supervisor's end of the sync socket */
	int child_fd;			/* child's end (closed in the parent after clone) */
	int procfs;			/* while the root is built: its /proc, made ahead, or -1 */
	int listener;			/* init's sync() listener (sync = context), or -1 */
	int root;			/* with a listener, the root once init runs, or -1 */

	uint64_t phase_ns[PH_COUNT];	/* where the start spent its time */
};

extern const char *const vx_phase_names[PH_COUNT];

void spawn_init(struct vx_spawn *sp);

/* Clone the child (which waits at its first sync point). */
int spawn_clone(struct vx_spawn *sp, struct vx_err *err);
/* Write the uid/gid maps and release the child to its cgroup step. */
int spawn_map(struct vx_spawn *sp, struct vx_err *err);
/* Wait until the child has joined its cgroups. */
int spawn_wait_cgroup(struct vx_spawn *sp, struct vx_err *err);
/* Build the root file system from a helper in the child's namespaces (its pid namespace too
 * where the kernel cannot make the child's procfs from outside). */
int spawn_rootfs(struct vx_spawn *sp, struct vx_err *err);
/* Release the child and wait until it has exec'd init (or report why it could not). */
int spawn_finish(struct vx_spawn *sp, struct vx_err *err);
/* Kill and reap the child after a failed start. */
void spawn_abort(struct vx_spawn *sp);

/* The policy every process entering the context gets, init and exec alike: a session
 * keyring of its own, then capabilities and seccomp in the order that keeps the filters
 * last when the context still has CAP_SYS_ADMIN to load them with.  With sync = context,
 * *listener is the listener of the filter that hands sync(2) on (supervisor/syncs.h), for
 * the caller to pass to the supervisor and close; -1 otherwise. */
int spawn_policy(const struct vx_conf *conf, const struct vx_bpf *bpf, int *listener,
		 struct vx_err *err);


#endif
