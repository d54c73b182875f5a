// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/ini.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static int classify(char *s, struct ini_line *l, char *section, size_t seclen)
{
	char *eq, *end;

	s = strstrip(s);
	if (*s == '\0') {
		l->type = INI_BLANK;
		return 0;
	}
	if (*s == '#' || *s == ';') {
		l->type = INI_COMMENT;
		return 0;
	}
	if (*s == '[') {
		end = strchr(s, ']');
		if (!end || end[1] != '\0')
			return -1;
		*end = '\0';
		s = strstrip(s + 1);
		if (*s == '\0' || strlen(s) >= seclen)
			return -1;
		strcpy(section, s);
		l->type = INI_SECTION;
		return 0;
	}
	eq = strchr(s, '=');
	if (!eq || eq == s)
		return -1;
	*eq = '\0';
	l->type = INI_KEY;
	l->key = strstrip(s);
	l->value = strstrip(eq + 1);
	for (s = (char *)l->key; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return -1;
	return 0;
}

int ini_scan(const char *file, const char *text, ini_cb cb, void *user, struct vx_err *err)
{
	char section[64] = "";
	size_t pos = 0, len = strlen(text);
	unsigned lineno = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		_cleanup_free_ char *buf = strndup(text + pos, end - pos);
		struct ini_line l = { .lineno = ++lineno, .start = pos, .end = end };
		int r;

		if (!buf)
			return vx_fail(err, ENOMEM, "%s: out of memory", file);
		if (strlen(buf) != end - pos)
			return vx_fail(err, EINVAL, "%s:%u: NUL byte in line", file, lineno);
		if (classify(buf, &l, section, sizeof(section)) < 0)
			return vx_fail(err, EINVAL, "%s:%u: syntax error: expected '[section]', "
				       "'key = value' or a '#' comment", file, lineno);
		l.section = section;
		r = cb(&l, user, err);
		if (r < 0)
			return r;
		pos = end + 1;
	}
	return 0;
}
