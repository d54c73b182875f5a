// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops/autostart.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/conf.h"
#include "core/paths.h"
#include "core/registry.h"
#include "core/state.h"
#include "core/sys.h"
#include "core/util.h"
#include "ops/handle.h"
#include "ops/start.h"
#include "ops/stop.h"
#include "supervisor/ctl.h"

/* --- loading
 * --------------------------------------------------------------------------------
 */

static int find(const struct boot_plan *p, const char *name)
{
	unsigned i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].name, name) == 0)
			return i;
	return -1;
}

static bool is_running(const char *name)
{
	struct vx_runstate st;
	bool r = false;

	if (state_probe(name, &st, NULL) == 0)
		r = st.state != VX_STOPPED;
	state_free(&st);
	return r;
}

static bool access_conf(const char *name)
{
	char path[PATH_MAX];

	return path_conf(path, sizeof(path), name) == 0 && access(path, F_OK) == 0;
}

/* Link each node to the nodes it depends on; then skip nodes whose dependency
 * is neither in the plan nor running (and, through bootplan_skip, whatever depends
 * on them). */
static void resolve_deps(struct boot_plan *p, char **after, unsigned *nafter, bool stopping)
{
	unsigned i, a;

	for (i = 0; i < p->n; i++)
		for (a = 0; a < nafter[i]; a++) {
			int j = find(p, after[i * BOOT_MAX_DEPS + a]);

			if (j >= 0)
				p->v[i].deps[p->v[i].ndeps++] = j;
		}
	if (stopping)
		return;
	for (i = 0; i < p->n; i++)
		for (a = 0; a < nafter[i] && p->v[i].state == B_WAIT; a++) {
			const char *dep = after[i * BOOT_MAX_DEPS + a];
			char why[sizeof(p->v[i].why)];

			if (find(p, dep) >= 0 || is_running(dep))
				continue;
			snprintf(why, sizeof(why), "depends on %s, which %s", dep,
				 access_conf(dep) ? "is not started by autostart"
						  : "does not exist");
			bootplan_skip(p, i, why);
		}
}

int autostart_load(struct boot_plan *p, const char *group, bool stopping, struct vx_err *err)
{
	char **names, **after;
	unsigned *nafter;
	int n, i;

	memset(p, 0, sizeof(*p));
	n = registry_names(&names, err);
	if (n < 0)
		return -1;
	p->v = calloc(n ? n : 1, sizeof(*p->v));
	after = calloc((n ? n : 1) * BOOT_MAX_DEPS, sizeof(char *));
	nafter = calloc(n ? n : 1, sizeof(unsigned));
	if (!p->v || !after || !nafter) {
		registry_names_free(names, n);
		free(after);
		free(nafter);
		return vx_fail(err, ENOMEM, "out of memory");
	}
	for (i = 0; i < n; i++) {
		struct vx_handle h;
		struct vx_err e = { 0 };
		struct boot_node *b = &p->v[p->n];
		const struct vx_conf *c = &h.conf;
		unsigned a;

		/* Stopping goes by the config each context runs on (a typo since its start does
		 * not keep it running at shutdown). */
		if (handle_open(&h, names[i], stopping ? H_RUNCONF : H_CONF, &e) < 0) {
			if (stopping && !is_running(names[i]))
				continue;
			/* A broken config is reported, not silently left out of the boot. */
			snprintf(b->name, sizeof(b->name), "%s", names[i]);
			b->state = B_FAILED;
			snprintf(b->why, sizeof(b->why), "%s", e.msg);
			p->n++;
			continue;
		}
		if ((group && strcmp(c->group, group) != 0) ||
		    (stopping ? !is_running(names[i]) : !c->onboot)) {
			handle_close(&h);
			continue;
		}
		snprintf(b->name, sizeof(b->name), "%s", names[i]);
		b->order = c->boot_order;
		b->timeout_ms = stopping ? c->stop_timeout_ms : c->start_timeout_ms;
		for (a = 0; a < c->after.n && a < BOOT_MAX_DEPS; a++)
			after[p->n * BOOT_MAX_DEPS + a] = strdup(c->after.v[a]);
		nafter[p->n] = a;
		p->n++;
		handle_close(&h);
	}
	resolve_deps(p, after, nafter, stopping);
	for (i = 0; i < n * BOOT_MAX_DEPS; i++)
		free(after[i]);
	free(after);
	free(nafter);
	registry_names_free(names, n);
	return 0;
}

