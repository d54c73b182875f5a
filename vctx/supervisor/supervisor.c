// SPDX-License-Identifier: GPL-2.0-or-later
#include "supervisor/supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>

#include "core/lock.h"
#include "core/paths.h"
#include "core/proctitle.h"
#include "core/resolv.h"
#include "core/rlimits.h"
#include "core/state.h"
#include "core/sys.h"
#include "core/util.h"
#include "kernel/proc.h"
#include "kernel/storage.h"
#include "supervisor/console.h"
#include "supervisor/ctl.h"
#include "supervisor/logrelay.h"
#include "supervisor/ready.h"
#include "vnet/filter.h"
#include "vnet/vnet.h"

#define MAX_CLIENTS 32

enum tag { T_PIDFD = 1, T_SIGNAL, T_LISTEN, T_CLIENT, T_TIMER, T_CONSOLE, T_VIEWER, T_LOG,
	   T_LOGTIMER, T_LOGHOST, T_FREEZER, T_NOTIFY, T_READYTIMER, T_PROBE, T_TRIM };

struct sup {
	const struct sup_args *a;
	const char *name;
	const struct vx_conf *conf;
	struct vx_spawn sp;
	struct vx_console con;
	struct vx_logrelay log;
	struct vx_ready ready;
	struct vx_disk disk;
	int freezer;		/* the client that froze the context, -1: not frozen */
	int fsfreeze;		/* the disk's mount, frozen (FIFREEZE), -1: none */
	struct vx_runstate st;
	char pts[VX_PATH_MAX];	/* the console's devpts instance (sup_devdir) */
	int epfd, sigfd, lfd, timerfd, logtimer, lockfd;
	int trimtimer;		/* a second after the start: give back what it used */
	int result_fd;		/* to `vctx start` (kept open by `start -F` for init's status) */
	bool loghost_armed;	/* watching the host's syslog socket for room */
	int waiters[MAX_CLIENTS];	/* clients to answer once the context is down */
	unsigned nwaiters;
	int readers[MAX_CLIENTS];	/* clients to answer once the context is up */
	unsigned nreaders;
	bool stopping, done;
	int stop_signal;
	siginfo_t exit_info;
};

static void slog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void slog(const char *fmt, ...)
{
	char ts[32];
	time_t t = time(NULL);
	struct tm tm;
	va_list ap;

	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", localtime_r(&t, &tm));
	fprintf(stderr, "%s vctx[%d]: ", ts, (int)getpid());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

static int ep_add(struct sup *s, int fd, enum tag tag, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.u64 = ((uint64_t)tag << 32) | (unsigned)fd };

	return epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev);
}

/* --- set-up of the supervisor itself ------------------------------------------------------- */

/* The supervisor outlives its caller: it must not hold the caller's descriptors (a pipe a
 * parent waits on for EOF, a socket, a file the caller wants closed).  Keep the ones it was
 * given (-1 for none) and stdio. */
static void close_others(int a, int b, int c)
{
	int keep[3] = { a, b, c };

	proc_close_others(keep, 3);
}

/* Detach from the caller's session and terminal; stderr goes to the supervisor's log. */
static int sup_detach(struct sup *s, struct vx_err *err)
{
	char path[PATH_MAX];
	int fd;

	setsid();
	if (chdir("/") < 0)
		return vx_failsys(err, "chdir /");
	umask(022);
	prctl(PR_SET_NAME, "vctx-supervise");
	/* The prefix too when it is not the real installation's: ps tells them apart. */
	xsnprintf(path, sizeof(path), "vctx-supervise %s%s%s%s", s->name,
		 vx_paths.prefix[0] ? " (" : "", vx_paths.prefix, vx_paths.prefix[0] ? ")" : "");
	proctitle_set(path);
	if (path_logdir(path, sizeof(path), s->name, NULL) < 0 || mkdir_p(path, 0700) < 0)
		return vx_failsys(err, "cannot create the log directory %s", path);
	if (path_logdir(path, sizeof(path), s->name, "vctx.log") < 0)
		return vx_failsys(err, "log path");
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return vx_failsys(err, "cannot open %s", path);
	dup2(fd, 2);
	close(fd);
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		close(fd);
	}
	return 0;
}

/* The supervisor's own mount namespace (M0): the root is assembled here, invisible to the
 * host, and every mount in it disappears when the supervisor does, even after kill -9. */
