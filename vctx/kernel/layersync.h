/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * layersync.h — bring a copy of a context's writable layer up to date with the layer: the
 * second pass of an export (ops/export.c), run while the context is frozen, so the freeze
 * lasts as long as what changed takes to copy, not the whole layer.
 *
 * An upper directory: every entry whose ctime is at or after 'since' (the start of the first
 * copy, less a margin for the file system's coarse clock) is copied again, with its owner,
 * mode, times, xattrs (overlayfs' whiteouts and opaque markers) and hard links among what is
 * copied; every entry of the copy that the layer no longer has, or has as another type, goes.
 * The kernel sets ctime on any change of content or metadata and it cannot be set back, so
 * nothing changed is missed.  A disk image: the blocks that differ are written, the holes
 * the image has are punched; the image's file system was synced by the freeze.
 */
#ifndef VX_LAYERSYNC_H
#define VX_LAYERSYNC_H

#include <time.h>

#include "core/err.h"

/* The first pass, while the context runs: like storage_copy_layer, but a file that vanishes
 * or changes under the copy is no error (the second pass copies whatever is missing, or
 * differs from the layer in type, size or modification time, again). */
int layersync_first(const char *src_dir, const char *dst_dir, struct vx_err *err);

/* src_dir and dst_dir each hold upper/ or disk.img (layersync_first made dst_dir's);
 * scratch: a directory for the file list and the delta. */
int layersync_layer(const char *src_dir, const char *dst_dir, const struct timespec *since,
		    const char *scratch, struct vx_err *err);

#endif
