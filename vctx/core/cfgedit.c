// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/cfgedit.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "core/ini.h"
#include "core/util.h"

#define MAX_HITS 256

struct scan {
	const char *section, *key, *value;	/* value NULL: any */
	cfg_match match;			/* instead of value, when set */
	const void *arg;
	size_t insert_at;			/* end of the section's last non-blank line */
	bool have_section;
	unsigned nhits;
	size_t hit_start[MAX_HITS], hit_end[MAX_HITS];
};

static int scan_line(const struct ini_line *l, void *user, struct vx_err *err)
{
	struct scan *s = user;

	if (strcmp(l->section, s->section) != 0)
		return 0;
	if (l->type == INI_SECTION || l->type == INI_KEY) {
		s->have_section = true;
		s->insert_at = l->end;
	}
	if (l->type != INI_KEY || strcmp(l->key, s->key) != 0)
		return 0;
	if (s->match ? !s->match(l->value, s->arg) : s->value && strcmp(l->value, s->value) != 0)
		return 0;
	if (s->nhits == MAX_HITS)
		return vx_fail(err, E2BIG, "too many lines for key %s", s->key);
	s->hit_start[s->nhits] = l->start;
	s->hit_end[s->nhits] = l->end;
	s->nhits++;
	return 0;
}

/* Build text with the hit lines removed and 'line' (may be NULL) put in at 'at'. */
static char *rebuild(const char *text, const struct scan *s, size_t at, const char *line,
		     struct vx_err *err)
{
	size_t len = strlen(text), cap = len + (line ? strlen(line) : 0) + 64, pos = 0, out = 0;
	char *buf = malloc(cap);
	unsigned h = 0;

	if (!buf) {
		vx_fail(err, ENOMEM, "out of memory");
		return NULL;
	}
	while (pos <= len) {
		if (line && pos == at) {
			out += sprintf(buf + out, "%s", line);
			line = NULL;
		}
		if (pos == len)
			break;
		if (h < s->nhits && pos == s->hit_start[h]) {
			/* Drop the line and its newline. */
			pos = s->hit_end[h] < len ? s->hit_end[h] + 1 : len;
			h++;
			continue;
		}
		buf[out++] = text[pos++];
	}
	buf[out] = '\0';
	return buf;
}

static char *edit(const char *text, const char *section, const char *key, const char *value,
		  const char *match, bool replace, struct vx_err *err)
{
	struct scan s = { .section = section, .key = key, .value = match };
	_cleanup_free_ char *line = NULL;
	size_t at;

	if (ini_scan("config", text, scan_line, &s, err) < 0)
		return NULL;
	if (!replace)
		s.nhits = 0;
	if (s.nhits) {
		/* Replace in place: the new line goes where the first old one stood. */
		at = s.hit_start[0];
		if (asprintf(&line, "%s = %s\n", key, value) < 0)
			line = NULL;
	} else if (s.have_section) {
		/* After the section's last line; insert_at points at its newline (or EOF). */
		at = s.insert_at;
		if (at < strlen(text)) {
			at++;
			if (asprintf(&line, "%s = %s\n", key, value) < 0)
				line = NULL;
		} else if (asprintf(&line, "\n%s = %s\n", key, value) < 0) {
			line = NULL;
		}
	} else {
		size_t len = strlen(text);

		at = len;
		if (asprintf(&line, "%s[%s]\n%s = %s\n",
			     len && text[len - 1] != '\n' ? "\n\n" : len ? "\n" : "", section, key,
			     value) < 0)
			line = NULL;
	}
	if (!line) {
		vx_fail(err, ENOMEM, "out of memory");
		return NULL;
	}
	return rebuild(text, &s, at, line, err);
}

char *cfg_set(const char *text, const char *section, const char *key, const char *value,
	      struct vx_err *err)
{
	return edit(text, section, key, value, NULL, true, err);
}

char *cfg_add(const char *text, const char *section, const char *key, const char *value,
	      struct vx_err *err)
{
	return edit(text, section, key, value, NULL, false, err);
}

char *cfg_del(const char *text, const char *section, const char *key, const char *value,
	      unsigned *removed, struct vx_err *err)
{
	struct scan s = { .section = section, .key = key, .value = value };

	if (ini_scan("config", text, scan_line, &s, err) < 0)
		return NULL;
	*removed = s.nhits;
	return rebuild(text, &s, (size_t)-1, NULL, err);
}

char *cfg_del_if(const char *text, const char *section, const char *key, cfg_match match,
		 const void *arg, unsigned *removed, struct vx_err *err)
{
	struct scan s = { .section = section, .key = key, .match = match, .arg = arg };

	if (ini_scan("config", text, scan_line, &s, err) < 0)
		return NULL;
	*removed = s.nhits;
	return rebuild(text, &s, (size_t)-1, NULL, err);
}

/* Apply KEY=VALUE settings to a config text.  add: repeatable keys gain a line instead of
 * replacing their lines. */
char *cfg_apply(char *text, int nset, char **set, bool add, struct vx_err *err)
{
	int i;

	for (i = 0; i < nset && text; i++) {
		char key[64];
		const char *eq = strchr(set[i], '=');
		const struct vx_key *k;
		char *next;

		if (!eq || eq == set[i] || (size_t)(eq - set[i]) >= sizeof(key)) {
			vx_fail(err, EINVAL, "expected KEY=VALUE, got '%s'", set[i]);
			goto fail;
		}
		snprintf(key, sizeof(key), "%.*s", (int)(eq - set[i]), set[i]);
		k = conf_key(key);
		if (!k) {
			vx_fail(err, EINVAL, "unknown key '%s' (see vctx.conf(5))", key);
			goto fail;
		}
		if (k->flags & VX_KEY_INTERNAL) {
			vx_fail(err, EPERM, "key '%s' is managed by vctx", key);
			goto fail;
		}
		if (strchr(eq + 1, '\n')) {
			vx_fail(err, EINVAL, "%s: value may not contain a newline", key);
			goto fail;
		}
		if (eq[1] && conf_check_value(key, eq + 1, err) < 0)
			goto fail;
		if (eq[1] == '\0') {
			unsigned removed;

			/* KEY= removes the key: back to its default. */
			next = cfg_del(text, k->section, key, NULL, &removed, err);
		} else if ((k->flags & VX_KEY_REPEAT) && add) {
			next = cfg_add(text, k->section, key, eq + 1, err);
		} else {
			next = cfg_set(text, k->section, key, eq + 1, err);
		}
		free(text);
		text = next;
	}
	return text;
fail:
	free(text);
	return NULL;
}
