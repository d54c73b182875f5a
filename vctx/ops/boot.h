/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * boot.h — starting every `onboot` context at boot, and stopping them all at
 * shutdown.
 *
 * The plan is a graph of contexts and their `after` dependencies.  A cycle is
 * reported with its members before anything starts.  Contexts start as soon as
 * everything they depend on is up, lower boot-order first, up to -j at a time;
 * each counts as up when its readiness holds (started, READY=1 over the notify
 * socket, or its tcp port accepting).  A context that fails or times out is
 * reported and its dependents are skipped with the reason; everything unrelated
 * still starts.  Stopping goes the other way: dependents before what they need.
 */
#ifndef VX_BOOT_H
#define VX_BOOT_H

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

/* Pure (unit-tested). */
/* A dependency cycle as "a -> b -> a" in buf; false if there is none. */
bool boot_cycle(const struct boot_plan *p, char *buf, size_t len);
/* The next node that may start now (all it depends on done), lowest order
 * first, then by name; -1 if none.  reverse: for stopping, the next node
 * nothing waiting depends on. */
int boot_next(const struct boot_plan *p, bool reverse);
/* A node failed: every node that depends on it, directly or not, is skipped
 * with a reason. */
void boot_fail(struct boot_plan *p, int i, const char *why);
/* A node cannot start (a dependency missing): skipped, and so is everything
 * that needs it. */
void boot_skip(struct boot_plan *p, int i, const char *why);
/* Nodes still waiting that can never go (their dependencies failed or were
 * skipped). */
bool boot_pending(const struct boot_plan *p);

/* The onboot contexts (of a group, or all), with their dependencies.
 * Dependencies on contexts outside the plan count as met when they run, else
 * their dependents are skipped. */
int boot_load(struct boot_plan *p, const char *group, bool stopping, struct vx_err *err);
void boot_free(struct boot_plan *p);

struct boot_opts {
	const char *group;
	unsigned jobs;
	bool dry_run;
};

/* vctx autostart [--stop]: print progress and a summary; returns how many
 * failed. */
int boot_start(const struct boot_opts *o, struct vx_err *err);
int boot_stop(const struct boot_opts *o, struct vx_err *err);

#endif
