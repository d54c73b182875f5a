// SPDX-License-Identifier: GPL-2.0-or-later
/* vctx template build NAME --from SOURCE [OPTIONS]
 * vctx template list [--json]
 * vctx template remove NAME */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "core/json.h"
#include "core/paths.h"
#include "core/template.h"
#include "core/util.h"
#include "ops/template.h"

static void build_progress(uint64_t bytes, double secs, void *user)
{
	cmd_progress("building", user, bytes, secs);
}

static int build(int argc, char **argv)
{
	const char *name, *source = NULL;
	struct proc_watch w = { .fn = build_progress };
	struct vx_err err;
	int i, rest, r;

	/* template build NAME --from SOURCE [builder options, passed through] */
	if (argc < 3)
		return cmd_usage("template");
	name = argv[1];
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--from") == 0 && i + 1 < argc) {
			source = argv[i + 1];
			break;
		}
		if (strncmp(argv[i], "--from=", 7) == 0) {
			source = argv[i] + 7;
			break;
		}
	}
	if (!source)
		return cmd_usage("template");
	/* Everything but NAME and --from goes to the builder. */
	rest = 0;
	for (int j = 2; j < argc; j++) {
		if (j == i || (j == i + 1 && strcmp(argv[i], "--from") == 0))
			continue;
		argv[rest++] = argv[j];
	}
	/* Progress only for a person watching. */
	w.user = (void *)name;
	r = template_build(name, source, rest, argv, isatty(STDERR_FILENO) ? &w : NULL, &err);
	cmd_progress_end();
	return r < 0 ? cmd_fail(&err) : 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list(bool json)
{
	DIR *d;
	struct dirent *de;
	char *names[1024];
	int n = 0, i;
	struct json j;

	template_clean_stale();
	d = opendir(vx_paths.templates);
	while (d && (de = readdir(d)) && n < 1024)
		if (de->d_name[0] != '.')
			names[n++] = strdup(de->d_name);
	if (d)
		closedir(d);
	qsort(names, n, sizeof(names[0]), cmp);
	if (json) {
		json_begin(&j, stdout);
		json_array(&j, "templates");
	} else
		printf("%-16s %-10s %-10s %-9s %-8s %8s  %s\n", "NAME", "DIST", "RELEASE", "INIT",
		       "ARCH", "SIZE", "USED BY");
	for (i = 0; i < n; i++) {
		struct vx_template t;
		struct vx_err err;
		char path[PATH_MAX], size[16] = "-", users[1024];
		bool ok = template_load(names[i], &t, &err) == 0;

		template_users(names[i], users, sizeof(users));
		if (!json && path_tpldir(path, sizeof(path), names[i], "rootfs") == 0)
			fmt_size(size, sizeof(size), template_tree_size(path));
		if (json) {
			json_object(&j, NULL);
			json_string(&j, "name", names[i]);
			json_bool(&j, "ok", ok);
			json_string(&j, "error", ok ? NULL : err.msg);
			json_string(&j, "distribution", ok ? t.distribution : NULL);
			json_string(&j, "release", ok ? t.release : NULL);
			json_string(&j, "init", ok ? t.init_flavour : NULL);
			json_string(&j, "architecture", ok ? t.architecture : NULL);
			json_array(&j, "used_by");
			for (char *u = users, *save = NULL, *tok; (tok = strtok_r(u, ", ", &save));
			     u = NULL)
				json_string(&j, NULL, tok);
			json_close(&j);
			json_close(&j);
		} else if (ok) {
			printf("%-16s %-10s %-10s %-9s %-8s %8s  %s\n", names[i], t.distribution,
			       t.release, t.init_flavour, t.architecture, size,
			       users[0] ? users : "-");
		} else {
			printf("%-16s broken: %s\n", names[i], err.msg);
		}
		free(names[i]);
	}
	if (json)
		json_finish(&j);
	return 0;
}

int cmd_template(int argc, char **argv)
{
	struct vx_err err;

	if (argc < 2)
		return cmd_usage("template");
	if (strcmp(argv[1], "build") == 0)
		return build(argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0) {
		if (argc > 3 || (argc == 3 && strcmp(argv[2], "--json") != 0))
			return cmd_usage("template");
		return list(argc == 3);
	}
	if (strcmp(argv[1], "remove") == 0) {
		if (argc != 3)
			return cmd_usage("template");
		if (template_remove(argv[2], &err) < 0)
			return cmd_fail(&err);
		return 0;
	}
	return cmd_usage("template");
}
