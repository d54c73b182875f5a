// SPDX-License-Identifier: GPL-2.0-or-later
/* vctx clone SRC DST [KEY=VALUE ...]
 * vctx export [--with-template] [--with-snapshots] [-v] NAME FILE|-
 * vctx import [--name NAME] [--trust-config] FILE|- [KEY=VALUE ...] */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "core/util.h"
#include "kernel/proc.h"
#include "ops/clone.h"
#include "ops/export.h"
#include "ops/import.h"

static void export_progress(uint64_t bytes, double secs, void *user)
{
	cmd_progress("exporting", user, bytes, secs);
}

static void import_progress(uint64_t bytes, double secs, void *user)
{
	cmd_progress("importing", user, bytes, secs);
}

static void copy_progress(uint64_t bytes, double secs, void *user)
{
	cmd_progress("copying", user, bytes, secs);
}

int cmd_clone(int argc, char **argv)
{
	struct proc_watch w = { .fn = copy_progress };
	struct vx_err err = { 0 };
	bool tty = isatty(STDERR_FILENO);
	int r;

	if (cmd_getopt(argc, argv, "+", NULL, NULL) != -1 || argc - optind < 2)
		return cmd_usage("clone");
	w.user = argv[optind];
	r = clone_context(argv[optind], argv[optind + 1], argc - optind - 2, argv + optind + 2,
			  tty ? &w : NULL, &err);
	cmd_progress_end();
	return r < 0 ? cmd_fail(&err) : 0;
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = { { "with-template", no_argument, NULL, 't' },
					      { "with-snapshots", no_argument, NULL, 's' },
					      { "verbose", no_argument, NULL, 'v' },
					      { NULL, 0, NULL, 0 } };
	struct export_opts eo = { 0 };
	struct export_result res;
	struct vx_err err = { 0 };
	bool verbose = false;
	int o;

	while ((o = cmd_getopt(argc, argv, "v", opts, NULL)) != -1) {
		switch (o) {
		case 't': eo.with_template = true; break;
		case 's': eo.with_snapshots = true; break;
		case 'v': verbose = true; break;
		default: return cmd_usage("export");
		}
	}
	if (argc - optind != 2)
		return cmd_usage("export");
	/* Progress only for a person watching: never into a pipe or a log. */
	if (isatty(STDERR_FILENO)) {
		eo.progress = export_progress;
		eo.user = argv[optind];
	}
	o = export_context(argv[optind], argv[optind + 1], &eo, &res, &err);
	cmd_progress_end();
	if (o < 0)
		return cmd_fail(&err);
	if (verbose || eo.progress) {
		char b[16];

		fmt_size(b, sizeof(b), res.bytes);
		if (res.frozen_ns)
			fprintf(stderr, "vctx: %s: %s written; frozen %.1f ms (%.1f ms copying what "
				"changed)\n", argv[optind], b, res.frozen_ns / 1e6,
				res.changed_ns / 1e6);
		else
			fprintf(stderr, "vctx: %s: %s written; not running, not frozen\n",
				argv[optind], b);
	}
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
	if (isatty(STDERR_FILENO)) {
		io.progress = import_progress;
		io.user = (void *)(io.name ? io.name : io.file);
	}
	o = import_context(&io, &res, &err);
	cmd_progress_end();
	if (o < 0)
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
