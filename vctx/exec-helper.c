// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vctx-exec — the last host-side step of `vctx exec` and `vctx enter`: a static program, so
 * that no host code ever runs inside a context with the tenant's loader or libraries.
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
#include <string.h>
#include <unistd.h>

#include "procstate.h"

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
		execvp(argv[2], argv + 2);
	}
	fprintf(stderr, "vctx: cannot execute %s: %s\n", argv[2], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
