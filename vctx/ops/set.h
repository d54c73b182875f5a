/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * set.h — `vctx set`: settings checked whole, applied live to a running context, saved.
 */
#ifndef VX_SET_H
#define VX_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* set: change KEY=VALUE settings (KEY= resets a key to its default).  The whole new config
 * is checked first; a running context gets live keys (limits) at once, with the old values
 * put back if any fails; then NAME.conf is rewritten with its comments (unless !save).
 * *deferred counts keys that wait for the next start. */
int set_context(const char *name, int nset, char **set, bool save, bool wait, unsigned *deferred,
	    struct vx_err *err);

#endif
