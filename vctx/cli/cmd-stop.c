// SPDX-License-Identifier: GPL-2.0-or-later
/* vctx stop [--timeout SECONDS] [--kill] [--wait] NAME
 * vctx restart [--timeout SECONDS] [--wait] NAME */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"
#include "core/parse.h"
#include "ops/start.h"
#include "ops/stop.h"

static int stop_opts(const char *cmd, int argc, char **argv, uint64_t *timeout, bool *kill,
		     bool *wait)
{
	static const struct option opts[] = { { "timeout", required_argument, NULL, 't' },
					      { "kill", no_argument, NULL, 'k' },
					      { "wait", no_argument, NULL, 'w' },
					      { NULL, 0, NULL, 0 } };
	struct vx_err err;
	int o;

	*timeout = VX_TIMEOUT_CONFIG;
	while ((o = cmd_getopt(argc, argv, "t:", opts, NULL)) != -1) {
		switch (o) {
		case 't':
			if (parse_duration(optarg, timeout, &err) < 0)
				return cmd_fail(&err);
			break;
		case 'k':
			if (!kill)
				return cmd_usage(cmd);
			*kill = true;
			break;
		case 'w': *wait = true; break;
		default: return cmd_usage(cmd);
		}
	}
	if (optind != argc - 1)
		return cmd_usage(cmd);
	return 0;
}

/* One line about a config that no longer parses: the command worked without it. */
void cmd_warn(const char *name, const char *warning)
{
	if (warning[0])
		fprintf(stderr, "vctx: %s: warning: %s\n", name, warning);
}

int cmd_stop(int argc, char **argv)
{
	bool kill = false, wait = false;
	char warning[VX_ERR_MSG];
	struct vx_err err;
	uint64_t timeout;
	int r = stop_opts("stop", argc, argv, &timeout, &kill, &wait);

	if (r)
		return r;
	r = stop_context(argv[optind], timeout, kill, wait, warning, sizeof(warning), &err);
	if (r < 0)
		return cmd_fail(&err);
	cmd_warn(argv[optind], warning);
	/* Stopping a stopped context succeeds, as systemctl stop of a stopped unit does. */
	if (r > 0)
		fprintf(stderr, "vctx: %s was not running\n", argv[optind]);
	return 0;
}

int cmd_restart(int argc, char **argv)
{
	struct start_result res;
	bool wait = false;
	struct vx_err err;
	uint64_t timeout;
	int r = stop_opts("restart", argc, argv, &timeout, NULL, &wait);

	if (r)
		return r;
	if (stop_context(argv[optind], timeout, false, wait, NULL, 0, &err) < 0)
		return cmd_fail(&err);
	if (start_context(argv[optind], wait, NULL, &res, &err) < 0)
		return cmd_fail(&err);
	return 0;
}