void autostart_free(struct boot_plan *p)
{
	free(p->v);
	memset(p, 0, sizeof(*p));
}

/* --- running
 * --------------------------------------------------------------------------------
 */

struct worker {
	int node, pidfd, pipe;
	pid_t pid;
};

/* The worker: start (or stop) one context, report over the pipe. */
static void __attribute__((noreturn)) work(const struct boot_node *n, bool stopping, int fd)
{
	struct start_result res;
	struct vx_err err = { 0 };
	int r;

	/* The start timeout covers starting and readiness: SIGALRM ends the worker.
   */
	if (!stopping)
		alarm((n->timeout_ms + 999) / 1000);
	if (stopping) {
		r = stop_context(n->name, VX_TIMEOUT_CONFIG, false, true, NULL, 0, &err);
		if (r > 0)
			r = 0;
	} else {
		r = start_context(n->name, true, NULL, &res, &err);
		if (r < 0 && err.code == EEXIST && is_running(n->name))
			r = 0; /* already running: up as far as we can tell */
		if (r == 0)
			r = start_wait_ready(n->name, 0, &err);
	}
	if (r < 0)
		write_full(fd, err.msg, strlen(err.msg));
	_exit(r < 0 ? 1 : 0);
}

static void say(const struct autostart_opts *o, enum autostart_event ev, bool stopping,
		const struct boot_plan *p, const struct boot_node *n, const char *why, double t)
{
	struct autostart_report r = { .event = ev, .stopping = stopping, .t = t, .plan = p,
				      .node = n, .why = why };

	if (o->report)
		o->report(&r, o->user);
}

