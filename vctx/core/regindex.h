/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * regindex.h — the registry's index: for every config PREFIX/etc/vctx/NAME.conf, the values
 * of the keys the registry answers for (context.id-base, context.template, network.address),
 * kept in PREFIX/run/vctx/.registry with the file's inode, size, mtime and ctime, and with
 * the stamp of the directory itself.
 *
 * What a look costs, at 1,000 contexts:
 *  - while the directory's stamp is the one the index holds, no config was added, removed,
 *    renamed or replaced: the index is the answer (one stat, one read; no listing, no
 *    stat of a config; the names and values are used where they lie in the file's text,
 *    and a record's stamp is not even parsed).  vctx create brings the index up to date
 *    with the config it wrote, and vctx destroy with the one it removed (regindex_note), so
 *    the next look is this one too: each appends the config's record (or that it is gone)
 *    and the directory's new stamp to the index (a journal, merged in at each read) rather
 *    than write ~100 KB again; every 64 records the index is written whole;
 *  - else the directory is listed (names and inodes) and a config is read where its inode
 *    is not the one indexed: a config replaced (editors, sed -i, vctx itself) has a new one;
 *  - once a minute (the horizon), every config's stat as well: a config rewritten in place
 *    (shell redirection, some editors) keeps its inode and shows only in its stat, so such
 *    an edit is seen within a minute, not at once.  A context's start checks its ids and
 *    addresses against the others' then, so two contexts never run with the same.
 * A directory stamp is kept only once it is a moment old: a change within the same tick of
 * the file system's clock would not show.  An entry is kept likewise.  The index is a copy,
 * never an authority: a missing, damaged or stale one costs reads, not answers.
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

/* What a load answers: every config's name (sorted, as registry_names) and its values e[i]
 * (vals NULL for one that cannot be read).  The names and values stay in what they were read
 * from, which the set keeps: the index file's text (no copy of each record: at 1,000
 * contexts the copies were most of a create's time in the registry), the directory's
 * listing, the configs read. */
struct regindex_set {
	int n;
	const char **names;
	struct regindex_entry *e;
	char *data;	/* the index file as read */
	void *list;	/* the directory's listing */
	char **own;	/* values read from configs (n, NULL where they are in data) */
};

/* Into s: their number.  Free it with regindex_set_free (also after a failure). */
int regindex_load(struct regindex_set *s, struct vx_err *err);
void regindex_set_free(struct regindex_set *s);

/* NAME's config was just written (or removed) by this process, which loaded the registry
 * before and holds it still: the index is brought up to date with it and the directory's new
 * stamp, so the next load needs no listing.  Nothing when the index file changed meanwhile.
 * A config another program replaced between that load and this note is taken as seen; it is
 * read within the minute (the horizon). */
void regindex_note(const char *name);

/* The indexed values of a config's text (what a load would hold for it). */
int regindex_values(const char *name, const char *text, struct regindex_entry *e);

/* Forget the index: the next load looks at every config. */
void regindex_drop(void);

#endif
