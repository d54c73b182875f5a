/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnet.h — a context's network: its addresses ("IP aliases"), the links that carry them, and
 * the host-side routes and proxy neighbour entries that make them reachable from the LAN.
 * See design.md "Network" and vnet(8).
 *
 * routed (default, like OpenVZ's venet): a veth pair; the context's addresses on its eth0
 *   (without prefix routes, so everything goes through the host), a /32 or /128 route per
 *   address to the host end, a proxy ARP/NDP entry on the uplink for exactly those
 *   addresses, and source checking on the host end: strict reverse-path filtering for IPv4,
 *   for IPv6 a source filter on the host end (filter.h), or, without IPv6, none at all there.
 * bridge: the host end of the veth pair joins an existing bridge.
 * macvlan: a macvlan child of the uplink becomes the context's eth0.
 */
#ifndef VNET_H
#define VNET_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/conf.h"
#include "core/err.h"
#include "core/state.h"
#include "vnet/nl.h"

/* The host end's name: "vx-NAME", or "vx-" + 5 characters + "-" + hash for long names.  While
 * the previous run's link is still being freed by the kernel, the start takes "vy-..." instead
 * (the name in use is in the context's state). */
void vnet_ifname(const char *name, char buf[16]);

/* The uplink a context uses: its 'link', or the interface of the host's default route. */
int vnet_uplink(const struct vx_conf *conf, char buf[16], struct vx_err *err);

/* Refuse before anything changes: a missing uplink or bridge, an address another context
 * owns or the host has. */
int vnet_check(const char *name, const struct vx_conf *conf, struct vx_err *err);

/* Set up the context's network from the supervisor, once init's namespaces exist.  What the
 * host side holds is recorded in st as it is made (for teardown after a crash). */
int vnet_setup(const char *name, const struct vx_conf *conf, pid_t pid, struct vx_runstate *st,
	       struct vx_err *err);

/* Remove every host-side object st records.  Idempotent; safe with nothing set up.  The
 * veth pair is left to the kernel, which frees it with the context's network namespace:
 * deleting it here would cost tens of milliseconds on every stop. */
int vnet_teardown(const struct vx_runstate *st, struct vx_err *err);

/* Add or remove one address of a running context (supervisor side). */
int vnet_addr_add(const struct vx_conf *conf, pid_t pid, struct vx_runstate *st,
		  const struct vx_addr *addr, struct vx_err *err);
int vnet_addr_del(const struct vx_conf *conf, pid_t pid, struct vx_runstate *st,
		  const struct vx_addr *addr, struct vx_err *err);

/* Tell the LAN a routed context's addresses are on this host now (vnet/announce.c): a
 * gratuitous ARP and an unsolicited neighbour advertisement per address, on the uplink.  For
 * a context that has just moved here; nothing for other modes. */
int vnet_announce(const struct vx_conf *conf, struct vx_err *err);

/* Byte counters of every link in the host's network namespace (for `vctx top`): a contexts's
 * traffic is its host end's, the other way round.  Returns how many; *out is malloc'ed. */
struct vnet_link_stats {
	char name[16];
	uint64_t rx_bytes, tx_bytes;
};
int vnet_link_stats(struct vnet_link_stats **out, struct vx_err *err);

#endif
