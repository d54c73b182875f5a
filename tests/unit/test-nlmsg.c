// SPDX-License-Identifier: GPL-2.0-or-later
/* vnet's netlink messages, built into a buffer and read back attribute by attribute. */
#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/if_link.h>
#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/veth.h>
#include <string.h>

#include "core/addr.h"
#include "vnet/nft.h"
#include "vnet/nl.h"
#include "unit.h"
#include "vnet/vnet.h"

#define MAXA 64

/* Attributes of a message (after its family header of 'hdr' bytes), indexed by type. */
static void attrs(const struct nlmsghdr *nlh, size_t hdr, const struct nlattr **tb)
{
	const struct nlattr *a;

	memset(tb, 0, MAXA * sizeof(*tb));
	mnl_attr_for_each(a, nlh, hdr)
		if (mnl_attr_get_type(a) < MAXA)
			tb[mnl_attr_get_type(a)] = a;
}

static void nested(const struct nlattr *n, const struct nlattr **tb)
{
	const struct nlattr *a;

	memset(tb, 0, MAXA * sizeof(*tb));
	mnl_attr_for_each_nested(a, n)
		if (mnl_attr_get_type(a) < MAXA)
			tb[mnl_attr_get_type(a)] = a;
}

static void veth(void **state)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	const struct nlattr *tb[MAXA], *info[MAXA], *data[MAXA], *peer;
	struct nlmsghdr *nlh = nlmsg_veth(buf, "vx-web1", "eth0", 7, 1400, NULL);
	const struct ifinfomsg *pifi;
	const struct nlattr *a;
	bool ns = false, name = false;

	(void)state;
	assert_int_equal(nlh->nlmsg_type, RTM_NEWLINK);
	assert_true(nlh->nlmsg_flags & NLM_F_EXCL);
	attrs(nlh, sizeof(struct ifinfomsg), tb);
	assert_string_equal(mnl_attr_get_str(tb[IFLA_IFNAME]), "vx-web1");
	assert_int_equal(mnl_attr_get_u32(tb[IFLA_MTU]), 1400);
	nested(tb[IFLA_LINKINFO], info);
	assert_string_equal(mnl_attr_get_str(info[IFLA_INFO_KIND]), "veth");
	nested(info[IFLA_INFO_DATA], data);
	peer = data[VETH_INFO_PEER];
	assert_non_null(peer);
	/* The peer carries its own ifinfomsg, then its attributes: named eth0, created in the
	 * context's namespace. */
	pifi = mnl_attr_get_payload(peer);
	assert_int_equal(pifi->ifi_index, 0);
	for (a = (const struct nlattr *)((const char *)pifi + MNL_ALIGN(sizeof(*pifi)));
	     (const char *)a < (const char *)peer + peer->nla_len; a = mnl_attr_next(a)) {
		if (mnl_attr_get_type(a) == IFLA_IFNAME)
			name = strcmp(mnl_attr_get_str(a), "eth0") == 0;
		if (mnl_attr_get_type(a) == IFLA_NET_NS_FD)
			ns = mnl_attr_get_u32(a) == 7;
	}
	assert_true(name);
	assert_true(ns);
}

static void address(void **state)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	const struct nlattr *tb[MAXA];
	struct vx_addr a;
	struct nlmsghdr *nlh;
	const struct ifaddrmsg *ifa;
	const unsigned char want[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 };

	(void)state;
	assert_int_equal(addr_parse("2001:db8::10/64", true, &a, NULL), 0);
	nlh = nlmsg_addr(buf, RTM_NEWADDR, 3, &a);
	ifa = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifa->ifa_family, AF_INET6);
	assert_int_equal(ifa->ifa_prefixlen, 64);
	assert_int_equal(ifa->ifa_index, 3);
	attrs(nlh, sizeof(*ifa), tb);
	assert_memory_equal(mnl_attr_get_payload(tb[IFA_LOCAL]), want, 16);
	/* Configured addresses are ours: no duplicate address detection. */
	assert_true(mnl_attr_get_u32(tb[IFA_FLAGS]) & IFA_F_NODAD);
}

