/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroup.h — the only code that touches cgroups: the cgroup file systems, read and written
 * directly (no libcgroup: see vctx/kernel/README.md).
 *
 * A context's cgroup is PARENT/NAME (PARENT is "vctx" unless $VCTX_CGROUP_PARENT says
 * otherwise) in every hierarchy the host has:
 *   pure v2   one directory in the cgroup2 hierarchy, with the controllers enabled
 *   hybrid    a directory in each v1 controller hierarchy (limits live there) and one in the
 *             cgroup2 hierarchy (the guest's systemd needs a v2 subtree of its own)
 *   v1        a directory in each v1 controller hierarchy
 * Joining is kept off the slow path: never write a pid into cgroup.procs from the parent
 * (that costs an RCU grace period, ~10 ms).  The child is cloned straight into the v2
 * directory (CLONE_INTO_CGROUP) and writes "0" into each v1 "tasks" file itself, through
 * fds opened here before the clone.
 */
#ifndef VX_CGROUP_H
#define VX_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/conf.h"
#include "core/err.h"

enum vx_cg_layout { VX_CG_NONE, VX_CG_V1, VX_CG_HYBRID, VX_CG_V2 };

#define VX_CG_MAX_V1 16
#define VX_CG_MNT 1024			/* longest cgroup mount point we accept */
#define VX_CG_PATH (VX_CG_MNT + 160)

struct vx_cgroup {
	enum vx_cg_layout layout;
	char path[128];				/* PARENT/NAME */
	char v2dir[VX_CG_PATH];			/* "" when the host has no cgroup2 */
	unsigned nv1;
	char v1dir[VX_CG_MAX_V1][VX_CG_PATH];
	int v2fd;				/* directory fd for CLONE_INTO_CGROUP */
	int tasks_fd[VX_CG_MAX_V1];		/* v1 "tasks" files, opened by the host */
};

/* One row per limit key: how it reads in each hierarchy (see cgroup.c). */
const char *cg_layout_name(enum vx_cg_layout l);

/* Detect the host's layout. */
enum vx_cg_layout cg_layout(void);

/* For vctx check: the layout with its hierarchies and controllers, in words; whether a
 * controller (by its v2 name) is where limits will look for it, and there. */
void cg_summary(char *buf, size_t len);

/* Freeze (or thaw) every process of a context and wait until it is so: the cgroup2 freezer
 * on v2dir when there is one, else the v1 freezer on path. */
int cg_freeze(const char *v2dir, const char *path, bool freeze, struct vx_err *err);
bool cg_controller(const char *ctrl, char *where, size_t len);

/* Load the eBPF device program for a context with these VX_DEV_* options (devices.h): its fd,
 * or -1.  Attached to a context's cgroup2 directory by cg_devices; vctx check loads it too. */
int cg_device_prog(unsigned opts, struct vx_err *err);

void cg_init(struct vx_cgroup *cg);

/* Create the context's cgroup everywhere with the config's limits, delegate the v2 directory
 * to the context's root (ids from id_base), and open the join fds.  On failure nothing is
 * left behind.  The device control is left to cg_devices. */
int cg_create(const char *name, const struct vx_conf *conf, struct vx_cgroup *cg,
	      struct vx_err *err);

/* The devices with these VX_DEV_* options (devices.h), and no others, for the cgroup that
 * cg_create made: v1's devices controller's list, and the eBPF program on the cgroup2
 * directory (the only device control of a v2 host).  A start applies it beside its root,
 * after the clone and before init's exec: init's processes are in the cgroup by then, and
 * nothing of the tenant runs until the exec. */
int cg_devices(const struct vx_cgroup *cg, unsigned opts, struct vx_err *err);

/* Open the join fds of an existing cgroup (for exec/enter), from the recorded directories. */
int cg_open_join(const char *v2dir, const struct vx_list *v1dirs, struct vx_cgroup *cg,
		 struct vx_err *err);

/* In the child: move itself into each v1 hierarchy's cgroup; closes the fds. */
int cg_join_self(struct vx_cgroup *cg, struct vx_err *err);

/* Close the fds (parent, after the clone). */
void cg_close(struct vx_cgroup *cg);

/* Apply the config's limits to a running context's cgroup (path PARENT/NAME).  With key,
 * only that key's.  Checked first: a limit the host cannot enforce is an error naming the
 * key and the controller, and nothing is written. */
int cg_set_limits(const char *path, const struct vx_conf *conf, const char *key,
		  struct vx_err *err);

struct cg_stats {
	bool have_mem, have_pids, have_cpu;
	uint64_t mem_current, mem_peak, mem_limit;	/* limit 0: none */
	uint64_t pids_current, pids_limit;		/* limit 0: none */
	uint64_t cpu_usec;
	uint64_t oom_kills;
	bool have_io;
	uint64_t io_rbytes, io_wbytes;			/* block I/O, every device */
};

/* Usage against limits, for `vctx status`, `list` and `top`. */
int cg_stats(const char *path, struct cg_stats *st, struct vx_err *err);

/* Remove the cgroup PARENT/NAME (and any subtree the guest made) from every hierarchy.
 * Idempotent: directories that are already gone are fine. */
int cg_destroy(const char *path, struct vx_err *err);

/* Remove the contexts' parent cgroup from every hierarchy if it is empty: when the last
 * context is destroyed (kept across stops, so a start need not make it again). */
void cg_remove_parent(const char *parent);

#endif
