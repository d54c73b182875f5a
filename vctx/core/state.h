/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * state.h — PREFIX/run/vctx/NAME/state: what a running context holds on the host, written
 * atomically by its supervisor and read by every other command.  A record outlives a killed
 * supervisor, so the next start or stop knows what to clean up.
 */
#ifndef VX_STATE_H
#define VX_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/conf.h"
#include "core/err.h"

enum vx_state { VX_STOPPED, VX_STARTING, VX_RUNNING, VX_STOPPING };

#define VX_STATE_NET_MAX 64

struct vx_runstate {
	enum vx_state state;
	pid_t supervisor;
	pid_t init;
	uint64_t init_start;	/* /proc/PID/stat start time: tells init from a reused pid */
	uint64_t started;	/* wall clock, seconds */
	uint64_t id_base;
	bool userns;
	bool syncs;		/* its supervisor answers sync() (sync = context): vctx exec's
				 * commands hand theirs to it too */
	char template[VX_NAME_MAX + 1];
	char cgroup[128];	/* path below each hierarchy's root */
	char cgv2[PATH_MAX];	/* the context's directory in the cgroup2 hierarchy, "" if none */
	struct vx_list cgv1;	/* its directories in the v1 hierarchies */
	char netdev[16];	/* host end of the context's link, "" if none */
	char uplink[16];	/* where proxy entries live */
	struct vx_addrs proxies;	/* addresses with proxy ARP/NDP entries on the uplink */
	char filter[VX_NAME_MAX + 8];	/* nftables table of a bridged context's source filter */
	char mac[18];		/* the MAC it lets through (the context's eth0) */
	struct vx_addrs allow;	/* the addresses it lets through */

	/* Filled by state_probe(), not stored. */
	bool have_record;	/* a state file exists */
	bool supervised;	/* the supervisor is alive */
	bool init_alive;	/* init (same pid, same start time) is alive */
};

const char *state_str(enum vx_state s);

int state_write(const char *name, const struct vx_runstate *st, struct vx_err *err);

/* RUN/NAME/conf: the config a running context started with, written by its supervisor
 * before anything else (ops/handle.h reads it). */
int state_runconf_path(char *buf, size_t len, const char *name);
int state_write_runconf(const char *name, const char *text, struct vx_err *err);
int state_remove(const char *name);

/* Read the record (if any) and find out what is really alive.  The effective state:
 *   supervisor alive              -> the recorded state
 *   supervisor dead, init alive   -> running (orphaned: `vctx stop` cleans up)
 *   nothing alive                 -> stopped (a leftover record is "stale") */
int state_probe(const char *name, struct vx_runstate *st, struct vx_err *err);
void state_free(struct vx_runstate *st);

#endif
