// SPDX-License-Identifier: GPL-2.0-or-later
/* vctx logs [-f] [--console] [--raw] NAME */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>

#include "cli/cmd.h"
#include "core/escape.h"
#include "core/paths.h"
#include "core/util.h"
#include "ops/handle.h"

int cmd_logs(int argc, char **argv)
{
	static const struct option opts[] = { { "follow", no_argument, NULL, 'f' },
					      { "console", no_argument, NULL, 'c' },
					      { "raw", no_argument, NULL, 'r' },
					      { NULL, 0, NULL, 0 } };
	bool follow = false, console = false, raw = false;
	struct escape_stream esc = { .flags = ESCAPE_KEEP_NL };
	char path[PATH_MAX];
	struct vx_handle h;
	struct vx_err err;
	int o;

	while ((o = cmd_getopt(argc, argv, "f", opts, NULL)) != -1) {
		switch (o) {
		case 'f': follow = true; break;
		case 'c': console = true; break;
		case 'r': raw = true; break;
		default: return cmd_usage("logs");
		}
	}
	if (optind != argc - 1)
		return cmd_usage("logs");
	/* Logs need the name only: a config with a typo in it does not hide them. */
	if (handle_open(&h, argv[optind], H_STATE | H_ANY, &err) < 0)
		return cmd_fail(&err);
	o = h.exists || h.st.have_record;
	handle_close(&h);
	if (!o) {
		vx_fail(&err, ENOENT, "context '%s' does not exist (see 'vctx list')", argv[optind]);
		return cmd_fail(&err);
	}
	if (path_logdir(path, sizeof(path), argv[optind], console ? "console.log" : "syslog") < 0)
		return 1;
	/* What a tenant wrote reaches the admin's terminal escaped; a console transcript's
	 * CRLF line ends read as lines. */
	if (console)
		esc.flags |= ESCAPE_CRLF;
	if (follow_file(path, follow, raw ? NULL : &esc, &err) < 0)
		return cmd_fail(&err);
	return 0;
}
