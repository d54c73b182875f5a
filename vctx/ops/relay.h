/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * relay.h — the standard streams of a command run inside a context without a pty.
 *
 * No descriptor of the caller goes inside: the command's stdin, stdout and stderr are pipes
 * that vctx made, and this relay copies the caller's stdin into one and the other two out to
 * the caller's stdout and stderr (splice where the kernel can, read/write where it cannot:
 * an O_APPEND file, a terminal).  When the command exits, what it wrote is drained and the
 * relay ends: a process it left in the background holds only the ends of vctx's pipes, which
 * are closed, never the admin's terminal or files.  Signals the caller gets (Ctrl-C, SIGTERM,
 * SIGHUP) are passed to the command.
 */
#ifndef VX_RELAY_H
#define VX_RELAY_H

#include <signal.h>

#include "core/err.h"

struct relay_pipes {
	int in[2], out[2], err[2];	/* [0] read end, [1] write end */
};

/* Make the three pipes (close-on-exec; the child dup2()s its ends onto 0-2). */
int relay_pipes_open(struct relay_pipes *p, struct vx_err *err);
/* In the child: its ends become 0, 1 and 2. */
int relay_pipes_child(struct relay_pipes *p);
void relay_pipes_close(struct relay_pipes *p);

/* In the caller, after the child was started: close the child's ends, relay until the process
 * behind pidfd exits, then drain.  0, or -1 on an error of the relay itself. */
int relay_run(struct relay_pipes *p, int pidfd, struct vx_err *err);

/* The signals a command passes on to what it runs inside (INT, TERM, HUP, QUIT, USR1, USR2),
 * blocked (the old mask to *old unless NULL) and read from the returned signalfd. */
int relay_signals(sigset_t *old);

#endif
