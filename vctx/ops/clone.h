/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * clone.h — `vctx clone`: a new context with a copy of another's files (frozen for the copy
 * if it runs), its own ids, name and addresses.
 */
#ifndef VX_CLONE_H
#define VX_CLONE_H

#include "core/err.h"

int clone_context(const char *src, const char *dst, int nset, char **set, struct vx_err *err);

#endif
