// SPDX-License-Identifier: GPL-2.0-or-later
#include "vnet/vnet.h"

#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fib_rules.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/addr.h"
#include "core/paths.h"
#include "core/registry.h"
#include "core/sys.h"
#include "core/util.h"
#include "vnet/filter.h"
#include "vnet/nft.h"

/* Policy rule priorities of the IPv6 source checks of contexts an earlier vnet started
 * (before the main table, 32766): only removed now (del_rules). */
#define RULE_ALLOW 30000
#define RULE_DROP 30001

/* The link-local gateway the host end of a routed context's veth answers on (IPv6), fe80::1. */
static const struct vx_addr V6_GW = {
	.family = AF_INET6, .prefix = 128, .a.raw = { 0xfe, 0x80, [15] = 1 } };
#define V6_GW_TEXT "fe80::1"

struct net {
	const char *name;
	const struct vx_conf *conf;
	struct vx_runstate *st;
	struct nl host, ctx;	/* sockets in the host's and in the context's namespace */
	int ctxns;		/* the context's network namespace */
	char hostif[16];
	bool v4, v6;		/* does the context have addresses of the family */
	const unsigned char *mac;	/* the context's eth0 MAC, if we choose it */
};

/* --- names --------------------------------------------------------------------------------- */

void vnet_ifname(const char *name, char buf[16])
{
	uint32_t h = 2166136261u;	/* FNV-1a */
	const char *p;

	if (strlen(name) <= 12) {
		snprintf(buf, 16, "vx-%s", name);
		return;
	}
	for (p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	snprintf(buf, 16, "vx-%.5s-%06x", name, h & 0xffffff);
}

/* --- sysctls ------------------------------------------------------------------------------- */

/* /proc/sys/net shows the network namespace of whoever opens it. */
static int sysctl_set(const char *path, const char *value, struct vx_err *err)
{
	char full[256];

	snprintf(full, sizeof(full), "/proc/sys/net/%s", path);
	if (write_file_at(AT_FDCWD, full, value) < 0)
		return vx_failsys(err, "cannot set %s to %s", full, value);
	return 0;
}

static int sysctl_get(const char *path, char *buf, size_t len)
{
	char full[256];

	snprintf(full, sizeof(full), "/proc/sys/net/%s", path);
	if (read_file_at(AT_FDCWD, full, buf, len) < 0)
		return -1;
	strstrip(buf);
	return 0;
}

static int sysctl_in(int netns, const char *path, const char *value, struct vx_err *err)
{
	_cleanup_close_ int own = vx_ns_open(0, "net");
	int r;

	if (own < 0 || setns(netns, CLONE_NEWNET) < 0)
		return vx_failsys(err, "cannot enter the context's network namespace");
	r = sysctl_set(path, value, err);
	if (setns(own, CLONE_NEWNET) < 0)
		return vx_failsys(err, "cannot return to the host's network namespace");
	return r;
}

/* --- small netlink helpers ---------------------------------------------------------------- */

static int talk(struct nl *nl, struct nlmsghdr *nlh, struct vx_err *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int talk(struct nl *nl, struct nlmsghdr *nlh, struct vx_err *err, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	if (nl_talk(nl, nlh, err) == 0)
		return 0;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return vx_prefix(err, "%s", what);
}

struct default_dev {
	int ifindex;
};

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct default_dev *d = data;
	const struct nlattr *a;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return MNL_CB_ERROR;
	if (rtm->rtm_dst_len != 0 || rtm->rtm_table != RT_TABLE_MAIN || d->ifindex)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*rtm))
		if (mnl_attr_get_type(a) == RTA_OIF && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			d->ifindex = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

struct link_name {
	int ifindex;
	char name[16];
	char kind[16];
};

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct link_name *l = data;
	const struct nlattr *a, *b;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return MNL_CB_ERROR;
	if (ifi->ifi_index != l->ifindex || !l->ifindex)
		return MNL_CB_OK;
	/* Attributes are read only once they are checked to be what they claim. */
	mnl_attr_for_each(a, nlh, sizeof(*ifi)) {
		if (mnl_attr_get_type(a) == IFLA_IFNAME &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			snprintf(l->name, sizeof(l->name), "%s", mnl_attr_get_str(a));
		if (mnl_attr_get_type(a) != IFLA_LINKINFO ||
		    mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
			continue;
		mnl_attr_for_each_nested(b, a)
			if (mnl_attr_get_type(b) == IFLA_INFO_KIND &&
			    mnl_attr_validate(b, MNL_TYPE_NUL_STRING) == 0)
				snprintf(l->kind, sizeof(l->kind), "%s", mnl_attr_get_str(b));
	}
	return MNL_CB_OK;
}

static int ifname_of(struct nl *nl, int ifindex, struct link_name *l, struct vx_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	memset(l, 0, sizeof(*l));
	l->ifindex = ifindex;
	return nl_dump(nl, nlmsg_dump(buf, RTM_GETLINK, AF_UNSPEC), link_cb, l, err);
}

int vnet_uplink(const struct vx_conf *conf, char out[16], struct vx_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct default_dev d = { 0 };
	struct link_name l;
	struct nl nl;
	int r;

	if (conf->net_link[0]) {
		snprintf(out, 16, "%s", conf->net_link);
		return 0;
	}
	if (nl_open(&nl, -1, err) < 0)
		return -1;
	r = nl_dump(&nl, nlmsg_dump(buf, RTM_GETROUTE, AF_INET), route_cb, &d, err);
	if (r == 0 && !d.ifindex)
		r = vx_fail(err, ENOENT, "no 'link' is set and the host has no default route to "
			    "take the uplink from");
	if (r == 0)
		r = ifname_of(&nl, d.ifindex, &l, err);
	nl_close(&nl);
	if (r == 0)
		snprintf(out, 16, "%s", l.name);
	return r;
}

/* --- addresses the host has ---------------------------------------------------------------- */

struct host_addrs {
	const struct vx_addr *addr;
	bool found;
	char ifname[16];
	int ifindex;
};

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct host_addrs *h = data;
	const struct vx_addr *want = h->addr;
	const struct nlattr *a;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa))
		return MNL_CB_ERROR;
	if (ifa->ifa_family != want->family)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*ifa)) {
		int t = mnl_attr_get_type(a);

		if ((t == IFA_LOCAL || (t == IFA_ADDRESS && want->family == AF_INET6)) &&
		    mnl_attr_validate2(a, MNL_TYPE_BINARY, want->family == AF_INET ? 4 : 16) == 0 &&
		    memcmp(mnl_attr_get_payload(a), want->a.raw, mnl_attr_get_payload_len(a)) == 0) {
			h->found = true;
			h->ifindex = ifa->ifa_index;
		}
	}
	return MNL_CB_OK;
}

