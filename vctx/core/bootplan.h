/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bootplan.h — the order of a boot (pure, unit-tested): a graph of contexts and their
 * `after` dependencies, the next context that may start (or stop), and what a failure takes
 * along.  ops/autostart.c runs it.
 */
#ifndef VX_BOOTPLAN_H
#define VX_BOOTPLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/parse.h"

#define BOOT_MAX_DEPS 64

enum boot_state { B_WAIT, B_BUSY, B_DONE, B_FAILED, B_SKIPPED };

struct boot_node {
	char name[VX_NAME_MAX + 1];
	uint64_t order;
	unsigned ndeps;
	int deps[BOOT_MAX_DEPS]; /* indexes of the nodes it waits for */
	enum boot_state state;
	char why[VX_ERR_MSG];	 /* failed or skipped: the reason */
	uint64_t t_begin, t_end; /* ms since the run began */
	uint64_t timeout_ms;
};

struct boot_plan {
	unsigned n;
	struct boot_node *v;
};

/* A dependency cycle as "a -> b -> a" in buf; false if there is none. */
bool bootplan_cycle(const struct boot_plan *p, char *buf, size_t len);
/* The next node that may start now (all it depends on done), lowest order
 * first, then by name; -1 if none.  reverse: for stopping, the next node
 * nothing waiting depends on. */
int bootplan_next(const struct boot_plan *p, bool reverse);
/* A node failed: every node that depends on it, directly or not, is skipped
 * with a reason. */
void bootplan_fail(struct boot_plan *p, int i, const char *why);
/* A node cannot start (a dependency missing): skipped, and so is everything
 * that needs it. */
void bootplan_skip(struct boot_plan *p, int i, const char *why);
/* Nodes still waiting that can never go (their dependencies failed or were
 * skipped). */
bool bootplan_pending(const struct boot_plan *p);

#endif
