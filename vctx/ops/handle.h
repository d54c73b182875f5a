/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * handle.h — a context opened for a command: its name, config, command lock and run state,
 * each only when asked, from one call; closed by another.  Every command starts from the
 * same few lines, and "is it running" has one definition.
 *
 * A running context does not need its config: it runs on the copy of the config it started
 * with (RUN/NAME/conf).  With H_RUNCONF a command on a running context reads that copy when
 * NAME.conf no longer parses, which is a warning, not an error: stop, kill, status and console
 * still work on a context whose config has a typo in it.  With H_POLICY it always reads the
 * copy: a NAME.conf changed for the next start (userns = no) never reaches what vctx exec
 * runs inside the context now.
 */
#ifndef VX_HANDLE_H
#define VX_HANDLE_H

#include <stdbool.h>

#include "core/conf.h"
#include "core/err.h"
#include "core/state.h"

#define H_CONF 0x1	/* NAME.conf, parsed: an error if it does not parse */
#define H_RUNCONF 0x2	/* the config it runs on when it runs, else NAME.conf */
#define H_LOCK 0x4	/* the command lock ("busy" when another command holds it) */
#define H_WAIT 0x8	/* with H_LOCK: wait for it instead */
#define H_STATE 0x10	/* its run state, probed */
#define H_ANY 0x20	/* it may lack a config (destroy --force of a broken one) */
#define H_POLICY 0x40	/* the config it runs on when it runs, whatever NAME.conf holds (what
			 * runs inside it gets init's policy), else NAME.conf */

struct vx_handle {
	char name[VX_NAME_MAX + 1];
	struct vx_conf conf;
	bool have_conf;
	char *text;			/* NAME.conf's text when conf came from it */
	bool exists;			/* NAME.conf is there (parsed or not) */
	char warning[VX_ERR_MSG];	/* why NAME.conf was not used, "" if it was */
	int lock;
	struct vx_runstate st;
	bool have_state;
};

/* Open NAME: "context 'NAME' does not exist" when it has neither a config nor a run state. */
int handle_open(struct vx_handle *h, const char *name, unsigned flags, struct vx_err *err);
void handle_close(struct vx_handle *h);

/* Something of it is alive on the host: a supervisor, or an orphaned init. */
bool handle_alive(const struct vx_handle *h);
/* It is up: init runs under its supervisor (exec, console and snapshots need that). */
bool handle_up(const struct vx_handle *h);

#endif