/* Is the address configured on one of the host's own interfaces? */
static int host_has(struct nl *nl, const struct vx_addr *addr, struct host_addrs *h,
		    struct vx_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct link_name l;

	memset(h, 0, sizeof(*h));
	h->addr = addr;
	/* Only the address's family: with a veth per context, every other family's walk over
	 * the host's links is work for nothing. */
	if (nl_dump(nl, nlmsg_dump(buf, RTM_GETADDR, addr->family), addr_cb, h, err) < 0)
		return -1;
	if (h->found && ifname_of(nl, h->ifindex, &l, NULL) == 0)
		snprintf(h->ifname, sizeof(h->ifname), "%s", l.name);
	return 0;
}

/* The host has none of the context's addresses (that no other context has one is checked
 * once for all of them, in vnet_check). */
static int check_one(struct nl *nl, const struct vx_addr *addr, struct vx_err *err)
{
	struct host_addrs h;
	char text[VX_ADDR_STR];

	addr_fmt(addr, true, text, sizeof(text));
	if (host_has(nl, addr, &h, err) < 0)
		return -1;
	if (h.found)
		return vx_fail(err, EADDRINUSE, "address %s is configured on the host (%s)", text,
			       h.ifname);
	return 0;
}

static int need_link(struct nl *nl, const char *ifname, const char *what, const char *kind,
		     struct vx_err *err)
{
	int idx = nl_ifindex(nl, ifname, err);
	struct link_name l;

	if (idx < 0)
		return -1;
	if (idx == 0)
		return vx_fail(err, ENODEV, "%s %s does not exist", what, ifname);
	if (kind && (ifname_of(nl, idx, &l, err) < 0 || strcmp(l.kind, kind) != 0))
		return vx_fail(err, EINVAL, "%s %s is not a %s", what, ifname, kind);
	return idx;
}