static void route(void **state)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	const struct nlattr *tb[MAXA];
	struct vx_addr dst, gw;
	struct nlmsghdr *nlh;
	const struct rtmsg *rtm;

	(void)state;
	addr_parse("192.0.2.10", false, &dst, NULL);
	nlh = nlmsg_route(buf, RTM_NEWROUTE, &dst, 9, NULL);
	rtm = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(rtm->rtm_dst_len, 32);
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_LINK);
	attrs(nlh, sizeof(*rtm), tb);
	assert_int_equal(mnl_attr_get_u32(tb[RTA_OIF]), 9);
	assert_null(tb[RTA_GATEWAY]);
	/* A default route via a gateway: no RTA_DST, universe scope. */
	memset(&dst, 0, sizeof(dst));
	dst.family = AF_INET6;
	addr_parse("fe80::1", false, &gw, NULL);
	nlh = nlmsg_route(buf, RTM_NEWROUTE, &dst, 2, &gw);
	rtm = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(rtm->rtm_dst_len, 0);
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
	attrs(nlh, sizeof(*rtm), tb);
	assert_null(tb[RTA_DST]);
	assert_non_null(tb[RTA_GATEWAY]);
}

static void proxy(void **state)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	const struct nlattr *tb[MAXA];
	struct vx_addr a;
	struct nlmsghdr *nlh;
	const struct ndmsg *nd;

	(void)state;
	addr_parse("192.0.2.10", false, &a, NULL);
	nlh = nlmsg_neigh_proxy(buf, RTM_NEWNEIGH, 4, &a);
	nd = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(nd->ndm_flags, NTF_PROXY);
	assert_int_equal(nd->ndm_ifindex, 4);
	attrs(nlh, sizeof(*nd), tb);
	assert_int_equal(mnl_attr_get_payload_len(tb[NDA_DST]), 4);
}

static void rule(void **state)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	const struct nlattr *tb[MAXA];
	struct vx_addr a;
	struct nlmsghdr *nlh;
	const struct fib_rule_hdr *frh;

	(void)state;
	addr_parse("2001:db8::10", false, &a, NULL);
	nlh = nlmsg_rule(buf, RTM_NEWRULE, AF_INET6, "vx-web1", &a, 30000, false);
	frh = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(frh->action, FR_ACT_TO_TBL);
	assert_int_equal(frh->table, RT_TABLE_MAIN);
	assert_int_equal(frh->src_len, 128);
	attrs(nlh, sizeof(*frh), tb);
	assert_string_equal(mnl_attr_get_str(tb[FRA_IFNAME]), "vx-web1");
	assert_int_equal(mnl_attr_get_u32(tb[FRA_PRIORITY]), 30000);
	nlh = nlmsg_rule(buf, RTM_NEWRULE, AF_INET6, "vx-web1", NULL, 30001, true);
	frh = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(frh->action, FR_ACT_BLACKHOLE);
	attrs(nlh, sizeof(*frh), tb);
	assert_null(tb[FRA_SRC]);
}

static void names_and_addresses(void **state)
{
	char a[16], b[16], c[64];
	struct vx_addr x;
	struct vx_err err;

	(void)state;
	vnet_ifname("web1", a);
	assert_string_equal(a, "vx-web1");
	vnet_ifname("abcdefghijkl", a);
	assert_string_equal(a, "vx-abcdefghijkl");
	vnet_ifname("a-very-long-context-name-1", a);
	vnet_ifname("a-very-long-context-name-2", b);
	assert_true(strlen(a) <= 15 && strlen(b) <= 15);
	assert_string_not_equal(a, b);
	vnet_ifname("a-very-long-context-name-1", b);
	assert_string_equal(a, b);	/* stable */
	assert_int_equal(addr_parse("2001:DB8:0::A/64", true, &x, &err), 0);
	addr_fmt(&x, true, c, sizeof(c));
	assert_string_equal(c, "2001:db8::a/64");
	assert_int_equal(addr_parse("192.0.2.1/33", true, &x, &err), -1);
	assert_int_equal(addr_parse("192.0.2.1/0", true, &x, &err), -1);
	assert_int_equal(addr_parse("192.0.2/24", true, &x, &err), -1);
	assert_int_equal(addr_parse("192.0.2.1/24", false, &x, &err), -1);
	{
		struct vx_addrs l = { 0 };
		struct vx_addr y;

		assert_int_equal(addr_parse("192.0.2.1/24", true, &x, &err), 0);
		assert_int_equal(addr_parse("192.0.2.1", true, &y, &err), 0);
		assert_true(addr_equal(&x, &y));	/* prefix lengths aside */
		assert_int_equal(addr_parse("2001:db8::1/64", true, &y, &err), 0);
		assert_false(addr_equal(&x, &y));
		assert_int_equal(addr_list_add(&l, &x, &err), 0);
		assert_int_equal(addr_list_add(&l, &y, &err), 0);
		assert_int_equal(addr_list_find(&l, &y), 1);
		assert_true(addr_list_has_family(&l, AF_INET6));
		addr_list_del(&l, 0);
		assert_int_equal(l.n, 1);
		assert_int_equal(addr_list_find(&l, &y), 0);
		assert_int_equal(addr_list_find(&l, &x), -1);
		assert_false(addr_list_has_family(&l, AF_INET));
		l.n = VX_ADDRS_MAX;
		assert_int_equal(addr_list_add(&l, &x, &err), -1);
		assert_int_equal(err.code, E2BIG);
	}
}

