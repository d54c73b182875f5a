// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nft.c — nftables messages (NETLINK_NETFILTER), built into a batch that nl.c sends: the
 * source filter of a bridged context's port, expression by expression.
 */
#include "vnet/nft.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <string.h>

#include "core/util.h"

/* Room a message may take at most: a rule with a condition per address of 64. */
#define NFT_MSG_ROOM 16384

static struct nlmsghdr *nft_msg(struct nl_batch *b, int type, int family, unsigned flags)
{
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;

	if (b->full || b->cap - b->len < NFT_MSG_ROOM) {
		b->full = true;
		return NULL;
	}
	nlh = mnl_nlmsg_put_header(b->buf + b->len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = b->seq + (b->len ? b->nmsg + 1 : 0);
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons(type == NFNL_MSG_BATCH_BEGIN || type == NFNL_MSG_BATCH_END
				    ? NFNL_SUBSYS_NFTABLES : 0);
	return nlh;
}

static void nft_done(struct nl_batch *b, struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_flags & NLM_F_ACK)
		b->nmsg++;
	b->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

/* A table message: NEWTABLE (made if missing; with excl, fails if it exists) or DELTABLE. */
static void nft_table(struct nl_batch *b, int cmd, const char *table, bool excl)
{
	struct nlmsghdr *nlh = nft_msg(b, (NFNL_SUBSYS_NFTABLES << 8) | cmd, NFPROTO_NETDEV,
				       NLM_F_ACK | (cmd == NFT_MSG_NEWTABLE ? NLM_F_CREATE : 0) |
					       (excl ? NLM_F_EXCL : 0));

	if (!nlh)
		return;
	mnl_attr_put_strz(nlh, NFTA_TABLE_NAME, table);
	nft_done(b, nlh);
}

static void nft_chain(struct nl_batch *b, const char *table, const char *ifname)
{
	struct nlmsghdr *nlh = nft_msg(b, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWCHAIN,
				       NFPROTO_NETDEV, NLM_F_ACK | NLM_F_CREATE);
	struct nlattr *hook;

	if (!nlh)
		return;
	mnl_attr_put_strz(nlh, NFTA_CHAIN_TABLE, table);
	mnl_attr_put_strz(nlh, NFTA_CHAIN_NAME, "ingress");
	hook = mnl_attr_nest_start(nlh, NFTA_CHAIN_HOOK);
	mnl_attr_put_u32(nlh, NFTA_HOOK_HOOKNUM, htonl(NF_NETDEV_INGRESS));
	mnl_attr_put_u32(nlh, NFTA_HOOK_PRIORITY, htonl(0));
	mnl_attr_put_strz(nlh, NFTA_HOOK_DEV, ifname);
	mnl_attr_nest_end(nlh, hook);
	mnl_attr_put_u32(nlh, NFTA_CHAIN_POLICY, htonl(NF_DROP));
	mnl_attr_put_strz(nlh, NFTA_CHAIN_TYPE, "filter");
	nft_done(b, nlh);
}

/* Expressions: each loads into or compares register 1 (16 bytes, an IPv6 address fits). */
static struct nlattr *expr_start(struct nlmsghdr *nlh, const char *name, struct nlattr **data)
{
	struct nlattr *elem = mnl_attr_nest_start(nlh, NFTA_LIST_ELEM);

	mnl_attr_put_strz(nlh, NFTA_EXPR_NAME, name);
	*data = mnl_attr_nest_start(nlh, NFTA_EXPR_DATA);
	return elem;
}

static void expr_end(struct nlmsghdr *nlh, struct nlattr *elem, struct nlattr *data)
{
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, elem);
}

static void e_payload(struct nlmsghdr *nlh, int base, unsigned off, unsigned len)
{
	struct nlattr *d, *e = expr_start(nlh, "payload", &d);

	mnl_attr_put_u32(nlh, NFTA_PAYLOAD_DREG, htonl(NFT_REG_1));
	mnl_attr_put_u32(nlh, NFTA_PAYLOAD_BASE, htonl(base));
	mnl_attr_put_u32(nlh, NFTA_PAYLOAD_OFFSET, htonl(off));
	mnl_attr_put_u32(nlh, NFTA_PAYLOAD_LEN, htonl(len));
	expr_end(nlh, e, d);
}

