/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ready.h — when a context counts as up (`ready` in vctx.conf(5)), decided by
 * its supervisor and told to whoever asks over the control socket ("ready"):
 *
 *   started   as soon as init runs
 *   notify    when the guest sends READY=1 to $NOTIFY_SOCKET (/run/host/notify
 * inside, a socket of the supervisor's; a guest systemd sends it when its boot
 * is done) tcp:PORT  when a TCP connection to PORT on the context's first
 * address (or 127.0.0.1) succeeds from inside its network namespace.  The
 * kernel has no event for "something listens now", so this one retries every 50
 * ms.
 */
#ifndef VX_READY_H
#define VX_READY_H

#include <limits.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "core/conf.h"
#include "core/err.h"
#include "core/paths.h"

enum ready_kind { R_STARTED, R_NOTIFY, R_TCP };

struct vx_ready {
	enum ready_kind kind;
	bool up;
	int notify;	     /* R_NOTIFY: the socket */
	char path[VX_PATH_MAX]; /* R_NOTIFY: its host path */
	int timer;	     /* R_TCP: retry timer */
	int probe;	     /* R_TCP: a connection under way, -1 if none */
	long retry_ns;	     /* R_TCP: the next wait, 2 ms doubling up to 50 ms */
	pid_t pid;	     /* init */
	struct sockaddr_storage addr;
	socklen_t alen;
};

void ready_init(struct vx_ready *r);
/* Before the start: the notify socket or the retry timer. */
int ready_open(struct vx_ready *r, const char *name, const struct vx_conf *conf,
	       struct vx_err *err);
/* init runs: begin waiting (started: up at once). */
void ready_begin(struct vx_ready *r, pid_t init);
/* The notify socket is readable. */
void ready_on_notify(struct vx_ready *r);
/* The timer fired: start a connection; returns its fd to watch for EPOLLOUT, or
 * -1. */
int ready_on_timer(struct vx_ready *r);
/* The connection finished (connected or refused). */
void ready_on_probe(struct vx_ready *r);
/* The context stopped (or is restarting): not up, stop probing. */
void ready_reset(struct vx_ready *r);
void ready_close(struct vx_ready *r);

#endif
