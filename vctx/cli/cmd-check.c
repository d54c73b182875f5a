// SPDX-License-Identifier: GPL-2.0-or-later
/* vctx check [--json] */
#include <getopt.h>

#include "cli/cmd.h"
#include "ops/check.h"

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'j' },
					      { NULL, 0, NULL, 0 } };
	struct vx_err err = { 0 };
	bool json = false;
	int c, r;

	while ((c = cmd_getopt(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'j')
			return cmd_usage("check");
		json = true;
	}
	if (optind != argc)
		return cmd_usage("check");
	r = check_run(json, &err);
	return r < 0 ? cmd_fail(&err) : r;
}