static int sup_mountns(struct vx_err *err)
{
	if (unshare(CLONE_NEWNS) < 0)
		return vx_failsys(err, "cannot create the supervisor's mount namespace");
	/* Before any mount: nothing made here may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return vx_failsys(err, "cannot make the supervisor's mounts private");
	return 0;
}

static int record_state(struct sup *s, enum vx_state state, struct vx_err *err)
{
	struct vx_err mine;

	s->st.state = state;
	if (state_write(s->name, &s->st, err ? err : &mine) == 0)
		return 0;
	if (!err)
		slog("%s", mine.msg);
	return -1;
}

/* RUN/NAME/dev: a tmpfs and a devpts instance of the supervisor's own, in M0 only, for what is
 * bound into the context's /dev (the console pty, the /dev/log and notify sockets): the
 * context's mount table then shows "/0" of a devpts and "/log" of a tmpfs, nothing of the
 * host's run directory or ptys. */
static int sup_devdir(struct sup *s, struct vx_err *err)
{
	char path[PATH_MAX];

	if (path_rundir(path, sizeof(path), s->name, "dev") < 0 ||
	    path_rundir(s->pts, sizeof(s->pts), s->name, "dev/pts") < 0)
		return vx_fail(err, ENAMETOOLONG, "run path too long");
	if ((mkdir(path, 0700) < 0 && errno != EEXIST) ||
	    mount("vctx-sockets", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=700,size=64k,nr_inodes=16") < 0)
		return vx_failsys(err, "cannot mount a tmpfs on %s", path);
	if (mkdir(s->pts, 0700) < 0 ||
	    mount("devpts", s->pts, "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0600,mode=0600,max=4") < 0)
		return vx_failsys(err, "cannot mount a devpts instance on %s", s->pts);
	return 0;
}

static int sup_rundir(struct sup *s, struct vx_err *err)
{
	char path[PATH_MAX];

	if (path_rundir(path, sizeof(path), s->name, NULL) < 0 ||
	    (mkdir(path, 0700) < 0 && errno != EEXIST))
		return vx_failsys(err, "cannot create %s", path);
	s->lockfd = lock_supervisor_hold(s->name, err);
	if (s->lockfd < 0)
		return -1;
	if (path_rundir(s->sp.stage, sizeof(s->sp.stage), s->name, "root") < 0 ||
	    path_rundir(s->sp.lower, sizeof(s->sp.lower), s->name, "lower") < 0)
		return vx_failsys(err, "run path");
	if ((mkdir(s->sp.stage, 0700) < 0 && errno != EEXIST) ||
	    (mkdir(s->sp.lower, 0700) < 0 && errno != EEXIST))
		return vx_failsys(err, "cannot create %s", s->sp.stage);
	/* Before anything is made on the host: the config it runs on, and a record that a
	 * killed supervisor leaves for `vctx stop` to clean up after.  A start that cannot
	 * write them fails: a context nobody can manage would be worse. */
	s->st.supervisor = getpid();
	/* Named before it is made, so that a cleanup after a kill at any point removes it. */
	snprintf(s->st.cgroup, sizeof(s->st.cgroup), "%s/%s", vx_paths.cgroup_parent, s->name);
	if (state_write_runconf(s->name, s->a->conftext, err) < 0 ||
	    record_state(s, VX_STARTING, err) < 0)
		return vx_prefix(err, "cannot record the state of %s", s->name);
	return sup_devdir(s, err);
}

/* The host's name servers a context can reach, for one whose resolv.conf is empty: its own
 * file, or systemd-resolved's upstream list behind the 127.0.0.53 stub. */
static void sup_host_resolv(struct vx_spawn *sp)
{
	static const char *const files[] = { "/etc/resolv.conf", "/run/systemd/resolve/resolv.conf" };
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		char text[8192];

		/* The host's files, symlinks and all (resolvconf, systemd-resolved). */
		if (read_file_at(AT_FDCWD, files[i], text, sizeof(text)) > 0 &&
		    resolv_servers(text, sp->host_resolv, sizeof(sp->host_resolv)))
			return;
	}
}

static int sup_signals(struct sup *s, struct vx_err *err)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGPIPE);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	s->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	s->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (s->sigfd < 0 || s->epfd < 0 || s->timerfd < 0)
		return vx_failsys(err, "cannot set up the supervisor's event loop");
	return 0;
}

