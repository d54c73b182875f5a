// SPDX-License-Identifier: GPL-2.0-or-later
#include "supervisor/logrelay.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>

#include "core/escape.h"
#include "core/paths.h"
#include "core/util.h"

#define BATCH 256		/* messages per wake-up: other fds get their turn */
#define LOG_USER_FACILITY (1 << 3)

void logrelay_init(struct vx_logrelay *r)
{
	zero_fill(r, sizeof(*r));
	r->fd = r->hostfd = -1;
	logfile_init(&r->file);
}

/* "<PRI>" at the start: its value, and how many bytes it takes; -1 if there is none. */
static int parse_pri(const char *m, size_t len, size_t *used)
{
	size_t i;
	int pri = 0;

	if (len < 3 || m[0] != '<')
		return -1;
	for (i = 1; i < len && i < 5 && isdigit((unsigned char)m[i]); i++)
		pri = pri * 10 + (m[i] - '0');
	if (i == 1 || i >= len || m[i] != '>' || pri > 191)
		return -1;
	*used = i + 1;
	return pri;
}

/* An RFC 3164 time stamp ("Nov 22 08:12:01 ") the client put in: skipped, ours is used. */
static size_t skip_3164_time(const char *m, size_t len)
{
	static const char *mon = "JanFebMarAprMayJunJulAugSepOctNovDec";
	size_t i;

	if (len < 16 || m[3] != ' ' || m[6] != ' ' || m[9] != ':' || m[12] != ':' || m[15] != ' ')
		return 0;
	for (i = 0; i < 12; i++)
		if (strncmp(m, mon + 3 * i, 3) == 0)
			return 16;
	return 0;
}

/* RFC 5424 ("1 TIMESTAMP HOST APP PROCID MSGID SD MSG") becomes "APP[PROCID]: MSG". */
static size_t from_5424(const char *m, size_t len, char *out, size_t outlen)
{
	const char *f[7], *p = m + 2, *end = m + len;
	size_t fl[7];
	int i;

	for (i = 0; i < 6; i++) {
		const char *sp = memchr(p, ' ', end - p);

		if (!sp)
			return 0;
		f[i] = p;
		fl[i] = sp - p;
		p = sp + 1;
	}
	/* f: 0 time, 1 host, 2 app, 3 procid, 4 msgid, 5 structured data (first word) */
	if (fl[5] && f[5][0] == '[') {
		const char *close = memchr(f[5], ']', end - f[5]);

		p = close && close + 1 < end ? close + 2 : end;
	}
	if (p > end)
		p = end;
	return snprintf(out, outlen, "%.*s%s%.*s%s: %.*s", (int)fl[2], f[2],
			fl[3] && f[3][0] != '-' ? "[" : "", fl[3] && f[3][0] != '-' ? (int)fl[3] : 0,
			f[3], fl[3] && f[3][0] != '-' ? "]" : "", (int)(end - p), p);
}

size_t logrelay_format(const char *name, const char *msg, size_t len, time_t now, char *out,
		       size_t outlen)
{
	char stamp[32], body[2048], safe[4096];
	size_t used = 0, n;
	struct tm tm;
	int pri;

	while (len && (msg[len - 1] == '\n' || msg[len - 1] == '\0'))
		len--;
	pri = parse_pri(msg, len, &used);
	if (pri < 0)
		pri = LOG_USER_FACILITY | 5;	/* user.notice, as syslog assumes */
	else if (pri >> 3 == 0)
		pri = LOG_USER_FACILITY | (pri & 7);	/* no context speaks for the kernel */
	msg += used;
	len -= used;
	if (len >= 2 && msg[0] == '1' && msg[1] == ' ') {
		n = from_5424(msg, len, body, sizeof(body));
		if (n) {
			msg = body;
			len = n < sizeof(body) ? n : sizeof(body) - 1;
		}
	} else {
		n = skip_3164_time(msg, len);
		msg += n;
		len -= n;
	}
	/* Whoever reads the log file or the host's syslog on a terminal gets no escape
	 * sequence of the tenant's: controls become #ooo, as rsyslog writes them. */
	escape_bytes(msg, len, true, 0, safe, sizeof(safe), &used);
	strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", localtime_r(&now, &tm));
	/* The stamp comes first and from us: whatever the message says after it, the host
	 * name field and the tag's prefix are the context's real name. */
	n = snprintf(out, outlen, "<%d>%s %s %s/%s", pri, stamp, name, name, safe);
	return n < outlen ? n : outlen - 1;
}

static int host_connect(struct vx_logrelay *r)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	memcpy(sa.sun_path, r->hostpath, strlen(r->hostpath) + 1);
	return connect(r->hostfd, (struct sockaddr *)&sa, sizeof(sa));
}

