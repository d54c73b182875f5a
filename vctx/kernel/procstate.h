/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * procstate.h — the process state everything started inside a context begins with, whoever
 * started vctx and however: every signal at its default action and none blocked (vctx itself
 * ignores SIGPIPE and blocks what it reads through signalfd; both would survive execve), umask
 * 022, the Linux personality.  Descriptors, environment, rlimits, session and terminal are set
 * by the callers (kernel/spawn.c for init, ops/exec.c for exec), documented in vctx(8).
 *
 * Used by init's child and by vctx-exec, the static last step of `vctx exec`: no library.
 */
#ifndef VX_PROCSTATE_H
#define VX_PROCSTATE_H

void procstate_reset(void);

#endif
