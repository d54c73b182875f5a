/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * importpolicy.h — what an export archive may bring to this host.
 *
 * An archive is another host's word, or an attacker's: it never sets this host's policy and
 * nothing in it is written as host root's.  Each entry is checked before a byte of it is
 * written (importpolicy_entry), and the keys of its config that this host decides are
 * dropped (importpolicy_conf_filter) unless the admin passes --trust-config.
 */
#ifndef VX_IMPORTPOLICY_H
#define VX_IMPORTPOLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/err.h"

enum import_part {
	PART_META,	/* "meta": read, never written */
	PART_CONF,	/* "context.conf": read, filtered, never written as is */
	PART_LAYER,	/* "upper/..." or "disk.img": the context's files */
	PART_TEMPLATE,	/* "template/...": a template carried along */
	PART_SKIP,	/* dropped: a template's device node, a socket */
};

struct import_entry {
	const char *path;	/* as in the archive */
	mode_t type;		/* S_IFREG, S_IFDIR, ... */
	unsigned major, minor;	/* of a device node */
	uint64_t uid, gid;
	mode_t mode;		/* permission bits, set-id bits included */
	const char *hardlink;	/* the target of a hard link, or NULL */
};

/* The archive's own id range for its layer: [lo, lo + 65536); a template's is [0, 65536). */
struct import_range {
	uint64_t lo;
};

/* Which part the entry belongs to, or -1 with the reason (an absolute path or '..', an entry
 * that is no part of an export, a device node that is not an overlay whiteout, a hard link out
 * of its part).  Owners outside the part's range are moved to its "nobody" (65534) and lose
 * set-id bits: *fixed is set when e's uid, gid or mode were changed. */
int importpolicy_entry(struct import_entry *e, const struct import_range *r, bool *fixed,
		       struct vx_err *err);

/* The path without leading "./" (in place). */
const char *importpolicy_path(const char *path);

/* Whether an extended attribute of an entry of that part may be written. */
bool importpolicy_xattr_ok(enum import_part part, const char *name);

/* The config text without the keys an archive does not decide here (userns, seccomp,
 * cap-keep, devices, io-uring, bind, link, bridge, a bridge or macvlan mode with its gateway);
 * a new string, and in 'dropped' their names ("userns, bind"; "" when none). */
char *importpolicy_conf_filter(const char *text, char *dropped, size_t len, struct vx_err *err);

#endif
