// SPDX-License-Identifier: GPL-2.0-or-later
/* vctx migrate [--offline | --freeze] [-e SSH] [--remote-vctx CMD] [-v] NAME [USER@]HOST
 * vctx migrate --recover NAME
 * vctx migrate --receive STEP NAME ...   (the destination's half, run by the source over ssh) */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "core/hex.h"
#include "core/util.h"
#include "ops/migrate.h"
#include "ops/receive.h"

static void migrate_line(const char *line, void *user)
{
	fprintf(stderr, "vctx: migrate %s: %s\n", (const char *)user, line);
}

/* The destination's steps; what they answer goes to stdout as "key value" lines. */
static int migrate_receive(int argc, char **argv)
{
	struct receive_paths p;
	struct vx_err err = { 0 };
	char warning[256];
	_cleanup_free_ char *conf = NULL;
	const char *step = argc > 0 ? argv[0] : "";
	int r;

	/* STEP NAME TOKEN ... */
	if (strcmp(step, "prepare") == 0 && argc == 6) {
		conf = hex_decode(argv[3]);
		if (!conf)
			return cmd_fail(&(struct vx_err){ EINVAL, "the config sent is not hex" });
		r = receive_prepare(argv[1], argv[2], conf, argv[4], argv[5], &p, &err);
		if (r == 0)
			printf("context %s\ntemplate %s\n", p.context, p.template);
	} else if (strcmp(step, "commit") == 0 && argc == 7) {
		conf = hex_decode(argv[3]);
		if (!conf)
			return cmd_fail(&(struct vx_err){ EINVAL, "the config sent is not hex" });
		r = receive_commit(argv[1], argv[2], conf, argv[4], strtoull(argv[5], NULL, 10),
				   strcmp(argv[6], "1") == 0, warning, sizeof(warning), &err);
		if (r == 0)
			printf("%s\nwarning %s\n", strcmp(argv[6], "1") == 0 ? "running" : "stopped",
			       warning);
	} else if (strcmp(step, "finish") == 0 && argc == 3) {
		r = receive_finish(argv[1], argv[2], &err);
	} else if (strcmp(step, "abort") == 0 && argc == 3) {
		static const char *const said[] = { [RECEIVE_ABORTED] = "aborted",
						    [RECEIVE_RUNNING] = "running",
						    [RECEIVE_COMMITTED] = "committed" };

		r = receive_abort(argv[1], argv[2], &err);
		if (r >= 0)
			printf("%s\n", said[r]);
	} else {
		return cmd_usage("migrate");
	}
	return r < 0 ? cmd_fail(&err) : 0;
}

int cmd_migrate(int argc, char **argv)
{
	static const struct option opts[] = { { "offline", no_argument, NULL, 'o' },
					      { "freeze", no_argument, NULL, 'f' },
					      { "ssh", required_argument, NULL, 'e' },
					      { "remote-vctx", required_argument, NULL, 'r' },
					      { "recover", no_argument, NULL, 'R' },
					      { "receive", no_argument, NULL, 'X' },
					      { "verbose", no_argument, NULL, 'v' },
					      { NULL, 0, NULL, 0 } };
	struct migrate_opts mo = { .ssh = "ssh -o BatchMode=yes", .remote = "vctx" };
	struct migrate_result res;
	struct vx_err err = { 0 };
	bool recover = false, verbose = false;
	char outcome[512], sent[16];
	int o;

	while ((o = cmd_getopt(argc, argv, "+e:v", opts, NULL)) != -1) {
		switch (o) {
		case 'o': mo.offline = true; break;
		case 'f': mo.freeze = true; break;
		case 'e': mo.ssh = optarg; break;
		case 'r': mo.remote = optarg; break;
		case 'R': recover = true; break;
		case 'X': return migrate_receive(argc - optind, argv + optind);
		case 'v': verbose = true; break;
		default: return cmd_usage("migrate");
		}
	}
	if (recover) {
		if (argc - optind != 1)
			return cmd_usage("migrate");
		if (migrate_recover(argv[optind], outcome, sizeof(outcome), &err) < 0)
			return cmd_fail(&err);
		printf("%s\n", outcome);
		return 0;
	}
	if (argc - optind != 2 || (mo.offline && mo.freeze))
		return cmd_usage("migrate");
	mo.name = argv[optind];
	mo.host = argv[optind + 1];
	if (verbose || isatty(STDERR_FILENO)) {
		mo.say = migrate_line;
		mo.user = (void *)mo.name;
	}
	if (migrate_context(&mo, &res, &err) < 0)
		return cmd_fail(&err);
	if (res.warning[0])
		cmd_warn(mo.name, res.warning);
	fmt_size(sent, sizeof(sent), res.sent);
	if (res.running)
		printf("%s runs on %s: %s sent, stopped for %.2f s, %.1f s in all\n", mo.name,
		       mo.host, sent, res.down_ns / 1e9, res.total_ns / 1e9);
	else
		printf("%s is on %s (stopped): %s sent, %.1f s in all\n", mo.name, mo.host, sent,
		       res.total_ns / 1e9);
	return 0;
}
