// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse.h"

int addr_parse(const char *s, bool want_prefix, struct vx_addr *a, struct vx_err *err)
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
		if (slash[1] == '0' && slash[2])
			return vx_fail(err, EINVAL, "invalid prefix length in '%s' (no leading zero)",
				       s);
		if (parse_u64(slash + 1, 1, a->prefix, &prefix, NULL) < 0)
			return vx_fail(err, EINVAL, "invalid prefix length in '%s' (1 to %u)", s,
				       a->prefix);
		a->prefix = prefix;
	}
	return 0;
}

void addr_fmt(const struct vx_addr *a, bool with_prefix, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];

	inet_ntop(a->family, a->a.raw, host, sizeof(host));
	if (with_prefix)
		snprintf(buf, len, "%s/%u", host, a->prefix);
	else
		snprintf(buf, len, "%s", host);
}

bool addr_equal(const struct vx_addr *a, const struct vx_addr *b)
{
	return a->family == b->family &&
	       memcmp(a->a.raw, b->a.raw, a->family == AF_INET ? 4 : 16) == 0;
}

struct vx_addr addr_host(const struct vx_addr *a)
{
	struct vx_addr h = *a;

	h.prefix = a->family == AF_INET ? 32 : 128;
	return h;
}

int addr_list_add(struct vx_addrs *l, const struct vx_addr *a, struct vx_err *err)
{
	if (l->n >= VX_ADDRS_MAX)
		return vx_fail(err, E2BIG, "more than %d addresses", VX_ADDRS_MAX);
	l->v[l->n++] = *a;
	return 0;
}

int addr_list_find(const struct vx_addrs *l, const struct vx_addr *a)
{
	unsigned i;

	for (i = 0; i < l->n; i++)
		if (addr_equal(&l->v[i], a))
			return (int)i;
	return -1;
}

void addr_list_del(struct vx_addrs *l, unsigned i)
{
	if (i >= l->n)
		return;
	memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof(l->v[0]));
	l->n--;
}

bool addr_list_has_family(const struct vx_addrs *l, int family)
{
	unsigned i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].family == family)
			return true;
	return false;
}

/* Bits host..end of the address (from bit 'from' on) all equal to 'one'. */
static bool host_bits(const struct vx_addr *a, unsigned from, bool one)
{
	unsigned bits = a->family == AF_INET ? 32 : 128, i;

	for (i = from; i < bits; i++) {
		bool set = a->a.raw[i / 8] & (0x80 >> (i % 8));

		if (set != one)
			return false;
	}
	return true;
}

int addr_check_host(const struct vx_addr *a, struct vx_err *err)
{
	const unsigned char *b = a->a.raw;
	char t[64];
	const char *why = NULL;

	addr_fmt(a, true, t, sizeof(t));
	if (a->family == AF_INET) {
		if (b[0] == 0)
			why = "is in 0.0.0.0/8, not a host's";
		else if (b[0] == 127)
			why = "is a loopback address";
		else if (b[0] >= 224 && b[0] < 240)
			why = "is a multicast address";
		else if (b[0] >= 240)
			why = "is reserved (240.0.0.0/4, 255.255.255.255)";
		else if (b[0] == 169 && b[1] == 254)
			why = "is a link-local address";
		else if (a->prefix <= 30 && host_bits(a, a->prefix, false))
			why = "is the network's own address (its host part is all zeros)";
		else if (a->prefix <= 30 && host_bits(a, a->prefix, true))
			why = "is the network's broadcast address (its host part is all ones)";
	} else {
		static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };
		static const unsigned char zero[12];

		if (b[0] == 0xff)
			why = "is a multicast address";
		else if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
			why = "is a link-local address (each interface has its own)";
		else if (memcmp(b, mapped, 12) == 0)
			why = "is an IPv4-mapped address (give the IPv4 address itself)";
		else if (memcmp(b, zero, 12) == 0 && !b[12] && !b[13] && !b[14] && b[15] <= 1)
			why = b[15] ? "is the loopback address" : "is the unspecified address";
		else if (memcmp(b, zero, 12) == 0)
			why = "is an IPv4-compatible address (deprecated)";
		else if (a->prefix < 127 && host_bits(a, a->prefix, false))
			why = "is the subnet-router anycast address (its host part is all zeros)";
	}
	return why ? vx_fail(err, EINVAL, "%s %s", t, why) : 0;
}
