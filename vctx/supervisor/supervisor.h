/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * supervisor.h — one small host-side process per running context (the vctx binary, forked
 * by `vctx start` and detached).  It owns everything the context holds on the host: it
 * starts init, serves the console and the control socket, and tears everything down in
 * reverse order when init exits.  A guest that reboots is started again in place.  While
 * the context runs on its own, the process rests in vctx-supervise (handover.h, idle.c).
 */
#ifndef VX_SUPERVISOR_H
#define VX_SUPERVISOR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/conf.h"
#include "core/err.h"
#include "core/state.h"
#include "core/template.h"
#include "kernel/spawn.h"

/* What the supervisor tells `vctx start` over the result pipe. */
struct start_result {
	int32_t ok;
	int32_t init;
	struct vx_err err;
	uint64_t phase_ns[PH_COUNT];
	char note[VX_ERR_MSG];	/* something the admin should know, "" if nothing */
};

struct sup_args {
	const char *name;
	const struct vx_conf *conf;
	const struct vx_template *tpl;
	const struct vx_bpf *bpf;	/* the seccomp filter, built before anything changed */
	int result_fd;		/* write end of the pipe `vctx start` reads */
	int lock_fd;		/* the command lock, held until the context is up */
	bool lxcfs;		/* bind lxcfs's files over /proc and /sys (lxcfs.h) */
	const char *conftext;	/* the config it starts with, kept as its run copy */
	int viewer_fd;		/* a console viewer from the start (start -F), -1: none */
};

void __attribute__((noreturn)) sup_main(const struct sup_args *a);

/* The vctx binary run as "vctx-supervise": a supervisor back from rest (handover.h). */
void __attribute__((noreturn)) sup_resume(void);

/* Host-side teardown shared by the supervisor and by commands that find a crashed one's
 * leftovers: network, cgroup, run files.  Idempotent. */
int sup_cleanup(const char *name, const struct vx_runstate *st, struct vx_err *err);

#endif