/* 0: sent (or lost for good: the host's logger is gone); -1: its queue is full, try later. */
static int host_send(struct vx_logrelay *r, const char *line, size_t len)
{
	if (send(r->hostfd, line, len, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
		return 0;
	if (errno == EAGAIN)
		return -1;
	/* The host's syslog was restarted: its socket is a new one. */
	if ((errno == ECONNREFUSED || errno == ENOTCONN) && host_connect(r) == 0 &&
	    send(r->hostfd, line, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 && errno == EAGAIN)
		return -1;
	return 0;
}

int logrelay_open(struct vx_logrelay *r, const char *name, const struct vx_conf *conf,
		  struct vx_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char file[PATH_MAX];
	const char *host = getenv("VCTX_HOST_LOG");
	struct stat st;
	int buf = 1 << 20;

	r->name = name;
	r->rate = conf->log_rate;
	r->burst = conf->log_burst;
	r->tokens = r->burst;
	r->last_ns = now_ns();
	if (path_rundir(r->path, sizeof(r->path), name, "dev/log") < 0 ||
	    xsnprintf(sa.sun_path, sizeof(sa.sun_path), "%s", r->path) < 0)
		return vx_fail(err, ENAMETOOLONG, "the /dev/log socket path is too long");
	r->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (r->fd < 0)
		return vx_failsys(err, "socket");
	unlink(r->path);
	setsockopt(r->fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	if (bind(r->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return vx_failsys(err, "cannot bind %s", r->path);
	/* Every user of the context may log. */
	if (chmod(r->path, 0666) < 0)
		return vx_failsys(err, "chmod %s", r->path);
	if (path_logdir(file, sizeof(file), name, "syslog") < 0)
		return vx_fail(err, ENAMETOOLONG, "log path too long");
	if (logfile_open(&r->file, file, conf->log_size.max ? 0 : conf->log_size.v, err) < 0)
		return -1;
	/* The host's syslog, when it has one. */
	if (!host)
		host = "/dev/log";
	if (*host && strcmp(host, "none") != 0 && stat(host, &st) == 0 && S_ISSOCK(st.st_mode) &&
	    strlen(host) < sizeof(r->hostpath)) {
		snprintf(r->hostpath, sizeof(r->hostpath), "%s", host);
		r->hostfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		/* Connected, so that EPOLLOUT tells when the host's queue has room. */
		if (r->hostfd >= 0 && host_connect(r) < 0) {
			close(r->hostfd);
			r->hostfd = -1;
		}
	}
	return 0;
}

static void to_file(struct vx_logrelay *r, const char *line, size_t len)
{
	const char *text = memchr(line, '>', len);	/* the file has no <PRI> */
	char buf[4200];
	size_t n;

	text = text ? text + 1 : line;
	len -= text - line;
	n = len < sizeof(buf) - 1 ? len : sizeof(buf) - 1;
	memcpy(buf, text, n);
	buf[n++] = '\n';
	logfile_write(&r->file, buf, n);
}

#define NBACKLOG (sizeof(((struct vx_logrelay *)0)->backlog) / sizeof(char *))

bool logrelay_flush(struct vx_logrelay *r)
{
	while (r->bn) {
		unsigned i = r->bhead;

		if (host_send(r, r->backlog[i], r->blen[i]) < 0)
			return true;
		free(r->backlog[i]);
		r->backlog[i] = NULL;
		r->bhead = (i + 1) % NBACKLOG;
		r->bn--;
	}
	return false;
}

/* Never wait for the host's logger: what it cannot take now waits in the backlog, in order;
 * a full backlog costs the message (the file still has it). */
static void to_host(struct vx_logrelay *r, const char *line, size_t len)
{
	unsigned i;

	if (r->hostfd < 0 || ((!r->bn || !logrelay_flush(r)) && host_send(r, line, len) == 0))
		return;
	if (r->bn == NBACKLOG)
		return;
	i = (r->bhead + r->bn) % NBACKLOG;
	r->backlog[i] = malloc(len);
	if (!r->backlog[i])
		return;
	memcpy(r->backlog[i], line, len);
	r->blen[i] = len;
	r->bn++;
}

static void emit(struct vx_logrelay *r, const char *msg, size_t len)
{
	char line[4096];
	size_t n = logrelay_format(r->name, msg, len, time(NULL), line, sizeof(line));

	to_host(r, line, n);
	to_file(r, line, n);
}

void logrelay_report_drops(struct vx_logrelay *r)
{
	char msg[160];
	int n;

	if (!r->dropped)
		return;
	n = snprintf(msg, sizeof(msg), "<%d>vctx: %llu messages of %s dropped (more than %.0f a "
		     "second)", LOG_USER_FACILITY | 4, (unsigned long long)r->dropped, r->name,
		     r->rate);
	r->dropped = 0;
	emit(r, msg, n);
}

/* Token bucket: 'rate' a second, up to 'burst' at once. */
static bool admit(struct vx_logrelay *r)
{
	uint64_t now = now_ns();

	r->tokens += (now - r->last_ns) / 1e9 * r->rate;
	if (r->tokens > r->burst)
		r->tokens = r->burst;
	r->last_ns = now;
	if (r->tokens < 1)
		return false;
	r->tokens -= 1;
	return true;
}

void logrelay_pump(struct vx_logrelay *r)
{
	char msg[4096];
	int i;

	for (i = 0; i < BATCH; i++) {
		ssize_t n = recv(r->fd, msg, sizeof(msg), MSG_DONTWAIT);

		if (n < 0)
			break;
		if (!admit(r)) {
			r->dropped++;
			r->dropped_total++;
			continue;
		}
		r->relayed_total++;
		emit(r, msg, n);
	}
}

void logrelay_close(struct vx_logrelay *r)
{
	logrelay_report_drops(r);
	if (r->fd >= 0) {
		close(r->fd);
		unlink(r->path);
	}
	if (r->hostfd >= 0) {
		logrelay_flush(r);
		close(r->hostfd);
	}
	while (r->bn) {
		free(r->backlog[r->bhead]);
		r->bhead = (r->bhead + 1) % NBACKLOG;
		r->bn--;
	}
	logfile_close(&r->file);
	logrelay_init(r);
}