/* Console pty and control socket: made once, kept across guest reboots. */
static int sup_endpoints(struct sup *s, struct vx_err *err)
{
	uid_t uid = conf_root_uid(s->conf);
	char path[PATH_MAX];

	if (console_open(&s->con, s->pts, uid, uid + 5, err) < 0)
		return vx_prefix(err, "console");
	if (path_logdir(path, sizeof(path), s->name, "console.log") < 0 ||
	    console_log_open(&s->con, path, 1 << 20, err) < 0)
		return -1;
	snprintf(s->sp.console, sizeof(s->sp.console), "%s", s->con.path);
	/* `start -F`: its viewer is there before init's first byte. */
	if (s->a->viewer_fd >= 0) {
		s->con.viewer = s->a->viewer_fd;
		if (ep_add(s, s->con.viewer, T_VIEWER, EPOLLIN) < 0)
			return vx_failsys(err, "epoll");
	}
	s->lfd = ctl_listen(s->name, err);
	if (s->lfd < 0)
		return -1;
	if (ready_open(&s->ready, s->name, s->conf, err) < 0)
		return -1;
	if (s->ready.notify >= 0) {
		snprintf(s->sp.notifysock, sizeof(s->sp.notifysock), "%s", s->ready.path);
		if (ep_add(s, s->ready.notify, T_NOTIFY, EPOLLIN) < 0)
			return vx_failsys(err, "epoll");
	}
	if (s->ready.timer >= 0 && ep_add(s, s->ready.timer, T_READYTIMER, EPOLLIN) < 0)
		return vx_failsys(err, "epoll");
	/* The context's /dev/log, unless its own syslog daemon serves it. */
	if (strcmp(s->conf->syslog, "host") == 0) {
		if (logrelay_open(&s->log, s->name, s->conf, err) < 0)
			return vx_prefix(err, "/dev/log");
		snprintf(s->sp.logsock, sizeof(s->sp.logsock), "%s", s->log.path);
		s->logtimer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (s->logtimer < 0 || ep_add(s, s->log.fd, T_LOG, EPOLLIN) < 0 ||
		    ep_add(s, s->logtimer, T_LOGTIMER, EPOLLIN) < 0)
			return vx_failsys(err, "epoll");
	}
	if (ep_add(s, s->sigfd, T_SIGNAL, EPOLLIN) < 0 || ep_add(s, s->lfd, T_LISTEN, EPOLLIN) < 0 ||
	    ep_add(s, s->timerfd, T_TIMER, EPOLLIN) < 0 ||
	    ep_add(s, s->con.master, T_CONSOLE, EPOLLIN) < 0)
		return vx_failsys(err, "epoll");
	return 0;
}

/* --- starting init ------------------------------------------------------------------------ */

static void phase(struct vx_spawn *sp, enum vx_phase p, uint64_t *t)
{
	uint64_t now = now_ns();

	sp->phase_ns[p] = now - *t;
	*t = now;
}


static int start_init(struct sup *s, struct vx_err *err)
{
	struct vx_spawn *sp = &s->sp;
	uint64_t t = now_ns();
	char path[PATH_MAX];

	s->st.supervisor = getpid();
	s->st.id_base = s->conf->id_base;
	s->st.userns = s->conf->userns;
	snprintf(s->st.template, sizeof(s->st.template), "%s", s->conf->template);
	if (path_rundir(path, sizeof(path), s->name, "seccomp.bpf") < 0 ||
	    (sp->bpf.len && sysfilter_save(path, &sp->bpf, err) < 0))
		return vx_failsys(err, "cannot keep the seccomp filter");
	if (cg_create(s->name, s->conf, &sp->cg, err) < 0)
		return -1;
	snprintf(s->st.cgroup, sizeof(s->st.cgroup), "%s", sp->cg.path);
	snprintf(s->st.cgv2, sizeof(s->st.cgv2), "%s", sp->cg.v2dir);
	for (s->st.cgv1.n = 0; s->st.cgv1.n < sp->cg.nv1; s->st.cgv1.n++)
		s->st.cgv1.v[s->st.cgv1.n] = strdup(sp->cg.v1dir[s->st.cgv1.n]);
	if (record_state(s, VX_STARTING, err) < 0)
		return -1;
	if (storage_attach(s->name, s->conf, &s->disk, sp->upper, sp->work, err) < 0)
		return -1;
	phase(sp, PH_CGROUP, &t);

	if (spawn_clone(sp, err) < 0)
		return -1;
	/* The child still has the host's credentials: its limits are the context's from its
	 * first instruction, whatever the supervisor inherited from whoever started it. */
	if (rlimits_apply(sp->pid, s->conf, err) < 0)
		return -1;
	phase(sp, PH_CLONE, &t);
	if (spawn_map(sp, err) < 0)
		return -1;
	phase(sp, PH_MAPS, &t);
	/* The child joins its cgroups meanwhile. */
	if (vnet_setup(s->name, s->conf, sp->pid, &s->st, err) < 0 ||
	    record_state(s, VX_STARTING, err) < 0)
		return -1;
	phase(sp, PH_NETWORK, &t);
	if (spawn_wait_cgroup(sp, err) < 0 || spawn_rootfs(sp, err) < 0)
		return -1;
	phase(sp, PH_ROOTFS, &t);
	if (spawn_finish(sp, err) < 0)
		return -1;
	phase(sp, PH_EXEC, &t);

	/* The context has its own copy of the root; the one in M0 is no longer needed. */
	umount2(sp->stage, MNT_DETACH);
	s->st.init = sp->pid;
	s->st.init_start = proc_start_time(sp->pid);
	s->st.started = now_realtime();
	if (record_state(s, VX_RUNNING, err) < 0)
		return -1;
	if (ep_add(s, sp->pidfd, T_PIDFD, EPOLLIN) < 0)
		return vx_failsys(err, "epoll");
	ready_begin(&s->ready, sp->pid);
	slog("started %s: init %s is pid %d", s->name, sp->init, (int)sp->pid);
	return 0;
}

