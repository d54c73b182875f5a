// SPDX-License-Identifier: GPL-2.0-or-later
/* vctx console [--escape "^a q"] NAME
 * (also the attaching half of `vctx start -F`) */
#include <errno.h>
#include <getopt.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "ops/attach.h"

int cmd_console(int argc, char **argv)
{
	static const struct option opts[] = { { "escape", required_argument, NULL, 'e' },
					      { NULL, 0, NULL, 0 } };
	const char *escape = NULL;
	struct vx_err err;
	int o;

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
	if (attach_console(argv[optind], escape, &err) < 0)
		return cmd_fail(&err);
	return 0;
}
