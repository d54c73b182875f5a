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

/* src_dir and dst_dir each hold upper/ or disk.img (dst_dir's made by storage_copy_layer
 * with COPY_LIVE, which may have missed files that came and went: an entry the copy lacks, or
 * has with another size or modification time, is copied too).  scratch: a directory for the
 * file list and the delta. */
int layersync_layer(const char *src_dir, const char *dst_dir, const struct timespec *since,
		    const char *scratch, struct vx_err *err);

#endif
