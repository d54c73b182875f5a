// SPDX-License-Identifier: GPL-2.0-or-later
#include "supervisor/ctl.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "core/paths.h"
#include "core/util.h"
#include "kernel/fdpass.h"

const struct ctl_op_info ctl_ops[CTL_NOPS] = {
	[CTL_PING] = { "ping", CTL_ARG_NONE },
	[CTL_STOP] = { "stop", CTL_ARG_NUM },
	[CTL_KILL] = { "kill", CTL_ARG_NONE },
	[CTL_READY] = { "ready", CTL_ARG_NONE },
	[CTL_CONSOLE] = { "console", CTL_ARG_NONE },
	[CTL_FREEZE] = { "freeze", CTL_ARG_NONE },
	[CTL_DISK_GROW] = { "disk-grow", CTL_ARG_NUM },
	[CTL_ADDR_ADD] = { "addr-add", CTL_ARG_ADDR },
	[CTL_ADDR_DEL] = { "addr-del", CTL_ARG_ADDR },
	[CTL_SYNC_LISTENER] = { "sync-listener", CTL_ARG_NONE },
};

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

int ctl_read(int fd, struct ctl_req *req, int *passed, struct vx_err *err)
{
	/* One byte more than a request: a longer message is seen as one. */
	char buf[sizeof(*req) + 1];
	const struct ctl_op_info *op;
	_cleanup_close_ int got = -1;	/* closed unless a sync-listener request takes it */
	ssize_t n;

	vx_err_clear(err);
	*passed = -1;
	n = fdpass_recv(fd, buf, sizeof(buf), &got, MSG_DONTWAIT);
	if (n < 0 && errno == EPROTO)
		return vx_fail(err, EPROTO, "a control request with a control message it may not have");
	if (n <= 0)
		return -1;
	if ((size_t)n != sizeof(*req))
		return vx_fail(err, EPROTO, "a control request of %zd bytes (%zu expected: another "
			       "vctx version?)", n, sizeof(*req));
	memcpy(req, buf, sizeof(*req));
	if (req->magic != CTL_MAGIC)
		return vx_fail(err, EPROTO, "a control request of another vctx version");
	if (req->op == 0 || req->op >= CTL_NOPS)
		return vx_fail(err, EOPNOTSUPP, "unknown control request %u", req->op);
	op = &ctl_ops[req->op];
	if (op->arg == CTL_ARG_ADDR &&
	    !(req->addr.family == AF_INET && req->addr.prefix <= 32) &&
	    !(req->addr.family == AF_INET6 && req->addr.prefix <= 128))
		return vx_fail(err, EINVAL, "%s: not an address", op->name);
	if (req->op == CTL_SYNC_LISTENER) {
		if (got < 0)
			return vx_fail(err, EPROTO, "sync-listener: no descriptor came with it");
		*passed = take_fd(&got);
	}
	return 0;
}

int ctl_reply(int fd, const struct vx_err *err, const char *info)
{
	struct ctl_reply r = { .magic = CTL_MAGIC, .ok = !err };

	if (err)
		r.err = *err;
	else if (info)
		snprintf(r.err.msg, sizeof(r.err.msg), "%s", info);
	return write_full(fd, &r, sizeof(r));
}

int ctl_call(const char *name, struct ctl_req *req, char *info, size_t ilen, struct vx_err *err)
{
	return ctl_call_within(name, req, info, ilen, 0, err);
}

static int ctl_call_fd(const char *name, struct ctl_req *req, int passfd, char *info,
		       size_t ilen, uint64_t timeout_ms, struct vx_err *err)
{
	struct sockaddr_un sa;
	_cleanup_close_ int fd = -1;
	struct ctl_reply r;
	ssize_t n;

	if (ctl_addr(&sa, name, err) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return vx_failsys(err, "socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return vx_failsys(err, "cannot reach the supervisor of %s", name);
	if (timeout_ms) {
		struct timeval tv = { .tv_sec = timeout_ms / 1000,
				      .tv_usec = (timeout_ms % 1000) * 1000 };

		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	req->magic = CTL_MAGIC;
	/* One message: the supervisor reads a request in one go. */
	if (fdpass_send(fd, req, sizeof(*req), passfd) < 0)
		return vx_failsys(err, "cannot talk to the supervisor of %s", name);
	/* Exactly the reply: what follows it (console data) stays in the socket. */
	n = read_full(fd, &r, sizeof(r));
	if (n < 0 && errno == EAGAIN)
		return vx_fail(err, ETIMEDOUT, "no answer from the supervisor of %s within %.1f s",
			       name, timeout_ms / 1000.0);
	if (n < 0)
		return vx_failsys(err, "no answer from the supervisor of %s", name);
	if (n == 0)
		return vx_fail(err, EPIPE, "the supervisor of %s went away without an answer", name);
	if ((size_t)n != sizeof(r) || r.magic != CTL_MAGIC)
		return vx_fail(err, EPROTO, "the supervisor of %s runs another vctx version: restart "
			       "%s to use this one", name, name);
	r.err.msg[sizeof(r.err.msg) - 1] = '\0';
	if (!r.ok) {
		*err = r.err;
		if (!err->code)
			err->code = EIO;
		return -1;
	}
	if (info)
		snprintf(info, ilen, "%s", r.err.msg);
	return take_fd(&fd);
}

int ctl_call_within(const char *name, struct ctl_req *req, char *info, size_t ilen,
		    uint64_t timeout_ms, struct vx_err *err)
{
	return ctl_call_fd(name, req, -1, info, ilen, timeout_ms, err);
}

int ctl_call_passing(const char *name, struct ctl_req *req, int fd, struct vx_err *err)
{
	int r = ctl_call_fd(name, req, fd, NULL, 0, 0, err);

	if (r < 0)
		return -1;
	close(r);
	return 0;
}