int vnet_check(const char *name, const struct vx_conf *conf, struct vx_err *err)
{
	const char *mode = conf_net_mode(conf);
	char uplink[16], rp[16];
	struct nl nl;
	unsigned i;
	int r = 0;

	if (strcmp(mode, "none") == 0)
		return 0;
	if (nl_open(&nl, -1, err) < 0)
		return -1;
	if (strcmp(mode, "bridge") == 0) {
		r = need_link(&nl, conf->net_bridge, "bridge", "bridge", err);
	} else {
		r = vnet_uplink(conf, uplink, err);
		if (r == 0)
			r = need_link(&nl, uplink, "uplink", NULL, err);
	}
	/* One look at the other contexts' configs for all the addresses. */
	if (r >= 0)
		r = registry_check_addresses(name, conf, err);
	for (i = 0; r >= 0 && i < conf->address.n; i++)
		r = check_one(&nl, &conf->address.v[i], err);
	nl_close(&nl);
	if (r < 0)
		return -1;
	/* The effective reverse-path filter is the larger of "all" and the interface's: a
	 * host set to loose (2) would let a context send from its neighbour's address. */
	if (strcmp(mode, "routed") == 0 && sysctl_get("ipv4/conf/all/rp_filter", rp, sizeof(rp)) == 0 &&
	    strcmp(rp, "2") == 0)
		return vx_fail(err, EPERM, "net.ipv4.conf.all.rp_filter is 2 (loose), which would "
			       "let routed contexts use each other's addresses; set it to 0 or 1");
	return 0;
}

/* --- routed mode ------------------------------------------------------------------------- */

/* The previous run's link (the other of vx-/vy-) may still be being freed, with its route to
 * the same address: remove that route, and only that one (nobody else's is replaced). */
static int drop_stale_route(struct net *n, const struct vx_addr *host)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], old[16];
	int idx;

	snprintf(old, sizeof(old), "%s", n->hostif);
	old[1] = old[1] == 'x' ? 'y' : 'x';
	idx = nl_ifindex(&n->host, old, NULL);
	if (idx <= 0)
		return -1;
	return nl_talk(&n->host, nlmsg_route(buf, RTM_DELROUTE, host, idx, NULL), NULL);
}

static int add_host_side_addr(struct net *n, int hostidx, int upidx, const struct vx_addr *a,
			      struct vx_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], text[VX_ADDR_STR];
	struct vx_addr host = addr_host(a);
	int r;

	addr_fmt(a, true, text, sizeof(text));
	/* Recorded before it exists: teardown tolerates what never came to be. */
	if (addr_list_add(&n->st->proxies, a, err) < 0)
		return -1;
	r = nl_talk(&n->host, nlmsg_route(buf, RTM_NEWROUTE, &host, hostidx, NULL), err);
	if (r < 0 && err->code == EEXIST && drop_stale_route(n, &host) == 0)
		r = nl_talk(&n->host, nlmsg_route(buf, RTM_NEWROUTE, &host, hostidx, NULL), err);
	if (r < 0)
		return vx_prefix(err, "cannot route %s to %s", text, n->hostif);
	if (talk(&n->host, nlmsg_neigh_proxy(buf, RTM_NEWNEIGH, upidx, &host), err,
		 "cannot add a proxy neighbour entry for %s on %s", text, n->st->uplink) < 0)
		return -1;
	return 0;
}

/* The source filter on the host end, for the addresses of allow: the bridge form with the
 * MAC in the run state, the routed form (a routed context's IPv6 check) without.  A new
 * table; only a leftover of a killed supervisor (EEXIST) costs the slower replacement. */
static int put_filter(struct net *n, const struct vx_addrs *allow, struct vx_err *err)
{
	snprintf(n->st->filter, sizeof(n->st->filter), "vctx-%s", n->name);
	n->st->allow = *allow;
	if (filter_apply(n->st->filter, n->hostif, n->st->mac, &n->st->allow, false, err) < 0 &&
	    (err->code != EEXIST ||
	     filter_apply(n->st->filter, n->hostif, n->st->mac, &n->st->allow, true, err) < 0))
		return -1;
	return 0;
}

static int add_ctx_addr(struct net *n, int idx, const struct vx_addr *a, bool prefixroute,
			struct vx_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], text[VX_ADDR_STR];
	struct nlmsghdr *nlh = nlmsg_addr(buf, RTM_NEWADDR, idx, a);

	addr_fmt(a, true, text, sizeof(text));
	/* Routed: the address shows its prefix like an alias on the LAN would, but the prefix
	 * is not on-link: everything goes through the host. */
	if (!prefixroute)
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD | IFA_F_NOPREFIXROUTE);
	return talk(&n->ctx, nlh, err, "cannot add address %s to eth0", text);
}

