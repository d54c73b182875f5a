/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * clone.h — `vctx clone`: a new context with a copy of another's files (frozen for the copy
 * if it runs), its own ids, name and addresses.
 */
#ifndef VX_CLONE_H
#define VX_CLONE_H

#include "core/err.h"

struct proc_watch;
/* watch (may be NULL): told the bytes copied so far (kernel/proc.h). */
int clone_context(const char *src, const char *dst, int nset, char **set,
		  const struct proc_watch *watch, struct vx_err *err);

#endif
