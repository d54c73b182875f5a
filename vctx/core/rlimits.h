/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rlimits.h — the resource limits (setrlimit) every process of a context starts with: init at
 * every start, each `vctx exec` command.  They are the context's, never the caller's: a
 * context started from an admin's shell with `ulimit -n 20000`, from `env -i` or at boot by
 * the init service gets the same ones.
 *
 *   nofile    1024 : 524288    as systemd gives services
 *   memlock   8M : 8M          the kernel's defaults for the rest
 *   stack     8M : unlimited
 *   core      0 : unlimited
 *   nproc     threads-max/2 (both), as the kernel gives init
 *   sigpending threads-max/2, msgqueue 819200, nice 0, rtprio 0; the others unlimited
 *
 * [limits] nofile, nproc, memlock, stack and core set soft[:hard].  A hard limit above what
 * the host's vctx may raise to (without CAP_SYS_RESOURCE: its own hard limit) is capped
 * there, and the soft one with it.
 */
#ifndef VX_RLIMITS_H
#define VX_RLIMITS_H

#include <sys/resource.h>
#include <sys/types.h>

#include "core/conf.h"
#include "core/err.h"

/* Every limit's value for the context (RLIM_NLIMITS entries); threads_max is the host's
 * kernel.threads-max. */
void rlimits_plan(const struct vx_conf *conf, unsigned long threads_max, struct rlimit *out);

/* Give process pid (0: the caller) the context's limits. */
int rlimits_apply(pid_t pid, const struct vx_conf *conf, struct vx_err *err);

#endif