static void thaw(struct sup *s);

/* Answer everyone waiting for the context to be up (or to learn it never will be). */
static void answer_readers(struct sup *s, const struct vx_err *err)
{
	unsigned i;

	for (i = 0; i < s->nreaders; i++) {
		ctl_reply(s->readers[i], err, NULL);
		close(s->readers[i]);
	}
	s->nreaders = 0;
}

static void check_ready(struct sup *s)
{
	if (s->ready.up && s->nreaders) {
		slog("%s is up", s->name);
		answer_readers(s, NULL);
	}
}

/* Undo start_init (init is dead or was never exec'd). */
static void stop_init(struct sup *s)
{
	struct vx_err err;

	thaw(s);
	ready_reset(&s->ready);
	vx_fail(&err, ESRCH, "%s stopped before it was up", s->name);
	answer_readers(s, &err);
	spawn_abort(&s->sp);
	/* The network first: a source filter's removal then finishes in the kernel while the
	 * rest is taken down. */
	if (vnet_teardown(&s->st, &err) < 0)
		slog("%s", err.msg);
	umount2(s->sp.stage, MNT_DETACH);
	umount2(s->sp.lower, MNT_DETACH);
	storage_detach(&s->disk);
	if (cg_destroy(s->st.cgroup, &err) < 0)
		slog("%s", err.msg);
	state_free(&s->st);
	memset(&s->st, 0, sizeof(s->st));
}

static void report(struct sup *s, const struct vx_err *err)
{
	struct start_result r = { .ok = !err, .init = s->sp.pid };

	if (s->result_fd < 0)
		return;
	if (err)
		r.err = *err;
	memcpy(r.phase_ns, s->sp.phase_ns, sizeof(r.phase_ns));
	write_full(s->result_fd, &r, sizeof(r));
	/* `start -F` waits on it for init's exit status (sup_exit writes it). */
	if (!err && s->a->viewer_fd >= 0)
		return;
	close(s->result_fd);
	s->result_fd = -1;
}

/* --- the event loop ------------------------------------------------------------------------ */

static void begin_stop(struct sup *s, uint64_t timeout_ms, bool kill)
{
	struct itimerspec its = { 0 };
	char sig[32];

	/* A frozen context could not act on its stop signal. */
	thaw(s);
	if (s->done)
		return;
	if (kill || timeout_ms == 0) {
		slog("killing %s", s->name);
		vx_pidfd_send_signal(s->sp.pidfd, SIGKILL);
		return;
	}
	if (s->stopping)
		return;
	s->stopping = true;
	record_state(s, VX_STOPPING, NULL);
	slog("stopping %s: %s to init, %llu ms to go", s->name,
	     parse_signal_name(s->stop_signal, sig, sizeof(sig)), (unsigned long long)timeout_ms);
	vx_pidfd_send_signal(s->sp.pidfd, s->stop_signal);
	its.it_value.tv_sec = timeout_ms / 1000;
	its.it_value.tv_nsec = (timeout_ms % 1000) * 1000000;
	timerfd_settime(s->timerfd, 0, &its, NULL);
}

static void on_signal(struct sup *s)
{
	struct signalfd_siginfo si;

	while (read(s->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD || si.ssi_signo == SIGPIPE)
			continue;
		slog("signal %u: stopping", si.ssi_signo);
		begin_stop(s, s->conf->stop_timeout_ms, false);
	}
}

/* --- the control requests (supervisor/ctl.h), one handler each ---------------------------- */

/* A reply that ends the request. */
static void reply_done(struct sup *s, int fd, const struct vx_err *err, const char *info)
{
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, fd, NULL);
	ctl_reply(fd, err, info);
	close(fd);
}

static void add_waiter(struct sup *s, int fd)
{
	if (s->nwaiters < MAX_CLIENTS) {
		s->waiters[s->nwaiters++] = fd;
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, fd, NULL);
	} else {
		struct vx_err err;

		vx_fail(&err, EAGAIN, "%d commands wait on %s already", MAX_CLIENTS, s->name);
		reply_done(s, fd, &err, NULL);
	}
}

