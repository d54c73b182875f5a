/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snapshot.h — copies of a context's writable layer kept beside it.
 *
 *   contexts/NAME/snapshots/SNAP/   upper/ or disk.img, and vctx.conf as it was then
 *
 * A running context is frozen for the copy (ops/freeze.h).  Copies are written under ".tmp-"
 * names and renamed into place last: an interrupted command leaves the original as it was,
 * and its leftovers are removed by the next command on that context.
 */
#ifndef VX_SNAPSHOT_H
#define VX_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/err.h"
#include "core/parse.h"

struct snapshot_info {
	char name[VX_NAME_MAX + 1];
	time_t created;
	uint64_t bytes;		/* what it takes on the host */
};

/* snap NULL: named after the time (YYYYMMDD-HHMMSS, then -2, -3 within a second); the name
 * used goes to made. */
struct proc_watch;
int snapshot_create(const char *name, const char *snap, char *made, size_t madelen, bool wait,
		    const struct proc_watch *watch, struct vx_err *err);
/* The snapshots, sorted by name (*out malloc'ed); returns how many. */
int snapshot_list(const char *name, struct snapshot_info **out, struct vx_err *err);
int snapshot_delete(const char *name, const char *snap, bool wait, struct vx_err *err);
/* The context is stopped; restore keeps its current config (the snapshot has a copy). */
int snapshot_restore(const char *name, const char *snap, bool wait, struct vx_err *err);

#endif
