/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter.h — the source filter on a bridged context's port (the host end of its veth), and
 * on the host end of a routed context with IPv6: one nftables netdev table per context
 * (nft.h says what each form lets through), put in place before the context can send
 * through it, changed with the context's addresses, removed at teardown.
 */
#ifndef VNET_FILTER_H
#define VNET_FILTER_H

#include <stdbool.h>

#include "core/addr.h"
#include "core/err.h"
#include "core/state.h"

/* Put the filter named table on ifname, for frames from mac carrying the addresses of
 * allow, in place of any of that name (replace) or where there is none; or, with ifname
 * NULL, remove it.  mac NULL or "": the routed form (nft.h), for a routed context's IPv6. */
int filter_apply(const char *table, const char *ifname, const char *mac,
		 const struct vx_addrs *allow, bool replace, struct vx_err *err);

/* The filter of a running bridged context with one address more (plus) or less (minus); the
 * run state's list follows. */
int filter_change(struct vx_runstate *st, const struct vx_addr *plus, const struct vx_addr *minus,
		  struct vx_err *err);

/* Removing a filter leaves nftables a grace period of cleanup, which the first close of a
 * netfilter socket after it waits for (~5 ms here): the removing socket stays open until
 * this is called, once the supervisor has answered `vctx stop` (or by exit). */
void filter_release(void);

/* For vctx check: a filter on lo of the current network namespace (a throwaway one: it is
 * left there). */
int filter_probe(struct vx_err *err);

#endif
