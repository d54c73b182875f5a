// SPDX-License-Identifier: GPL-2.0-or-later
#include "supervisor/ready.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/paths.h"
#include "core/sys.h"
#include "core/util.h"

#define RETRY_FIRST_NS 2000000
#define RETRY_MAX_NS 50000000

void ready_init(struct vx_ready *r)
{
	zero_fill(r, sizeof(*r));
	r->notify = r->timer = r->probe = -1;
}

static int tcp_target(struct vx_ready *r, const struct vx_conf *conf, struct vx_err *err)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&r->addr;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&r->addr;
	int port = atoi(conf->ready + 4);
	struct vx_addr a = { .family = AF_INET, .a.v4.s_addr = htonl(INADDR_LOOPBACK) };

	(void)err;
	/* The context's first address, else its loopback. */
	if (conf->address.n)
		a = conf->address.v[0];
	if (a.family == AF_INET) {
		in->sin_family = AF_INET;
		in->sin_addr = a.a.v4;
		in->sin_port = htons(port);
		r->alen = sizeof(*in);
	} else {
		in6->sin6_family = AF_INET6;
		in6->sin6_addr = a.a.v6;
		in6->sin6_port = htons(port);
		r->alen = sizeof(*in6);
	}
	r->timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	return r->timer < 0 ? vx_failsys(err, "timerfd") : 0;
}

int ready_open(struct vx_ready *r, const char *name, const struct vx_conf *conf, struct vx_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (strncmp(conf->ready, "tcp:", 4) == 0) {
		r->kind = R_TCP;
		return tcp_target(r, conf, err);
	}
	if (strcmp(conf->ready, "notify") != 0) {
		r->kind = R_STARTED;
		return 0;
	}
	r->kind = R_NOTIFY;
	if (path_rundir(r->path, sizeof(r->path), name, "dev/notify") < 0 ||
	    xsnprintf(sa.sun_path, sizeof(sa.sun_path), "%s", r->path) < 0)
		return vx_fail(err, ENAMETOOLONG, "notify socket path too long");
	r->notify = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	unlink(r->path);
	if (r->notify < 0 || bind(r->notify, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(r->path, 0666) < 0)
		return vx_failsys(err, "cannot make the notify socket %s", r->path);
	return 0;
}

static void arm(struct vx_ready *r, long ns)
{
	struct itimerspec its = { .it_value.tv_nsec = ns };

	timerfd_settime(r->timer, 0, &its, NULL);
}

/* Try again soon at first (a service is often up within milliseconds), then less often. */
static void retry(struct vx_ready *r)
{
	arm(r, r->retry_ns);
	r->retry_ns = r->retry_ns * 2 > RETRY_MAX_NS ? RETRY_MAX_NS : r->retry_ns * 2;
}

void ready_begin(struct vx_ready *r, pid_t init)
{
	r->retry_ns = RETRY_FIRST_NS;
	r->up = r->kind == R_STARTED;
	r->pid = init;
	if (r->kind == R_TCP)
		arm(r, 1);
}

void ready_on_notify(struct vx_ready *r)
{
	char buf[4096];
	ssize_t n;
	int k = 0;

	/* A bounded batch: a guest flooding the socket cannot hold the supervisor
   * here. */
	while (k++ < 64 && (n = recv(r->notify, buf, sizeof(buf) - 1, 0)) > 0) {
		buf[n] = '\0';
		/* Newline-separated assignments; READY=1 on a line of its own. */
		if (strncmp(buf, "READY=1", 7) == 0 || strstr(buf, "\nREADY=1"))
			r->up = true;
	}
}

/* A socket of the context's network namespace: step in, make it, step back. */
static int socket_inside(pid_t pid, int family)
{
	_cleanup_close_ int own = vx_ns_open(0, "net"), ns = vx_ns_open(pid, "net");
	int fd;

	if (own < 0 || ns < 0 || setns(ns, CLONE_NEWNET) < 0)
		return -1;
	fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (setns(own, CLONE_NEWNET) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int ready_on_timer(struct vx_ready *r)
{
	uint64_t exp;

	if (read(r->timer, &exp, sizeof(exp)) != sizeof(exp) || r->up || r->probe >= 0)
		return -1;
	r->probe = socket_inside(r->pid, r->addr.ss_family);
	if (r->probe < 0)
		goto again;
	if (connect(r->probe, (struct sockaddr *)&r->addr, r->alen) == 0) {
		ready_on_probe(r);
		return -1;
	}
	if (errno == EINPROGRESS)
		return r->probe;
	close(r->probe);
	r->probe = -1;
again:
	retry(r);
	return -1;
}

void ready_on_probe(struct vx_ready *r)
{
	int e = -1;
	socklen_t l = sizeof(e);

	if (r->probe < 0)
		return;
	getsockopt(r->probe, SOL_SOCKET, SO_ERROR, &e, &l);
	close(r->probe);
	r->probe = -1;
	if (e == 0)
		r->up = true;
	else
		retry(r);
}

void ready_reset(struct vx_ready *r)
{
	r->up = false;
	if (r->probe >= 0)
		close(r->probe);
	r->probe = -1;
	if (r->timer >= 0)
		arm(r, 0);
}

void ready_close(struct vx_ready *r)
{
	ready_reset(r);
	if (r->timer >= 0)
		close(r->timer);
	if (r->notify >= 0) {
		close(r->notify);
		unlink(r->path);
	}
	ready_init(r);
}
