// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops/top.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/registry.h"
#include "core/state.h"
#include "core/util.h"
#include "kernel/cgroup.h"
#include "vnet/vnet.h"

static const struct vnet_link_stats *top_link(const struct vnet_link_stats *l, int n,
					      const char *name)
{
	int i;

	for (i = 0; name[0] && i < n; i++)
		if (strcmp(l[i].name, name) == 0)
			return &l[i];
	return NULL;
}

int top_sample(struct top_sample *s, struct vx_err *err)
{
	struct vnet_link_stats *links = NULL;
	char **names;
	int n, i, nlinks;

	memset(s, 0, sizeof(*s));
	n = registry_names(&names, err);
	if (n < 0)
		return -1;
	/* The host's links once for all: a context's counters are its host end's. */
	nlinks = vnet_link_stats(&links, err);
	if (nlinks < 0)
		nlinks = 0;
	s->v = calloc(n ? n : 1, sizeof(*s->v));
	if (!s->v) {
		registry_names_free(names, n);
		free(links);
		return vx_fail(err, ENOMEM, "out of memory");
	}
	s->when_ns = now_ns();
	for (i = 0; i < n; i++) {
		struct top_counters *c = &s->v[s->n];
		const struct vnet_link_stats *l;
		struct vx_runstate st;
		struct cg_stats use;
		struct vx_err e;

		if (state_probe(names[i], &st, &e) < 0)
			continue;
		if (st.state != VX_RUNNING || !st.cgroup[0] || cg_stats(st.cgroup, &use, &e) < 0) {
			state_free(&st);
			continue;
		}
		snprintf(c->name, sizeof(c->name), "%s", names[i]);
		c->init = st.init;
		c->cpu_usec = use.cpu_usec;
		c->mem = use.mem_current;
		c->mem_limit = use.mem_limit;
		c->pids = use.pids_current;
		c->pids_limit = use.pids_limit;
		c->have_io = use.have_io;
		c->io_read = use.io_rbytes;
		c->io_write = use.io_wbytes;
		l = top_link(links, nlinks, st.netdev);
		if (l) {
			c->have_net = true;
			c->net_rx = l->tx_bytes;
			c->net_tx = l->rx_bytes;
		}
		state_free(&st);
		s->n++;
	}
	registry_names_free(names, n);
	free(links);
	return 0;
}

void top_sample_free(struct top_sample *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static double top_rate(uint64_t a, uint64_t b, double secs)
{
	return b >= a ? (b - a) / secs : 0;
}

int top_rates(const struct top_sample *prev, const struct top_sample *cur,
	      struct top_row **rows)
{
	double secs = (cur->when_ns - prev->when_ns) / 1e9;
	int i, j, n = 0;

	*rows = calloc(cur->n ? cur->n : 1, sizeof(**rows));
	if (!*rows)
		return -1;
	if (secs <= 0)
		secs = 1e-9;
	/* Both samples are sorted by name (registry_names): one merge pass. */
	for (i = 0, j = 0; i < cur->n; i++) {
		const struct top_counters *c = &cur->v[i], *p;
		struct top_row *r = &(*rows)[n];

		while (j < prev->n && strcmp(prev->v[j].name, c->name) < 0)
			j++;
		p = j < prev->n ? &prev->v[j] : NULL;
		/* Started in between (or restarted): no interval to measure over. */
		if (!p || strcmp(p->name, c->name) != 0 || p->init != c->init)
			continue;
		snprintf(r->name, sizeof(r->name), "%s", c->name);
		r->cpu = top_rate(p->cpu_usec, c->cpu_usec, secs) / 1e4;
		r->mem = c->mem;
		r->mem_limit = c->mem_limit;
		r->pids = c->pids;
		r->pids_limit = c->pids_limit;
		r->io_read = c->have_io ? top_rate(p->io_read, c->io_read, secs) : -1;
		r->io_write = c->have_io ? top_rate(p->io_write, c->io_write, secs) : -1;
		r->net_rx = c->have_net ? top_rate(p->net_rx, c->net_rx, secs) : -1;
		r->net_tx = c->have_net ? top_rate(p->net_tx, c->net_tx, secs) : -1;
		n++;
	}
	return n;
}
