/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * attach.h — the client side of a context's console (`vctx console`, `vctx start -F`): the
 * terminal goes raw and is relayed through the supervisor's control socket until the
 * detach keys (console-escape, "^a q" by default) or until the context stops.  One viewer
 * at a time; a second one is told the console is taken.  What the user reads around the
 * session (the banners) is printed by cli/.
 */
#ifndef VX_ATTACH_H
#define VX_ATTACH_H

#include "core/err.h"

struct attach {
	int fd;			/* the console's connection */
	char escape[8];		/* the detach keys in force */
	char warning[VX_ERR_MSG];	/* why NAME.conf was not used, "" if it was */
};

/* Connect to NAME's console.  escape: "^a q" style, or NULL for the context's console-escape
 * (of the config it runs on: a NAME.conf with a typo does not lock one out). */
int attach_console(const char *name, const char *escape, struct attach *a, struct vx_err *err);

/* Relay the terminal and a console socket fd: 1 when the user detached, 2 when a signal
 * (SIGTERM, SIGHUP) ended it, 0 when the context stopped, -1 on error. */
int attach_relay(int fd, const char *escape, struct vx_err *err);

#endif