static void on_ping(struct sup *s, int fd, const struct ctl_req *req)
{
	(void)req;
	reply_done(s, fd, NULL, state_str(s->st.state));
}

static void on_stop(struct sup *s, int fd, const struct ctl_req *req)
{
	add_waiter(s, fd);
	begin_stop(s, req->num, false);
}

static void on_kill(struct sup *s, int fd, const struct ctl_req *req)
{
	(void)req;
	add_waiter(s, fd);
	begin_stop(s, 0, true);
}

static void on_ready(struct sup *s, int fd, const struct ctl_req *req)
{
	(void)req;
	if (s->nreaders == MAX_CLIENTS) {
		struct vx_err err;

		vx_fail(&err, EAGAIN, "%d commands wait on %s already", MAX_CLIENTS, s->name);
		reply_done(s, fd, &err, NULL);
		return;
	}
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, fd, NULL);
	s->readers[s->nreaders++] = fd;
	if (s->ready.up)
		answer_readers(s, NULL);
}

static void on_console(struct sup *s, int fd, const struct ctl_req *req)
{
	struct vx_err err;

	(void)req;
	if (s->con.viewer >= 0) {
		vx_fail(&err, EBUSY, "the console of %s has a viewer already (one at a time)",
			s->name);
		reply_done(s, fd, &err, NULL);
		return;
	}
	ctl_reply(fd, NULL, NULL);
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, fd, NULL);
	s->con.viewer = fd;
	ep_add(s, fd, T_VIEWER, EPOLLIN);
	console_replay(&s->con);
}

/* vnet add/del: the supervisor owns the host side, so it makes the change and records it. */
static void on_addr(struct sup *s, int fd, const struct ctl_req *req)
{
	bool add = req->op == CTL_ADDR_ADD;
	struct vx_err err = { 0 };
	char text[64];
	int r;

	addr_fmt(&req->addr, true, text, sizeof(text));
	r = add ? vnet_addr_add(s->conf, s->sp.pid, &s->st, &req->addr, &err)
		: vnet_addr_del(s->conf, s->sp.pid, &s->st, &req->addr, &err);
	if (r == 0) {
		record_state(s, s->st.state, NULL);
		slog("%s address %s", add ? "added" : "removed", text);
	}
	reply_done(s, fd, r == 0 ? NULL : &err, NULL);
}

/* vctx set disk=: grow the running context's image in place. */
static void on_disk_grow(struct sup *s, int fd, const struct ctl_req *req)
{
	struct vx_err err = { 0 };
	int r = storage_grow_online(s->name, &s->disk, req->num, &err);

	if (r == 0)
		slog("%s: disk grown to %llu bytes", s->name, (unsigned long long)req->num);
	reply_done(s, fd, r == 0 ? NULL : &err, NULL);
}

/* Thaw what on_freeze froze and let its client go. */
static void thaw(struct sup *s)
{
	struct vx_err err;

	if (s->freezer < 0)
		return;
	if (s->fsfreeze >= 0) {
		ioctl(s->fsfreeze, FITHAW, 0);
		close(s->fsfreeze);
		s->fsfreeze = -1;
	}
	if (cg_freeze(s->st.cgv2, s->st.cgroup, false, &err) < 0)
		slog("cannot thaw %s: %s", s->name, err.msg);
	else
		slog("%s thawed", s->name);
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, s->freezer, NULL);
	close(s->freezer);
	s->freezer = -1;
}

/* Every process of the context stops (and its disk's file system is synced and frozen) until
 * the client writes or goes away; a killed snapshot never leaves the context frozen. */
static void on_freeze(struct sup *s, int fd, const struct ctl_req *req)
{
	struct vx_err err;

	(void)req;
	if (s->freezer >= 0 || s->st.state != VX_RUNNING) {
		vx_fail(&err, EBUSY, "%s is %s", s->name,
			s->freezer >= 0 ? "frozen by another command" : state_str(s->st.state));
		goto fail;
	}
	if (cg_freeze(s->st.cgv2, s->st.cgroup, true, &err) < 0) {
		cg_freeze(s->st.cgv2, s->st.cgroup, false, NULL);
		goto fail;
	}
	if (s->disk.mounted) {
		s->fsfreeze = open(s->disk.mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (s->fsfreeze < 0 || ioctl(s->fsfreeze, FIFREEZE, 0) < 0) {
			vx_failsys(&err, "cannot freeze the disk of %s", s->name);
			if (s->fsfreeze >= 0)
				close(s->fsfreeze);
			s->fsfreeze = -1;
			cg_freeze(s->st.cgv2, s->st.cgroup, false, NULL);
			goto fail;
		}
	}
	s->freezer = fd;
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, fd, NULL);
	ep_add(s, fd, T_FREEZER, EPOLLIN);
	slog("%s frozen", s->name);
	ctl_reply(fd, NULL, NULL);
	return;
fail:
	reply_done(s, fd, &err, NULL);
}

