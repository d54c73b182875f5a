/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * regcache.h — every context's config text for the registry's scans, read from disk only
 * when it changed: PREFIX/run/vctx/.registry keeps each config's text with its file's inode,
 * size, mtime and ctime.  An entry is used only while the file's stat still matches and the
 * file is more than two seconds old (a change within the clock's granularity would not
 * show); anything else is read again.  The cache is a copy, never an authority: a missing,
 * damaged or stale one costs reads, not answers.
 */
#ifndef VX_REGCACHE_H
#define VX_REGCACHE_H

#include "core/err.h"

/* texts[i] (malloc'ed; NULL when unreadable) for each of the n config names. */
int regcache_texts(char *const *names, int n, char ***texts, struct vx_err *err);
void regcache_free(char **texts, int n);

#endif
