/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * destroy.h — `vctx destroy`: config, storage, state and logs, gone whole or not at all.
 */
#ifndef VX_DESTROY_H
#define VX_DESTROY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* destroy: config, upper layer, state, logs.  force stops a running context first and
 * destroys one whose config does not parse.  Killed half way, it leaves the context whole
 * (before the config is renamed away) or gone (after), and storage_destroy_finish(), which the
 * next command on that name finishes (storage_destroy_finish). */
int destroy_context(const char *name, bool force, bool wait, char *warning, size_t wlen,
		struct vx_err *err);

#endif
