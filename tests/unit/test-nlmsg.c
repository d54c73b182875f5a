// SPDX-License-Identifier: GPL-2.0-or-later
/* vnet's netlink messages, built into a buffer and read back attribute by attribute. */
#include <linux/fib_rules.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/veth.h>
#include <string.h>

#include "nl.h"
#include "unit.h"
#include "vnet.h"

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
	struct nlmsghdr *nlh = nlmsg_veth(buf, "vx-web1", "eth0", 7, 1400);
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
	struct vnet_addr a;
	struct nlmsghdr *nlh;
	const struct ifaddrmsg *ifa;
	const unsigned char want[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 };

	(void)state;
	assert_int_equal(vnet_parse_addr("2001:db8::10/64", true, &a, NULL), 0);
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
	struct vnet_addr dst, gw;
	struct nlmsghdr *nlh;
	const struct rtmsg *rtm;

	(void)state;
	vnet_parse_addr("192.0.2.10", false, &dst, NULL);
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
	vnet_parse_addr("fe80::1", false, &gw, NULL);
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
	struct vnet_addr a;
	struct nlmsghdr *nlh;
	const struct ndmsg *nd;

	(void)state;
	vnet_parse_addr("192.0.2.10", false, &a, NULL);
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
	struct vnet_addr a;
	struct nlmsghdr *nlh;
	const struct fib_rule_hdr *frh;

	(void)state;
	vnet_parse_addr("2001:db8::10", false, &a, NULL);
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
	struct vnet_addr x;
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
	assert_int_equal(vnet_parse_addr("2001:DB8:0::A/64", true, &x, &err), 0);
	vnet_fmt_addr(&x, true, c, sizeof(c));
	assert_string_equal(c, "2001:db8::a/64");
	assert_int_equal(vnet_parse_addr("192.0.2.1/33", true, &x, &err), -1);
	assert_int_equal(vnet_parse_addr("192.0.2.1/0", true, &x, &err), -1);
	assert_int_equal(vnet_parse_addr("192.0.2/24", true, &x, &err), -1);
	assert_int_equal(vnet_parse_addr("192.0.2.1/24", false, &x, &err), -1);
	assert_true(vnet_same_host("192.0.2.1/24", "192.0.2.1/32"));
	assert_false(vnet_same_host("192.0.2.1/24", "192.0.2.2/24"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(veth),	 cmocka_unit_test(address), cmocka_unit_test(route),
		cmocka_unit_test(proxy), cmocka_unit_test(rule),    cmocka_unit_test(names_and_addresses),
	};

	RUN(tests);
}
