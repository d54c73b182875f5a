// SPDX-License-Identifier: GPL-2.0-or-later
/* vctx exec [-t|-T] [--cwd DIR] NAME -- COMMAND [ARG ...]
 * vctx enter NAME */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "core/parse.h"
#include "ops/exec.h"

int cmd_exec(int argc, char **argv)
{
	static const struct option opts[] = { { "tty", no_argument, NULL, 't' },
					      { "no-tty", no_argument, NULL, 'T' },
					      { "cwd", required_argument, NULL, 'C' },
					      { NULL, 0, NULL, 0 } };
	struct vx_exec x = { 0 };
	char warning[VX_ERR_MSG];
	struct vx_err err;
	const char *name;
	int o, r, tty = -1;

	while ((o = cmd_getopt(argc, argv, "+tT", opts, NULL)) != -1) {
		switch (o) {
		case 't': tty = 1; break;
		case 'T': tty = 0; break;
		case 'C':
			if (parse_abspath(optarg, &err) < 0)
				return cmd_fail(&err);
			x.cwd = optarg;
			break;
		default: return cmd_usage("exec");
		}
	}
	if (optind >= argc)
		return cmd_usage("exec");
	name = argv[optind++];
	if (optind < argc && strcmp(argv[optind], "--") == 0)
		optind++;
	if (optind >= argc)
		return cmd_usage("exec");
	x.argv = argv + optind;
	/* As lxc-attach and incus exec do: a pty when used from a terminal (both ends), pipes
	 * when either end is a file or a pipe (a pty would turn \n into \r\n there). */
	x.tty = tty >= 0 ? tty : isatty(0) && isatty(1);
	r = exec_context(name, &x, warning, sizeof(warning), &err);
	if (r < 0)
		return cmd_fail(&err);
	cmd_warn(name, warning);
	return r;
}

int cmd_enter(int argc, char **argv)
{
	struct vx_exec x = { .tty = true };
	char warning[VX_ERR_MSG];
	struct vx_err err;
	int r;

	if (argc != 2 || argv[1][0] == '-')
		return cmd_usage("enter");
	/* A login shell on a pipe would wait for input nobody types (a cron job, a script). */
	if (!isatty(0)) {
		vx_fail(&err, ENOTTY, "enter needs a terminal on stdin; for a command or a script "
			"use 'vctx exec %s -- sh'", argv[1]);
		return cmd_fail(&err);
	}
	r = exec_context(argv[1], &x, warning, sizeof(warning), &err);
	if (r < 0)
		return cmd_fail(&err);
	cmd_warn(argv[1], warning);
	return r;
}
