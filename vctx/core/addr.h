/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * addr.h — an IPv4 or IPv6 address with its prefix length, parsed once at the edge (a config,
 * the command line) and carried as this struct; formatted only for output.  Pure.
 */
#ifndef VX_ADDR_H
#define VX_ADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

struct vx_addr {
	int family;		/* AF_INET or AF_INET6 */
	unsigned char prefix;
	union {
		struct in_addr v4;
		struct in6_addr v6;
		unsigned char raw[16];
	} a;
};

/* A list of them: a context's addresses, its gateways, what its run state records. */
#define VX_ADDRS_MAX 64
struct vx_addrs {
	unsigned n;
	struct vx_addr v[VX_ADDRS_MAX];
};

/* Room for "ffff:...:ffff/128". */
#define VX_ADDR_STR 64

/* "192.0.2.7/24", "2001:db8::7" (the full length when no prefix is given, where allowed). */
int addr_parse(const char *s, bool want_prefix, struct vx_addr *a, struct vx_err *err);
void addr_fmt(const struct vx_addr *a, bool with_prefix, char *buf, size_t len);
/* The same host address (prefix lengths aside). */
bool addr_equal(const struct vx_addr *a, const struct vx_addr *b);
/* A host route's form of it: the full prefix length. */
struct vx_addr addr_host(const struct vx_addr *a);

/* Append (E2BIG when full); the index of the same host address, or -1; remove one (the order
 * of the others is kept). */
int addr_list_add(struct vx_addrs *l, const struct vx_addr *a, struct vx_err *err);
int addr_list_find(const struct vx_addrs *l, const struct vx_addr *a);
void addr_list_del(struct vx_addrs *l, unsigned i);
/* Whether it holds an address of that family. */
bool addr_list_has_family(const struct vx_addrs *l, int family);
/* An address a context may have: not a network, broadcast, multicast, loopback, link-local,
 * unspecified, reserved, IPv4-mapped address or a subnet-router anycast one; the error names
 * which. */
int addr_check_host(const struct vx_addr *a, struct vx_err *err);

#endif
