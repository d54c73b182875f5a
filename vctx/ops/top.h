/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * top.h — what `vctx top` shows: every running context's use over an interval.
 *
 * A sample is one pass over the contexts' run records, their cgroups' counters and one
 * netlink dump of the host's links: no process is started and nothing inside is touched, so
 * a sample of 1,000 contexts costs a few thousand small reads.  Rates come from two samples.
 */
#ifndef VX_TOP_H
#define VX_TOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/err.h"
#include "core/parse.h"

struct top_counters {
	char name[VX_NAME_MAX + 1];
	pid_t init;
	uint64_t cpu_usec, mem, mem_limit, pids, pids_limit;
	uint64_t io_read, io_write;	/* bytes since the cgroup was made */
	uint64_t net_rx, net_tx;	/* bytes, as the context sees them */
	bool have_io, have_net;
};

struct top_sample {
	uint64_t when_ns;		/* CLOCK_MONOTONIC */
	struct top_counters *v;
	int n;
};

struct top_row {
	char name[VX_NAME_MAX + 1];
	double cpu;			/* percent of one CPU over the interval */
	uint64_t mem, mem_limit, pids, pids_limit;	/* limit 0: none */
	double io_read, io_write, net_rx, net_tx;	/* bytes per second, < 0: not known */
};

int top_sample(struct top_sample *s, struct vx_err *err);
void top_sample_free(struct top_sample *s);

/* One row per context running in both samples (the same init); *rows malloc'ed. */
int top_rates(const struct top_sample *prev, const struct top_sample *cur,
	      struct top_row **rows);

#endif
