// SPDX-License-Identifier: GPL-2.0-or-later
/* vctx clone SRC DST [KEY=VALUE ...]
 * vctx export [--with-template] NAME FILE
 * vctx import [--name NAME] FILE */
#include <getopt.h>

#include "cmd.h"
#include "snapshot.h"

int cmd_clone(int argc, char **argv)
{
	struct vx_err err = { 0 };

	if (cmd_getopt(argc, argv, "+", NULL, NULL) != -1 || argc - optind < 2)
		return cmd_usage("clone");
	if (ctx_clone(argv[optind], argv[optind + 1], argc - optind - 2, argv + optind + 2,
		      &err) < 0)
		return cmd_fail(&err);
	return 0;
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = { { "with-template", no_argument, NULL, 't' },
					      { NULL, 0, NULL, 0 } };
	bool with_template = false;
	struct vx_err err = { 0 };
	int o;

	while ((o = cmd_getopt(argc, argv, "", opts, NULL)) != -1) {
		if (o != 't')
			return cmd_usage("export");
		with_template = true;
	}
	if (argc - optind != 2)
		return cmd_usage("export");
	if (ctx_export(argv[optind], argv[optind + 1], with_template, &err) < 0)
		return cmd_fail(&err);
	return 0;
}

int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = { { "name", required_argument, NULL, 'n' },
					      { NULL, 0, NULL, 0 } };
	const char *name = NULL;
	struct vx_err err = { 0 };
	int o;

	while ((o = cmd_getopt(argc, argv, "", opts, NULL)) != -1) {
		if (o != 'n')
			return cmd_usage("import");
		name = optarg;
	}
	if (argc - optind != 1)
		return cmd_usage("import");
	if (ctx_import(argv[optind], name, &err) < 0)
		return cmd_fail(&err);
	return 0;
}
