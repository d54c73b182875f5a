// SPDX-License-Identifier: GPL-2.0-or-later
/* vctx set [--no-save] [--wait] NAME KEY=VALUE ... */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"
#include "kernel/storage.h"
#include "ops/set.h"

int cmd_set(int argc, char **argv)
{
	static const struct option opts[] = { { "no-save", no_argument, NULL, 'n' },
					      { "wait", no_argument, NULL, 'w' },
					      { NULL, 0, NULL, 0 } };
	bool save = true, wait = false;
	unsigned deferred;
	char note[VX_ERR_MSG];
	struct vx_err err;
	int o;

	while ((o = cmd_getopt(argc, argv, "+", opts, NULL)) != -1) {
		switch (o) {
		case 'n': save = false; break;
		case 'w': wait = true; break;
		default: return cmd_usage("set");
		}
	}
	if (argc - optind < 2)
		return cmd_usage("set");
	if (set_context(argv[optind], argc - optind - 1, argv + optind + 1, save, wait, &deferred,
		    &err) < 0)
		return cmd_fail(&err);
	for (o = optind + 1; o < argc; o++)
		if (strncmp(argv[o], "disk=", 5) == 0 && storage_overcommit(note, sizeof(note)))
			cmd_warn(argv[optind], note);
	if (deferred)
		printf("%s: %u setting%s take%s effect at the next start\n", argv[optind], deferred,
		       deferred > 1 ? "s" : "", deferred > 1 ? "" : "s");
	return 0;
}
