// SPDX-License-Identifier: GPL-2.0-or-later
/* The boot plan: dependency order, cycles, failure propagation.  Pure; see
 * boot.h. */
#include "core/bootplan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static bool depends_on(const struct boot_node *n, int j)
{
	unsigned d;

	for (d = 0; d < n->ndeps; d++)
		if (n->deps[d] == j)
			return true;
	return false;
}

/* Depth-first search; colour 1 = on the current path. */
static int cycle_dfs(const struct boot_plan *p, int i, char *colour, int *path, int depth)
{
	unsigned d;

	colour[i] = 1;
	path[depth] = i;
	for (d = 0; d < p->v[i].ndeps; d++) {
		int j = p->v[i].deps[d], r;

		if (colour[j] == 1) {
			path[depth + 1] = j;
			return depth + 2;
		}
		if (colour[j] == 0 && (r = cycle_dfs(p, j, colour, path, depth + 1)) > 0)
			return r;
	}
	colour[i] = 2;
	return 0;
}

bool bootplan_cycle(const struct boot_plan *p, char *buf, size_t len)
{
	char *colour = calloc(p->n ? p->n : 1, 1);
	int *path = calloc(p->n + 1, sizeof(int)), n = 0, start, k;
	unsigned i;
	size_t off = 0;

	for (i = 0; colour && path && i < p->n && !n; i++)
		if (!colour[i])
			n = cycle_dfs(p, i, colour, path, 0);
	if (n > 0) {
		/* The path runs from the start of the search; the cycle from the repeated
     * node. */
		for (start = 0; path[start] != path[n - 1]; start++)
			;
		for (k = start; k < n && off < len; k++)
			off += snprintf(buf + off, len - off, "%s%s", k > start ? " -> " : "",
					p->v[path[k]].name);
	}
	free(colour);
	free(path);
	return n > 0;
}

/* Starting: everything the node depends on is up.  Stopping: everything that
 * depends on the node is down (or could not be stopped). */
static bool can_go(const struct boot_plan *p, int i, bool reverse)
{
	unsigned j, d;

	if (!reverse) {
		for (d = 0; d < p->v[i].ndeps; d++)
			if (p->v[p->v[i].deps[d]].state != B_DONE)
				return false;
		return true;
	}
	for (j = 0; j < p->n; j++)
		if (depends_on(&p->v[j], i) && (p->v[j].state == B_WAIT || p->v[j].state == B_BUSY))
			return false;
	return true;
}

int bootplan_next(const struct boot_plan *p, bool reverse)
{
	int best = -1;
	unsigned i;

	for (i = 0; i < p->n; i++) {
		const struct boot_node *n = &p->v[i], *b;

		if (n->state != B_WAIT || !can_go(p, i, reverse))
			continue;
		if (best < 0) {
			best = i;
			continue;
		}
		b = &p->v[best];
		if (reverse ? n->order > b->order : n->order < b->order)
			best = i;
		else if (n->order == b->order && strcmp(n->name, b->name) < 0)
			best = i;
	}
	return best;
}

/* Skip everything that waits for node i, directly or not, saying why. */
static void skip_dependents(struct boot_plan *p, int i)
{
	unsigned j;

	for (j = 0; j < p->n; j++) {
		if (p->v[j].state != B_WAIT || !depends_on(&p->v[j], i))
			continue;
		p->v[j].state = B_SKIPPED;
		snprintf(p->v[j].why, sizeof(p->v[j].why), "depends on %s, which %s", p->v[i].name,
			 p->v[i].state == B_SKIPPED ? "was skipped" : "failed");
		skip_dependents(p, j);
	}
}

static void end(struct boot_plan *p, int i, enum boot_state st, const char *why)
{
	p->v[i].state = st;
	snprintf(p->v[i].why, sizeof(p->v[i].why), "%s", why);
	skip_dependents(p, i);
}

void bootplan_fail(struct boot_plan *p, int i, const char *why)
{
	end(p, i, B_FAILED, why);
}

void bootplan_skip(struct boot_plan *p, int i, const char *why)
{
	end(p, i, B_SKIPPED, why);
}

bool bootplan_pending(const struct boot_plan *p)
{
	unsigned i;

	for (i = 0; i < p->n; i++)
		if (p->v[i].state == B_WAIT || p->v[i].state == B_BUSY)
			return true;
	return false;
}