static int host_sysctls(struct net *n, struct vx_err *err)
{
	/* Answer the context's ARP for everything (it has no on-link prefix), drop anything
	 * it sends from an address that routes elsewhere, and forward for it. */
	static const char *const v4[][2] = { { "proxy_arp", "1" }, { "rp_filter", "1" },
					     { "forwarding", "1" } };
	char path[160], v[16];
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(v4); i++) {
		snprintf(path, sizeof(path), "ipv4/conf/%s/%s", n->hostif, v4[i][0]);
		if (sysctl_set(path, v4[i][1], err) < 0)
			return -1;
	}
	snprintf(path, sizeof(path), "ipv4/conf/%s/forwarding", n->st->uplink);
	if (sysctl_set(path, "1", err) < 0)
		return -1;
	/* The kernel holds each proxy answer back by a random time up to proxy_delay (0.8 s by
	 * default): a LAN host's first packet to a context would wait for it. */
	snprintf(path, sizeof(path), "ipv4/neigh/%s/proxy_delay", n->st->uplink);
	if (sysctl_set(path, "0", err) < 0)
		return -1;
	/* IPv6 is forwarded host-wide once any context has it (below), and nothing checks the
	 * sources of a host end without it: a context with no IPv6 address gets none on its
	 * host end, which then drops what it sends (a root with net_raw could else send any
	 * source there).  Its first address, added live, turns it back on (v6_gateway). */
	snprintf(path, sizeof(path), "ipv6/conf/%s/disable_ipv6", n->hostif);
	if (sysctl_set(path, n->v6 ? "0" : "1", err) < 0)
		return -1;
	if (!n->v6)
		return 0;
	snprintf(path, sizeof(path), "ipv6/neigh/%s/proxy_delay", n->st->uplink);
	if (sysctl_set(path, "0", err) < 0)
		return -1;
	snprintf(path, sizeof(path), "ipv6/conf/%s/accept_dad", n->hostif);
	if (sysctl_set(path, "0", err) < 0)
		return -1;
	snprintf(path, sizeof(path), "ipv6/conf/%s/proxy_ndp", n->st->uplink);
	if (sysctl_set(path, "1", err) < 0)
		return -1;
	/* IPv6 forwarding is host-wide.  Turning it on makes every interface ignore router
	 * advertisements unless accept_ra is 2: keep the uplink's own autoconfiguration. */
	snprintf(path, sizeof(path), "ipv6/conf/%s/accept_ra", n->st->uplink);
	if (sysctl_get(path, v, sizeof(v)) == 0 && strcmp(v, "1") == 0 &&
	    sysctl_set(path, "2", err) < 0)
		return -1;
	return sysctl_set("ipv6/conf/all/forwarding", "1", err);
}

static int make_veth(struct net *n, unsigned mtu, struct vx_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int idx;

	if (nl_talk(&n->host, nlmsg_veth(buf, n->hostif, "eth0", n->ctxns, mtu, n->mac), err) == 0)
		return 0;
	if (err->code != EEXIST)
		return vx_prefix(err, "cannot create the veth pair %s/eth0", n->hostif);
	/* A previous run's pair whose namespace the kernel has not freed yet.  Deleting it
	 * waits for several RCU grace periods (~35 ms here): take the other name ("vy-")
	 * instead, and delete only when both are still there. */
	n->hostif[1] = n->hostif[1] == 'x' ? 'y' : 'x';
	if (nl_talk(&n->host, nlmsg_veth(buf, n->hostif, "eth0", n->ctxns, mtu, n->mac), err) == 0)
		return 0;
	if (err->code != EEXIST)
		return vx_prefix(err, "cannot create the veth pair %s/eth0", n->hostif);
	idx = nl_ifindex(&n->host, n->hostif, err);
	if (idx > 0 && nl_talk(&n->host, nlmsg_link_del(buf, idx), err) < 0)
		return vx_prefix(err, "cannot remove the stale link %s", n->hostif);
	return talk(&n->host, nlmsg_veth(buf, n->hostif, "eth0", n->ctxns, mtu, n->mac), err,
		    "cannot create the veth pair %s/eth0", n->hostif);
}

