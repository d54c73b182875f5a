// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/json.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

/* The length of the UTF-8 sequence at s (1-4), or 0 if it is not one: overlong forms,
 * surrogates and code points above U+10FFFF are not UTF-8. */
static int json_utf8_len(const unsigned char *s)
{
	uint32_t cp;
	int n, i;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

void json_quote(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	while (*s) {
		int n = json_utf8_len(s);

		if (*s == '"' || *s == '\\') {
			fprintf(f, "\\%c", *s);
		} else if (*s < 0x20 || *s == 0x7f) {
			fprintf(f, "\\u%04x", *s);
		} else if (n == 0) {
			fputs("\\ufffd", f);
			n = 1;
		} else {
			fwrite(s, 1, n, f);
		}
		s += n ? n : 1;
	}
	fputc('"', f);
}

/* The comma and the key before a value. */
static void json_key(struct json *j, const char *key)
{
	if (j->comma[j->depth])
		fputc(',', j->f);
	j->comma[j->depth] = true;
	if (key) {
		json_quote(j->f, key);
		fputc(':', j->f);
	}
}

static void json_open(struct json *j, const char *key, char open, char close)
{
	json_key(j, key);
	fputc(open, j->f);
	if (j->depth + 1 < JSON_DEPTH) {
		j->depth++;
		j->comma[j->depth] = false;
		j->close[j->depth] = close;
	}
}

void json_begin(struct json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	fputc('{', f);
	j->close[0] = '}';
	json_uint(j, "format", JSON_FORMAT, true);
}

void json_object(struct json *j, const char *key)
{
	json_open(j, key, '{', '}');
}

void json_array(struct json *j, const char *key)
{
	json_open(j, key, '[', ']');
}

void json_close(struct json *j)
{
	if (j->depth > 0)
		fputc(j->close[j->depth--], j->f);
}

void json_finish(struct json *j)
{
	while (j->depth > 0)
		json_close(j);
	fputs("}\n", j->f);
}

void json_string(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	if (s)
		json_quote(j->f, s);
	else
		fputs("null", j->f);
}

void json_uint(struct json *j, const char *key, uint64_t v, bool present)
{
	json_key(j, key);
	if (present)
		fprintf(j->f, "%" PRIu64, v);
	else
		fputs("null", j->f);
}

void json_int(struct json *j, const char *key, int64_t v, bool present)
{
	json_key(j, key);
	if (present)
		fprintf(j->f, "%" PRId64, v);
	else
		fputs("null", j->f);
}

void json_double(struct json *j, const char *key, double v, bool present)
{
	json_key(j, key);
	/* JSON has no NaN or infinity. */
	if (present && isfinite(v))
		fprintf(j->f, "%.3f", v);
	else
		fputs("null", j->f);
}

void json_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
	json_key(j, key);
	fputs("null", j->f);
}
