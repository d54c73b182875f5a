// SPDX-License-Identifier: GPL-2.0-or-later
/* vctx clone SRC DST [KEY=VALUE ...]
 * vctx export [--with-template] NAME FILE
 * vctx import [--name NAME] [--trust-config] FILE|- [KEY=VALUE ...] */
#include <getopt.h>
#include <stdio.h>

#include "cli/cmd.h"
#include "ops/clone.h"
#include "ops/export.h"
#include "ops/import.h"

int cmd_clone(int argc, char **argv)
{
	struct vx_err err = { 0 };

	if (cmd_getopt(argc, argv, "+", NULL, NULL) != -1 || argc - optind < 2)
		return cmd_usage("clone");
	if (clone_context(argv[optind], argv[optind + 1], argc - optind - 2, argv + optind + 2,
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
	if (export_context(argv[optind], argv[optind + 1], with_template, &err) < 0)
		return cmd_fail(&err);
	return 0;
}

int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = { { "name", required_argument, NULL, 'n' },
					      { "trust-config", no_argument, NULL, 't' },
					      { NULL, 0, NULL, 0 } };
	struct import_opts io = { 0 };
	struct import_result res;
	struct vx_err err = { 0 };
	int o;

	while ((o = cmd_getopt(argc, argv, "+", opts, NULL)) != -1) {
		switch (o) {
		case 'n': io.name = optarg; break;
		case 't': io.trust_config = true; break;
		default: return cmd_usage("import");
		}
	}
	if (argc - optind < 1)
		return cmd_usage("import");
	io.file = argv[optind];
	io.nset = argc - optind - 1;
	io.set = argv + optind + 1;
	if (import_context(&io, &res, &err) < 0)
		return cmd_fail(&err);
	if (res.dropped[0])
		fprintf(stderr, "vctx: %s: not taken from the archive, this host's defaults instead: "
			"%s (--trust-config keeps them)\n", res.name, res.dropped);
	if (res.fixed)
		fprintf(stderr, "vctx: %s: %u files were owned outside the archive's id range: "
			"now its nobody's, without set-id bits\n", res.name, res.fixed);
	if (res.skipped)
		fprintf(stderr, "vctx: %s: %u device nodes of the carried template were left out "
			"(a context's /dev is vctx's own)\n", res.name, res.skipped);
	return 0;
}
