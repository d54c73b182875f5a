// SPDX-License-Identifier: GPL-2.0-or-later
#include "vnet/nl.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/fib_rules.h>
#include <linux/if_ether.h>
#include <linux/neighbour.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/veth.h>
#include <sched.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/addr.h"
#include "core/sys.h"
#include "core/util.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NLMSGERR_ATTR_MSG
#define NLMSGERR_ATTR_MSG 1
#endif

static int open_proto(struct nl *nl, int proto, int netns_fd, struct vx_err *err);

int nl_open(struct nl *nl, int netns_fd, struct vx_err *err)
{
	return open_proto(nl, NETLINK_ROUTE, netns_fd, err);
}

int nl_open_nft(struct nl *nl, struct vx_err *err)
{
	return open_proto(nl, NETLINK_NETFILTER, -1, err);
}

static int open_proto(struct nl *nl, int proto, int netns_fd, struct vx_err *err)
{
	_cleanup_close_ int own = -1;
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	if (netns_fd >= 0) {
		/* A netlink socket belongs to the namespace it was created in: step in, create
		 * it, step back. */
		own = vx_ns_open(0, "net");
		if (own < 0 || setns(netns_fd, CLONE_NEWNET) < 0)
			return vx_failsys(err, "cannot enter the network namespace");
	}
	nl->sock = mnl_socket_open2(proto, SOCK_CLOEXEC);
	if (netns_fd >= 0 && setns(own, CLONE_NEWNET) < 0) {
		if (nl->sock)
			mnl_socket_close(nl->sock);
		nl->sock = NULL;
		return vx_failsys(err, "cannot return to the host's network namespace");
	}
	if (!nl->sock)
		return vx_failsys(err, "cannot open a netlink socket");
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		vx_failsys(err, "cannot bind the netlink socket");
		nl_close(nl);
		return -1;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);
	return 0;
}

void nl_close(struct nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

/* Error text the kernel attached to an nlmsgerr (extended ack), or NULL. */
static const char *ext_ack_msg(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	unsigned off = sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	/* Without NLM_F_CAPPED the original request follows the error. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	mnl_attr_for_each(attr, nlh, off) {
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			return mnl_attr_get_str(attr);
	}
	return NULL;
}

/* An NLMSG_ERROR answer: 0 for an ack, else the error with the kernel's own text. */
static int ack_error(const struct nlmsghdr *nlh, struct vx_err *err)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const char *msg = ext_ack_msg(nlh);

	if (e->error == 0)
		return 0;
	errno = -e->error;
	if (msg)
		return vx_fail(err, -e->error, "%s (%s)", strerror(-e->error), msg);
	return vx_fail(err, -e->error, "%s", strerror(-e->error));
}

static int recv_until_ack(struct nl *nl, uint32_t seq, mnl_cb_t cb, void *data,
			  struct vx_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 2];

	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int len = n;

		if (n < 0)
			return vx_failsys(err, "netlink");
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != nl->portid)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR)
				return ack_error(nlh, err);
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (cb && cb(nlh, data) < 0)
				return vx_fail(err, EIO, "netlink answer not understood");
		}
	}
}

int nl_batch_talk(struct nl *nl, struct nl_batch *b, struct vx_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 2];
	unsigned answers = 0;
	bool failed = false;

	if (b->full)
		return vx_fail(err, E2BIG, "too many addresses for one filter");
	if (mnl_socket_sendto(nl->sock, b->buf, b->len) < 0)
		return vx_failsys(err, "netlink");
	/* One answer per message; after an error, take only what is already there (the
	 * kernel may not answer the messages it did not get to). */
	while (answers < b->nmsg) {
		ssize_t n = recv(mnl_socket_get_fd(nl->sock), buf, sizeof(buf),
				 failed ? MSG_DONTWAIT : 0);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int len = n;

		if (n < 0 && failed)
			break;
		if (n < 0)
			return vx_failsys(err, "netlink");
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_type != NLMSG_ERROR || nlh->nlmsg_pid != nl->portid ||
			    nlh->nlmsg_seq < b->seq || nlh->nlmsg_seq >= b->seq + b->nmsg + 2)
				continue;
			answers++;
			/* The first error is the one to report. */
			if (!failed && ack_error(nlh, err) < 0)
				failed = true;
		}
	}
	return failed ? -1 : 0;
}

int nl_talk(struct nl *nl, struct nlmsghdr *nlh, struct vx_err *err)
{
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return vx_failsys(err, "netlink");
	return recv_until_ack(nl, nlh->nlmsg_seq, NULL, NULL, err);
}

int nl_dump(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data, struct vx_err *err)
{
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++nl->seq;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return vx_failsys(err, "netlink");
	return recv_until_ack(nl, nlh->nlmsg_seq, cb, data, err);
}

/* --- builders ----------------------------------------------------------------------------- */

static struct nlmsghdr *link_msg(char *buf, int type, unsigned flags, int ifindex)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return nlh;
}

struct nlmsghdr *nlmsg_link_up(char *buf, int ifindex)
{
	return nlmsg_link_set(buf, ifindex, NULL, -1, true);
}

struct nlmsghdr *nlmsg_link_set(char *buf, int ifindex, const char *newname, int master,
				bool up)
{
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 0, ifindex);
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	if (up) {
		ifi->ifi_change = IFF_UP;
		ifi->ifi_flags = IFF_UP;
	}
	if (newname)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, newname);
	if (master >= 0)
		mnl_attr_put_u32(nlh, IFLA_MASTER, master);
	return nlh;
}

