// SPDX-License-Identifier: GPL-2.0-or-later
/* vctx console [--escape "^a q"] NAME
 * (also the attaching half of `vctx start -F`) */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "ops/attach.h"

/* The session on the terminal, between two banners on stderr (when it is one). */
int console_session(const char *name, int fd, const char *escape, struct vx_err *err)
{
	int r;

	if (isatty(2))
		fprintf(stderr, "[attached to the console of %s: %s to detach]\r\n", name, escape);
	r = attach_relay(fd, escape, err);
	if (isatty(2))
		fprintf(stderr, "\r\n[%s from the console of %s]\r\n",
			r == 1 ? "detached" : r == 2 ? "signalled: detached" : "the context stopped; away",
			name);
	return r;
}

int cmd_console(int argc, char **argv)
{
	static const struct option opts[] = { { "escape", required_argument, NULL, 'e' },
					      { NULL, 0, NULL, 0 } };
	const char *escape = NULL;
	struct attach a;
	struct vx_err err;
	int o, r;

	while ((o = cmd_getopt(argc, argv, "", opts, NULL)) != -1) {
		if (o != 'e')
			return cmd_usage("console");
		escape = optarg;
	}
	if (optind != argc - 1)
		return cmd_usage("console");
	/* A console on a pipe would wait for keys nobody types (a cron job, a script). */
	if (!isatty(0)) {
		vx_fail(&err, ENOTTY, "console needs a terminal on stdin (its output is in "
			"'vctx logs --console %s')", argv[optind]);
		return cmd_fail(&err);
	}
	if (attach_console(argv[optind], escape, &a, &err) < 0)
		return cmd_fail(&err);
	if (a.warning[0])
		fprintf(stderr, "vctx: %s: warning: %s\r\n", argv[optind], a.warning);
	r = console_session(argv[optind], a.fd, a.escape, &err);
	close(a.fd);
	return r < 0 ? cmd_fail(&err) : 0;
}
