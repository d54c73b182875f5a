/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * template.h (ops) — building and removing templates (core/template.h reads them).
 *
 * A template is built by a builder script (templates/SOURCE, see vctx-templates(7)) run as
 * pid 1 of its own pid and mount namespaces, into a hidden staging directory that is renamed
 * into place only when it is complete.
 */
#ifndef VX_OPS_TEMPLATE_H
#define VX_OPS_TEMPLATE_H

#include "core/err.h"

/* Build NAME with builders/SOURCE, passing args through.  Atomic: on any failure or
 * interruption nothing is left under the name. */
int template_build(const char *name, const char *source, int argc, char **argv,
		   struct vx_err *err);

/* Remove a template; refuses while a context uses it (names them). */
int template_remove(const char *name, struct vx_err *err);

/* Remove staging directories of builds that were killed. */
void template_clean_stale(void);

#endif
