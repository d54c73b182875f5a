/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * unpack.h — reading export archives (libarchive's owner file).
 *
 * An export is a tar (pax) archive, compressed or not: "meta" first, then "context.conf", the
 * context's layer ("upper/..." or "disk.img") and, with --with-template, "template/...".
 * Reading one never trusts it: every entry goes through importpolicy.h before anything is
 * written, nothing is extracted through a symlink or outside the target directory, and
 * extended attributes other than the layer's own are dropped.  libarchive does the formats,
 * compression (gzip, xz, zstd, bzip2), sparse files and hard links.
 */
#ifndef VX_UNPACK_H
#define VX_UNPACK_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/importpolicy.h"

struct unpack {
	int fd;			/* the archive: a file or a pipe (read once, front to back) */
	const char *name;	/* for messages ("-" for stdin) */
	const char *dir;	/* extract below here (an empty directory) */
	/* "meta" was read: check it and say the layer's id range. */
	int (*on_meta)(void *user, const char *text, struct import_range *r,
		       struct vx_err *err);
	/* "context.conf" was read (into conf): the last look before the layer is written. */
	int (*on_conf)(void *user, const char *text, struct vx_err *err);
	void *user;
	/* The archive's bytes read so far, about twice a second and at the end (NULL: not). */
	void (*progress)(uint64_t bytes, double seconds, void *user);
	void *progress_user;

	/* results */
	char *conf;		/* the text of context.conf (malloc'ed), NULL if none came */
	bool template;		/* "template/" came along */
	unsigned fixed;		/* entries whose owners were moved to the range's nobody */
	unsigned skipped;	/* a template's device nodes, sockets */
};

int unpack_archive(struct unpack *in, struct vx_err *err);

#endif