/* The bridged context's source filter: one nftables transaction, read back message by
 * message and, for the rules, expression by expression. */
struct batch_scan {
	unsigned msgs, rules, accept, drop;
	int types[8];			/* the first eight message types (low byte) */
	char chain_dev[16];
	uint32_t policy;
	bool seq_ok, mac_rule;
	unsigned exprs_max;
};

static void scan_rule(const struct nlmsghdr *nlh, struct batch_scan *sc, const unsigned char *mac)
{
	const struct nlattr *tb[MAXA], *e, *x[MAXA], *d[MAXA], *v[MAXA], *vv[MAXA];
	unsigned n = 0;
	const char *last = NULL;

	attrs(nlh, sizeof(struct nfgenmsg), tb);
	assert_string_equal(mnl_attr_get_str(tb[NFTA_RULE_TABLE]), "vctx-web1");
	assert_string_equal(mnl_attr_get_str(tb[NFTA_RULE_CHAIN]), "ingress");
	mnl_attr_for_each_nested(e, tb[NFTA_RULE_EXPRESSIONS]) {
		nested(e, x);
		last = mnl_attr_get_str(x[NFTA_EXPR_NAME]);
		nested(x[NFTA_EXPR_DATA], d);
		/* The first rule: the source MAC differs from the context's: drop (the bridge
		 * form; mac NULL: the routed form, which has none). */
		if (mac && sc->rules == 0 && n == 1) {
			assert_string_equal(last, "cmp");
			assert_int_equal(ntohl(mnl_attr_get_u32(d[NFTA_CMP_OP])), NFT_CMP_NEQ);
			nested(d[NFTA_CMP_DATA], v);
			assert_memory_equal(mnl_attr_get_payload(v[NFTA_DATA_VALUE]), mac, 6);
			sc->mac_rule = true;
		}
		n++;
	}
	/* Every rule ends in a verdict. */
	assert_non_null(last);
	assert_string_equal(last, "immediate");
	nested(d[NFTA_IMMEDIATE_DATA], v);
	nested(v[NFTA_DATA_VERDICT], vv);
	if (ntohl(mnl_attr_get_u32(vv[NFTA_VERDICT_CODE])) == NF_ACCEPT)
		sc->accept++;
	else
		sc->drop++;
	if (n > sc->exprs_max)
		sc->exprs_max = n;
	sc->rules++;
}

