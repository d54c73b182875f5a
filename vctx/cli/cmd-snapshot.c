// SPDX-License-Identifier: GPL-2.0-or-later
/* vctx snapshot [--wait] [create] NAME [SNAP] | list [--json] NAME | delete NAME SNAP
 * vctx restore [--wait] NAME SNAP */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "core/util.h"
#include "kernel/proc.h"
#include "core/json.h"
#include "ops/snapshot.h"

static const struct option opts[] = { { "wait", no_argument, NULL, 'w' },
				      { "json", no_argument, NULL, 'j' },
				      { NULL, 0, NULL, 0 } };

static int print_list(const char *name, bool json, struct vx_err *err)
{
	struct snapshot_info *v;
	char when[32], size[32];
	int n = snapshot_list(name, &v, err), i;
	struct json j;

	if (n < 0)
		return -1;
	if (json) {
		json_begin(&j, stdout);
		json_string(&j, "context", name);
		json_array(&j, "snapshots");
	} else
		printf("%-32s %-19s %10s\n", "SNAPSHOT", "CREATED", "SIZE");
	for (i = 0; i < n; i++) {
		struct tm tm;

		localtime_r(&v[i].created, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		if (json) {
			json_object(&j, NULL);
			json_string(&j, "name", v[i].name);
			json_int(&j, "created", v[i].created, true);
			json_uint(&j, "bytes", v[i].bytes, true);
			json_close(&j);
		} else {
			fmt_size(size, sizeof(size), v[i].bytes);
			printf("%-32s %-19s %10s\n", v[i].name, when, size);
		}
	}
	if (json)
		json_finish(&j);
	free(v);
	return 0;
}

static void snapshot_progress(uint64_t bytes, double secs, void *user)
{
	cmd_progress("snapshot of", user, bytes, secs);
}

int cmd_snapshot(int argc, char **argv)
{
	bool wait = false, json = false;
	char made[VX_NAME_MAX + 1];
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
		r = print_list(argv[optind], json, &err);
	else if (strcmp(sub, "delete") == 0 && n == 2 && !json)
		r = snapshot_delete(argv[optind], argv[optind + 1], wait, &err);
	else if (strcmp(sub, "create") == 0 && (n == 1 || n == 2) && !json) {
		struct proc_watch w = { .fn = snapshot_progress, .user = argv[optind] };
		bool tty = isatty(STDERR_FILENO);

		r = snapshot_create(argv[optind], n == 2 ? argv[optind + 1] : NULL, made,
				    sizeof(made), wait, tty ? &w : NULL, &err);
		cmd_progress_end();
		/* The name is the handle for restore and delete: say it when we chose it. */
		if (r == 0 && n == 1)
			printf("%s\n", made);
	} else
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
	if (snapshot_restore(argv[optind], argv[optind + 1], wait, &err) < 0)
		return cmd_fail(&err);
	return 0;
}
