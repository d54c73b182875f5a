/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snapshot.h — copies of a context's writable layer: snapshots kept beside it, clones into
 * a new context, and archives that move it to another host.
 *
 * A running context is frozen (its cgroup, and its disk's file system) by its supervisor for
 * the copy and thawed after; the freeze lasts while the requesting command's connection
 * does, so a killed command never leaves it frozen.  Copies are written under ".tmp-" names
 * and renamed into place last: an interrupted command leaves the original as it was, and
 * its leftovers are removed by the next command on that context.
 *
 *   contexts/NAME/snapshots/SNAP/   upper/ or disk.img, and vctx.conf as it was then
 *
 * An export archive (tar, compressed by its suffix: .tar.gz, .tar.zst, .tar.xz) holds
 *   meta            format, name, template, the template's checksum, id-base
 *   context.conf    the config
 *   upper/ | disk.img
 *   template/       the template (rootfs/, template.conf), with --with-template
 */
#ifndef VX_SNAPSHOT_H
#define VX_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

int snap_create(const char *name, const char *snap, bool wait, struct vx_err *err);
int snap_list(const char *name, bool json, struct vx_err *err);
int snap_delete(const char *name, const char *snap, bool wait, struct vx_err *err);
int snap_restore(const char *name, const char *snap, bool wait, struct vx_err *err);

int ctx_clone(const char *src, const char *dst, int nset, char **set, struct vx_err *err);
int ctx_export(const char *name, const char *file, bool with_template, struct vx_err *err);

/* A checksum of a template's tree: every path with its type, mode, owner, size, mtime and
 * link target (16 hex digits in buf). */
int template_checksum(const char *tpl, char *buf, size_t len, struct vx_err *err);

#endif
