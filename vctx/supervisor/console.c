// SPDX-License-Identifier: GPL-2.0-or-later
#include "supervisor/console.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>

#include "core/util.h"

void console_init(struct vx_console *c)
{
	zero_fill(c, sizeof(*c));
	c->master = c->slave = c->viewer = -1;
	logfile_init(&c->log);
}

int console_open(struct vx_console *c, const char *pts, uid_t uid, gid_t gid,
		 struct vx_err *err)
{
	char ptmx[PATH_MAX];
	struct termios t;
	unsigned n;

	if (xsnprintf(ptmx, sizeof(ptmx), "%s/ptmx", pts) < 0)
		return vx_fail(err, ENAMETOOLONG, "console path too long");
	c->master = open(ptmx, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (c->master < 0)
		return vx_failsys(err, "cannot open a pty for the console (%s)", ptmx);
	if (unlockpt(c->master) < 0 || ioctl(c->master, TIOCGPTN, &n) < 0)
		return vx_failsys(err, "cannot set up the console pty");
	if (xsnprintf(c->path, sizeof(c->path), "%s/%u", pts, n) < 0)
		return vx_fail(err, ENAMETOOLONG, "console path too long");
	/* The slave through the master: no path lookup in between. */
	c->slave = ioctl(c->master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (c->slave < 0)
		return vx_failsys(err, "cannot open %s", c->path);
	/* The context's root owns its console, as on a real machine (getty chowns it). */
	if (fchown(c->slave, uid, gid) < 0 || fchmod(c->slave, 0620) < 0)
		return vx_failsys(err, "cannot hand %s to the context", c->path);
	/* Console output is kept as it comes: no CR/LF translation in the log. */
	if (tcgetattr(c->slave, &t) == 0) {
		t.c_oflag &= ~ONLCR;
		tcsetattr(c->slave, TCSANOW, &t);
	}
	return 0;
}

int console_log_open(struct vx_console *c, const char *path, uint64_t max, struct vx_err *err)
{
	return logfile_open(&c->log, path, max, err);
}

void console_log(struct vx_console *c, const char *buf, size_t len)
{
	logfile_write(&c->log, buf, len);
}

static void ring_add(struct vx_console *c, const char *buf, size_t n)
{
	if (n >= sizeof(c->ring)) {
		memcpy(c->ring, buf + n - sizeof(c->ring), sizeof(c->ring));
		c->ring_len = sizeof(c->ring);
		return;
	}
	if (c->ring_len + n > sizeof(c->ring)) {
		size_t drop = c->ring_len + n - sizeof(c->ring);

		memmove(c->ring, c->ring + drop, c->ring_len - drop);
		c->ring_len -= drop;
	}
	memcpy(c->ring + c->ring_len, buf, n);
	c->ring_len += n;
}

void console_replay(struct vx_console *c)
{
	const char *p = c->ring;
	size_t n = c->ring_len;
	const char *nl = memchr(p, '\n', n);

	/* From a line's start, so the viewer sees whole lines and the current prompt. */
	if (nl && n == sizeof(c->ring)) {
		n -= nl + 1 - p;
		p = nl + 1;
	}
	if (c->viewer >= 0 && n)
		send(c->viewer, p, n, MSG_DONTWAIT | MSG_NOSIGNAL);
}

void console_pump(struct vx_console *c)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(c->master, buf, sizeof(buf))) > 0) {
		console_log(c, buf, n);
		ring_add(c, buf, n);
		/* A slow viewer loses output rather than stall the context's console. */
		if (c->viewer >= 0 && send(c->viewer, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
		    errno != EAGAIN) {
			close(c->viewer);
			c->viewer = -1;
		}
	}
}

void console_close(struct vx_console *c)
{
	if (c->viewer >= 0)
		close(c->viewer);
	if (c->master >= 0)
		close(c->master);
	if (c->slave >= 0)
		close(c->slave);
	logfile_close(&c->log);
	console_init(c);
}