struct nlmsghdr *nlmsg_veth(char *buf, const char *host, const char *peer, int peer_netns_fd,
			    unsigned mtu, const unsigned char *peer_mac)
{
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	struct nlattr *linkinfo, *data, *peerinfo;
	struct ifinfomsg *pifi;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, host);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peerinfo = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer's attributes follow its own ifinfomsg. */
	pifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifi));
	memset(pifi, 0, sizeof(*pifi));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	if (peer_netns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, peer_netns_fd);
	if (peer_mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, peer_mac);
	mnl_attr_nest_end(nlh, peerinfo);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	return nlh;
}

struct nlmsghdr *nlmsg_link_kind(char *buf, const char *name, const char *kind, int link)
{
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	struct nlattr *linkinfo;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (link)
		mnl_attr_put_u32(nlh, IFLA_LINK, link);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	mnl_attr_nest_end(nlh, linkinfo);
	return nlh;
}

struct nlmsghdr *nlmsg_macvlan(char *buf, const char *name, int link, int netns_fd,
			       unsigned mtu, const unsigned char *mac)
{
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	struct nlattr *linkinfo, *data;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_LINK, link);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	if (netns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, netns_fd);
	if (mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "macvlan");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_MACVLAN_MODE, MACVLAN_MODE_BRIDGE);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	return nlh;
}

struct nlmsghdr *nlmsg_link_del(char *buf, int ifindex)
{
	return link_msg(buf, RTM_DELLINK, 0, ifindex);
}

static size_t alen(const struct vx_addr *a)
{
	return a->family == AF_INET ? 4 : 16;
}

struct nlmsghdr *nlmsg_addr(char *buf, int cmd, int ifindex, const struct vx_addr *a)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = cmd;
	if (cmd == RTM_NEWADDR)
		nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = a->family;
	ifa->ifa_prefixlen = a->prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, alen(a), a->a.raw);
	mnl_attr_put(nlh, IFA_ADDRESS, alen(a), a->a.raw);
	if (a->family == AF_INET6)
		/* No duplicate address detection: the address is ours by configuration, and
		 * DAD would keep it unusable (tentative) for a second after every start. */
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	return nlh;
}

struct nlmsghdr *nlmsg_route(char *buf, int cmd, const struct vx_addr *dst, int ifindex,
			     const struct vx_addr *gw)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = cmd;
	if (cmd == RTM_NEWROUTE)
		nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = dst->family;
	rtm->rtm_dst_len = dst->prefix;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	if (dst->prefix)
		mnl_attr_put(nlh, RTA_DST, alen(dst), dst->a.raw);
	if (ifindex)
		mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	if (gw)
		mnl_attr_put(nlh, RTA_GATEWAY, alen(gw), gw->a.raw);
	return nlh;
}

struct nlmsghdr *nlmsg_neigh_proxy(char *buf, int cmd, int ifindex, const struct vx_addr *a)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ndmsg *nd;

	nlh->nlmsg_type = cmd;
	if (cmd == RTM_NEWNEIGH)
		nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));
	nd->ndm_family = a->family;
	nd->ndm_ifindex = ifindex;
	nd->ndm_state = NUD_PERMANENT;
	nd->ndm_flags = NTF_PROXY;
	mnl_attr_put(nlh, NDA_DST, alen(a), a->a.raw);
	return nlh;
}

struct nlmsghdr *nlmsg_rule(char *buf, int cmd, int family, const char *iif,
			    const struct vx_addr *src, uint32_t prio, bool blackhole)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct fib_rule_hdr *frh;

	nlh->nlmsg_type = cmd;
	if (cmd == RTM_NEWRULE)
		nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
	frh->family = family;
	frh->action = blackhole ? FR_ACT_BLACKHOLE : FR_ACT_TO_TBL;
	frh->table = blackhole ? RT_TABLE_UNSPEC : RT_TABLE_MAIN;
	if (src) {
		frh->src_len = src->prefix;
		mnl_attr_put(nlh, FRA_SRC, alen(src), src->a.raw);
	}
	mnl_attr_put_strz(nlh, FRA_IFNAME, iif);
	mnl_attr_put_u32(nlh, FRA_PRIORITY, prio);
	return nlh;
}

struct nlmsghdr *nlmsg_dump(char *buf, int type, int family)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *g;

	nlh->nlmsg_type = type;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = family;
	return nlh;
}

/* --- queries ------------------------------------------------------------------------------ */

int nl_ifindex(struct nl *nl, const char *name, struct vx_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	char ans[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_GETLINK, 0, 0);
	const struct nlmsghdr *r;
	ssize_t n;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	nlh->nlmsg_flags |= NLM_F_REQUEST;
	nlh->nlmsg_seq = ++nl->seq;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return vx_failsys(err, "netlink");
	n = mnl_socket_recvfrom(nl->sock, ans, sizeof(ans));
	if (n < 0)
		return vx_failsys(err, "netlink");
	r = (const struct nlmsghdr *)ans;
	if (!mnl_nlmsg_ok(r, n) || mnl_nlmsg_get_payload_len(r) < sizeof(struct ifinfomsg))
		return vx_fail(err, EPROTO, "a short netlink answer for link %s", name);
	if (r->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(r);

		if (e->error == -ENODEV)
			return 0;
		errno = -e->error;
		return vx_failsys(err, "cannot look up link %s", name);
	}
	return ((const struct ifinfomsg *)mnl_nlmsg_get_payload(r))->ifi_index;
}