static void e_l4proto(struct nlmsghdr *nlh)
{
	struct nlattr *d, *e = expr_start(nlh, "meta", &d);

	mnl_attr_put_u32(nlh, NFTA_META_DREG, htonl(NFT_REG_1));
	mnl_attr_put_u32(nlh, NFTA_META_KEY, htonl(NFT_META_L4PROTO));
	expr_end(nlh, e, d);
}

static void put_data(struct nlmsghdr *nlh, int type, const void *v, unsigned len)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, type);

	mnl_attr_put(nlh, NFTA_DATA_VALUE, len, v);
	mnl_attr_nest_end(nlh, n);
}

static void e_cmp(struct nlmsghdr *nlh, int op, const void *v, unsigned len)
{
	struct nlattr *d, *e = expr_start(nlh, "cmp", &d);

	mnl_attr_put_u32(nlh, NFTA_CMP_SREG, htonl(NFT_REG_1));
	mnl_attr_put_u32(nlh, NFTA_CMP_OP, htonl(op));
	put_data(nlh, NFTA_CMP_DATA, v, len);
	expr_end(nlh, e, d);
}

static void e_verdict(struct nlmsghdr *nlh, int code)
{
	struct nlattr *d, *e = expr_start(nlh, "immediate", &d), *data, *verdict;

	mnl_attr_put_u32(nlh, NFTA_IMMEDIATE_DREG, htonl(NFT_REG_VERDICT));
	data = mnl_attr_nest_start(nlh, NFTA_IMMEDIATE_DATA);
	verdict = mnl_attr_nest_start(nlh, NFTA_DATA_VERDICT);
	mnl_attr_put_u32(nlh, NFTA_VERDICT_CODE, htonl(code));
	mnl_attr_nest_end(nlh, verdict);
	mnl_attr_nest_end(nlh, data);
	expr_end(nlh, e, d);
}

/* A rule of the filter's chain: begin, add conditions, end with a verdict. */
static struct nlmsghdr *rule_start(struct nl_batch *b, const char *table, struct nlattr **exprs)
{
	struct nlmsghdr *nlh = nft_msg(b, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE,
				       NFPROTO_NETDEV, NLM_F_ACK | NLM_F_CREATE | NLM_F_APPEND);

	if (!nlh)
		return NULL;
	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, table);
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, "ingress");
	*exprs = mnl_attr_nest_start(nlh, NFTA_RULE_EXPRESSIONS);
	return nlh;
}

static void rule_end(struct nl_batch *b, struct nlmsghdr *nlh, struct nlattr *exprs, int verdict)
{
	e_verdict(nlh, verdict);
	mnl_attr_nest_end(nlh, exprs);
	nft_done(b, nlh);
}

/* Frame conditions. */
static void c_ethertype(struct nlmsghdr *nlh, uint16_t type)
{
	uint16_t t = htons(type);

	/* From the link-layer header, not the skb's protocol: a frame with a VLAN tag
	 * (offloaded or not) reads 0x8100 here and matches no accept rule. */
	e_payload(nlh, NFT_PAYLOAD_LL_HEADER, 12, 2);
	e_cmp(nlh, NFT_CMP_EQ, &t, 2);
}

static void c_l4(struct nlmsghdr *nlh, uint8_t proto)
{
	e_l4proto(nlh);
	e_cmp(nlh, NFT_CMP_EQ, &proto, 1);
}

static void c_th(struct nlmsghdr *nlh, unsigned off, const void *v, unsigned len)
{
	e_payload(nlh, NFT_PAYLOAD_TRANSPORT_HEADER, off, len);
	e_cmp(nlh, NFT_CMP_EQ, v, len);
}

static const unsigned char ANY[16];

