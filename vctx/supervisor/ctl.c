// SPDX-License-Identifier: GPL-2.0-or-later
#include "supervisor/ctl.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "core/paths.h"
#include "core/util.h"

static int ctl_addr(struct sockaddr_un *sa, const char *name, struct vx_err *err)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (path_rundir(sa->sun_path, sizeof(sa->sun_path), name, "ctl") < 0)
		return vx_fail(err, ENAMETOOLONG, "control socket path for %s is longer than %zu "
			       "bytes (use a shorter prefix)", name, sizeof(sa->sun_path) - 1);
	return 0;
}

int ctl_listen(const char *name, struct vx_err *err)
{
	struct sockaddr_un sa;
	_cleanup_close_ int fd = -1;
	mode_t old;

	if (ctl_addr(&sa, name, err) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return vx_failsys(err, "socket");
	unlink(sa.sun_path);
	old = umask(077);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		umask(old);
		return vx_failsys(err, "cannot bind %s", sa.sun_path);
	}
	umask(old);
	if (listen(fd, 16) < 0)
		return vx_failsys(err, "listen");
	return take_fd(&fd);
}

int ctl_accept(int lfd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return -1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.uid != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int ctl_request(const char *name, const char *req, char *ans, size_t anslen,
		struct vx_err *err)
{
	struct sockaddr_un sa;
	_cleanup_close_ int fd = -1;
	size_t n = 0;

	if (ctl_addr(&sa, name, err) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return vx_failsys(err, "socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return vx_failsys(err, "cannot reach the supervisor of %s", name);
	{
		char line[256];
		int len = snprintf(line, sizeof(line), "%s\n", req);

		/* One message: the supervisor answers as soon as it has read a request. */
		if (len < 0 || (size_t)len >= sizeof(line) ||
		    send(fd, line, len, MSG_NOSIGNAL) != len)
			return vx_failsys(err, "cannot talk to the supervisor of %s", name);
	}
	/* One line; byte by byte so nothing after it (console data) is swallowed. */
	while (n + 1 < anslen) {
		ssize_t r = read(fd, ans + n, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (ans[n] == '\n')
			break;
		n++;
	}
	ans[n] = '\0';
	return take_fd(&fd);
}