static int ctx_default_routes(struct net *n, int idx, bool routed, struct vx_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct vx_addr any4 = { .family = AF_INET }, any6 = { .family = AF_INET6 };
	unsigned i;

	if (routed) {
		if (n->v4 && talk(&n->ctx, nlmsg_route(buf, RTM_NEWROUTE, &any4, idx, NULL), err,
				  "cannot add the default route") < 0)
			return -1;
		if (n->v6 && talk(&n->ctx, nlmsg_route(buf, RTM_NEWROUTE, &any6, idx, &V6_GW), err,
				  "cannot add the IPv6 default route") < 0)
			return -1;
		return 0;
	}
	for (i = 0; i < n->conf->gateway.n; i++) {
		const struct vx_addr *gw = &n->conf->gateway.v[i];
		char text[VX_ADDR_STR];

		addr_fmt(gw, false, text, sizeof(text));
		if (talk(&n->ctx, nlmsg_route(buf, RTM_NEWROUTE, gw->family == AF_INET ? &any4 : &any6,
					      idx, gw), err, "cannot add the default route via %s",
			 text) < 0)
			return -1;
	}
	return 0;
}

/* Inside: eth0 up with the addresses and default routes. */
static int ctx_side(struct net *n, bool routed, struct vx_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned i;
	int idx;

	if (n->v6 && sysctl_in(n->ctxns, "ipv6/conf/eth0/accept_dad", "0", err) < 0)
		return -1;
	idx = nl_ifindex(&n->ctx, "eth0", err);
	if (idx <= 0)
		return idx < 0 ? -1 : vx_fail(err, ENODEV, "eth0 did not appear in the context");
	if (talk(&n->ctx, nlmsg_link_up(buf, idx), err, "cannot bring up eth0") < 0)
		return -1;
	for (i = 0; i < n->conf->address.n; i++)
		if (add_ctx_addr(n, idx, &n->conf->address.v[i], !routed, err) < 0)
			return -1;
	return ctx_default_routes(n, idx, routed, err);
}

static int routed_setup(struct net *n, struct vx_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct vx_addr gw = V6_GW;
	int hostidx, upidx;
	unsigned i;

	if (vnet_uplink(n->conf, n->st->uplink, err) < 0)
		return -1;
	upidx = need_link(&n->host, n->st->uplink, "uplink", NULL, err);
	if (upidx < 0 || make_veth(n, n->conf->mtu, err) < 0)
		return -1;
	snprintf(n->st->netdev, sizeof(n->st->netdev), "%s", n->hostif);
	hostidx = nl_ifindex(&n->host, n->hostif, err);
	if (hostidx <= 0 || host_sysctls(n, err) < 0 ||
	    talk(&n->host, nlmsg_link_up(buf, hostidx), err, "cannot bring up %s", n->hostif) < 0)
		return -1;
	if (n->v6) {
		gw.prefix = 64;
		if (talk(&n->host, nlmsg_addr(buf, RTM_NEWADDR, hostidx, &gw), err,
			 "cannot add %s to %s", V6_GW_TEXT, n->hostif) < 0 ||
		    put_filter(n, &n->conf->address, err) < 0)
			return -1;
	}
	for (i = 0; i < n->conf->address.n; i++)
		if (add_host_side_addr(n, hostidx, upidx, &n->conf->address.v[i], err) < 0)
			return -1;
	return ctx_side(n, true, err);
}

/* --- bridge mode ---------------------------------------------------------------------------- */

/* The MAC of a context's eth0 on the LAN (bridge and macvlan): the same at every start, so
 * the LAN's ARP caches and DHCP reservations stay right across restarts; unicast, locally
 * administered, the rest a hash (FNV-1a) of the context's name and id range, which no two
 * contexts of a host share. */
