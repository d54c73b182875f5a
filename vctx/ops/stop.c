// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops/stop.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <poll.h>
#include <signal.h>

#include "core/conf.h"
#include "core/lock.h"
#include "core/paths.h"
#include "core/state.h"
#include "core/sys.h"
#include "core/template.h"
#include "core/util.h"
#include "ops/handle.h"
#include "supervisor/ctl.h"
#include "supervisor/supervisor.h"

/* Wait until the process behind pidfd exits, at most ms (-1: forever). */
static bool wait_exit(int pidfd, int ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	while (poll(&p, 1, ms) < 0)
		if (errno != EINTR)
			return false;
	return p.revents & POLLIN;
}

/* The supervisor is gone but init is not: stop it from here, then clean up. */
static int stop_orphan(const char *name, struct vx_runstate *st, const struct vx_conf *conf,
		       uint64_t timeout_ms, bool kill, struct vx_err *err)
{
	_cleanup_close_ int pidfd = vx_pidfd_open(st->init);
	struct vx_template t;
	int sig = conf ? conf->stop_signal : 0;

	if (pidfd < 0 || proc_start_time(st->init) != st->init_start)
		return sup_cleanup(name, st, err);	/* exited meanwhile */
	/* Without a config (it does not parse): the template the run state names. */
	if (!sig)
		sig = template_load(conf ? conf->template : st->template, &t, NULL) == 0
			      ? t.stop_signal : SIGTERM;
	if (!kill && timeout_ms) {
		vx_pidfd_send_signal(pidfd, sig);
		if (wait_exit(pidfd, timeout_ms > INT32_MAX ? INT32_MAX : (int)timeout_ms))
			return sup_cleanup(name, st, err);
	}
	/* SIGKILL to a pid namespace's init takes every process in it along. */
	vx_pidfd_send_signal(pidfd, SIGKILL);
	wait_exit(pidfd, -1);
	return sup_cleanup(name, st, err);
}

/* A supervisor of another vctx version (running since before an upgrade) does not speak
 * this one's control protocol, but its signals work: SIGTERM starts its stop with the
 * timeout it started with, and a kill goes straight to init, whose exit it cleans up after. */
static int stop_by_signal(const char *name, const struct vx_runstate *st, bool kill,
			  struct vx_err *err)
{
	_cleanup_close_ int pidfd = vx_pidfd_open(kill ? st->init : st->supervisor);

	if (pidfd >= 0 && (!kill || proc_start_time(st->init) == st->init_start))
		vx_pidfd_send_signal(pidfd, kill ? SIGKILL : SIGTERM);
	return lock_supervisor_wait(name, err);
}

int stop_context(const char *name, uint64_t timeout_ms, bool kill, bool wait, char *warning,
	     size_t wlen, struct vx_err *err)
{
	_cleanup_close_ int fd = -1;
	struct vx_handle h;
	struct ctl_req req = { .op = kill ? CTL_KILL : CTL_STOP };
	int r = 0;

	/* A running context stops on the config it started with, whatever NAME.conf says now. */
	if (handle_open(&h, name, H_LOCK | (wait ? H_WAIT : 0) | H_RUNCONF | H_ANY, err) < 0)
		return -1;
	if (warning)
		snprintf(warning, wlen, "%s", h.warning);
	if (timeout_ms == VX_TIMEOUT_CONFIG)
		timeout_ms = h.have_conf ? h.conf.stop_timeout_ms : 30000;
	if (h.st.supervised) {
		req.num = timeout_ms;
		fd = ctl_call(name, &req, NULL, 0, err);
		/* A supervisor that dies before its answer (killed) still lets go of its lock. */
		if (fd < 0 && err->code == EPROTO)
			r = stop_by_signal(name, &h.st, kill, err);
		else if ((fd < 0 && err->code != EPIPE) || lock_supervisor_wait(name, err) < 0)
			r = -1;
	} else if (h.st.init_alive) {
		r = stop_orphan(name, &h.st, h.have_conf ? &h.conf : NULL, timeout_ms, kill, err);
	} else if (h.st.have_record) {
		r = sup_cleanup(name, &h.st, err);
	} else if (!h.have_conf && !h.warning[0]) {
		r = vx_fail(err, ENOENT, "context '%s' does not exist (see 'vctx list')", name);
	} else {
		/* Already stopped: done, as systemctl stop says of a stopped unit. */
		r = 1;
	}
	handle_close(&h);
	return r;
}
