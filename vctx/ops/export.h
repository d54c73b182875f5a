/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * export.h — `vctx export`: one archive that moves a context to another host (ops/import.h
 * reads it).
 *
 *   meta            format, name, template, the template's checksum, id-base, userns
 *   context.conf    the config
 *   upper/ | disk.img
 *   snapshots/SNAP/ upper/ | disk.img, vctx.conf: the snapshots, with --with-snapshots
 *   template/       the template (rootfs/, template.conf), with --with-template
 *
 * A running context is frozen only for the last changes: its writable layer is copied beside
 * it while it runs, then frozen, what changed since is copied again (kernel/layersync.h),
 * thawed, and only then archived and compressed from the copy.  The copy needs the space of
 * the layer once more while the export runs.  The archive is made private (0600): it holds
 * the customer's files, /etc/shadow among them.
 */
#ifndef VX_EXPORT_H
#define VX_EXPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

struct export_opts {
	bool with_template;
	bool with_snapshots;	/* snapshots/SNAP/ too; import takes them along */
	/* Called about twice a second while the archive is written (NULL: not). */
	void (*progress)(uint64_t bytes, double seconds, void *user);
	void *user;
};

struct export_result {
	uint64_t bytes;		/* of the archive */
	uint64_t frozen_ns;	/* how long the context was frozen (0: it was not running) */
	uint64_t changed_ns;	/* of which for the changes after the first copy */
};

/* file "-": standard output, uncompressed; else compressed as its name says (.zst, .xz, .gz,
 * .bz2; anything else: none). */
int export_context(const char *name, const char *file, const struct export_opts *o,
		   struct export_result *res, struct vx_err *err);

#endif