static void ctx_mac(struct net *n, unsigned char mac[6])
{
	uint64_t h = 0xcbf29ce484222325ull;
	const char *p;
	unsigned i;

	for (p = n->name; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
	for (i = 0; i < 8; i++)
		h = (h ^ ((n->conf->id_base >> (8 * i)) & 0xff)) * 0x100000001b3ull;
	mac[0] = 0x02;
	for (i = 1; i < 6; i++)
		mac[i] = h >> (8 * (i - 1));
	n->mac = mac;
}

static int bridge_setup(struct net *n, struct vx_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned char mac[6];
	int br, idx;

	br = need_link(&n->host, n->conf->net_bridge, "bridge", "bridge", err);
	if (br < 0)
		return -1;
	/* The context's MAC is chosen here, so the filter knows it before the first frame. */
	ctx_mac(n, mac);
	if (make_veth(n, n->conf->mtu, err) < 0)
		return -1;
	snprintf(n->st->netdev, sizeof(n->st->netdev), "%s", n->hostif);
	snprintf(n->st->mac, sizeof(n->st->mac), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
	/* Before the port joins the bridge: nothing passes unfiltered. */
	if (put_filter(n, &n->conf->address, err) < 0)
		return -1;
	idx = nl_ifindex(&n->host, n->hostif, err);
	if (idx <= 0 || talk(&n->host, nlmsg_link_set(buf, idx, NULL, br, true), err,
			     "cannot add %s to bridge %s", n->hostif, n->conf->net_bridge) < 0)
		return -1;
	return ctx_side(n, false, err);
}

static int macvlan_setup(struct net *n, struct vx_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned char mac[6];
	int up;

	if (vnet_uplink(n->conf, n->st->uplink, err) < 0)
		return -1;
	up = need_link(&n->host, n->st->uplink, "uplink", NULL, err);
	/* Made in the host's namespace on the uplink and moved into the context's as eth0;
	 * it goes away with that namespace. */
	ctx_mac(n, mac);
	if (up < 0 || talk(&n->host, nlmsg_macvlan(buf, "eth0", up, n->ctxns, n->conf->mtu, mac), err,
			   "cannot create a macvlan on %s", n->st->uplink) < 0)
		return -1;
	return ctx_side(n, false, err);
}

static int lo_up(struct net *n, struct vx_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	if (talk(&n->ctx, nlmsg_link_up(buf, 1), err, "cannot bring up lo") < 0)
		return -1;
	/* Without raw sockets (net_raw is dropped by default) ping works through ICMP
	 * datagram sockets, which this opens to every group of the context. */
	return sysctl_in(n->ctxns, "ipv4/ping_group_range", "0 2147483647", err);
}

static void families(struct net *n)
{
	n->v4 = addr_list_has_family(&n->conf->address, AF_INET);
	n->v6 = addr_list_has_family(&n->conf->address, AF_INET6);
}

int vnet_setup(const char *name, const struct vx_conf *conf, pid_t pid, struct vx_runstate *st,
	       struct vx_err *err)
{
	struct net n = { .name = name, .conf = conf, .st = st };
	const char *mode = conf_net_mode(conf);
	int r;

	vnet_ifname(name, n.hostif);
	families(&n);
	/* init is the supervisor's unreaped child: its pid cannot have been reused. */
	n.ctxns = vx_ns_open(pid, "net");
	if (n.ctxns < 0)
		return vx_failsys(err, "cannot open the context's network namespace");
	r = nl_open(&n.ctx, n.ctxns, err);
	if (r == 0)
		r = lo_up(&n, err);
	if (r == 0 && strcmp(mode, "none") != 0) {
		r = nl_open(&n.host, -1, err);
		if (r == 0 && strcmp(mode, "routed") == 0)
			r = routed_setup(&n, err);
		else if (r == 0 && strcmp(mode, "bridge") == 0)
			r = bridge_setup(&n, err);
		else if (r == 0)
			r = macvlan_setup(&n, err);
		nl_close(&n.host);
	}
	/* No reference to the namespace may outlive the setup: the kernel frees the veth
	 * pair with it when the context stops. */
	close(n.ctxns);
	nl_close(&n.ctx);
	return r;
}

/* --- teardown ------------------------------------------------------------------------------- */

/* The source-check rules an earlier vnet gave the host end ifname (RULE_ALLOW for each of
 * its IPv6 addresses, RULE_DROP after them), deleted by what marks them: that interface and
 * priority, with no action, table or source, which the kernel then does not compare.  One
 * request a rule until none is left, and no dump: every context's rules are in one list,
 * which a dump at each stop would read whole. */
static int del_rules(struct nl *nl, const char *ifname, struct vx_err *err)
{
	static const uint32_t prios[] = { RULE_ALLOW, RULE_DROP };
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned i, n;

	for (i = 0; i < ARRAY_SIZE(prios); i++) {
		for (n = 0; n <= VX_LIST_MAX; n++) {
			struct nlmsghdr *nlh = nlmsg_rule(buf, RTM_DELRULE, AF_INET6, ifname, NULL,
							  prios[i], false);
			struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);

			frh->action = FR_ACT_UNSPEC;
			frh->table = RT_TABLE_UNSPEC;
			if (nl_talk(nl, nlh, err) == 0)
				continue;
			if (err->code == ENOENT)
				break;
			return vx_prefix(err, "cannot remove a source check rule of %s", ifname);
		}
	}
	return 0;
}

static int del_proxy(struct nl *nl, int upidx, const struct vx_addr *a, struct vx_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], text[VX_ADDR_STR];
	struct vx_addr host = addr_host(a);

	if (nl_talk(nl, nlmsg_neigh_proxy(buf, RTM_DELNEIGH, upidx, &host), err) < 0 &&
	    err->code != ENOENT) {
		addr_fmt(a, false, text, sizeof(text));
		return vx_prefix(err, "cannot remove the proxy entry for %s", text);
	}
	return 0;
}

