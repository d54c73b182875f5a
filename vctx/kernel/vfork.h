/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfork.h — a child that borrows its parent's memory until it executes, with clone3's
 * arguments (CLONE_INTO_CGROUP, CLONE_PIDFD): what posix_spawn does, which glibc 2.36 offers
 * only without them.
 *
 * A copy of the vctx process for a child that runs a few hundred microseconds of setup
 * and then executes costs more than the setup: its page tables copied, every page it
 * writes copied again on first write, and all of it torn down at the execve.  With
 * CLONE_VM | CLONE_VFORK the child runs on a stack of its own in the same memory while the
 * parent waits, and the parent goes on once the child has executed or died (~0.35 ms of a
 * 3.5 ms vctx exec, measured 2026-12-02).
 *
 * The child must leave what the parent goes on with as it was: no change to environ or
 * to a global the parent reads, no return from fn (it executes or _exit()s), nothing
 * waited for from the parent (which sleeps until then).  Its heap allocations are the
 * parent's; a process of one thread, suspended, leaves malloc consistent.
 *
 * x86-64 has the trampoline (a child of clone3 starts on the new stack, so fn must be
 * called from assembly); elsewhere the child is an ordinary copy, with the same result.
 */
#ifndef VX_VFORK_H
#define VX_VFORK_H

#include <sys/types.h>

#include "core/sys.h"

/* Start fn(arg) in a child made with ARGS (flags, pidfd, cgroup, exit_signal; stack is
 * set here) and return once it has executed or ended: its pid, or -1 with errno. */
pid_t vfork_run(struct vx_clone_args *args, int (*fn)(void *), void *arg);

#endif
