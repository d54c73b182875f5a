// SPDX-License-Identifier: GPL-2.0-or-later
/* main.c — vctx: global options, the command table, usage. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "core/paths.h"
#include "core/proctitle.h"
#include "core/util.h"
#include "supervisor/handover.h"
#include "supervisor/supervisor.h"

#define VERSION "0.1"

const struct vx_cmd vx_cmds[] = {
	{ "create", "NAME --template TEMPLATE [KEY=VALUE ...]",
	  "write a context's config from a template; copies nothing", cmd_create },
	{ "start", "[-F] [--wait] [--ready] [--timing] NAME",
	  "start a context (-F: attached to its console, in the foreground)", cmd_start },
	{ "stop", "[--timeout SECONDS] [--kill] [--wait] NAME", "stop a context", cmd_stop },
	{ "restart", "[--timeout SECONDS] [--wait] NAME", "stop a context if it runs, start it",
	  cmd_restart },
	{ "destroy", "[--force] [--wait] NAME", "remove a context: config, storage, logs",
	  cmd_destroy },
	{ "set", "[--no-save] [--wait] NAME KEY=VALUE ...",
	  "change settings; limits apply to a running context at once", cmd_set },
	{ "exec", "[-t | -T] [--cwd DIR] NAME -- COMMAND [ARG ...]",
	  "run a command inside a running context", cmd_exec },
	{ "enter", "NAME", "a root login shell inside a running context", cmd_enter },
	{ "console", "[--escape KEYS] NAME", "attach to a running context's console", cmd_console },
	{ "logs", "[-f] [--console] [--raw] NAME",
	  "a context's syslog (or console) log, control characters escaped", cmd_logs },
	{ "list", "[--json] [-o COLUMNS] [--running | --stopped] [--group GROUP] [--no-header]",
	  "every context with its state, addresses and use", cmd_list },
	{ "top", "[-b] [-n N] [-d SECONDS] [-s cpu|mem|pids|io|net|name]",
	  "every running context's use, live, the busiest first", cmd_top },
	{ "autostart", "[--stop] [--group GROUP] [-j N] [--dry-run]",
	  "start every onboot context in dependency order, in parallel (--stop: stop all)",
	  cmd_autostart },
	{ "check", "[--json]", "probe the running kernel for every feature vctx uses", cmd_check },
	{ "config", "show NAME | edit NAME",
	  "the config as it takes effect, with where each value comes from; edit it whole",
	  cmd_config },
	{ "status", "[--json] NAME", "one context in detail", cmd_status },
	{ "snapshot", "[--wait] [create] NAME [SNAP] | list [--json] NAME | delete NAME SNAP",
	  "copy a context's files aside (frozen if it runs), list and delete the copies",
	  cmd_snapshot },
	{ "restore", "[--wait] NAME SNAP", "put a snapshot back (the context is stopped)",
	  cmd_restore },
	{ "clone", "SRC DST [KEY=VALUE ...]", "a new context with a copy of another's files",
	  cmd_clone },
	{ "export", "[--with-template] [--with-snapshots] [-v] NAME FILE|-",
	  "one archive that moves a context to another host (frozen only for the last changes)",
	  cmd_export },
	{ "import", "[--name NAME] [--trust-config] FILE|- [KEY=VALUE ...]",
	  "make a context from an export archive (a file, or - for stdin)", cmd_import },
	{ "migrate", "[--offline | --freeze] [-e SSH] [--remote-vctx CMD] [-v] NAME [USER@]HOST | --recover NAME",
	  "move a context to another host over SSH (stopped only for the last changes)",
	  cmd_migrate },
	{ "template", "build NAME --from SOURCE [OPTIONS] | list [--json] | remove NAME",
	  "build, list and remove templates", cmd_template },
	{ NULL, NULL, NULL, NULL },
};

static void usage(FILE *f)
{
	const struct vx_cmd *c;

	fprintf(f, "usage: vctx [--prefix DIR] COMMAND [ARGS]\n\n");
	for (c = vx_cmds; c->name; c++)
		fprintf(f, "  vctx %s %s\n      %s\n", c->name, c->args, c->help);
	fprintf(f, "\nSee vctx(8) and vctx.conf(5).\n");
}

static char bad_opt[64];

int cmd_getopt(int argc, char *const *argv, const char *shortopts, const struct option *longopts,
	       int *idx)
{
	int r;

	opterr = 0;
	r = getopt_long(argc, argv, shortopts, longopts, idx);
	if (r == '?') {
		const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : NULL;

		if (arg && arg[0] == '-' && arg[1] == '-')
			snprintf(bad_opt, sizeof(bad_opt), "%.*s", (int)strcspn(arg, "="), arg);
		else
			snprintf(bad_opt, sizeof(bad_opt), "-%c", optopt ? optopt : '?');
	}
	return r;
}

int cmd_usage(const char *name)
{
	const struct vx_cmd *c;

	for (c = vx_cmds; c->name; c++) {
		if (strcmp(c->name, name) != 0)
			continue;
		if (bad_opt[0])
			fprintf(stderr, "vctx: unknown option or missing value: %s; usage: vctx %s %s\n",
				bad_opt, c->name, c->args);
		else
			fprintf(stderr, "vctx: usage: vctx %s %s\n", c->name, c->args);
	}
	return EXIT_USAGE;
}

static bool progress_shown;

void cmd_progress(const char *what, const char *name, uint64_t bytes, double seconds)
{
	char b[16], rate[16];

	fmt_size(b, sizeof(b), bytes);
	fmt_size(rate, sizeof(rate), seconds > 0 ? (uint64_t)(bytes / seconds) : 0);
	fprintf(stderr, "\r%s %s: %s (%s/s)   ", what, name, b, rate);
	progress_shown = true;
}

void cmd_progress_end(void)
{
	if (progress_shown)
		fputc('\n', stderr);
	progress_shown = false;
}

int cmd_fail(const struct vx_err *err)
{
	vx_err_print("vctx", err);
	return 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = { { "prefix", required_argument, NULL, 'p' },
					      { "help", no_argument, NULL, 'h' },
					      { "version", no_argument, NULL, 'V' },
					      { NULL, 0, NULL, 0 } };
	const char *prefix = NULL;
	const struct vx_cmd *c;
	struct vx_err err;
	int o;

	/* A supervisor back from rest runs this binary under that name (supervisor/handover.h). */
	if (argc == 2 || argc == 3)
		if (strcmp(argv[0], HANDOVER_ARGV0) == 0)
			sup_resume();
	proctitle_init(argc, argv);
	/* A closed socket or pipe is an error to report, not a reason to die. */
	signal(SIGPIPE, SIG_IGN);
	/* '+': stop at the command name; its options are its own. */
	while ((o = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (o) {
		case 'p': prefix = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("vctx %s\n", VERSION); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (paths_init(prefix, &err) < 0)
		return cmd_fail(&err);
	for (c = vx_cmds; c->name; c++) {
		if (strcmp(c->name, argv[optind]) == 0) {
			/* The command sees itself as argv[0]; getopt starts afresh. */
			optind++;
			argv += optind - 1;
			argc -= optind - 1;
			optind = 0;
			return c->run(argc, argv);
		}
	}
	vx_fail(&err, EINVAL, "unknown command '%.64s' (see 'vctx --help')", argv[optind]);
	cmd_fail(&err);
	return EXIT_USAGE;
}
