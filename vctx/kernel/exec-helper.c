// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vctx-exec — the last host-side step of `vctx exec` and `vctx enter`: a static program, so
 * that no host code ever runs inside a context with the tenant's loader or libraries.  Linked
 * with musl: it starts in ~50 µs where a static glibc program takes ~500 µs on every exec.
 *
 * The dynamic vctx process joins the context, takes its policy and execs this file through a
 * descriptor; this execs the command.  Should the tenant have registered a binfmt_misc handler
 * whose interpreter is /proc/self/exe, the kernel starts this program again as that
 * interpreter, not vctx: it has no loader to resolve inside, sees it was not called by vctx
 * (argv[0] and argv[1] are vctx's protocol) and refuses.
 *
 *   vctx-exec -- COMMAND [ARG ...]     PATH lookup as execvp(3)
 *   vctx-exec --login SHELL            a login shell ("-sh" as its argv[0])
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/procstate.h"

/* execvp(3) as glibc does it, whichever libc this is linked with (musl's has no /bin/sh
 * fallback): the PATH search, and a file without #! run by /bin/sh. */
static void exec_path(char **argv)
{
	const char *path = getenv("PATH"), *p;
	char file[4096];
	int first = ENOENT;

	if (strchr(argv[0], '/')) {
		snprintf(file, sizeof(file), "%s", argv[0]);
		goto one;
	}
	for (p = path ? path : "/usr/local/bin:/usr/bin:/bin"; ; p++) {
		size_t n = strcspn(p, ":");

		if (snprintf(file, sizeof(file), "%.*s%s%s", (int)n, p, n ? "/" : "", argv[0]) <
		    (int)sizeof(file)) {
			execv(file, argv);
			if (errno == ENOEXEC)
				goto sh;
			if (errno != ENOENT && errno != ENOTDIR)
				first = errno == EACCES || first == ENOENT ? errno : first;
		}
		p += n;
		if (!*p)
			break;
	}
	errno = first;
	return;
one:
	execv(file, argv);
	if (errno != ENOEXEC)
		return;
sh:
	{
		char *sh[256] = { "sh", file };
		int i;

		for (i = 1; argv[i] && i < 254; i++)
			sh[i + 1] = argv[i];
		sh[i + 1] = NULL;
		execv("/bin/sh", sh);
		errno = ENOEXEC;
	}
}

int main(int argc, char **argv)
{
	char login[256];
	const char *base;

	if (argc < 3 || strcmp(argv[0], "vctx-exec") != 0 ||
	    (strcmp(argv[1], "--") != 0 && strcmp(argv[1], "--login") != 0)) {
		fprintf(stderr, "vctx-exec: refused: it runs only as the last step of vctx exec "
			"(not as an interpreter)\n");
		return 126;
	}
	procstate_reset();
	if (strcmp(argv[1], "--login") == 0) {
		char *sh_argv[] = { login, NULL };

		base = strrchr(argv[2], '/');
		snprintf(login, sizeof(login), "-%s", base ? base + 1 : argv[2]);
		execv(argv[2], sh_argv);
	} else {
		exec_path(argv + 2);
	}
	fprintf(stderr, "vctx: cannot execute %s: %s\n", argv[2], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
