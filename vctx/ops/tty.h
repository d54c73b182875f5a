/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tty.h — relaying a local terminal to a pty master or a console socket. */
#ifndef VX_TTY_H
#define VX_TTY_H

#include <stdbool.h>

#include "core/err.h"

struct tty_relay {
	int peer;		/* pty master or console socket */
	int pidfd;		/* stop when this process exits (-1: none) */
	int detach;		/* byte that detaches after a Ctrl-a prefix byte, -1: none */
	int prefix;		/* the prefix byte (0x01 for Ctrl-a) */
	bool set_winsize;	/* peer is a pty master: pass the window size on */
};

/* Raw mode on stdin (when it is a terminal) for the duration; returns 1 when the user
 * detached, 2 when SIGTERM or SIGHUP asked us to go, 0 when the other side ended. */
int tty_run(const struct tty_relay *r, struct vx_err *err);


#endif
