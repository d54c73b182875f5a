/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * adopt.h — a new context from a prepared layer (clone, import): checked first, ids moved,
 * put in place last.
 */
#ifndef VX_ADOPT_H
#define VX_ADOPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Whether a context 'name' could be made from a config text and KEY=VALUE settings: a free
 * name, a valid config, addresses nobody else has, binds that can be opened.  Nothing is
 * written (import checks before it unpacks a byte of the layer). */
int adopt_check(const char *name, const char *conftext, int nset, char **set,
		  struct vx_err *err);

/* Make context 'name' from a prepared directory tmp (holding upper/ or disk.img, in the
 * contexts directory) and a config text: KEY=VALUE settings applied, an id range (old_base
 * itself when it is free here, else a new one with the files shifted from old_base),
 * addresses and binds checked; tmp becomes the context's directory and the config is written
 * last.  On failure tmp is left for the caller to remove. */
int adopt_context(const char *name, const char *conftext, int nset, char **set, const char *tmp,
	      uint64_t old_base, struct vx_err *err);

#endif
