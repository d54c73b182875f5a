// SPDX-License-Identifier: GPL-2.0-or-later
/* vctx autostart [--stop] [--group GROUP] [-j N] [--dry-run] */
#include <getopt.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "ops/autostart.h"

int cmd_autostart(int argc, char **argv)
{
	static const struct option opts[] = { { "stop", no_argument, NULL, 's' },
					      { "group", required_argument, NULL, 'g' },
					      { "jobs", required_argument, NULL, 'j' },
					      { "dry-run", no_argument, NULL, 'n' },
					      { NULL, 0, NULL, 0 } };
	struct autostart_opts o = { .jobs = 0 };
	bool stop = false;
	struct vx_err err = { 0 };
	uint64_t jobs;
	int c, r;

	while ((c = cmd_getopt(argc, argv, "j:", opts, NULL)) != -1) {
		switch (c) {
		case 's': stop = true; break;
		case 'g':
			if (parse_name(optarg, "group", &err) < 0)
				return cmd_fail(&err);
			o.group = optarg;
			break;
		case 'j':
			if (parse_u64(optarg, 1, 1024, &jobs, &err) < 0)
				return cmd_fail(&err);
			o.jobs = jobs;
			break;
		case 'n': o.dry_run = true; break;
		default: return cmd_usage("autostart");
		}
	}
	if (optind != argc)
		return cmd_usage("autostart");
	if (!o.jobs) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		/* Starting is work for the CPUs; stopping is mostly waiting for each init to
		 * shut down (busybox takes 2 s), so many go at once. */
		o.jobs = stop ? 64 : (n > 0 ? n : 1);
	}
	r = stop ? autostart_stop(&o, &err) : autostart_start(&o, &err);
	if (r < 0)
		return cmd_fail(&err);
	return r > 0 ? 1 : 0;
}
