/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * attach.h — the client side of a context's console (`vctx console`, `vctx start -F`): the
 * terminal goes raw and is relayed through the supervisor's control socket until the
 * detach keys (console-escape, "^a q" by default) or until the context stops.  One viewer
 * at a time; a second one is told the console is taken.
 */
#ifndef VX_ATTACH_H
#define VX_ATTACH_H

#include "core/err.h"

/* escape: "^a q" style, or NULL for the context's console-escape. */
int attach_console(const char *name, const char *escape, struct vx_err *err);

/* Relay the terminal and a console socket fd: 1 when the user detached, 2 when a signal
 * (SIGTERM, SIGHUP) ended it, 0 when the context stopped, -1 on error. */
int attach_relay(const char *name, int fd, const char *escape, struct vx_err *err);

#endif