int vnet_teardown(const struct vx_runstate *st, struct vx_err *err)
{
	struct vx_err e;
	struct nl nl;
	unsigned i;
	int upidx = 0, r = 0;

	if (!st->netdev[0] && !st->proxies.n && !st->filter[0])
		return 0;
	if (!err)
		err = &e;
	if (st->filter[0] && filter_apply(st->filter, NULL, NULL, NULL, false, err) < 0)
		r = -1;
	if (nl_open(&nl, -1, err) < 0)
		return -1;
	if (st->uplink[0])
		upidx = nl_ifindex(&nl, st->uplink, err);
	for (i = 0; upidx > 0 && i < st->proxies.n; i++)
		if (del_proxy(&nl, upidx, &st->proxies.v[i], err) < 0)
			r = -1;
	if (st->netdev[0] && del_rules(&nl, st->netdev, err) < 0)
		r = -1;
	nl_close(&nl);
	return r;
}

/* --- live changes ---------------------------------------------------------------------------- */

static int live_open(struct net *n, const struct vx_conf *conf, pid_t pid,
		     struct vx_runstate *st, struct vx_err *err)
{
	memset(n, 0, sizeof(*n));
	n->name = conf->name;
	n->conf = conf;
	n->st = st;
	snprintf(n->hostif, sizeof(n->hostif), "%s", st->netdev);
	n->ctxns = vx_ns_open(pid, "net");
	if (n->ctxns < 0)
		return vx_failsys(err, "cannot open the context's network namespace");
	if (nl_open(&n->ctx, n->ctxns, err) < 0)
		goto fail;
	if (nl_open(&n->host, -1, err) < 0) {
		nl_close(&n->ctx);
		goto fail;
	}
	return 0;
fail:
	close(n->ctxns);
	return -1;
}

static void live_close(struct net *n)
{
	nl_close(&n->ctx);
	nl_close(&n->host);
	close(n->ctxns);
}

/* The first IPv6 address of a routed context that had none brings the link-local gateway,
 * the source check and the default route with it. */
static int v6_gateway(struct net *n, int hostidx, int ctxidx, struct vx_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct vx_addr gw = V6_GW, any6 = { .family = AF_INET6 };

	n->v6 = true;
	gw.prefix = 64;
	/* The filter first: IPv6 comes on at the host end (host_sysctls) checked already. */
	if (put_filter(n, &n->st->proxies, err) < 0 || host_sysctls(n, err) < 0 ||
	    talk(&n->host, nlmsg_addr(buf, RTM_NEWADDR, hostidx, &gw), err, "cannot add %s to %s",
		 V6_GW_TEXT, n->hostif) < 0)
		return -1;
	gw.prefix = 128;
	return talk(&n->ctx, nlmsg_route(buf, RTM_NEWROUTE, &any6, ctxidx, &gw), err,
		    "cannot add the IPv6 default route");
}

