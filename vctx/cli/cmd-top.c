// SPDX-License-Identifier: GPL-2.0-or-later
/* vctx top [-b] [-n N] [-d SECONDS] [-s cpu|mem|pids|io|net|name] */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "core/util.h"
#include "ops/top.h"

/* How rows are ordered: the busiest first by one of these, or by name. */
static const char *const top_keys[] = { "cpu", "mem", "pids", "io", "net", "name" };
static int top_sort_by;

static double top_value(const struct top_row *r)
{
	switch (top_sort_by) {
	case 1: return r->mem;
	case 2: return r->pids;
	case 3: return (r->io_read > 0 ? r->io_read : 0) + (r->io_write > 0 ? r->io_write : 0);
	case 4: return (r->net_rx > 0 ? r->net_rx : 0) + (r->net_tx > 0 ? r->net_tx : 0);
	default: return r->cpu;
	}
}

static int top_cmp(const void *a, const void *b)
{
	const struct top_row *x = a, *y = b;
	double vx, vy;

	if (top_sort_by == 5)
		return strcmp(x->name, y->name);
	vx = top_value(x);
	vy = top_value(y);
	if (vx != vy)
		return vx < vy ? 1 : -1;
	return strcmp(x->name, y->name);
}

static void top_fmt_rate(char *b, size_t n, double v)
{
	if (v < 0)
		snprintf(b, n, "-");
	else
		fmt_size(b, n, (uint64_t)v);
}

static void top_frame(const struct top_row *rows, int n, int total, int max_rows, bool tty)
{
	char now[16], mem[40], lim[16], pids[48], rd[16], wr[16], rx[16], tx[16];
	time_t t = time(NULL);
	int i;

	strftime(now, sizeof(now), "%H:%M:%S", localtime(&t));
	if (tty)
		printf("\033[H\033[J");
	printf("vctx top - %s, %d running%s\n", now, total, tty ? " (Ctrl-C quits)" : "");
	printf("%-24s %6s %15s %12s %8s %8s %8s %8s\n", "NAME", "CPU%", "MEMORY", "PIDS",
	       "READ/s", "WRITE/s", "RX/s", "TX/s");
	for (i = 0; i < n && (max_rows <= 0 || i < max_rows); i++) {
		const struct top_row *r = &rows[i];

		fmt_size(mem, sizeof(mem), r->mem);
		if (r->mem_limit) {
			fmt_size(lim, sizeof(lim), r->mem_limit);
			snprintf(mem + strlen(mem), sizeof(mem) - strlen(mem), "/%s", lim);
		}
		if (r->pids_limit)
			snprintf(pids, sizeof(pids), "%llu/%llu", (unsigned long long)r->pids,
				 (unsigned long long)r->pids_limit);
		else
			snprintf(pids, sizeof(pids), "%llu", (unsigned long long)r->pids);
		top_fmt_rate(rd, sizeof(rd), r->io_read);
		top_fmt_rate(wr, sizeof(wr), r->io_write);
		top_fmt_rate(rx, sizeof(rx), r->net_rx);
		top_fmt_rate(tx, sizeof(tx), r->net_tx);
		printf("%-24s %6.1f %15s %12s %8s %8s %8s %8s\n", r->name, r->cpu, mem, pids, rd, wr,
		       rx, tx);
	}
	if (!tty)
		printf("\n");
	fflush(stdout);
}

int cmd_top(int argc, char **argv)
{
	static const struct option opts[] = { { "batch", no_argument, NULL, 'b' },
					      { "iterations", required_argument, NULL, 'n' },
					      { "delay", required_argument, NULL, 'd' },
					      { "sort", required_argument, NULL, 's' },
					      { NULL, 0, NULL, 0 } };
	bool batch = false, tty;
	uint64_t iterations = 0, delay_ms = 1000, done;
	struct top_sample prev, cur;
	struct vx_err err;
	unsigned k;
	int o;

	while ((o = cmd_getopt(argc, argv, "bn:d:s:", opts, NULL)) != -1) {
		switch (o) {
		case 'b': batch = true; break;
		case 'n':
			if (parse_u64(optarg, 1, 1000000, &iterations, &err) < 0) {
				vx_prefix(&err, "-n");
				return cmd_fail(&err);
			}
			break;
		case 'd':
			if (parse_duration(optarg, &delay_ms, &err) < 0)
				return cmd_fail(&err);
			if (delay_ms < 100 || delay_ms > 3600000) {
				vx_fail(&err, ERANGE, "-d %s: between 0.1s and 1h", optarg);
				return cmd_fail(&err);
			}
			break;
		case 's':
			for (k = 0; k < ARRAY_SIZE(top_keys); k++)
				if (strcmp(optarg, top_keys[k]) == 0)
					break;
			if (k == ARRAY_SIZE(top_keys)) {
				vx_fail(&err, EINVAL, "unknown sort key '%s' (cpu, mem, pids, io, net, "
					"name)", optarg);
				return cmd_fail(&err);
			}
			top_sort_by = (int)k;
			break;
		default: return cmd_usage("top");
		}
	}
	if (optind != argc)
		return cmd_usage("top");
	tty = !batch && isatty(STDOUT_FILENO);
	if (top_sample(&prev, &err) < 0)
		return cmd_fail(&err);
	for (done = 0; !iterations || done < iterations; done++) {
		struct timespec d = { .tv_sec = delay_ms / 1000,
				      .tv_nsec = (long)(delay_ms % 1000) * 1000000 };
		struct top_row *rows;
		struct winsize ws = { 0 };
		int n;

		nanosleep(&d, NULL);
		if (top_sample(&cur, &err) < 0) {
			top_sample_free(&prev);
			return cmd_fail(&err);
		}
		n = top_rates(&prev, &cur, &rows);
		if (n < 0) {
			top_sample_free(&prev);
			top_sample_free(&cur);
			vx_fail(&err, ENOMEM, "out of memory");
			return cmd_fail(&err);
		}
		qsort(rows, n, sizeof(*rows), top_cmp);
		if (tty)
			ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws);
		top_frame(rows, n, cur.n, tty && ws.ws_row > 3 ? ws.ws_row - 3 : 0, tty);
		free(rows);
		top_sample_free(&prev);
		prev = cur;
	}
	top_sample_free(&prev);
	return 0;
}