typedef void (*ctl_handler)(struct sup *s, int fd, const struct ctl_req *req);

static const ctl_handler handlers[CTL_NOPS] = {
	[CTL_PING] = on_ping,		[CTL_STOP] = on_stop,
	[CTL_KILL] = on_kill,		[CTL_READY] = on_ready,
	[CTL_CONSOLE] = on_console,	[CTL_FREEZE] = on_freeze,
	[CTL_DISK_GROW] = on_disk_grow,	[CTL_ADDR_ADD] = on_addr,
	[CTL_ADDR_DEL] = on_addr,
};

static void on_client(struct sup *s, int fd)
{
	struct ctl_req req;
	struct vx_err err;

	if (ctl_read(fd, &req, &err) < 0) {
		if (!err.code) {	/* the client went away */
			epoll_ctl(s->epfd, EPOLL_CTL_DEL, fd, NULL);
			close(fd);
			return;
		}
		slog("control request refused: %s", err.msg);
		reply_done(s, fd, &err, NULL);
		return;
	}
	handlers[req.op](s, fd, &req);
}

static void on_viewer(struct sup *s)
{
	char buf[4096];
	ssize_t n = read(s->con.viewer, buf, sizeof(buf));

	if (n <= 0) {
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, s->con.viewer, NULL);
		close(s->con.viewer);
		s->con.viewer = -1;
		return;
	}
	write_full(s->con.master, buf, n);
}

/* Watch the host's syslog socket for room exactly while lines wait for it. */
static void sync_loghost(struct sup *s)
{
	bool want = s->log.bn > 0;

	if (want == s->loghost_armed)
		return;
	if (want)
		ep_add(s, s->log.hostfd, T_LOGHOST, EPOLLOUT);
	else
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, s->log.hostfd, NULL);
	s->loghost_armed = want;
}

/* Relay /dev/log; while a flood is being cut, report the drops once a second. */
static void on_log(struct sup *s)
{
	struct itimerspec its = { .it_value.tv_sec = 1 }, cur;

	logrelay_pump(&s->log);
	if (s->log.dropped && timerfd_gettime(s->logtimer, &cur) == 0 &&
	    !cur.it_value.tv_sec && !cur.it_value.tv_nsec)
		timerfd_settime(s->logtimer, 0, &its, NULL);
	sync_loghost(s);
}

/* init is gone: everything in its pid namespace went with it. */
static void on_init_exit(struct sup *s)
{
	siginfo_t *si = &s->exit_info;

	memset(si, 0, sizeof(*si));
	waitid(P_PIDFD, s->sp.pidfd, si, WEXITED);
	if (si->si_code == CLD_EXITED)
		slog("init exited with status %d", si->si_status);
	else
		slog("init was killed by signal %d", si->si_status);
	s->done = true;
}

static char *sup_stack;		/* its own stack, NULL: still on the starting command's */

#define SUP_STACK (8u << 20)	/* as the default RLIMIT_STACK; untouched pages cost nothing */

/* The starting command's stack is the supervisor's until it leaves it: every frame on it,
 * from main down to here, is dead once the supervisor runs on a stack of its own, except
 * what lies above __libc_stack_end (argv, which the process title overwrites, and the
 * environment). */
extern void *__libc_stack_end;

static void sup_drop_old_stack(void)
{
	char line[256];
	uintptr_t lo = 0, hi = 0, end = (uintptr_t)__libc_stack_end & ~(uintptr_t)4095;
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "[stack]") && sscanf(line, "%lx-%lx", &lo, &hi) == 2)
			break;
	fclose(f);
	if (lo && lo < end && end <= hi)
		madvise((void *)lo, end - lo, MADV_DONTNEED);
}

/* An idle supervisor should cost what it keeps, not what the start used: the starting
 * command's stack (sup_drop_old_stack), the part of its own the start ran deep in and the
 * heap's freed chunks go back to the kernel; pages that are used again come back zeroed on
 * their first touch. */
static void __attribute__((noinline)) sup_trim(void)
{
	uintptr_t here = (uintptr_t)__builtin_frame_address(0), page = 4096, keep;
	uintptr_t lo = (uintptr_t)sup_stack + page;	/* above its guard page */
	static bool dropped;

	if (sup_stack && !dropped) {	/* once: nothing uses that stack again */
		sup_drop_old_stack();
		dropped = true;
	}
	malloc_trim(0);
	/* Below this frame, less a margin for the calls the loop makes: dead stack. */
	keep = (here & ~(page - 1)) - 2 * page;
	if (sup_stack && keep > lo && here < (uintptr_t)sup_stack + SUP_STACK)
		madvise((void *)lo, keep - lo, MADV_DONTNEED);
}

