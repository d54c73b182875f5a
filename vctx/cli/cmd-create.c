// SPDX-License-Identifier: GPL-2.0-or-later
/* vctx create NAME --template TEMPLATE [KEY=VALUE ...] */
#include <getopt.h>

#include "cli/cmd.h"
#include "kernel/storage.h"
#include "ops/create.h"

int cmd_create(int argc, char **argv)
{
	static const struct option opts[] = { { "template", required_argument, NULL, 't' },
					      { NULL, 0, NULL, 0 } };
	const char *tpl = NULL;
	char note[VX_ERR_MSG];
	struct vx_err err;
	int o;

	while ((o = cmd_getopt(argc, argv, "+t:", opts, NULL)) != -1) {
		if (o != 't')
			return cmd_usage("create");
		tpl = optarg;
	}
	/* NAME, then settings; --template may also follow NAME. */
	if (optind >= argc)
		return cmd_usage("create");
	{
		const char *name = argv[optind++];

		while ((o = cmd_getopt(argc, argv, "t:", opts, NULL)) != -1) {
			if (o != 't')
				return cmd_usage("create");
			tpl = optarg;
		}
		if (!tpl)
			return cmd_usage("create");
		if (create_context(name, tpl, argc - optind, argv + optind, &err) < 0)
			return cmd_fail(&err);
		/* Only an image promises room: a context without one changes no sum. */
		if (storage_image_size(name, NULL) && storage_overcommit(note, sizeof(note)))
			cmd_warn(name, note);
	}
	return 0;
}
