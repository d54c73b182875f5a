/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nl.h — rtnetlink through libmnl; the only file that owns netlink sockets.
 *
 * Sockets are opened with NETLINK_EXT_ACK so the kernel's own error text comes back and ends
 * up in our messages ("cannot add address 203.0.113.10/24 to eth0: File exists (Address
 * already assigned)").  Message builders write into a caller's buffer and do not send, so
 * unit tests can check their attributes.
 */
#ifndef VNET_NL_H
#define VNET_NL_H

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/addr.h"
#include "core/err.h"

struct nl {
	struct mnl_socket *sock;
	uint32_t seq, portid;
};

/* Open a socket in the current network namespace, or in the one of netns_fd (>= 0). */
int nl_open(struct nl *nl, int netns_fd, struct vx_err *err);
void nl_close(struct nl *nl);

/* Send a request that wants an ACK; the kernel's extended ack text is added to errors. */
int nl_talk(struct nl *nl, struct nlmsghdr *nlh, struct vx_err *err);

/* Send a dump request and call cb for each answer. */
int nl_dump(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data, struct vx_err *err);

/* --- message builders: fill 'buf' (MNL_SOCKET_BUFFER_SIZE) and return the header ------- */

struct nlmsghdr *nlmsg_link_up(char *buf, int ifindex);
/* A veth pair; the peer (in peer_netns_fd if >= 0) gets peer_mac unless it is NULL. */
struct nlmsghdr *nlmsg_veth(char *buf, const char *host, const char *peer, int peer_netns_fd,
			    unsigned mtu, const unsigned char *peer_mac);
struct nlmsghdr *nlmsg_macvlan(char *buf, const char *name, int link, int netns_fd,
			       unsigned mtu, const unsigned char *mac);
struct nlmsghdr *nlmsg_link_set(char *buf, int ifindex, const char *newname, int master,
				bool up);
struct nlmsghdr *nlmsg_link_del(char *buf, int ifindex);
/* A new link of a kind that needs no data (bridge, dummy); link: its lower device or 0. */
struct nlmsghdr *nlmsg_link_kind(char *buf, const char *name, const char *kind, int link);
struct nlmsghdr *nlmsg_addr(char *buf, int cmd, int ifindex, const struct vx_addr *a);
/* Route to dst/prefix: via gw (may be NULL) and/or out of ifindex (0 = any). */
struct nlmsghdr *nlmsg_route(char *buf, int cmd, const struct vx_addr *dst, int ifindex,
			     const struct vx_addr *gw);
/* Proxy neighbour entry (proxy ARP / proxy NDP) for addr on ifindex. */
struct nlmsghdr *nlmsg_neigh_proxy(char *buf, int cmd, int ifindex, const struct vx_addr *a);

/* A policy routing rule for packets arriving on iif: with src (may be NULL) look up the
 * main table, or (blackhole) drop them. */
struct nlmsghdr *nlmsg_rule(char *buf, int cmd, int family, const char *iif,
			    const struct vx_addr *src, uint32_t prio, bool blackhole);
/* Dump requests. */
struct nlmsghdr *nlmsg_dump(char *buf, int type, int family);

/* --- nftables (NETLINK_NETFILTER) -------------------------------------------------------- */

/* Messages of one nftables transaction: the kernel applies all of them or none. */
struct nl_batch {
	char *buf;
	size_t len, cap;
	uint32_t seq;		/* of the first message */
	unsigned nmsg;		/* messages that want an answer */
	bool full;		/* cap was too small: nothing must be sent */
};

/* A NETLINK_NETFILTER socket (nl_open is NETLINK_ROUTE). */
int nl_open_nft(struct nl *nl, struct vx_err *err);
/* Send a batch and wait for every answer; the first error, with the kernel's text. */
int nl_batch_talk(struct nl *nl, struct nl_batch *b, struct vx_err *err);

/* ifindex of a link by name in the socket's namespace; 0 if there is none. */
int nl_ifindex(struct nl *nl, const char *name, struct vx_err *err);

#endif