static int launch(const struct autostart_opts *o, struct boot_plan *p, int i, bool stopping,
		  struct worker *w, uint64_t t0)
{
	struct vx_clone_args args = { .flags = CLONE_PIDFD, .exit_signal = SIGCHLD };
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	args.pidfd = (uint64_t)(uintptr_t)&w->pidfd;
	fflush(NULL);
	w->pid = vx_clone3(&args);
	if (w->pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (w->pid == 0) {
		close(fds[0]);
		work(&p->v[i], stopping, fds[1]);
	}
	close(fds[1]);
	w->pipe = fds[0];
	w->node = i;
	p->v[i].state = B_BUSY;
	p->v[i].t_begin = (now_ns() - t0) / 1000000;
	say(o, AUTOSTART_BEGIN, stopping, p, &p->v[i], NULL, p->v[i].t_begin / 1e3);
	return 0;
}

static void reap(const struct autostart_opts *o, struct boot_plan *p, struct worker *w,
		 bool stopping, uint64_t t0)
{
	struct boot_node *n = &p->v[w->node];
	char msg[VX_ERR_MSG] = "";
	siginfo_t si = { 0 };
	ssize_t len;

	/* The worker has exited: what it wrote is all there; never wait for an EOF
   * that a descendant holding the pipe could withhold. */
	fcntl(w->pipe, F_SETFL, O_NONBLOCK);
	len = read(w->pipe, msg, sizeof(msg) - 1);

	msg[len > 0 ? len : 0] = '\0';
	waitid(P_PIDFD, w->pidfd, &si, WEXITED);
	close(w->pipe);
	close(w->pidfd);
	n->t_end = (now_ns() - t0) / 1000000;
	if (si.si_code == CLD_EXITED && si.si_status == 0) {
		n->state = B_DONE;
		say(o, AUTOSTART_DONE, stopping, p, n, NULL, n->t_end / 1e3);
	} else {
		if (si.si_code != CLD_EXITED && si.si_status == SIGALRM)
			snprintf(msg, sizeof(msg),
				 "not up within its start-timeout (%llus); left running",
				 (unsigned long long)n->timeout_ms / 1000);
		else if (!msg[0])
			snprintf(msg, sizeof(msg), "the worker died");
		say(o, AUTOSTART_FAILED, stopping, p, n, msg, n->t_end / 1e3);
		if (stopping) {
			n->state = B_FAILED;
			snprintf(n->why, sizeof(n->why), "%s", msg);
		} else {
			bootplan_fail(p, w->node, msg);
		}
	}
}

static int summary(const struct autostart_opts *o, const struct boot_plan *p, bool stopping,
		   uint64_t t0)
{
	struct autostart_report r = { .event = AUTOSTART_SUMMARY, .stopping = stopping,
				      .plan = p };
	unsigned i;

	for (i = 0; i < p->n; i++) {
		const struct boot_node *n = &p->v[i];

		if (n->state == B_DONE)
			r.done++;
		else if (n->state == B_FAILED)
			r.failed++;
		else if (n->state == B_SKIPPED) {
			r.skipped++;
			say(o, AUTOSTART_SKIPPED, stopping, p, n, n->why, -1);
		}
	}
	r.t = (now_ns() - t0) / 1e9;
	if (o->report)
		o->report(&r, o->user);
	return r.failed + r.skipped;
}

static int run(struct boot_plan *p, const struct autostart_opts *o, bool stopping)
{
	struct worker *w = calloc(o->jobs, sizeof(*w));
	unsigned active = 0, k;
	uint64_t t0 = now_ns();
	int i;

	if (!w)
		return -1;
	for (;;) {
		while (active < o->jobs && (i = bootplan_next(p, stopping)) >= 0) {
			if (launch(o, p, i, stopping, &w[active], t0) < 0) {
				bootplan_fail(p, i, "cannot start a worker");
				continue;
			}
			active++;
		}
		if (!active)
			break;
		{
			struct pollfd pfd[active];

			for (k = 0; k < active; k++)
				pfd[k] = (struct pollfd){ .fd = w[k].pidfd, .events = POLLIN };
			if (poll(pfd, active, -1) < 0 && errno != EINTR)
				break;
			for (k = active; k-- > 0;) {
				if (!(pfd[k].revents & POLLIN))
					continue;
				reap(o, p, &w[k], stopping, t0);
				w[k] = w[--active];
			}
		}
	}
	free(w);
	return summary(o, p, stopping, t0);
}

/* The plan, step by step; how many will fail or be skipped. */
static int dry_run(const struct autostart_opts *o, struct boot_plan *p, bool stopping)
{
	struct autostart_report r = { .event = AUTOSTART_STEP, .stopping = stopping, .plan = p };
	unsigned bad = 0;
	int i;

	while ((i = bootplan_next(p, stopping)) >= 0) {
		r.node = &p->v[i];
		r.step++;
		if (o->report)
			o->report(&r, o->user);
		p->v[i].state = B_DONE;
	}
	for (i = 0; i < (int)p->n; i++) {
		if (p->v[i].state == B_SKIPPED)
			say(o, AUTOSTART_SKIPPED, stopping, p, &p->v[i], p->v[i].why, -1);
		bad += p->v[i].state == B_SKIPPED || p->v[i].state == B_FAILED;
	}
	return bad;
}

static int go(const struct autostart_opts *o, bool stopping, struct vx_err *err)
{
	struct boot_plan p;
	char cycle[1024];
	int r;

	if (autostart_load(&p, o->group, stopping, err) < 0)
		return -1;
	if (bootplan_cycle(&p, cycle, sizeof(cycle))) {
		unsigned i;

		if (!stopping) {
			autostart_free(&p);
			return vx_fail(err, ELOOP, "dependency cycle: %s (nothing was started)",
				       cycle);
		}
		/* At shutdown everything must still go down: ignore the order. */
		say(o, AUTOSTART_CYCLE, stopping, &p, NULL, cycle, 0);
		for (i = 0; i < p.n; i++)
			p.v[i].ndeps = 0;
	}
	for (unsigned i = 0; i < p.n; i++)
		if (p.v[i].state == B_FAILED)
			say(o, AUTOSTART_FAILED, stopping, &p, &p.v[i], p.v[i].why, -1);
	if (o->dry_run) {
		r = dry_run(o, &p, stopping);
		autostart_free(&p);
		return r;
	}
	r = run(&p, o, stopping);
	if (stopping && r >= 0) {
		/* Whatever could not be stopped in order is killed now. */
		unsigned i;

		for (i = 0; i < p.n; i++)
			if (p.v[i].state != B_DONE && is_running(p.v[i].name) &&
			    stop_context(p.v[i].name, 0, true, true, NULL, 0, NULL) == 0)
				say(o, AUTOSTART_KILLED, stopping, &p, &p.v[i], NULL, -1);
	}
	autostart_free(&p);
	if (r < 0)
		return vx_fail(err, ENOMEM, "out of memory");
	return r;
}

int autostart_start(const struct autostart_opts *o, struct vx_err *err)
{
	return go(o, false, err);
}

int autostart_stop(const struct autostart_opts *o, struct vx_err *err)
{
	return go(o, true, err);
}
