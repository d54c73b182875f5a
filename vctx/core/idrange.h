/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * idrange.h — each context owns 65536 host uids/gids, disjoint from every other context's and
 * from the ranges the host hands out in /etc/subuid and /etc/subgid.  Root inside maps to the
 * range's base, never to a host id below it.
 */
#ifndef VX_IDRANGE_H
#define VX_IDRANGE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

#define VX_ID_FIRST 0x100000ull		/* 1048576: above every ordinary host user */
#define VX_ID_LIMIT 0xffff0000ull	/* uid 0xffffffff is (uid_t)-1 */

struct idrange {
	uint64_t start, count;
};

/* Pure: the lowest multiple-of-65536 base at or above VX_ID_FIRST whose range overlaps none of
 * 'used'.  Returns 0 and *base, or -1 (ENOSPC) when every slot is taken. */
int idrange_pick(const struct idrange *used, unsigned n, uint64_t *base, struct vx_err *err);

/* Parse /etc/subuid-style text ("name:start:count" lines) into ranges; returns how many were
 * added to 'out' (at most max), skipping malformed lines. */
unsigned idrange_parse_subid(const char *text, struct idrange *out, unsigned max);

/* The lock every change to the set of configs takes (create's id range, destroy): their
 * loads of the registry and their notes to its index (regindex_note) come one at a time.
 * Returns the locked descriptor; it waits for a holder. */
int idrange_lock(struct vx_err *err);

/* Allocate a base for a new context (prefer, when it is a free slot: a context moved from
 * another host keeps its ids and its files need no shifting; 0: none): holds a lock while
 * the caller writes its config, so concurrent creates never pick the same range.  Returns the lock fd (>=0) to be closed once
 * the config is on disk. */
int idrange_allocate(uint64_t prefer, uint64_t *base, struct vx_err *err);

/* Pure: base is a valid slot that overlaps none of 'used'. */
bool idrange_is_free(const struct idrange *used, unsigned n, uint64_t base);

/* Pure: the context range at base shares an id with r. */
bool idrange_overlaps(const struct idrange *r, uint64_t base);

#endif
