/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * console.h — a context's console: a pty whose master the supervisor holds and whose slave
 * is the context's /dev/console (init's stdin, stdout and stderr).  Everything init writes
 * is kept in PREFIX/var/log/vctx/NAME/console.log, bounded in size; one viewer at a time can
 * attach through the control socket (`vctx console`).
 */
#ifndef VX_CONSOLE_H
#define VX_CONSOLE_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/err.h"
#include "core/paths.h"
#include "supervisor/logfile.h"

struct vx_console {
	int master;
	int slave;		/* kept open so the master never sees a hang-up */
	char path[VX_PATH_MAX];	/* the slave's path on the host */
	struct vx_logfile log;
	int viewer;		/* attached client socket, -1 if none */
	char ring[2048];	/* the latest output, replayed to a viewer that attaches */
	size_t ring_len;
};

void console_init(struct vx_console *c);
/* A pty of the devpts instance mounted at pts (the supervisor's own, so that the context
 * sees "/0" of a devpts of its own, nothing of the host's ptys), whose slave belongs to the
 * context's root (uid) and tty group (gid). */
int console_open(struct vx_console *c, const char *pts, uid_t uid, gid_t gid,
		 struct vx_err *err);
int console_log_open(struct vx_console *c, const char *path, uint64_t max, struct vx_err *err);
/* Append to the console log, rotating to console.log.1 past the bound. */
void console_log(struct vx_console *c, const char *buf, size_t len);
/* The master is readable: drain it into the log and to the viewer. */
void console_pump(struct vx_console *c);
/* A viewer attached: hand it the latest output first. */
void console_replay(struct vx_console *c);
void console_close(struct vx_console *c);

#endif
