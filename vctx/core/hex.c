// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/hex.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

char *hex_encode(const char *in, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char *out = malloc(2 * len + 1);
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; i < len; i++) {
		out[2 * i] = digits[(unsigned char)in[i] >> 4];
		out[2 * i + 1] = digits[(unsigned char)in[i] & 15];
	}
	out[2 * len] = '\0';
	return out;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *hex_decode(const char *hex)
{
	size_t len = strlen(hex), i;
	char *out;

	if (len % 2) {
		errno = EINVAL;
		return NULL;
	}
	out = malloc(len / 2 + 1);
	if (!out)
		return NULL;
	for (i = 0; i < len / 2; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0 || (hi | lo) == 0) {
			free(out);
			errno = EINVAL;
			return NULL;
		}
		out[i] = (char)(hi << 4 | lo);
	}
	out[len / 2] = '\0';
	return out;
}
