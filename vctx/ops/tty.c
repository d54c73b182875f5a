// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops/tty.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "core/sys.h"
#include "core/util.h"

static void pass_winsize(int peer)
{
	struct winsize ws;

	if (ioctl(0, TIOCGWINSZ, &ws) == 0)
		ioctl(peer, TIOCSWINSZ, &ws);
}

/* Copy what is readable on 'from' to 'to'; returns bytes copied, 0 at EOF, -1 on error. */
static ssize_t pump(int from, int to)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n > 0 && write_full(to, buf, n) < 0)
		return -1;
	return n;
}

/* Keyboard to peer, watching for the detach sequence. Returns 1 on detach. */
static int from_keyboard(const struct tty_relay *r, bool *prefixed, bool *eof)
{
	char buf[4096], out[4096];
	ssize_t n = read(0, buf, sizeof(buf)), i, o = 0;

	if (n <= 0) {
		*eof = true;
		return 0;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = buf[i];

		if (r->detach >= 0 && *prefixed) {
			*prefixed = false;
			if (c == r->detach)
				return 1;
			out[o++] = (char)r->prefix;	/* prefix twice sends it once */
			if (c == r->prefix)
				continue;
		} else if (r->detach >= 0 && c == r->prefix) {
			*prefixed = true;
			continue;
		}
		out[o++] = c;
	}
	write_full(r->peer, out, o);
	return 0;
}

int tty_run(const struct tty_relay *r, struct vx_err *err)
{
	struct termios saved, raw;
	bool is_tty = isatty(0), prefixed = false, in_eof = false;
	sigset_t mask, old;
	_cleanup_close_ int sfd = -1;
	int result = 0;

	sigemptyset(&mask);
	sigaddset(&mask, SIGWINCH);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, &old);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0)
		return vx_failsys(err, "signalfd");
	if (is_tty && tcgetattr(0, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(0, TCSANOW, &raw);
	}
	if (r->set_winsize && is_tty)
		pass_winsize(r->peer);
	for (;;) {
		struct pollfd p[4] = { { .fd = in_eof ? -1 : 0, .events = POLLIN },
				       { .fd = r->peer, .events = POLLIN },
				       { .fd = sfd, .events = POLLIN },
				       { .fd = r->pidfd, .events = POLLIN } };
		struct signalfd_siginfo si;

		if (poll(p, r->pidfd >= 0 ? 4 : 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (pump(r->peer, 1) <= 0)
				break;	/* EOF, or EIO: the pty's last user is gone */
			continue;	/* drain output before looking at the rest */
		}
		if (p[0].revents & (POLLIN | POLLHUP) && from_keyboard(r, &prefixed, &in_eof)) {
			result = 1;
			break;
		}
		if (p[2].revents & POLLIN && read(sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGWINCH && r->set_winsize)
				pass_winsize(r->peer);
			/* SIGTERM, SIGHUP: the caller goes; the caller hangs up the pty (the
			 * session inside gets SIGHUP, as from a terminal that went away) or
			 * detaches from the console. */
			if (si.ssi_signo != SIGWINCH) {
				result = 2;
				break;
			}
		}
		if (r->pidfd >= 0 && p[3].revents & POLLIN) {
			/* The process is gone; what it wrote last may still be in the pty. */
			fcntl(r->peer, F_SETFL, fcntl(r->peer, F_GETFL) | O_NONBLOCK);
			while (pump(r->peer, 1) > 0)
				;
			break;
		}
	}
	if (is_tty)
		tcsetattr(0, TCSANOW, &saved);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return result;
}
