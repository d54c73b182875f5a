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

struct autostart_opts {
	const char *group;
	unsigned jobs;
	bool dry_run;
};

/* vctx autostart [--stop]: print progress and a summary; returns how many
 * failed. */
int autostart_start(const struct autostart_opts *o, struct vx_err *err);
int autostart_stop(const struct autostart_opts *o, struct vx_err *err);

#endif
