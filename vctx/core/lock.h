/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lock.h — two locks per context, both flock(2) so the kernel drops them when a holder dies:
 *
 *   PREFIX/run/vctx/NAME.lock            the command lock: one start/stop/destroy/set/... at a
 *                                        time; a second one is "busy" (or waits with --wait)
 *   PREFIX/run/vctx/NAME/supervisor.lock held by the supervisor for its whole life: whoever
 *                                        can take it shared knows the supervisor is gone
 */
#ifndef VX_LOCK_H
#define VX_LOCK_H

#include <stdbool.h>

#include "core/err.h"

/* Returns the lock fd, or -1 with "NAME is busy: another vctx command is working on it". */
int lock_context(const char *name, bool wait, struct vx_err *err);
/* The same on any lock file (one that is unlinked while held is retried); name is for the
 * "busy" message. */
int lock_file(const char *path, const char *name, bool wait, struct vx_err *err);
/* Remove the command lock file (destroy, while holding it). */
void lock_context_remove(const char *name);

/* Supervisor side: create and hold the supervisor lock; returns the fd. */
int lock_supervisor_hold(const char *name, struct vx_err *err);
/* Is a supervisor alive for NAME? */
bool lock_supervisor_alive(const char *name);
/* Block until the supervisor of NAME has exited (its lock is released). */
int lock_supervisor_wait(const char *name, struct vx_err *err);

#endif