/* The trim waits until the start is a second old: a command that runs init for a moment
 * (start -F of a short job) does not wait for it, and a context at rest pays it once. */
static void sup_trim_later(struct sup *s)
{
	struct itimerspec its = { .it_value = { 1, 0 } };

	if (s->trimtimer < 0) {
		s->trimtimer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (s->trimtimer < 0 || ep_add(s, s->trimtimer, T_TRIM, EPOLLIN) < 0) {
			sup_trim();	/* no timer: now, then */
			return;
		}
	}
	timerfd_settime(s->trimtimer, 0, &its, NULL);
}

static void loop(struct sup *s)
{
	struct epoll_event ev[16];
	int i, n;

	while (!s->done) {
		n = epoll_wait(s->epfd, ev, ARRAY_SIZE(ev), -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			slog("epoll_wait: %s", strerror(errno));
			begin_stop(s, 0, true);
			break;
		}
		for (i = 0; i < n; i++) {
			int fd = (int)(ev[i].data.u64 & 0xffffffff);
			uint64_t exp;

			switch (ev[i].data.u64 >> 32) {
			case T_PIDFD: on_init_exit(s); break;
			case T_SIGNAL: on_signal(s); break;
			case T_LISTEN:
				while ((fd = ctl_accept(s->lfd)) >= 0)
					ep_add(s, fd, T_CLIENT, EPOLLIN);
				break;
			case T_CLIENT: on_client(s, fd); break;
			case T_TIMER:
				if (read(s->timerfd, &exp, sizeof(exp)) == sizeof(exp))
					begin_stop(s, 0, true);
				break;
			case T_CONSOLE: console_pump(&s->con); break;
			case T_LOG: on_log(s); break;
			case T_NOTIFY:
				ready_on_notify(&s->ready);
				check_ready(s);
				break;
			case T_READYTIMER:
				fd = ready_on_timer(&s->ready);
				if (fd >= 0)
					ep_add(s, fd, T_PROBE, EPOLLOUT);
				check_ready(s);
				break;
			case T_PROBE:
				epoll_ctl(s->epfd, EPOLL_CTL_DEL, fd, NULL);
				ready_on_probe(&s->ready);
				check_ready(s);
				break;
			case T_LOGTIMER:
				if (read(s->logtimer, &exp, sizeof(exp)) == sizeof(exp))
					logrelay_report_drops(&s->log);
				sync_loghost(s);
				break;
			case T_FREEZER: thaw(s); break;
			case T_TRIM:
				if (read(s->trimtimer, &exp, sizeof(exp)) == sizeof(exp))
					sup_trim();
				break;
			case T_LOGHOST:
				logrelay_flush(&s->log);
				sync_loghost(s);
				break;
			case T_VIEWER: on_viewer(s); break;
			}
		}
	}
}

/* A guest that rebooted (reboot(2) in a pid namespace kills init with SIGHUP) comes back. */
static bool wants_reboot(const struct sup *s)
{
	return !s->stopping && s->exit_info.si_code == CLD_KILLED &&
	       s->exit_info.si_status == SIGHUP;
}

static void answer_waiters(struct sup *s)
{
	unsigned i;

	for (i = 0; i < s->nwaiters; i++) {
		ctl_reply(s->waiters[i], NULL, NULL);
		close(s->waiters[i]);
	}
	s->nwaiters = 0;
}

int sup_cleanup(const char *name, const struct vx_runstate *st, struct vx_err *err)
{
	char path[PATH_MAX];
	int r = 0;

	if (vnet_teardown(st, err) < 0)
		r = -1;
	if (cg_destroy(st->cgroup, r < 0 ? NULL : err) < 0)
		r = -1;
	state_remove(name);
	if (path_rundir(path, sizeof(path), name, NULL) == 0 && rm_rf(path, r < 0 ? NULL : err) < 0)
		r = -1;
	return r;
}