int vnet_addr_add(const struct vx_conf *conf, pid_t pid, struct vx_runstate *st,
		  const struct vx_addr *a, struct vx_err *err)
{
	bool routed = strcmp(conf_net_mode(conf), "routed") == 0;
	struct net n;
	int idx, r = -1;

	if (live_open(&n, conf, pid, st, err) < 0)
		return -1;
	idx = nl_ifindex(&n.ctx, "eth0", err);
	if (idx <= 0) {
		if (idx == 0)
			vx_fail(err, ENODEV, "the context has no eth0 (network mode none?)");
		goto out;
	}
	if (routed) {
		int hostidx = nl_ifindex(&n.host, st->netdev, err);
		int upidx = nl_ifindex(&n.host, st->uplink, err);

		if (hostidx <= 0 || upidx <= 0) {
			vx_fail(err, ENODEV, "the context's host link or uplink is gone");
			goto out;
		}
		if (a->family == AF_INET6 && !addr_list_has_family(&st->proxies, AF_INET6) &&
		    v6_gateway(&n, hostidx, idx, err) < 0)
			goto out;
		if (add_host_side_addr(&n, hostidx, upidx, a, err) < 0)
			goto out;
	}
	if (st->filter[0] && filter_change(st, a, NULL, err) < 0)
		goto out;
	r = add_ctx_addr(&n, idx, a, !routed, err);
	if (r < 0 && st->filter[0])
		filter_change(st, NULL, a, NULL);
out:
	live_close(&n);
	return r;
}

int vnet_addr_del(const struct vx_conf *conf, pid_t pid, struct vx_runstate *st,
		  const struct vx_addr *a, struct vx_err *err)
{
	bool routed = strcmp(conf_net_mode(conf), "routed") == 0;
	char buf[MNL_SOCKET_BUFFER_SIZE], text[VX_ADDR_STR];
	struct vx_addr host = addr_host(a);
	struct net n;
	int idx, i, r = -1;

	if (live_open(&n, conf, pid, st, err) < 0)
		return -1;
	addr_fmt(a, true, text, sizeof(text));
	idx = nl_ifindex(&n.ctx, "eth0", err);
	if (idx > 0 && nl_talk(&n.ctx, nlmsg_addr(buf, RTM_DELADDR, idx, a), err) < 0 &&
	    err->code != EADDRNOTAVAIL) {
		vx_prefix(err, "cannot remove %s from eth0", text);
		goto out;
	}
	if (st->filter[0] && filter_change(st, NULL, a, err) < 0)
		goto out;
	if (routed) {
		int upidx = nl_ifindex(&n.host, st->uplink, err);

		if (upidx > 0 && del_proxy(&n.host, upidx, a, err) < 0)
			goto out;
		/* The host route goes with its link later anyway; remove it now. */
		nl_talk(&n.host, nlmsg_route(buf, RTM_DELROUTE, &host,
					     nl_ifindex(&n.host, st->netdev, NULL), NULL), NULL);
		if (a->family == AF_INET6)
			nl_talk(&n.host, nlmsg_rule(buf, RTM_DELRULE, AF_INET6, st->netdev, &host,
						    RULE_ALLOW, false), NULL);
		i = addr_list_find(&st->proxies, a);
		if (i >= 0)
			addr_list_del(&st->proxies, i);
	}
	r = 0;
out:
	live_close(&n);
	return r;
}

struct link_stats_list {
	struct vnet_link_stats *v;
	int n, cap;
};

static int link_stats_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct link_stats_list *l = data;
	struct vnet_link_stats one = { 0 };
	const struct nlattr *a;
	bool have = false;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return MNL_CB_ERROR;
	mnl_attr_for_each(a, nlh, sizeof(*ifi)) {
		if (mnl_attr_get_type(a) == IFLA_IFNAME &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			snprintf(one.name, sizeof(one.name), "%s", mnl_attr_get_str(a));
		if (mnl_attr_get_type(a) == IFLA_STATS64 &&
		    mnl_attr_get_payload_len(a) >= sizeof(struct rtnl_link_stats64)) {
			struct rtnl_link_stats64 st;

			memcpy(&st, mnl_attr_get_payload(a), sizeof(st));
			one.rx_bytes = st.rx_bytes;
			one.tx_bytes = st.tx_bytes;
			have = true;
		}
	}
	if (!have || !one.name[0])
		return MNL_CB_OK;
	if (l->n == l->cap) {
		int cap = l->cap ? 2 * l->cap : 64;
		struct vnet_link_stats *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return MNL_CB_ERROR;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = one;
	return MNL_CB_OK;
}

int vnet_link_stats(struct vnet_link_stats **out, struct vx_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct link_stats_list l = { 0 };
	struct nl nl;
	int r;

	*out = NULL;
	if (nl_open(&nl, -1, err) < 0)
		return -1;
	r = nl_dump(&nl, nlmsg_dump(buf, RTM_GETLINK, AF_UNSPEC), link_stats_cb, &l, err);
	nl_close(&nl);
	if (r < 0) {
		free(l.v);
		return -1;
	}
	*out = l.v;
	return l.n;
}