void nft_linklocal(const unsigned char mac[6], unsigned char ll[16])
{
	memset(ll, 0, 16);
	ll[0] = 0xfe;
	ll[1] = 0x80;
	ll[8] = mac[0] ^ 0x02;	/* the universal/local bit flipped (RFC 4291, EUI-64) */
	ll[9] = mac[1];
	ll[10] = mac[2];
	ll[11] = 0xff;
	ll[12] = 0xfe;
	ll[13] = mac[3];
	ll[14] = mac[4];
	ll[15] = mac[5];
}

/* An accept rule for IPv6 from one source (only ICMPv6 from ::, which DAD and MLD send). */
static void v6_source(struct nl_batch *b, const char *table, const unsigned char src[16],
		      bool icmp_only)
{
	struct nlattr *x;
	struct nlmsghdr *r = rule_start(b, table, &x);

	if (!r)
		return;
	c_ethertype(r, ETH_P_IPV6);
	e_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 8, 16);
	e_cmp(r, NFT_CMP_EQ, src, 16);
	if (icmp_only)
		c_l4(r, IPPROTO_ICMPV6);
	rule_end(b, r, x, NF_ACCEPT);
}

/* Every rule but the MAC check; the chain drops what no rule accepts. */
static void filter_rules(struct nl_batch *b, const struct nft_srcfilter *f, bool v4)
{
	static const unsigned char arp_hdr[6] = { 0, 1, 8, 0, 6, 4 };	/* Ethernet, IPv4 */
	uint16_t dhcp4 = htons(67), dhcp6 = htons(547);
	const uint8_t icmp6_bad[] = { 134, 137 }, na = 136;
	unsigned char ll[16];
	struct nlattr *x;
	struct nlmsghdr *r;
	unsigned i, k;

	/* ARP: sender MAC and address are the context's (0.0.0.0: a probe). */
	for (i = 0; i <= f->naddr; i++) {
		const void *ip = i < f->naddr ? f->addr[i].a.raw : ANY;

		if (i < f->naddr && f->addr[i].family != AF_INET)
			continue;
		if (!(r = rule_start(b, f->table, &x)))
			return;
		c_ethertype(r, ETH_P_ARP);
		e_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 0, 6);
		e_cmp(r, NFT_CMP_EQ, arp_hdr, 6);
		e_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 8, 6);
		e_cmp(r, NFT_CMP_EQ, f->mac, 6);
		if (v4) {
			e_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 14, 4);
			e_cmp(r, NFT_CMP_EQ, ip, 4);
		}
		rule_end(b, r, x, NF_ACCEPT);
		if (!v4)
			break;
	}
	/* IPv4: no DHCP server, then the context's sources (any, when it has no IPv4 address
	 * of its own: DHCP; the MAC is still checked). */
	if ((r = rule_start(b, f->table, &x))) {
		c_ethertype(r, ETH_P_IP);
		c_l4(r, IPPROTO_UDP);
		c_th(r, 0, &dhcp4, 2);
		rule_end(b, r, x, NF_DROP);
	}
	for (i = 0; i < f->naddr || (!v4 && i == 0); i++) {
		if (v4 && f->addr[i].family != AF_INET)
			continue;
		if (!(r = rule_start(b, f->table, &x)))
			return;
		c_ethertype(r, ETH_P_IP);
		if (v4) {
			e_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 12, 4);
			e_cmp(r, NFT_CMP_EQ, f->addr[i].a.raw, 4);
		}
		rule_end(b, r, x, NF_ACCEPT);
	}
	/* IPv6, as strict whether or not the context has an address of its own: no router
	 * advertisement, redirect or DHCPv6 server; neighbour advertisements only for its own
	 * addresses and the one link-local address its MAC gives; sources: those, and ::
	 * for ICMPv6 (duplicate address detection, MLD). */
	nft_linklocal(f->mac, ll);
	for (k = 0; k < ARRAY_SIZE(icmp6_bad); k++) {
		if (!(r = rule_start(b, f->table, &x)))
			return;
		c_ethertype(r, ETH_P_IPV6);
		c_l4(r, IPPROTO_ICMPV6);
		c_th(r, 0, &icmp6_bad[k], 1);
		rule_end(b, r, x, NF_DROP);
	}
	if ((r = rule_start(b, f->table, &x))) {
		c_ethertype(r, ETH_P_IPV6);
		c_l4(r, IPPROTO_UDP);
		c_th(r, 0, &dhcp6, 2);
		rule_end(b, r, x, NF_DROP);
	}
	if ((r = rule_start(b, f->table, &x))) {
		c_ethertype(r, ETH_P_IPV6);
		c_l4(r, IPPROTO_ICMPV6);
		c_th(r, 0, &na, 1);
		for (i = 0; i < f->naddr; i++) {
			if (f->addr[i].family != AF_INET6)
				continue;
			e_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 8, 16);
			e_cmp(r, NFT_CMP_NEQ, f->addr[i].a.raw, 16);
		}
		e_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 8, 16);
		e_cmp(r, NFT_CMP_NEQ, ll, 16);
		rule_end(b, r, x, NF_DROP);
	}
	for (i = 0; i < f->naddr; i++)
		if (f->addr[i].family == AF_INET6)
			v6_source(b, f->table, f->addr[i].a.raw, false);
	v6_source(b, f->table, ll, false);
	v6_source(b, f->table, ANY, true);
}

