/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * autostart.h — starting every `onboot` context at boot, and stopping them all at
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
#ifndef VX_AUTOSTART_H
#define VX_AUTOSTART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/bootplan.h"
#include "core/err.h"

/* The onboot contexts (of a group, or all), with their dependencies.
 * Dependencies on contexts outside the plan count as met when they run, else
 * their dependents are skipped. */
int autostart_load(struct boot_plan *p, const char *group, bool stopping, struct vx_err *err);
void autostart_free(struct boot_plan *p);

/* What happens, as it happens: the caller prints it (cli/cmd-autostart.c). */
enum autostart_event {
	AUTOSTART_BEGIN,	/* a worker starts (or stops) node */
	AUTOSTART_DONE,		/* node is up (or down) */
	AUTOSTART_FAILED,	/* node failed: why */
	AUTOSTART_SKIPPED,	/* node was skipped: why (at the end) */
	AUTOSTART_KILLED,	/* stopping: node could not stop in order and was killed */
	AUTOSTART_CYCLE,	/* stopping despite a dependency cycle: why is the cycle */
	AUTOSTART_STEP,		/* --dry-run: node is step number step, after its deps */
	AUTOSTART_SUMMARY,	/* the counts */
};

struct autostart_report {
	enum autostart_event event;
	bool stopping;
	double t;			/* seconds since the run began; <0: not timed */
	const struct boot_plan *plan;
	const struct boot_node *node;	/* for the events of one node */
	const char *why;
	unsigned step;
	unsigned done, failed, skipped;	/* AUTOSTART_SUMMARY */
};

struct autostart_opts {
	const char *group;
	unsigned jobs;
	bool dry_run;
	void (*report)(const struct autostart_report *r, void *user);
	void *user;
};

/* vctx autostart [--stop]: progress and a summary through o->report; returns how many
 * failed or were skipped. */
int autostart_start(const struct autostart_opts *o, struct vx_err *err);
int autostart_stop(const struct autostart_opts *o, struct vx_err *err);

#endif
