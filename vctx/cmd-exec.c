// SPDX-License-Identifier: GPL-2.0-or-later
/* vctx exec [-t] [--cwd DIR] NAME -- COMMAND [ARG ...]
 * vctx enter NAME */
#include <getopt.h>
#include <string.h>

#include "cmd.h"
#include "nsenter.h"
#include "parse.h"

int cmd_exec(int argc, char **argv)
{
	static const struct option opts[] = { { "tty", no_argument, NULL, 't' },
					      { "cwd", required_argument, NULL, 'C' },
					      { NULL, 0, NULL, 0 } };
	struct vx_exec x = { 0 };
	struct vx_err err;
	const char *name;
	int o, r;

	while ((o = cmd_getopt(argc, argv, "+t", opts, NULL)) != -1) {
		switch (o) {
		case 't': x.tty = true; break;
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
	r = ctx_exec(name, &x, &err);
	return r < 0 ? cmd_fail(&err) : r;
}

int cmd_enter(int argc, char **argv)
{
	struct vx_exec x = { .tty = true };
	struct vx_err err;
	int r;

	if (argc != 2 || argv[1][0] == '-')
		return cmd_usage("enter");
	r = ctx_exec(argv[1], &x, &err);
	return r < 0 ? cmd_fail(&err) : r;
}
