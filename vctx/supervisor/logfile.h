/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * logfile.h — a bounded log file: appended to, and when the next write would pass the bound
 * the file becomes NAME.1 (replacing the older one) and a new one starts.  At most twice the
 * bound on disk per log.  The console's log and the context's syslog file use it.
 */
#ifndef VX_LOGFILE_H
#define VX_LOGFILE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/paths.h"

struct vx_logfile {
	int fd;			/* -1: closed (or lost at a rotation: writes are dropped) */
	char path[VX_PATH_MAX];
	uint64_t size, max;	/* max 0: no bound */
};

void logfile_init(struct vx_logfile *f);
int logfile_open(struct vx_logfile *f, const char *path, uint64_t max, struct vx_err *err);
/* Append len bytes (rotating first when they would pass the bound). */
void logfile_write(struct vx_logfile *f, const void *buf, size_t len);
void logfile_close(struct vx_logfile *f);

#endif
