/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * handover.h — a supervisor moving between its two programs, in one process.
 *
 * A context at rest costs its supervisor's memory for as long as it runs, so the supervisor
 * rests in vctx-supervise (idle.c): a small static program that relays the console and
 * /dev/log, watches for readiness and answers the simple requests.  What needs the rest of
 * vctx (init's end, a signal, a stop, a freeze, an address, a disk) sends it back into the
 * vctx binary it was started with.  Each move is an execve(2) of the same process: its pid,
 * its children (init), its mount namespace, its signal mask, its lock and every descriptor
 * named here stay; the rest of its state is this record, written to a memfd on descriptor 0
 * (the supervisor's stdin is /dev/null otherwise).
 *
 * Both programs are built from one tree by one make: the record's size and magic tell a
 * record of another build, which is refused.  Both programs are kept open (exe_full,
 * exe_idle) and executed through those descriptors, so an upgrade of vctx on disk never
 * mixes versions in a running supervisor.
 */
#ifndef VX_HANDOVER_H
#define VX_HANDOVER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/paths.h"
#include "supervisor/console.h"
#include "supervisor/ctl.h"
#include "supervisor/logrelay.h"
#include "supervisor/ready.h"

#define HANDOVER_MAGIC 0x3176736572707573ull	/* "supresv1" */
#define HANDOVER_CLIENTS 32			/* commands a supervisor waits on or serves */
#define HANDOVER_ARGV0 "vctx-supervise"
#define HANDOVER_SYNCS 64			/* sync() listeners: init's, and vctx exec's */
#define HANDOVER_SYNCFS 8			/* file systems a context's sync() writes back */

/* The events of the supervisor's epoll set: registrations outlive an execve, so both
 * programs read the same tags (tag << 32 | fd). */
enum sup_tag { T_PIDFD = 1, T_SIGNAL, T_LISTEN, T_CLIENT, T_TIMER, T_CONSOLE, T_VIEWER, T_LOG,
	       T_LOGTIMER, T_LOGHOST, T_FREEZER, T_NOTIFY, T_READYTIMER, T_PROBE, T_REST,
	       T_SYNC, T_SYNCWORK };

struct sup_hand {
	uint64_t magic;
	uint32_t size;			/* sizeof(struct sup_hand) of the writer */
	char name[VX_NAME_MAX + 1];
	char prefix[VX_PATH_MAX];	/* vx_paths.prefix: the rest comes from it and the
					 * environment, which an execve keeps */
	int exe_full, exe_idle;		/* the vctx binary and vctx-supervise, O_PATH */
	int epfd, sigfd, lfd, timerfd, logtimer, lockfd, result_fd;
	int pidfd;
	pid_t init;
	int freezer, fsfreeze;
	bool lxcfs, loghost_armed, stopping, done;
	int stop_signal;
	unsigned rests;			/* times it went to rest (its log counts them) */
	int exit_code, exit_status;	/* init's end (siginfo's si_code and si_status) */
	unsigned nwaiters, nreaders, nclients;
	int waiters[HANDOVER_CLIENTS], readers[HANDOVER_CLIENTS];
	int clients[HANDOVER_CLIENTS];	/* connected, their request not read yet */
	int pending_fd;			/* a request read but not served, -1: none */
	struct ctl_req pending;
	char pts[VX_PATH_MAX];
	unsigned nsyncs, nsyncfs;
	int syncs[HANDOVER_SYNCS];	/* sync() listeners (supervisor/syncs.h) */
	int syncwork[HANDOVER_SYNCS];	/* pidfd of the worker answering each, or -1 */
	int syncfs[HANDOVER_SYNCFS];	/* one open directory or file on each file system */
	int disk_loopfd;
	bool disk_mounted;
	char disk_mnt[PATH_MAX];
	struct vx_console con;
	struct vx_logrelay log;		/* its backlog follows the record in the memfd */
	struct vx_ready ready;
};

/* Write the record (and its /dev/log backlog) to fd. */
int handover_write(int fd, struct sup_hand *h);

/* Read the record on descriptor 0 (and put /dev/null back there); -1 with a message when
 * it is none of this build's. */
int handover_read(struct sup_hand *h, struct vx_err *err);

/* Replace this program with the one open at exe (h->exe_full or h->exe_idle), handing it
 * h.  Returns only on failure, with every descriptor as it was. */
int handover_exec(int exe, struct sup_hand *h, struct vx_err *err);

/* Mark every descriptor of h close-on-exec again (the program that runs on keeps them). */
void handover_cloexec(const struct sup_hand *h);

#endif
