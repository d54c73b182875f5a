// SPDX-License-Identifier: GPL-2.0-or-later
/* vctx start [-F] [--wait] [--ready] [--timing] NAME */
#include <getopt.h>
#include <stdio.h>

#include "cli/cmd.h"
#include "core/util.h"
#include "ops/start.h"

int cmd_start(int argc, char **argv)
{
	static const struct option opts[] = { { "foreground", no_argument, NULL, 'F' },
					      { "wait", no_argument, NULL, 'w' },
					      { "timing", no_argument, NULL, 'T' },
					      { "ready", no_argument, NULL, 'R' },
					      { NULL, 0, NULL, 0 } };
	struct start_result res;
	struct start_console con;
	bool wait = false, timing = false, fg = false, ready = false;
	struct vx_err err;
	uint64_t t0 = now_ns();
	int32_t status = 0;
	int o, i;

	while ((o = cmd_getopt(argc, argv, "F", opts, NULL)) != -1) {
		switch (o) {
		case 'F': fg = true; break;
		case 'w': wait = true; break;
		case 'T': timing = true; break;
		case 'R': ready = true; break;
		default: return cmd_usage("start");
		}
	}
	if (optind != argc - 1 || (fg && ready))
		return cmd_usage("start");
	if (start_context(argv[optind], wait, fg ? &con : NULL, &res, &err) < 0)
		return cmd_fail(&err);
	if (res.note[0])
		fprintf(stderr, "vctx: %s: %s\n", argv[optind], res.note);
	if (timing) {
		uint64_t sum = 0;

		/* The network and the device control are set up beside the root: their time is within
		 * root fs's. */
		for (i = 0; i < PH_COUNT; i++) {
			printf("%-10s %8.3f ms%s\n", vx_phase_names[i], res.phase_ns[i] / 1e6,
			       i == PH_NETWORK ? "  (and devices, beside root fs)" : "");
			if (i != PH_NETWORK)
				sum += res.phase_ns[i];
		}
		printf("%-10s %8.3f ms\n", "other", (now_ns() - t0 - sum) / 1e6);
		printf("%-10s %8.3f ms\n", "total", (now_ns() - t0) / 1e6);
	}
	if (ready && start_ready(argv[optind], &err) < 0)
		return cmd_fail(&err);
	if (!fg)
		return 0;
	/* Attached since before init's first byte; when it ends, its status is ours. */
	o = console_session(argv[optind], con.fd, con.escape, &err);
	close(con.fd);
	if (o == 0 && read_full(con.status_fd, &status, sizeof(status)) != sizeof(status))
		status = 0;
	close(con.status_fd);
	if (o < 0)
		return cmd_fail(&err);
	return o == 0 ? status : 0;
}
