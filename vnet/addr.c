// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "vnet.h"

int vnet_parse_addr(const char *s, bool want_prefix, struct vnet_addr *a, struct vx_err *err)
{
	char host[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	uint64_t prefix;

	memset(a, 0, sizeof(*a));
	if (n == 0 || n >= sizeof(host))
		return vx_fail(err, EINVAL, "invalid address '%s'", s);
	memcpy(host, s, n);
	host[n] = '\0';
	if (inet_pton(AF_INET, host, &a->a.v4) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, host, &a->a.v6) == 1)
		a->family = AF_INET6;
	else
		return vx_fail(err, EINVAL, "invalid address '%s'", s);
	a->prefix = a->family == AF_INET ? 32 : 128;
	if (slash) {
		if (!want_prefix)
			return vx_fail(err, EINVAL, "invalid address '%s': no prefix length here", s);
		if (parse_u64(slash + 1, 1, a->prefix, &prefix, NULL) < 0)
			return vx_fail(err, EINVAL, "invalid prefix length in '%s' (1 to %u)", s,
				       a->prefix);
		a->prefix = prefix;
	}
	return 0;
}

void vnet_fmt_addr(const struct vnet_addr *a, bool with_prefix, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];

	inet_ntop(a->family, a->a.raw, host, sizeof(host));
	if (with_prefix)
		snprintf(buf, len, "%s/%u", host, a->prefix);
	else
		snprintf(buf, len, "%s", host);
}

bool vnet_same_host(const char *a, const char *b)
{
	struct vnet_addr x, y;

	if (vnet_parse_addr(a, strchr(a, '/') != NULL, &x, NULL) < 0 ||
	    vnet_parse_addr(b, strchr(b, '/') != NULL, &y, NULL) < 0)
		return false;
	return x.family == y.family &&
	       memcmp(x.a.raw, y.a.raw, x.family == AF_INET ? 4 : 16) == 0;
}
