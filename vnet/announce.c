// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * announce.c — tell the LAN where a routed context's addresses are now: a gratuitous ARP
 * request per IPv4 address and an unsolicited neighbour advertisement (override set) per IPv6
 * address, sent on the uplink with the uplink's MAC, as the host's proxy entries answer.  A
 * context that moved here from another host is then reached here at once, not when the LAN's
 * neighbour caches expire (RFC 5227 section 3, RFC 4861 section 7.2.6).
 */
#include "vnet/vnet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/util.h"

struct announce_arp {
	struct arphdr h;
	unsigned char sha[ETH_ALEN], spa[4], tha[ETH_ALEN], tpa[4];
} __attribute__((packed));

struct announce_na {
	struct nd_neighbor_advert na;
	unsigned char opt_type, opt_len, mac[ETH_ALEN];
} __attribute__((packed));

static int announce_mac(const char *ifname, unsigned char mac[ETH_ALEN], struct vx_err *err)
{
	_cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (fd < 0 || ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		return vx_failsys(err, "cannot read the MAC address of %s", ifname);
	memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	return 0;
}

static int announce_v4(int ifindex, const unsigned char mac[ETH_ALEN], const struct vx_addr *a,
		       struct vx_err *err)
{
	_cleanup_close_ int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ARP));
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP),
				  .sll_ifindex = ifindex, .sll_halen = ETH_ALEN };
	struct announce_arp p = { .h = { .ar_hrd = htons(ARPHRD_ETHER), .ar_pro = htons(ETH_P_IP),
					 .ar_hln = ETH_ALEN, .ar_pln = 4,
					 .ar_op = htons(ARPOP_REQUEST) } };

	memset(to.sll_addr, 0xff, ETH_ALEN);
	memcpy(p.sha, mac, ETH_ALEN);
	memcpy(p.spa, &a->a.v4, 4);
	memcpy(p.tpa, &a->a.v4, 4);
	if (fd < 0 || sendto(fd, &p, sizeof(p), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return vx_failsys(err, "cannot send a gratuitous ARP");
	return 0;
}

static int announce_v6(int ifindex, const unsigned char mac[ETH_ALEN], const struct vx_addr *a,
		       struct vx_err *err)
{
	_cleanup_close_ int fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_scope_id = ifindex };
	struct announce_na p = { .opt_type = ND_OPT_TARGET_LINKADDR, .opt_len = 1 };
	int hops = 255;

	inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
	p.na.nd_na_type = ND_NEIGHBOR_ADVERT;
	p.na.nd_na_flags_reserved = ND_NA_FLAG_OVERRIDE;
	p.na.nd_na_target = a->a.v6;
	memcpy(p.mac, mac, ETH_ALEN);
	if (fd < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex)) < 0 ||
	    sendto(fd, &p, sizeof(p), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return vx_failsys(err, "cannot send a neighbour advertisement");
	return 0;
}

int vnet_announce(const struct vx_conf *conf, struct vx_err *err)
{
	unsigned char mac[ETH_ALEN];
	char uplink[16];
	unsigned i;
	int idx;

	if (strcmp(conf_net_mode(conf), "routed") != 0 || conf->address.n == 0)
		return 0;
	if (vnet_uplink(conf, uplink, err) < 0 || announce_mac(uplink, mac, err) < 0)
		return -1;
	idx = (int)if_nametoindex(uplink);
	if (idx <= 0)
		return vx_failsys(err, "no uplink %s", uplink);
	for (i = 0; i < conf->address.n; i++) {
		const struct vx_addr *a = &conf->address.v[i];

		if ((a->family == AF_INET ? announce_v4(idx, mac, a, err) :
					    announce_v6(idx, mac, a, err)) < 0)
			return vx_prefix(err, "cannot announce %s's addresses on %s", conf->name,
					 uplink);
	}
	return 0;
}
