/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exec.h — running a command inside a running context (`vctx exec`, `vctx enter`).
 *
 * The caller enters the context's pid namespace (for its children only), clones one child
 * straight into the context's v2 cgroup, and that child joins every other namespace through
 * init's pidfd, joins the v1 cgroups by writing "0" to their tasks files, becomes the
 * context's root and takes init's capability and seccomp policy before it execs.  The
 * caller stays on the host to forward signals and return the command's exit status.
 */
#ifndef VX_EXEC_H
#define VX_EXEC_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

struct vx_exec {
	char **argv;		/* NULL: root's login shell */
	bool tty;		/* a new pty inside the context */
	const char *cwd;	/* NULL: "/" (root's home for a login shell) */
};

/* Returns the exit status to pass on (128+N when killed by signal N), or -1 on error.  Works
 * on the config the context started with; why NAME.conf was not used goes to warning. */
int exec_context(const char *name, const struct vx_exec *x, char *warning, size_t wlen,
	     struct vx_err *err);

#endif