static void scan_batch(const struct nl_batch *b, struct batch_scan *sc, const unsigned char *mac)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)b->buf;
	int len = b->len;
	uint32_t seq = b->seq;

	memset(sc, 0, sizeof(*sc));
	sc->seq_ok = true;
	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		const struct nlattr *tb[MAXA], *hook[MAXA];
		int type = nlh->nlmsg_type & 0xff;

		sc->seq_ok &= nlh->nlmsg_seq == seq++;
		if (sc->msgs < 8)
			sc->types[sc->msgs] = nlh->nlmsg_type == NFNL_MSG_BATCH_BEGIN ? -1
					      : nlh->nlmsg_type == NFNL_MSG_BATCH_END ? -2 : type;
		sc->msgs++;
		if (nlh->nlmsg_type == NFNL_MSG_BATCH_BEGIN || nlh->nlmsg_type == NFNL_MSG_BATCH_END)
			continue;
		assert_int_equal(nlh->nlmsg_type >> 8, NFNL_SUBSYS_NFTABLES);
		assert_int_equal(((const struct nfgenmsg *)mnl_nlmsg_get_payload(nlh))->nfgen_family,
				 NFPROTO_NETDEV);
		assert_true(nlh->nlmsg_flags & NLM_F_ACK);
		if (type == NFT_MSG_NEWCHAIN) {
			attrs(nlh, sizeof(struct nfgenmsg), tb);
			nested(tb[NFTA_CHAIN_HOOK], hook);
			snprintf(sc->chain_dev, sizeof(sc->chain_dev), "%s",
				 mnl_attr_get_str(hook[NFTA_HOOK_DEV]));
			assert_int_equal(ntohl(mnl_attr_get_u32(hook[NFTA_HOOK_HOOKNUM])),
					 NF_NETDEV_INGRESS);
			sc->policy = ntohl(mnl_attr_get_u32(tb[NFTA_CHAIN_POLICY]));
		} else if (type == NFT_MSG_NEWRULE) {
			scan_rule(nlh, sc, mac);
		}
	}
	assert_int_equal(len, 0);
}

/* A new table at types[at], then its chain: ingress on vx-web1, policy drop. */
static void assert_chain(const struct batch_scan *sc, unsigned at)
{
	assert_int_equal(sc->types[at], NFT_MSG_NEWTABLE);
	assert_int_equal(sc->types[at + 1], NFT_MSG_NEWCHAIN);
	assert_string_equal(sc->chain_dev, "vx-web1");
	assert_int_equal(sc->policy, NF_DROP);
}

static void source_filter(void **state)
{
	static char buf[1 << 20];
	struct nft_srcfilter f = { .table = "vctx-web1", .ifname = "vx-web1",
				   .mac = { 0x02, 1, 2, 3, 4, 5 } };
	struct vx_addr a[64];
	struct batch_scan sc;
	struct nl_batch b;
	unsigned i;

	(void)state;
	addr_parse("192.0.2.10/24", true, &a[0], NULL);
	addr_parse("2001:db8::10/64", true, &a[1], NULL);
	f.addr = a;
	f.naddr = 2;
	/* A start: begin, a new table (EEXIST if there is one), the chain, the rules, end. */
	assert_int_equal(nft_srcfilter_batch(&b, buf, sizeof(buf), 100, &f), 0);
	scan_batch(&b, &sc, f.mac);
	assert_true(sc.seq_ok);
	assert_int_equal(sc.types[0], -1);
	assert_int_equal(sc.types[1], NFT_MSG_NEWTABLE);
	assert_true(((const struct nlmsghdr *)(b.buf + NLMSG_ALIGN(sizeof(struct nlmsghdr) +
							       sizeof(struct nfgenmsg))))
			    ->nlmsg_flags & NLM_F_EXCL);
	assert_int_equal(sc.types[2], NFT_MSG_NEWCHAIN);
	assert_int_equal(b.nmsg, sc.msgs - 2);		/* all but begin and end answer */
	/* A replacement: the table made if missing, deleted, made anew, then the same. */
	f.replace = true;
	assert_int_equal(nft_srcfilter_batch(&b, buf, sizeof(buf), 100, &f), 0);
	scan_batch(&b, &sc, f.mac);
	assert_int_equal(sc.types[1], NFT_MSG_NEWTABLE);
	assert_int_equal(sc.types[2], NFT_MSG_DELTABLE);
	assert_chain(&sc, 3);
	assert_true(sc.mac_rule);
	/* accept: ARP from its address and from 0.0.0.0, IPv4 from its address, IPv6 from its
	 * address, link-local and unspecified; drop: other MAC, DHCP server, RA, redirect,
	 * DHCPv6 server, foreign neighbour advertisement */
	assert_int_equal(sc.accept, 6);
	assert_int_equal(sc.drop, 6);

	/* No address: ARP and IPv4 checked by MAC only (DHCP), IPv6 as strictly as ever:
	 * the link-local address of its MAC, and :: for ICMPv6. */
	f.naddr = 0;
	assert_int_equal(nft_srcfilter_batch(&b, buf, sizeof(buf), 1, &f), 0);
	scan_batch(&b, &sc, f.mac);
	assert_int_equal(sc.accept, 4);
	assert_int_equal(sc.drop, 6);
	{
		/* 02:01:02:03:04:05 -> fe80::1:2ff:fe03:405 */
		static const unsigned char want[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
							0x00, 0x01, 0x02, 0xff, 0xfe, 0x03,
							0x04, 0x05 };
		unsigned char ll[16];

		nft_linklocal(f.mac, ll);
		assert_memory_equal(ll, want, 16);
		assert_non_null(memmem(b.buf, b.len, want, 16));
	}

	/* The most addresses a config holds fit; a short buffer is refused, not overrun. */
	for (i = 0; i < 64; i++) {
		char t[64];

		snprintf(t, sizeof(t), i % 2 ? "2001:db8::%x/64" : "192.0.2.%u/24", i + 1);
		addr_parse(t, true, &a[i], NULL);
	}
	f.naddr = 64;
	assert_int_equal(nft_srcfilter_batch(&b, buf, 256 << 10, 1, &f), 0);	/* vnet's buffer */
	scan_batch(&b, &sc, f.mac);
	assert_int_equal(sc.accept, 32 + 1 + 32 + 32 + 2);
	assert_true(sc.exprs_max > 64);			/* the advertisement rule: one per v6 */
	assert_int_equal(nft_srcfilter_batch(&b, buf, 40000, 1, &f), -1);
	assert_true(b.full);
	for (i = 0; i < 64; i++) {			/* the longest: all IPv6 */
		char t[64];

		snprintf(t, sizeof(t), "2001:db8:ffff:ffff:ffff:ffff:ffff:%x/64", i + 1);
		addr_parse(t, true, &a[i], NULL);
	}
	assert_int_equal(nft_srcfilter_batch(&b, buf, 256 << 10, 1, &f), 0);
	assert_true(b.len < 160 << 10);

	/* Removal: begin, made if missing, deleted, end. */
	f.ifname = NULL;
	assert_int_equal(nft_srcfilter_batch(&b, buf, sizeof(buf), 7, &f), 0);
	scan_batch(&b, &sc, f.mac);
	assert_int_equal(sc.msgs, 4);
	assert_int_equal(sc.types[2], NFT_MSG_DELTABLE);
	assert_int_equal(sc.rules, 0);
}

