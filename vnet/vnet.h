/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnet.h — a context's network: its addresses ("IP aliases"), the links that carry them, and
 * the host-side routes and proxy neighbour entries that make them reachable from the LAN.
 * See design.md "Network" and vnet(8).
 */
#ifndef VNET_H
#define VNET_H

#include <stdbool.h>
#include <sys/types.h>

#include "conf.h"
#include "err.h"
#include "nl.h"
#include "state.h"

/* addr.c: "192.0.2.10/24", "2001:db8::10/64", a bare address (host prefix) for gateways. */
int vnet_parse_addr(const char *s, bool want_prefix, struct vnet_addr *a, struct vx_err *err);
void vnet_fmt_addr(const struct vnet_addr *a, bool with_prefix, char *buf, size_t len);

/* Set up the context's network from the supervisor, once init's namespaces exist.  What the
 * host side now holds is recorded in st (for teardown after a crash). */
int vnet_setup(const char *name, const struct vx_conf *conf, int pidfd, struct vx_runstate *st,
	       struct vx_err *err);

/* Remove every host-side object st records.  Idempotent; safe with nothing set up. */
int vnet_teardown(const struct vx_runstate *st, struct vx_err *err);

#endif
