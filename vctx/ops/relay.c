// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops/relay.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "core/sys.h"
#include "core/util.h"

#define CHUNK (1 << 16)

int relay_pipes_open(struct relay_pipes *p, struct vx_err *err)
{
	p->in[0] = p->in[1] = p->out[0] = p->out[1] = p->err[0] = p->err[1] = -1;
	if (pipe2(p->in, O_CLOEXEC) < 0 || pipe2(p->out, O_CLOEXEC) < 0 ||
	    pipe2(p->err, O_CLOEXEC) < 0) {
		relay_pipes_close(p);
		return vx_failsys(err, "cannot make the command's pipes");
	}
	return 0;
}

int relay_pipes_child(struct relay_pipes *p)
{
	/* dup2 clears close-on-exec on 0-2; everything else closes at exec. */
	if (dup2(p->in[0], 0) < 0 || dup2(p->out[1], 1) < 0 || dup2(p->err[1], 2) < 0)
		return -1;
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void relay_pipes_close(struct relay_pipes *p)
{
	for (int i = 0; i < 2; i++) {
		close_fd(&p->in[i]);
		close_fd(&p->out[i]);
		close_fd(&p->err[i]);
	}
}

/* One direction: from 'from' to 'to'.  Our pipe ends are non-blocking; the caller's
 * descriptors are left as they are (their file description is the caller's shell's too). */
struct stream {
	int *from, to;
	bool splice_ok;		/* false once splice() said the pair cannot be spliced */
	bool full;		/* 'to' took nothing last time: wait until it can */
	char *buf;		/* read/write fallback: what waits for 'to' */
	size_t off, len;
};

enum { MOVED, EMPTY, FULL, END };

static bool readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) > 0;
}

/* Move what there is.  END: 'from' ended (EOF, an error), or 'to' is gone (EPIPE, closed),
 * which ends this direction the same way. */
static int stream_move(struct stream *s)
{
	ssize_t n;

	s->full = false;
	if (s->len > s->off) {
		n = write(s->to, s->buf + s->off, s->len - s->off);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return s->full = true, FULL;
		if (n < 0)
			return END;
		s->off += n;
		return MOVED;
	}
	if (s->splice_ok) {
		n = splice(*s->from, NULL, s->to, NULL, CHUNK, SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
		if (n > 0)
			return MOVED;
		if (n == 0)
			return END;
		if (errno == EAGAIN || errno == EINTR) {
			/* Either side may be the one that is not ready. */
			if (!readable(*s->from))
				return EMPTY;
			return s->full = true, FULL;
		}
		if (errno != EINVAL && errno != ESPIPE)
			return END;
		s->splice_ok = false;	/* an O_APPEND file, a terminal without splice */
	}
	n = read(*s->from, s->buf, CHUNK);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return EMPTY;
	if (n <= 0)
		return END;
	s->off = 0;
	s->len = n;
	return stream_move(s);
}

/* What to wait for: data on 'from', or room in 'to'. */
static struct pollfd stream_poll(const struct stream *s)
{
	if (*s->from < 0)
		return (struct pollfd){ .fd = -1 };
	if (s->full)
		return (struct pollfd){ .fd = s->to, .events = POLLOUT };
	return (struct pollfd){ .fd = *s->from, .events = POLLIN };
}

/* After the command exited: what is in the pipe, even if 'to' makes us wait for it. */
static void stream_drain(struct stream *s)
{
	while (*s->from >= 0) {
		int r = stream_move(s);

		if (r == FULL) {
			struct pollfd p = stream_poll(s);

			poll(&p, 1, -1);
		} else if (r != MOVED) {
			return;
		}
	}
}

int relay_signals(sigset_t *old)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGQUIT);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGUSR2);
	sigprocmask(SIG_BLOCK, &mask, old);
	return signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
}

int relay_run(struct relay_pipes *p, int pidfd, struct vx_err *err)
{
	static char inbuf[CHUNK], outbuf[CHUNK], errbuf[CHUNK];
	int zero = 0;
	struct stream st[3] = {
		{ .from = &zero, .to = p->in[1], .splice_ok = true, .buf = inbuf },
		{ .from = &p->out[0], .to = 1, .splice_ok = true, .buf = outbuf },
		{ .from = &p->err[0], .to = 2, .splice_ok = true, .buf = errbuf },
	};
	_cleanup_close_ int sfd = -1;
	sigset_t old;
	bool done = false;
	int i;

	close_fd(&p->in[0]);
	close_fd(&p->out[1]);
	close_fd(&p->err[1]);
	fcntl(p->in[1], F_SETFL, O_NONBLOCK);
	fcntl(p->out[0], F_SETFL, O_NONBLOCK);
	fcntl(p->err[0], F_SETFL, O_NONBLOCK);
	/* A caller without stdin gives the command an empty one. */
	if (fcntl(0, F_GETFD) < 0)
		close_fd(&p->in[1]);
	if (p->in[1] < 0)
		zero = -1;
	sfd = relay_signals(&old);
	if (sfd < 0)
		return vx_failsys(err, "signalfd");
	while (!done) {
		struct pollfd pf[5];

		for (i = 0; i < 3; i++)
			pf[i] = stream_poll(&st[i]);
		pf[3] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		pf[4] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
		if (poll(pf, 5, -1) < 0) {
			if (errno == EINTR)
				continue;
			vx_failsys(err, "poll");
			break;
		}
		for (i = 0; i < 3; i++) {
			if (!pf[i].revents || stream_move(&st[i]) != END)
				continue;
			/* stdin: EOF to the command (or it closed its stdin: stop reading ours).
			 * stdout, stderr: its end, or the caller's reader went away: the command
			 * gets EPIPE (or SIGPIPE) at its next write, as it would writing there. */
			close_fd(i == 0 ? &p->in[1] : i == 1 ? &p->out[0] : &p->err[0]);
			if (i == 0)
				zero = -1;
		}
		if (pf[3].revents & POLLIN) {
			struct signalfd_siginfo si;

			while (read(sfd, &si, sizeof(si)) == sizeof(si))
				vx_pidfd_send_signal(pidfd, si.ssi_signo);
		}
		if (pf[4].revents & POLLIN)
			done = true;
	}
	/* The command is gone: what it wrote is in the pipes; anything it left behind is not
	 * waited for. */
	stream_drain(&st[1]);
	stream_drain(&st[2]);
	relay_pipes_close(p);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return done ? 0 : -1;
}