static void __attribute__((noreturn)) sup_exit(struct sup *s, int code)
{
	struct vx_err err;


	console_close(&s->con);
	logrelay_close(&s->log);
	ready_close(&s->ready);
	if (s->lfd >= 0)
		close(s->lfd);
	/* M0's own mounts in the run directory, so that the cleanup can remove it. */
	if (s->pts[0]) {
		umount2(s->pts, MNT_DETACH);
		*strrchr(s->pts, '/') = '\0';
		umount2(s->pts, MNT_DETACH);
	}
	if (sup_cleanup(s->name, &s->st, &err) < 0)
		slog("%s", err.msg);
	answer_waiters(s);
	/* After the answer: what closing waits for is the kernel's, not the caller's. */
	filter_release();
	slog("supervisor exits");
	/* How init ended, for `start -F`, once everything is cleaned up: a shell's status
	 * (128 + N for signal N). */
	if (s->result_fd >= 0) {
		int32_t st = s->exit_info.si_code == CLD_EXITED ? s->exit_info.si_status
								: 128 + s->exit_info.si_status;

		write_full(s->result_fd, &st, sizeof(st));
	}
	_exit(code);
}

/* The supervisor's state, in static storage: a page of it costs memory only once written. */
static struct sup sup_s;
static struct sup_args sup_a;
static struct vx_conf sup_conf;
static struct vx_template sup_tpl;
static struct vx_bpf sup_bpf;
static char sup_name[VX_NAME_MAX + 1];

static void __attribute__((noreturn)) sup_run(void);

void sup_main(const struct sup_args *a)
{
	static ucontext_t uc;
	char *stk;

	/* Copies of what lives in the starting command's frames. */
	sup_conf = *a->conf;
	sup_tpl = *a->tpl;
	sup_bpf = *a->bpf;
	sup_a = *a;
	sup_a.conf = &sup_conf;
	sup_a.tpl = &sup_tpl;
	sup_a.bpf = &sup_bpf;
	/* Its own copy: a->name may live in the command line, which sup_detach overwrites. */
	snprintf(sup_name, sizeof(sup_name), "%s", a->name);
	sup_a.name = sup_name;
	stk = mmap(NULL, SUP_STACK, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
	if (stk != MAP_FAILED && mprotect(stk, 4096, PROT_NONE) == 0 && getcontext(&uc) == 0) {
		uc.uc_stack.ss_sp = stk;
		uc.uc_stack.ss_size = SUP_STACK;
		uc.uc_link = NULL;
		makecontext(&uc, sup_run, 0);
		sup_stack = stk;
		setcontext(&uc);
		sup_stack = NULL;	/* it returned: it failed */
	}
	sup_run();
}

static void sup_run(void)
{
	const struct sup_args *a = &sup_a;
	struct sup *s = &sup_s;
	const char *name = sup_name;
	struct vx_err err = { 0 };

	s->a = a;
	s->name = name;
	s->conf = a->conf;
	s->lfd = s->lockfd = s->logtimer = s->trimtimer = -1;
	s->result_fd = a->result_fd;
	close_others(a->result_fd, a->lock_fd, a->viewer_fd);
	spawn_init(&s->sp);
	console_init(&s->con);
	logrelay_init(&s->log);
	ready_init(&s->ready);
	storage_init(&s->disk);
	s->freezer = s->fsfreeze = -1;
	s->sp.conf = a->conf;
	s->sp.tpl = a->tpl;
	s->sp.name = name;
	s->sp.lxcfs = a->lxcfs;
	sup_host_resolv(&s->sp);
	snprintf(s->sp.init, sizeof(s->sp.init), "%s", a->conf->init[0] ? a->conf->init : a->tpl->init);
	s->stop_signal = a->conf->stop_signal ? a->conf->stop_signal : a->tpl->stop_signal;
	s->sp.bpf = *a->bpf;
	if (path_tpldir(s->sp.tpl_rootfs, sizeof(s->sp.tpl_rootfs), a->conf->template, "rootfs") < 0 ||
	    path_ctxdir(s->sp.upper, sizeof(s->sp.upper), name, "upper") < 0 ||
	    path_ctxdir(s->sp.work, sizeof(s->sp.work), name, "work") < 0) {
		vx_failsys(&err, "path");
		goto fail;
	}
	if (sup_detach(s, &err) < 0 || sup_signals(s, &err) < 0 || sup_mountns(&err) < 0 ||
	    sup_rundir(s, &err) < 0 || sup_endpoints(s, &err) < 0)
		goto fail;
	if (start_init(s, &err) < 0)
		goto fail;
	report(s, NULL);
	close(a->lock_fd);
	for (;;) {
		sup_trim_later(s);
		loop(s);
		if (!wants_reboot(s))
			break;
		slog("the guest rebooted: starting %s again", s->name);
		stop_init(s);
		s->done = false;
		if (start_init(s, &err) < 0) {
			slog("%s", err.msg);
			stop_init(s);
			sup_exit(s, 1);
		}
	}
	stop_init(s);
	sup_exit(s, 0);
fail:
	slog("%s", err.msg);
	stop_init(s);
	report(s, &err);
	sup_exit(s, 1);
}
