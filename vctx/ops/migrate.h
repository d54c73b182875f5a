/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * migrate.h — `vctx migrate`: a context moved to another host over SSH, with OpenSSH and
 * rsync and nothing of ours running on either host between commands (ops/receive.h is the
 * destination's half, run as `vctx migrate --receive STEP` through ssh).
 *
 *   1 prepare   the destination checks the name, config, addresses and template
 *   2 copy      the template when the destination lacks it; the context's files while it runs
 *   3 stop      the context stops here: its routes and proxy entries go with it (--freeze:
 *               it is frozen instead; no shutdown, so the outage is the copy and the start)
 *   4 delta     what changed since the copy
 *   5 commit    the destination puts the files in place (same ids when free there), starts the
 *               context and announces its addresses; it answers "running"
 *   6 switched  only then is the context destroyed here (a frozen one killed so)
 *
 * The journal CONTEXTS/.migrate-NAME.out records the phase; while it exists `vctx start NAME`
 * is refused here, so the context never runs in two places.  A guard process forked at the
 * start holds the journal's lock: if the migrate dies (kill -9) it finishes the work the
 * journal says is due — before the switch the destination's part is aborted and the context
 * started again here; after it, the context is removed here.  `vctx migrate --recover NAME`
 * does the same by hand (after a crash of the host) and waits for a guard that is at it.
 * Only when the destination cannot be reached during the commit is the outcome unknown:
 * then the context stays stopped here, the journal stays, and recover asks again later.
 */
#ifndef VX_MIGRATE_H
#define VX_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct migrate_opts {
	const char *name;
	const char *host;	/* [USER@]HOST, as ssh takes it */
	const char *ssh;	/* the ssh command and its options, split at blanks (rsync -e) */
	const char *remote;	/* the vctx command on the destination */
	bool offline;		/* stop first and copy once (a stopped context always is) */
	bool freeze;		/* frozen for the last copy instead of stopped; killed there
				 * once it runs on the destination */
	/* A line for the admin at each phase (NULL: none). */
	void (*say)(const char *line, void *user);
	void *user;
};

struct migrate_result {
	bool running;		/* it runs on the destination (it ran here) */
	uint64_t sent;		/* bytes rsync sent, all passes */
	uint64_t down_ns;	/* from the stop here to "running" there */
	uint64_t total_ns;
	char warning[256];	/* something the admin should know, "" if nothing */
};

int migrate_context(const struct migrate_opts *o, struct migrate_result *res, struct vx_err *err);

/* Finish an interrupted migration from its journal; outcome says where the context is. */
int migrate_recover(const char *name, char *outcome, size_t len, struct vx_err *err);

/* A migration of NAME has a journal here: to where, in which phase (for status). */
bool migrate_pending(const char *name, char *host, size_t hlen, char *phase, size_t plen);

/* start_context's check: refused while a migration other than this process owns NAME. */
int migrate_check_start(const char *name, struct vx_err *err);

#endif
