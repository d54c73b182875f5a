// SPDX-License-Identifier: GPL-2.0-or-later
/* vctx autostart [--stop] [--group GROUP] [-j N] [--dry-run] */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "ops/autostart.h"

/* One line per event: a time column, the context, what happened. */
static void print_event(const struct autostart_report *r, void *user)
{
	const struct boot_node *n = r->node;
	char t[16] = "";
	unsigned d;

	(void)user;
	if (r->t >= 0)
		snprintf(t, sizeof(t), "%+8.3fs", r->t);
	switch (r->event) {
	case AUTOSTART_BEGIN:
		printf("%9s %-24s %s\n", t, n->name, r->stopping ? "stopping" : "starting");
		break;
	case AUTOSTART_DONE:
		printf("%9s %-24s %s\n", t, n->name, r->stopping ? "down" : "up");
		break;
	case AUTOSTART_FAILED:
		printf("%9s %-24s FAILED: %s\n", t, n->name, r->why);
		break;
	case AUTOSTART_SKIPPED:
		printf("%9s %-24s skipped: %s\n", "", n->name, r->why);
		break;
	case AUTOSTART_KILLED:
		printf("%9s %-24s killed\n", "", n->name);
		break;
	case AUTOSTART_CYCLE:
		fprintf(stderr, "vctx: dependency cycle: %s; stopping without order\n", r->why);
		break;
	case AUTOSTART_STEP:
		printf("%3u. %-24s order %-6llu", r->step, n->name, (unsigned long long)n->order);
		for (d = 0; d < n->ndeps; d++)
			printf("%s%s", d ? ", " : (r->stopping ? " before " : " after "),
			       r->plan->v[n->deps[d]].name);
		printf("\n");
		break;
	case AUTOSTART_SUMMARY:
		printf("autostart%s: %u %s, %u failed, %u skipped in %.3fs\n",
		       r->stopping ? " --stop" : "", r->done, r->stopping ? "stopped" : "up",
		       r->failed, r->skipped, r->t);
		break;
	}
	/* Each event as it happens, into a log or a pipe too. */
	fflush(stdout);
	fflush(stdout);
}

int cmd_autostart(int argc, char **argv)
{
	static const struct option opts[] = { { "stop", no_argument, NULL, 's' },
					      { "group", required_argument, NULL, 'g' },
					      { "jobs", required_argument, NULL, 'j' },
					      { "dry-run", no_argument, NULL, 'n' },
					      { NULL, 0, NULL, 0 } };
	struct autostart_opts o = { .jobs = 0, .report = print_event };
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

		/* Starting is work for the CPUs, with waits in it (the child's cgroups, the
		 * mount helper, init's first steps): two starts for each CPU keep them busy (200
		 * busybox contexts on 2 CPUs: 0.84-0.92 s with 2 at once, 0.81-0.84 s with 4,
		 * 0.85-0.90 s with 6 or 8).  Stopping is waiting for each init to shut down
		 * (busybox takes 2 s): every context at once, as far as dependencies allow, so
		 * stopping 200 takes one init's shutdown, not 200/64 of them. */
		o.jobs = stop ? 1024 : (n > 0 ? 2 * n : 2);
	}
	r = stop ? autostart_stop(&o, &err) : autostart_start(&o, &err);
	if (r < 0)
		return cmd_fail(&err);
	return r > 0 ? 1 : 0;
}
