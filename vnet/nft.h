/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nft.h — nftables messages for vnet: built into a struct nl_batch (nl.h), which
 * nl_batch_talk sends as one transaction.  Builders only: unit tests read them back.
 */
#ifndef VNET_NFT_H
#define VNET_NFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "vnet/nl.h"

/* The source filter of a bridged context.  One netdev table whose ingress chain on ifname
 * (the host end of its veth, so: what the context sends) drops everything but frames from
 * mac that carry the context's own addresses: ARP with that sender MAC and address, IPv4
 * and IPv6 from its addresses (and IPv6 link-local and unspecified, for neighbour
 * discovery); no neighbour advertisement for a foreign address, no router advertisement or
 * redirect, no DHCP server answer.  A family with no address in addr is checked by MAC
 * only (the context may take addresses by DHCP or SLAAC).  Frames with a VLAN tag and
 * other ethertypes are dropped.
 *
 * The routed form (routed), on the host end of a routed context with IPv6 (IPv4 has
 * rp_filter there): IPv6 only from its own addresses, link-local ones (fe80::/64, for
 * neighbour discovery with the host end; the kernel forwards none) and :: for ICMPv6; IPv4
 * and ARP pass, as without a filter; anything else is dropped.  One chain on one device,
 * whatever the number of contexts (policy rules, one list for the host, were walked by
 * every IPv6 packet the host routed). */
struct nft_srcfilter {
	const char *table;
	const char *ifname;		/* NULL: only remove the table */
	unsigned char mac[6];
	const struct vx_addr *addr;
	unsigned naddr;
	bool replace;			/* a table of that name may exist: replace it */
	bool routed;			/* the routed form (above); mac is not looked at */
};

/* The link-local address the kernel gives an interface with this MAC (EUI-64, RFC 4291):
 * the only one a bridged context may send from besides its configured addresses. */
void nft_linklocal(const unsigned char mac[6], unsigned char ll[16]);

/* The batch that puts the filter in place, failing with EEXIST if the table exists, or with
 * replace, replacing it; or removes it ("add table, delete table" deletes whether it existed
 * or not).  -1 when buf is short.  Deleting costs: closing the socket afterwards waits for
 * an RCU grace period (nftables flushes its destroy work then), so a start tries without. */
int nft_srcfilter_batch(struct nl_batch *b, char *buf, size_t cap, uint32_t seq,
			const struct nft_srcfilter *f);

#endif
