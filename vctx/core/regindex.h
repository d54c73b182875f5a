/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * regindex.h — the registry's index: for every config PREFIX/etc/vctx/NAME.conf, the values
 * of the keys the registry answers for (context.id-base, context.template, network.address),
 * kept in PREFIX/run/vctx/.registry with the file's inode, size, mtime and ctime.  An entry
 * is used while the file's stat still matches and the file was last changed more than a
 * moment before it was read (a change within the same tick of the file system's clock would
 * not show); any other config is read and parsed again.  So a command that asks about every
 * context costs one stat per config, no read and no parse, and a hand edit is seen at once.
 * The index is a copy, never an authority: a missing, damaged or stale one costs reads, not
 * answers.
 */
#ifndef VX_REGINDEX_H
#define VX_REGINDEX_H

#include <stddef.h>

#include "core/err.h"

enum regindex_key { REGINDEX_ID_BASE, REGINDEX_TEMPLATE, REGINDEX_ADDRESS, REGINDEX_KEYS };

/* One config's indexed values: vals holds len bytes of "Kvalue\0" records, K the key's
 * number as a digit, in the config's order. */
struct regindex_entry {
	char *vals;
	size_t len;
};

/* The key's number for [section] key, -1 when the index does not keep it. */
int regindex_key(const char *section, const char *key);

/* e[i] for each of the n config names (len 0 for a config that went away or cannot be read);
 * *e is malloc'ed, free it with regindex_free. */
int regindex_load(char *const *names, int n, struct regindex_entry **e, struct vx_err *err);
void regindex_free(struct regindex_entry *e, int n);

#endif
