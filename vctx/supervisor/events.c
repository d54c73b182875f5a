// SPDX-License-Identifier: GPL-2.0-or-later
#include "supervisor/events.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "core/util.h"
#include "supervisor/slog.h"
#include "supervisor/syncs.h"

int events_add(struct sup_hand *h, int fd, enum sup_tag tag, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.u64 = ((uint64_t)tag << 32) | (unsigned)fd };

	return epoll_ctl(h->epfd, EPOLL_CTL_ADD, fd, &ev);
}

void events_reply_done(struct sup_hand *h, int fd, const struct vx_err *err, const char *info)
{
	epoll_ctl(h->epfd, EPOLL_CTL_DEL, fd, NULL);
	ctl_reply(fd, err, info);
	close(fd);
}

void events_reply_busy(struct sup_hand *h, int fd)
{
	struct vx_err err;

	vx_fail(&err, EAGAIN, "%d commands wait on %s already", HANDOVER_CLIENTS, h->name);
	events_reply_done(h, fd, &err, NULL);
}

void events_answer_readers(struct sup_hand *h, const struct vx_err *err)
{
	unsigned i;

	for (i = 0; i < h->nreaders; i++) {
		ctl_reply(h->readers[i], err, NULL);
		close(h->readers[i]);
	}
	h->nreaders = 0;
}

static void events_check_ready(struct sup_hand *h)
{
	if (h->ready.up && h->nreaders) {
		slog("%s is up", h->name);
		events_answer_readers(h, NULL);
	}
}

void events_sync_loghost(struct sup_hand *h)
{
	bool want = h->log.bn > 0;

	if (want == h->loghost_armed)
		return;
	if (want)
		events_add(h, h->log.hostfd, T_LOGHOST, EPOLLOUT);
	else
		epoll_ctl(h->epfd, EPOLL_CTL_DEL, h->log.hostfd, NULL);
	h->loghost_armed = want;
}

/* Relay /dev/log; while a flood is being cut, report the drops once a second. */
static void events_log(struct sup_hand *h)
{
	struct itimerspec its = { .it_value.tv_sec = 1 }, cur;

	logrelay_pump(&h->log);
	if (h->log.dropped && timerfd_gettime(h->logtimer, &cur) == 0 &&
	    !cur.it_value.tv_sec && !cur.it_value.tv_nsec)
		timerfd_settime(h->logtimer, 0, &its, NULL);
	events_sync_loghost(h);
}

static void events_viewer(struct sup_hand *h)
{
	char buf[4096];
	ssize_t n = read(h->con.viewer, buf, sizeof(buf));

	if (n <= 0) {
		epoll_ctl(h->epfd, EPOLL_CTL_DEL, h->con.viewer, NULL);
		close(h->con.viewer);
		h->con.viewer = -1;
		return;
	}
	write_full(h->con.master, buf, n);
}

static void events_on_ready(struct sup_hand *h, int fd)
{
	if (h->nreaders == HANDOVER_CLIENTS) {
		events_reply_busy(h, fd);
		return;
	}
	epoll_ctl(h->epfd, EPOLL_CTL_DEL, fd, NULL);
	h->readers[h->nreaders++] = fd;
	if (h->ready.up)
		events_answer_readers(h, NULL);
}

static void events_on_console(struct sup_hand *h, int fd)
{
	struct vx_err err;

	if (h->con.viewer >= 0) {
		vx_fail(&err, EBUSY, "the console of %s has a viewer already (one at a time)",
			h->name);
		events_reply_done(h, fd, &err, NULL);
		return;
	}
	ctl_reply(fd, NULL, NULL);
	epoll_ctl(h->epfd, EPOLL_CTL_DEL, fd, NULL);
	h->con.viewer = fd;
	events_add(h, fd, T_VIEWER, EPOLLIN);
	console_replay(&h->con);
}

static void events_accept(struct sup_hand *h)
{
	int fd;

	while ((fd = ctl_accept(h->lfd)) >= 0) {
		if (h->nclients == HANDOVER_CLIENTS) {
			events_reply_busy(h, fd);	/* not in the epoll set yet: no harm */
			continue;
		}
		h->clients[h->nclients++] = fd;
		events_add(h, fd, T_CLIENT, EPOLLIN);
	}
}

/* Read a client's request: from here on its handler owns the descriptor. */
static bool events_client(struct sup_hand *h, int fd)
{
	struct ctl_req req;
	struct vx_err err;
	unsigned i;
	int passed;

	for (i = 0; i < h->nclients; i++)
		if (h->clients[i] == fd) {
			h->clients[i] = h->clients[--h->nclients];
			break;
		}
	if (ctl_read(fd, &req, &passed, &err) < 0) {
		if (!err.code) {	/* the client went away */
			epoll_ctl(h->epfd, EPOLL_CTL_DEL, fd, NULL);
			close(fd);
			return true;
		}
		slog("control request refused: %s", err.msg);
		events_reply_done(h, fd, &err, NULL);
		return true;
	}
	switch (req.op) {
	case CTL_READY: events_on_ready(h, fd); return true;
	case CTL_CONSOLE: events_on_console(h, fd); return true;
	case CTL_SYNC_LISTENER:
		if (syncs_adopt(h, passed, &err) < 0) {
			close(passed);
			events_reply_done(h, fd, &err, NULL);
		} else {
			events_reply_done(h, fd, NULL, NULL);
		}
		return true;
	default:
		h->pending = req;
		h->pending_fd = fd;
		return false;
	}
}

bool events_serve(struct sup_hand *h, uint64_t data)
{
	int fd = (int)(data & 0xffffffff);
	uint64_t exp;

	switch (data >> 32) {
	case T_LISTEN: events_accept(h); return true;
	case T_CLIENT: return events_client(h, fd);
	case T_CONSOLE: console_pump(&h->con); return true;
	case T_VIEWER: events_viewer(h); return true;
	case T_LOG: events_log(h); return true;
	case T_LOGTIMER:
		if (read(h->logtimer, &exp, sizeof(exp)) == sizeof(exp))
			logrelay_report_drops(&h->log);
		events_sync_loghost(h);
		return true;
	case T_LOGHOST:
		logrelay_flush(&h->log);
		events_sync_loghost(h);
		return true;
	case T_NOTIFY:
		ready_on_notify(&h->ready);
		events_check_ready(h);
		return true;
	case T_READYTIMER:
		fd = ready_on_timer(&h->ready);
		if (fd >= 0)
			events_add(h, fd, T_PROBE, EPOLLOUT);
		events_check_ready(h);
		return true;
	case T_SYNC: syncs_serve(h, fd); return true;
	case T_SYNCWORK: syncs_reap(h, fd); return true;
	case T_PROBE:
		epoll_ctl(h->epfd, EPOLL_CTL_DEL, fd, NULL);
		ready_on_probe(&h->ready);
		events_check_ready(h);
		return true;
	default:
		return false;
	}
}
