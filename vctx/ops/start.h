/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * start.h — `vctx start`: the supervisor forked and detached, init started, ready reported.
 */
#ifndef VX_START_H
#define VX_START_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "supervisor/supervisor.h"

/* start -F: the console from init's first byte, and init's exit status when it ends. */
struct start_console {
	int fd;			/* the console, to relay (a socket of the supervisor's) */
	int status_fd;		/* init's status arrives here as an int32_t when it ends */
	char escape[8];		/* the config's console-escape keys */
};

/* start; with con, attached to the console (its fds are the caller's to close). */
int start_context(const char *name, bool wait, struct start_console *con, struct start_result *res,
	      struct vx_err *err);

/* Wait until the supervisor says the context is up (its 'ready' setting), at most
 * timeout_ms (0: as long as it takes). */
int start_wait_ready(const char *name, uint64_t timeout_ms, struct vx_err *err);

/* start --ready: start_wait_ready within the context's start-timeout. */
int start_ready(const char *name, struct vx_err *err);

#endif
