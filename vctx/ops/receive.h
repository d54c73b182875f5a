/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * receive.h — the destination's half of `vctx migrate` (ops/migrate.h is the source's).  The
 * source runs each step as `vctx migrate --receive STEP NAME ...` over SSH; nothing of vctx
 * runs here between the steps.  What a step leaves between them:
 *
 *   CONTEXTS/.migrate-NAME/      the context's files as they arrive (rsync writes here)
 *   TEMPLATES/.migrate-NAME/     its template, when this host lacks it
 *   CONTEXTS/.migrate-NAME.in    from commit until the context is up here: a context with
 *                                 it is the migration's, and abort removes it
 *   CONTEXTS/.migrate-NAME.done  then, until the source has removed its copy (finish)
 *
 * Both hold the migration's token (16 hex digits the source drew): a context of the same
 * name that some other hand made is never taken for the migration's, or removed.
 *   RUN/.migrate-NAME.lock       each step holds it: an abort waits for a commit
 *
 * prepare   checks the name, the config (addresses, binds) and the template (the same
 *           checksum as the source's, or absent: then it is sent too); makes the staging.
 * commit    the template and the files into place, the ids kept when their range is free
 *           here (else shifted, as clone does), the config written, the context started and
 *           its addresses announced on the LAN (vnet_announce), and only when it is up (its
 *           'ready' setting, within its start-timeout) "running".  A failure leaves nothing.
 * abort     removes what the migration made here, a start that is not up yet killed; but a
 *           context that is up, or was taken in for good, stays: the answer says which.
 * finish    the source has removed its copy: the .done marker goes.
 */
#ifndef VX_RECEIVE_H
#define VX_RECEIVE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct receive_paths {
	char context[PATH_MAX];		/* where the files go */
	char template[PATH_MAX];	/* where the template goes, "" if this host has it */
};

/* conftext and every argument come from the source host: checked like an import's. */
int receive_prepare(const char *name, const char *token, const char *conftext, const char *tpl,
		    const char *tplsum, struct receive_paths *out, struct vx_err *err);
int receive_commit(const char *name, const char *token, const char *conftext, const char *tpl,
		   uint64_t base, bool start, char *warning, size_t wlen, struct vx_err *err);
#define RECEIVE_ABORTED 0	/* nothing of it is here */
#define RECEIVE_RUNNING 1	/* it runs here: the migration happened */
#define RECEIVE_COMMITTED 2	/* it is here, stopped, taken in for good */
int receive_abort(const char *name, const char *token, struct vx_err *err);
int receive_finish(const char *name, const char *token, struct vx_err *err);

#endif
