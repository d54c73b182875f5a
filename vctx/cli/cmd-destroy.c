// SPDX-License-Identifier: GPL-2.0-or-later
/* vctx destroy [--force] [--wait] NAME */
#include <getopt.h>

#include "cli/cmd.h"
#include "ops/destroy.h"

int cmd_destroy(int argc, char **argv)
{
	static const struct option opts[] = { { "force", no_argument, NULL, 'f' },
					      { "wait", no_argument, NULL, 'w' },
					      { NULL, 0, NULL, 0 } };
	bool force = false, wait = false;
	char warning[VX_ERR_MSG];
	struct vx_err err;
	int o;

	while ((o = cmd_getopt(argc, argv, "f", opts, NULL)) != -1) {
		switch (o) {
		case 'f': force = true; break;
		case 'w': wait = true; break;
		default: return cmd_usage("destroy");
		}
	}
	if (optind != argc - 1)
		return cmd_usage("destroy");
	if (destroy_context(argv[optind], force, wait, warning, sizeof(warning), &err) < 0)
		return cmd_fail(&err);
	cmd_warn(argv[optind], warning);
	return 0;
}
