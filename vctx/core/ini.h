/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ini.h — a strict scanner for the INI dialect of vctx.conf(5) and template.conf.
 *
 *   # comment            (also ';'; only whole lines)
 *   [section]
 *   key = value          (white space around '=' and at the ends is dropped)
 *
 * No continuation lines, no inline comments (values may hold '#' and ';'), no length limit.
 * The scanner hands every line to a callback with its number and byte span so that the same
 * code serves reading and comment-preserving editing.
 */
#ifndef VX_INI_H
#define VX_INI_H

#include <stddef.h>

#include "core/err.h"

enum ini_type { INI_BLANK, INI_COMMENT, INI_SECTION, INI_KEY };

struct ini_line {
	unsigned lineno;
	enum ini_type type;
	size_t start, end;	/* byte span of the line in the text, newline excluded */
	const char *section;	/* current section ("" before the first header) */
	const char *key;	/* INI_KEY only */
	const char *value;	/* INI_KEY only */
};

/* Returns 0 to go on, <0 to stop (the scanner returns that value). */
typedef int (*ini_cb)(const struct ini_line *l, void *user, struct vx_err *err);

/* Scan text; syntax errors are "FILE:LINE: ..." with file as given. */
int ini_scan(const char *file, const char *text, ini_cb cb, void *user, struct vx_err *err);

#endif