/* The routed form's rules (nft.h); the chain drops what none accepts. */
static void routed_rules(struct nl_batch *b, const struct nft_srcfilter *f)
{
	static const uint16_t pass[] = { ETH_P_IP, ETH_P_ARP };
	static const unsigned char ll64[8] = { 0xfe, 0x80 };
	struct nlmsghdr *r;
	struct nlattr *x;
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(pass); i++) {
		if (!(r = rule_start(b, f->table, &x)))
			return;
		c_ethertype(r, pass[i]);
		rule_end(b, r, x, NF_ACCEPT);
	}
	for (i = 0; i < f->naddr; i++)
		if (f->addr[i].family == AF_INET6)
			v6_source(b, f->table, f->addr[i].a.raw, false);
	if ((r = rule_start(b, f->table, &x))) {
		c_ethertype(r, ETH_P_IPV6);
		e_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 8, 8);
		e_cmp(r, NFT_CMP_EQ, ll64, 8);
		rule_end(b, r, x, NF_ACCEPT);
	}
	v6_source(b, f->table, ANY, true);
}

int nft_srcfilter_batch(struct nl_batch *b, char *buf, size_t cap, uint32_t seq,
		     const struct nft_srcfilter *f)
{
	struct nlmsghdr *nlh;
	struct nlattr *x;
	bool v4 = false;
	unsigned i;

	memset(b, 0, sizeof(*b));
	b->buf = buf;
	b->cap = cap;
	b->seq = seq;
	if ((nlh = nft_msg(b, NFNL_MSG_BATCH_BEGIN, AF_UNSPEC, 0)))
		nft_done(b, nlh);
	if (f->replace || !f->ifname) {
		nft_table(b, NFT_MSG_NEWTABLE, f->table, false);
		nft_table(b, NFT_MSG_DELTABLE, f->table, false);
	}
	if (f->ifname) {
		for (i = 0; i < f->naddr; i++)
			v4 |= f->addr[i].family == AF_INET;
		nft_table(b, NFT_MSG_NEWTABLE, f->table, !f->replace);
		nft_chain(b, f->table, f->ifname);
		if (f->routed) {
			routed_rules(b, f);
		} else {
			if ((nlh = rule_start(b, f->table, &x))) {
				e_payload(nlh, NFT_PAYLOAD_LL_HEADER, 6, 6);
				e_cmp(nlh, NFT_CMP_NEQ, f->mac, 6);
				rule_end(b, nlh, x, NF_DROP);
			}
			filter_rules(b, f, v4);
		}
	}
	if ((nlh = nft_msg(b, NFNL_MSG_BATCH_END, AF_UNSPEC, 0)))
		nft_done(b, nlh);
	return b->full ? -1 : 0;
}