/* The routed form: IPv4 and ARP pass, IPv6 from its own addresses, link-local and :: only;
 * no MAC rule, nothing of the bridge form's. */
static void routed_filter(void **state)
{
	static char buf[1 << 20];
	static const unsigned char ll64[8] = { 0xfe, 0x80 };
	struct nft_srcfilter f = { .table = "vctx-web1", .ifname = "vx-web1", .routed = true };
	struct vx_addr a[3];
	struct batch_scan sc;
	struct nl_batch b;

	(void)state;
	addr_parse("192.0.2.10/24", true, &a[0], NULL);
	addr_parse("2001:db8::10/64", true, &a[1], NULL);
	addr_parse("2001:db8::11/64", true, &a[2], NULL);
	f.addr = a;
	f.naddr = 3;
	assert_int_equal(nft_srcfilter_batch(&b, buf, sizeof(buf), 100, &f), 0);
	scan_batch(&b, &sc, NULL);
	assert_true(sc.seq_ok);
	assert_chain(&sc, 1);
	assert_false(sc.mac_rule);
	/* accept: IPv4, ARP, each IPv6 address (2), link-local, ::; drop: none but the policy */
	assert_int_equal(sc.accept, 6);
	assert_int_equal(sc.drop, 0);
	assert_non_null(memmem(b.buf, b.len, a[2].a.raw, 16));
	assert_non_null(memmem(b.buf, b.len, ll64, 8));
	assert_null(memmem(b.buf, b.len, a[0].a.raw, 4));	/* IPv4: rp_filter's */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(veth),	 cmocka_unit_test(address), cmocka_unit_test(route),
		cmocka_unit_test(proxy), cmocka_unit_test(rule),    cmocka_unit_test(names_and_addresses),
		cmocka_unit_test(source_filter), cmocka_unit_test(routed_filter),
	};

	RUN(tests);
}
