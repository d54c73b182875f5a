/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * proctitle.h — what ps shows for a long-lived process of ours: the supervisor overwrites the
 * command line it inherited from the command that forked it ("vctx start web1", or a
 * migration's receive step with the whole config in it) with its own ("vctx-supervise web1"),
 * in place (PR_SET_MM_ARG_START would need CAP_SYS_RESOURCE).
 */
#ifndef VX_PROCTITLE_H
#define VX_PROCTITLE_H

/* Remember where argv lives (main calls it first; nothing else is done there). */
void proctitle_init(int argc, char **argv);

/* Replace the command line with title, cut to the space of argv's and the environment's
 * strings (the environment moves to the heap first). */
void proctitle_set(const char *title);

#endif
