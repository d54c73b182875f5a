/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * freeze.h — a running context held still for a consistent copy (snapshot, clone, export):
 * its supervisor freezes its cgroup (and its disk's file system) for as long as the
 * requesting command's connection stays open, so a killed command never leaves it frozen.
 */
#ifndef VX_FREEZE_H
#define VX_FREEZE_H

#include "core/err.h"

/* Freeze a running context (*fd: the connection that holds it); a stopped one needs nothing
 * (*fd = -1). */
int freeze_context(const char *name, int *fd, struct vx_err *err);
/* Thaw (idempotent). */
void freeze_thaw(int *fd);

#endif
