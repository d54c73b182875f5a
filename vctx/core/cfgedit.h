/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cfgedit.h — change a config text the way an admin would by hand: the key's line is
 * replaced where it stands, new keys go at the end of their section, and every comment and
 * blank line is kept.  The result is a new malloc'ed string; the caller re-parses it with
 * conf_parse() before it is written, so an edit can never produce a file vctx cannot read.
 */
#ifndef VX_CFGEDIT_H
#define VX_CFGEDIT_H

#include <stdbool.h>

#include "core/err.h"

/* Set key to value (replacing every line of the key). */
char *cfg_set(const char *text, const char *section, const char *key, const char *value,
	      struct vx_err *err);
/* Add one more line for a repeatable key. */
char *cfg_add(const char *text, const char *section, const char *key, const char *value,
	      struct vx_err *err);
/* Remove the lines of key whose value equals 'value' (every line of key if value is NULL);
 * *removed is set to the number of lines removed. */
char *cfg_del(const char *text, const char *section, const char *key, const char *value,
	      unsigned *removed, struct vx_err *err);
/* The same for the lines whose value match(value, arg) accepts ("2001:DB8::1/64" is the
 * address 2001:db8::1/64). */
typedef bool (*cfg_match)(const char *value, const void *arg);
char *cfg_del_if(const char *text, const char *section, const char *key, cfg_match match,
		 const void *arg, unsigned *removed, struct vx_err *err);

/* KEY=VALUE settings (from the command line) applied to a config text, each value checked as
 * the config would check it; KEY= removes the key (back to its default); with add, a
 * repeatable key gains a line instead of having its lines replaced.  Frees text; NULL on an
 * error (bad form, unknown key, a key vctx manages, a bad value). */
char *cfg_apply(char *text, int nset, char **set, bool add, struct vx_err *err);

#endif
