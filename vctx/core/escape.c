// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/escape.h"

#include <string.h>

#include "core/util.h"

/* Length of the valid UTF-8 sequence at p (1 to 4), 0 if it is not one, or -1 if it may be
 * one that goes on past end. */
static int utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	int n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	/* No overlong forms, no surrogates, nothing above U+10FFFF. */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	for (i = 1; i < n; i++) {
		if (p + i >= end)
			return -1;
		if (p[i] < (i == 1 ? lo : 0x80) || p[i] > (i == 1 ? hi : 0xbf))
			return 0;
	}
	return n;
}

static bool is_c1(const unsigned char *p, int n)
{
	return n == 2 && p[0] == 0xc2 && p[1] < 0xa0;
}

size_t escape_bytes(const char *in, size_t len, bool final, unsigned flags, char *out,
		    size_t outlen, size_t *used)
{
	const unsigned char *p = (const unsigned char *)in, *end = p + len;
	size_t o = 0;

	while (p < end) {
		int n = utf8_len(p, end);
		bool esc;

		if (n < 0 && !final)
			break;
		if (p[0] == '\r' && (flags & ESCAPE_CRLF)) {
			if (p + 1 == end && !final)
				break;
			if (p + 1 < end && p[1] == '\n') {
				p++;	/* the newline follows */
				continue;
			}
		}
		if (n <= 0)
			n = 1;	/* a stray byte: escaped alone */
		esc = n == 1 ? (p[0] < 0x20 && p[0] != '\t' &&
				!(p[0] == '\n' && (flags & ESCAPE_KEEP_NL))) ||
				       p[0] >= 0x7f
			     : is_c1(p, n);
		if (o + (esc ? 4u * n : (unsigned)n) + 1 > outlen)
			break;
		for (int i = 0; i < n; i++) {
			if (esc) {
				out[o++] = '#';
				out[o++] = '0' + (p[i] >> 6);
				out[o++] = '0' + ((p[i] >> 3) & 7);
				out[o++] = '0' + (p[i] & 7);
			} else {
				out[o++] = p[i];
			}
		}
		p += n;
	}
	if (outlen)
		out[o] = '\0';
	*used = (const char *)p - in;
	return o;
}

int escape_write(struct escape_stream *s, int fd, const char *in, size_t len, bool final)
{
	char buf[4 * 4096 + 64], tmp[4096 + 4];

	while (len || (final && s->npend)) {
		size_t take = len < 4096 ? len : 4096, n, used;

		memcpy(tmp, s->pend, s->npend);
		memcpy(tmp + s->npend, in, take);
		n = escape_bytes(tmp, s->npend + take, final && take == len, s->flags, buf,
				 sizeof(buf), &used);
		if (write_full(fd, buf, n) < 0)
			return -1;
		/* What waits is at most a cut UTF-8 sequence or a CR: a few bytes. */
		s->npend = s->npend + take - used;
		if (s->npend > sizeof(s->pend))
			s->npend = 0;
		memmove(s->pend, tmp + used, s->npend);
		in += take;
		len -= take;
		if (final && !len)
			break;
	}
	return 0;
}
