/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctx.h — the lifecycle operations the commands call: each validates everything first,
 * takes the context's command lock, and leaves the system as it was when it fails.
 */
#ifndef VX_CTX_H
#define VX_CTX_H

#include <stdbool.h>
#include <stdint.h>

#include "core/conf.h"
#include "core/err.h"
#include "supervisor/supervisor.h"

#define VX_TIMEOUT_CONFIG UINT64_MAX	/* "use the context's stop-timeout" */

/* Load NAME.conf; "context 'NAME' does not exist" when there is none. */
int ctx_load(const char *name, struct vx_conf *conf, struct vx_err *err);

/* create: write NAME.conf from the template name and KEY=VALUE settings, allocate the id
 * range, make the empty upper layer.  Copies nothing from the template. */
int ctx_create(const char *name, const char *tpl, int nset, char **set, struct vx_err *err);

/* start -F: the console from init's first byte, and init's exit status when it ends. */
struct start_console {
	int fd;			/* the console, to relay (a socket of the supervisor's) */
	int status_fd;		/* init's status arrives here as an int32_t when it ends */
	char escape[8];		/* the config's console-escape keys */
};

/* start; with con, attached to the console (its fds are the caller's to close). */
int ctx_start(const char *name, bool wait, struct start_console *con, struct start_result *res,
	      struct vx_err *err);

/* stop: the stop signal, then kill everything after timeout_ms (kill: at once).  Works from
 * the run state when NAME.conf does not parse (the reason goes to warning).  Returns 1 when
 * the context was stopped already. */
int ctx_stop(const char *name, uint64_t timeout_ms, bool kill, bool wait, char *warning,
	     size_t wlen, struct vx_err *err);

/* destroy: config, upper layer, state, logs.  force stops a running context first and
 * destroys one whose config does not parse.  Killed half way, it leaves the context whole
 * (before the config is renamed away) or gone (after), and ctx_destroy_finish(), which the
 * next command on that name finishes (storage_destroy_finish). */
int ctx_destroy(const char *name, bool force, bool wait, char *warning, size_t wlen,
		struct vx_err *err);

/* set: change KEY=VALUE settings (KEY= resets a key to its default).  The whole new config
 * is checked first; a running context gets live keys (limits) at once, with the old values
 * put back if any fails; then NAME.conf is rewritten with its comments (unless !save).
 * *deferred counts keys that wait for the next start. */
int ctx_set(const char *name, int nset, char **set, bool save, bool wait, unsigned *deferred,
	    struct vx_err *err);

/* vnet add/del: change one address; live through the supervisor when the context runs,
 * then in NAME.conf.  Conflicts are refused before anything changes. */
int ctx_addr(const char *name, const char *addr, bool add, bool wait, struct vx_err *err);

/* Whether a context 'name' could be made from a config text and KEY=VALUE settings: a free
 * name, a valid config, addresses nobody else has, binds that can be opened.  Nothing is
 * written (import checks before it unpacks a byte of the layer). */
int ctx_check_new(const char *name, const char *conftext, int nset, char **set,
		  struct vx_err *err);

/* Make context 'name' from a prepared directory tmp (holding upper/ or disk.img, in the
 * contexts directory) and a config text: KEY=VALUE settings applied, a new id range (files
 * shifted from old_base), addresses and binds checked; tmp becomes the context's directory
 * and the config is written last.  On failure tmp is left for the caller to remove. */
int ctx_adopt(const char *name, const char *conftext, int nset, char **set, const char *tmp,
	      uint64_t old_base, struct vx_err *err);

#endif
