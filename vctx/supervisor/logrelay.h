/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * logrelay.h — a context's /dev/log, served by its supervisor.
 *
 * The context's /dev/log is a datagram socket of the supervisor's (PREFIX/run/vctx/NAME/log,
 * bind-mounted).  Every message is stamped on the host side with the context's name, so a
 * context cannot pass for another, and goes
 *   - to the host's syslog socket, when there is one ($VCTX_HOST_LOG, default /dev/log):
 *       <PRI>Mmm dd hh:mm:ss NAME NAME/TAG: MESSAGE
 *     (the host name field for daemons that read it, the tag for those that do not);
 *   - to PREFIX/var/log/vctx/NAME/syslog, size-capped with one older file kept.
 * A context that floods is cut to log-rate messages a second with bursts of log-burst; the
 * number dropped is logged once a second while it lasts, and when the relay closes.  Kernel
 * facility messages are re-labelled as user messages.
 *
 * The host's syslog may be slow (a datagram queue holds 10 messages by default): what it
 * cannot take now waits in a short per-context backlog, sent in order when it can; the
 * supervisor is never blocked, and a flooding neighbour fills only its own backlog.
 */
#ifndef VX_LOGRELAY_H
#define VX_LOGRELAY_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/conf.h"
#include "core/err.h"
#include "core/paths.h"
#include "supervisor/logfile.h"

struct vx_logrelay {
	int fd;			/* the socket the context writes to */
	int hostfd;		/* unbound datagram socket towards the host's syslog, -1: none */
	char hostpath[108];
	char path[VX_PATH_MAX];	/* the socket's path */
	struct vx_logfile file;	/* the context's log file (LOG/NAME/syslog) */
	const char *name;
	double tokens, rate, burst;
	uint64_t last_ns;
	uint64_t dropped;	/* since the last report */
	uint64_t dropped_total, relayed_total;
	char *backlog[64];	/* lines the host could not take yet, oldest at bhead */
	size_t blen[64];
	unsigned bhead, bn;
};

void logrelay_init(struct vx_logrelay *r);
int logrelay_open(struct vx_logrelay *r, const char *name, const struct vx_conf *conf,
		  struct vx_err *err);
/* The socket is readable: relay what is queued (a bounded number per call). */
void logrelay_pump(struct vx_logrelay *r);
/* Log how many messages were dropped since the last report, if any. */
void logrelay_report_drops(struct vx_logrelay *r);
/* The host's socket is writable: send what waits.  True while something still waits (watch
 * hostfd for EPOLLOUT then). */
bool logrelay_flush(struct vx_logrelay *r);
void logrelay_close(struct vx_logrelay *r);

/* Pure, for the unit tests: turn one message a client sent into the line the host gets
 * (without the trailing newline); 'now' is the stamp's time.  Returns its length. */
size_t logrelay_format(const char *name, const char *msg, size_t len, time_t now, char *out,
		       size_t outlen);

#endif
