/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.h — `vctx config`: a context's config as it takes effect, and a whole-file edit.
 *
 * An edit is checked like every other change before it lands: parsed on top of the site's
 * defaults, its addresses against every other context's, its template and binds; id-base and
 * disk are refused (create allocates the one, `vctx set` moves the files for the other).  It
 * replaces NAME.conf atomically, under the context's lock, and only if nobody changed the
 * file since it was read.
 */
#ifndef VX_CONFIG_H
#define VX_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/conf.h"
#include "core/err.h"

/* NAME.conf's text as it is, whether or not it parses (*text malloc'ed); path gets its path. */
int config_read(const char *name, char **text, char *path, size_t len, struct vx_err *err);

/* Every value that takes effect and where it comes from (conf_explain). */
int config_explain(const char *name, conf_explain_cb cb, void *user, struct vx_err *err);

/* Put 'text' in place of 'old' (what config_read returned).  *later: it runs, so the change
 * takes effect at its next start. */
int config_replace(const char *name, const char *old, const char *text, bool *later,
		   struct vx_err *err);

#endif
