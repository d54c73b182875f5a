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
#include "kernel/proc.h"

/* Build NAME with builders/SOURCE, passing args through.  Atomic: on any failure or
 * interruption nothing is left under the name.  With w (a terminal), about twice a second
 * w->fn learns how many bytes the build has written so far (what the staging directory's
 * file system has lost in free space), and each line of the builder's is preceded by an
 * erase of the terminal's line. */
int template_build(const char *name, const char *source, int argc, char **argv,
		   const struct proc_watch *w, struct vx_err *err);

/* Remove a template; refuses while a context uses it (names them). */
int template_remove(const char *name, struct vx_err *err);

/* Remove staging directories of builds that were killed. */
void template_clean_stale(void);

#endif
