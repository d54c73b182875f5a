// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/resolv.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static bool loopback(const char *a, size_t n)
{
	return (n >= 4 && strncmp(a, "127.", 4) == 0) || (n == 3 && strncmp(a, "::1", 3) == 0);
}

unsigned resolv_servers(const char *text, char *out, size_t len)
{
	const char *p = text;
	size_t o = 0;
	unsigned n = 0;

	out[0] = '\0';
	while (p && *p) {
		const char *eol = strchr(p, '\n'), *a;
		size_t l = eol ? (size_t)(eol - p) : strlen(p), al;

		if (l > 11 && strncmp(p, "nameserver", 10) == 0 && isblank((unsigned char)p[10])) {
			for (a = p + 10; a < p + l && isblank((unsigned char)*a); a++)
				;
			al = strcspn(a, " \t\n#;");
			if (al && al < 64 && !loopback(a, al) && o + al + 13 < len) {
				o += snprintf(out + o, len - o, "nameserver %.*s\n", (int)al, a);
				n++;
			}
		}
		p = eol ? eol + 1 : NULL;
	}
	return n;
}

char *resolv_hosts(const char *text, const char *hostname)
{
	static const char localhost[] = "127.0.0.1\tlocalhost\n"
					"::1\t\tlocalhost ip6-localhost ip6-loopback\n";
	size_t tl = text ? strlen(text) : 0, o = 0;
	char *out = malloc(tl + sizeof(localhost) + strlen(hostname) + 32);
	const char *p = text;
	bool placed = false;

	if (!out)
		return NULL;
	if (!text || !*text) {
		o += sprintf(out, "%s", localhost);
		p = NULL;
	}
	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t l = eol ? (size_t)(eol - p) + 1 : strlen(p);

		/* vctx's line: the first takes the name, any other goes. */
		if (strncmp(p, "127.0.1.1", 9) == 0 && (p[9] == ' ' || p[9] == '\t')) {
			if (!placed)
				o += sprintf(out + o, "127.0.1.1\t%s\n", hostname);
			placed = true;
		} else {
			memcpy(out + o, p, l);
			o += l;
			if (l && out[o - 1] != '\n')
				out[o++] = '\n';
		}
		p += l;
	}
	if (!placed)
		o += sprintf(out + o, "127.0.1.1\t%s\n", hostname);
	out[o] = '\0';
	return out;
}
