/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stop.h — `vctx stop`: the stop signal, a timeout, then everything killed; run or orphaned.
 */
#ifndef VX_STOP_H
#define VX_STOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define VX_TIMEOUT_CONFIG UINT64_MAX	/* "use the context's stop-timeout" */

/* stop: the stop signal, then kill everything after timeout_ms (kill: at once).  Works from
 * the run state when NAME.conf does not parse (the reason goes to warning).  Returns 1 when
 * the context was stopped already. */
int stop_context(const char *name, uint64_t timeout_ms, bool kill, bool wait, char *warning,
	     size_t wlen, struct vx_err *err);

#endif
