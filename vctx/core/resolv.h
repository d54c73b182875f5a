/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * resolv.h — the name servers and host names a context starts with, as a real server would
 * have them (pure: text in, text out).
 *
 * /etc/resolv.conf: the config's `nameserver`s; without any, when the context's own file is
 * empty, the host's (from its /etc/resolv.conf, or systemd-resolved's upstream list when the
 * host asks a local stub: 127.0.0.53 is the host's loopback, not the context's).
 * /etc/hosts: a "127.0.1.1 HOSTNAME" line, as Debian's installer writes, kept in step with
 * `hostname` at every start; every other line is the tenant's and stays.
 */
#ifndef VX_RESOLV_H
#define VX_RESOLV_H

#include <stddef.h>


/* The "nameserver ADDR" lines of a resolv.conf text that a context can reach (no loopback
 * address), into out ("" when none); returns how many. */
unsigned resolv_servers(const char *text, char *out, size_t len);

/* The hosts file text with the 127.0.1.1 line naming hostname (malloc'ed; NULL when out of
 * memory).  An empty or missing file (text NULL) gets the localhost lines too. */
char *resolv_hosts(const char *text, const char *hostname);

#endif
