// SPDX-License-Identifier: GPL-2.0-or-later
#include "vnet/filter.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/util.h"
#include "vnet/nft.h"

static struct nl dropped;	/* the socket that removed a filter (filter_release) */

void filter_release(void)
{
	nl_close(&dropped);
}

int filter_apply(const char *table, const char *ifname, const char *mac,
			const struct vx_addrs *allow, bool replace, struct vx_err *err)
{
	struct nft_srcfilter f = { .table = table, .ifname = ifname, .replace = replace,
				   .routed = !mac || !mac[0] };
	size_t cap = 256 << 10;	/* 64 addresses take ~100 KB */
	_cleanup_free_ char *buf = malloc(cap);
	struct nl_batch b;
	struct nl nl;
	int r;

	if (!buf)
		return vx_fail(err, ENOMEM, "out of memory");
	if (ifname && !f.routed &&
	    sscanf(mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &f.mac[0], &f.mac[1], &f.mac[2],
		   &f.mac[3], &f.mac[4], &f.mac[5]) != 6)
		return vx_fail(err, EINVAL, "bad MAC address '%s'", mac);
	if (ifname && allow) {
		f.addr = allow->v;
		f.naddr = allow->n;
	}
	if (nl_open_nft(&nl, err) < 0)
		return vx_prefix(err, "cannot reach nftables");
	r = nft_srcfilter_batch(&b, buf, cap, nl.seq + 1, &f);
	if (r == 0)
		r = nl_batch_talk(&nl, &b, err);
	if (!ifname && r == 0) {
		nl_close(&dropped);
		dropped = nl;
	} else {
		nl_close(&nl);
	}
	if (r < 0)
		return vx_prefix(err, ifname ? "cannot put the source filter on %s"
				 : "cannot remove the source filter %s", ifname ? ifname : table);
	return 0;
}

int filter_probe(struct vx_err *err)
{
	static const struct vx_addrs none = { 0 };

	return filter_apply("vctx-check", "lo", "02:00:00:00:00:01", &none, false, err);
}

int filter_change(struct vx_runstate *st, const struct vx_addr *plus,
			 const struct vx_addr *minus, struct vx_err *err)
{
	struct vx_addrs next = st->allow;
	int i = minus ? addr_list_find(&next, minus) : -1;

	if (i >= 0)
		addr_list_del(&next, i);
	if ((plus && addr_list_add(&next, plus, err) < 0) ||
	    filter_apply(st->filter, st->netdev, st->mac, &next, true, err) < 0)
		return -1;
	st->allow = next;
	return 0;
}
