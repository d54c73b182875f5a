// SPDX-License-Identifier: GPL-2.0-or-later
/* vctx snapshot [--wait] [create] NAME [SNAP] | list [--json] NAME | delete NAME SNAP
 * vctx restore [--wait] NAME SNAP */
#include <getopt.h>
#include <string.h>

#include "cli/cmd.h"
#include "ops/snapshot.h"

static const struct option opts[] = { { "wait", no_argument, NULL, 'w' },
				      { "json", no_argument, NULL, 'j' },
				      { NULL, 0, NULL, 0 } };

int cmd_snapshot(int argc, char **argv)
{
	bool wait = false, json = false;
	const char *sub = "create";
	struct vx_err err = { 0 };
	int o, n, r;

	/* The subcommand comes first; options may follow it. */
	if (argc > 1 && (strcmp(argv[1], "create") == 0 || strcmp(argv[1], "list") == 0 ||
			 strcmp(argv[1], "delete") == 0)) {
		sub = argv[1];
		argv++;
		argc--;
	}
	while ((o = cmd_getopt(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'w': wait = true; break;
		case 'j': json = true; break;
		default: return cmd_usage("snapshot");
		}
	}
	n = argc - optind;
	if (strcmp(sub, "list") == 0 && n == 1)
		r = snap_list(argv[optind], json, &err);
	else if (strcmp(sub, "delete") == 0 && n == 2 && !json)
		r = snap_delete(argv[optind], argv[optind + 1], wait, &err);
	else if (strcmp(sub, "create") == 0 && (n == 1 || n == 2) && !json)
		r = snap_create(argv[optind], n == 2 ? argv[optind + 1] : NULL, wait, &err);
	else
		return cmd_usage("snapshot");
	return r < 0 ? cmd_fail(&err) : 0;
}

int cmd_restore(int argc, char **argv)
{
	struct vx_err err = { 0 };
	bool wait = false;
	int o;

	while ((o = cmd_getopt(argc, argv, "", opts, NULL)) != -1) {
		if (o != 'w')
			return cmd_usage("restore");
		wait = true;
	}
	if (argc - optind != 2)
		return cmd_usage("restore");
	if (snap_restore(argv[optind], argv[optind + 1], wait, &err) < 0)
		return cmd_fail(&err);
	return 0;
}
