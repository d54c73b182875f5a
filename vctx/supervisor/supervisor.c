// SPDX-License-Identifier: GPL-2.0-or-later
#include "supervisor/supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/epoll.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>

#include "core/lock.h"
#include "core/paths.h"
#include "core/proctitle.h"
#include "core/resolv.h"
#include "core/rlimits.h"
#include "core/state.h"
#include "core/sys.h"
#include "core/util.h"
#include "kernel/proc.h"
#include "kernel/rootfs.h"
#include "kernel/storage.h"
#include "supervisor/console.h"
#include "supervisor/ctl.h"
#include "supervisor/events.h"
#include "supervisor/handover.h"
#include "supervisor/job.h"
#include "supervisor/logrelay.h"
#include "supervisor/ready.h"
#include "supervisor/slog.h"
#include "supervisor/syncs.h"
#include "vnet/filter.h"
#include "vnet/vnet.h"

/* One context's supervisor: h is what its resting program (idle.c) keeps too. */
struct sup {
	struct sup_hand h;
	const struct sup_args *a;
	const char *name;
	const struct vx_conf *conf;
	struct vx_spawn sp;
	struct vx_disk disk;
	struct vx_runstate st;
	int resttimer;		/* a second after the start or a wake: rest (sup_rest) */
	siginfo_t exit_info;
};

static int ep_add(struct sup *s, int fd, enum sup_tag tag, uint32_t events)
{
	return events_add(&s->h, fd, tag, events);
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
	prctl(PR_SET_NAME, HANDOVER_ARGV0);
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

/* What a start builds beside its root (job.h): the network, then the device control.  The
 * thread enters the context's network namespace alone and writes s->st, which nothing else
 * touches until it is joined.  It records the state as soon as the links are made, as a
 * start did before the two ran side by side: a supervisor killed while the root is still
 * being built leaves `vctx stop` the host routes and proxy entries to remove.  The device
 * lists (an eBPF program for the kernel to verify, when no running context has the same one)
 * need only be in place before init's exec, which waits for this thread. */
static int beside_step(void *arg, struct vx_err *err)
{
	struct sup *s = arg;

	if (vnet_setup(s->name, s->conf, s->sp.pid, &s->st, err) < 0 ||
	    record_state(s, VX_STARTING, err) < 0)
		return -1;
	return cg_devices(&s->sp.cg, s->conf->devices, err);
}

/* RUN/NAME/dev: a tmpfs of the supervisor's own, in M0 only, for the /dev/log and notify
 * sockets bound into the context, and on its pts the context's devpts, whose pty 0 is the
 * console: the context's mount table then shows "/log" of a tmpfs and "/0" of its own devpts,
 * nothing of the host's run directory or ptys.  Both last as long as the supervisor: across
 * the guest's reboots. */
static int sup_devdir(struct sup *s, struct vx_err *err)
{
	char path[PATH_MAX];

	if (path_rundir(path, sizeof(path), s->name, "dev") < 0 ||
	    path_rundir(s->h.pts, sizeof(s->h.pts), s->name, "dev/pts") < 0)
		return vx_fail(err, ENAMETOOLONG, "run path too long");
	if ((mkdir(path, 0700) < 0 && errno != EEXIST) ||
	    mount("vctx-sockets", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=700,size=64k,nr_inodes=16") < 0)
		return vx_failsys(err, "cannot mount a tmpfs on %s", path);
	snprintf(s->sp.pts, sizeof(s->sp.pts), "%s", s->h.pts);
	return rootfs_devpts(s->conf, s->h.pts, err);
}

static int sup_rundir(struct sup *s, struct vx_err *err)
{
	char path[PATH_MAX];

	if (path_rundir(path, sizeof(path), s->name, NULL) < 0 ||
	    (mkdir(path, 0700) < 0 && errno != EEXIST))
		return vx_failsys(err, "cannot create %s", path);
	s->h.lockfd = lock_supervisor_hold(s->name, err);
	if (s->h.lockfd < 0)
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
	s->h.sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	s->h.epfd = epoll_create1(EPOLL_CLOEXEC);
	s->h.timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (s->h.sigfd < 0 || s->h.epfd < 0 || s->h.timerfd < 0)
		return vx_failsys(err, "cannot set up the supervisor's event loop");
	return 0;
}

/* Console pty and control socket: made once, kept across guest reboots. */
static int sup_endpoints(struct sup *s, struct vx_err *err)
{
	uid_t uid = conf_root_uid(s->conf);
	char path[PATH_MAX];

	if (console_open(&s->h.con, s->h.pts, uid, uid + 5, err) < 0)
		return vx_prefix(err, "console");
	if (path_logdir(path, sizeof(path), s->name, "console.log") < 0 ||
	    console_log_open(&s->h.con, path, 1 << 20, err) < 0)
		return -1;
	snprintf(s->sp.console, sizeof(s->sp.console), "%s", s->h.con.path);
	/* `start -F`: its viewer is there before init's first byte. */
	if (s->a->viewer_fd >= 0) {
		s->h.con.viewer = s->a->viewer_fd;
		if (ep_add(s, s->h.con.viewer, T_VIEWER, EPOLLIN) < 0)
			return vx_failsys(err, "epoll");
	}
	s->h.lfd = ctl_listen(s->name, err);
	if (s->h.lfd < 0)
		return -1;
	if (ready_open(&s->h.ready, s->name, s->conf, err) < 0)
		return -1;
	if (s->h.ready.notify >= 0) {
		snprintf(s->sp.notifysock, sizeof(s->sp.notifysock), "%s", s->h.ready.path);
		if (ep_add(s, s->h.ready.notify, T_NOTIFY, EPOLLIN) < 0)
			return vx_failsys(err, "epoll");
	}
	if (s->h.ready.timer >= 0 && ep_add(s, s->h.ready.timer, T_READYTIMER, EPOLLIN) < 0)
		return vx_failsys(err, "epoll");
	/* The context's /dev/log, unless its own syslog daemon serves it. */
	if (strcmp(s->conf->syslog, "host") == 0) {
		if (logrelay_open(&s->h.log, s->name, s->conf, err) < 0)
			return vx_prefix(err, "/dev/log");
		snprintf(s->sp.logsock, sizeof(s->sp.logsock), "%s", s->h.log.path);
		s->h.logtimer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (s->h.logtimer < 0 || ep_add(s, s->h.log.fd, T_LOG, EPOLLIN) < 0 ||
		    ep_add(s, s->h.logtimer, T_LOGTIMER, EPOLLIN) < 0)
			return vx_failsys(err, "epoll");
	}
	if (ep_add(s, s->h.sigfd, T_SIGNAL, EPOLLIN) < 0 || ep_add(s, s->h.lfd, T_LISTEN, EPOLLIN) < 0 ||
	    ep_add(s, s->h.timerfd, T_TIMER, EPOLLIN) < 0 ||
	    ep_add(s, s->h.con.master, T_CONSOLE, EPOLLIN) < 0)
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


/* sync = context: init's listener, and the file systems its sync() writes back (the root
 * and each bind's, read from where they come from on the host). */
static int sup_syncs(struct sup *s, struct vx_err *err)
{
	struct vx_spawn *sp = &s->sp;
	char ctx[PATH_MAX];
	unsigned i;
	bool ro;

	/* The root spawn_finish opened for the child. */
	syncs_add_fs(&s->h, take_fd(&sp->root));
	/* A directory or a file (the start has checked which), never waited on. */
	for (i = 0; i < s->conf->bind.n; i++) {
		int fd = storage_bind_open(s->conf->bind.v[i], O_RDONLY | O_NONBLOCK | O_NOCTTY, ctx,
					   sizeof(ctx), &ro, err);

		if (fd < 0)
			return vx_prefix(err, "the file systems sync() writes back");
		syncs_add_fs(&s->h, fd);
	}
	if (syncs_adopt(&s->h, sp->listener, err) < 0)
		return -1;
	sp->listener = -1;
	s->st.syncs = true;
	return 0;
}

static int start_init(struct sup *s, struct vx_err *err)
{
	struct vx_spawn *sp = &s->sp;
	uint64_t t = now_ns();
	struct job net;
	char path[PATH_MAX];
	int r;

	/* The host's name servers as they are now: a reboot sees a change. */
	sup_host_resolv(sp);
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
	/* The network and the root are built side by side: the child joins its cgroups
	 * meanwhile, then the root is assembled while a thread sets up the links and the
	 * device control. */
	if (job_begin(&net, beside_step, s, err) < 0)
		return vx_prefix(err, "network and devices");
	r = spawn_wait_cgroup(sp, err) < 0 || spawn_rootfs(sp, err) < 0 ? -1 : 0;
	if (job_end(&net, r, err) < 0 || r < 0)
		return -1;
	sp->phase_ns[PH_NETWORK] = net.ns;
	phase(sp, PH_ROOTFS, &t);
	if (spawn_finish(sp, err) < 0 || (sp->listener >= 0 && sup_syncs(s, err) < 0))
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
	ready_begin(&s->h.ready, sp->pid);
	slog("started %s: init %s is pid %d", s->name, sp->init, (int)sp->pid);
	return 0;
}

static void thaw(struct sup *s);

/* Undo start_init (init is dead or was never exec'd). */
static void stop_init(struct sup *s)
{
	struct vx_err err;

	thaw(s);
	ready_reset(&s->h.ready);
	/* Before the storage: the root's descriptor would keep its file system busy. */
	syncs_close(&s->h);
	vx_fail(&err, ESRCH, "%s stopped before it was up", s->name);
	events_answer_readers(&s->h, &err);
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

	if (s->h.result_fd < 0)
		return;
	if (err)
		r.err = *err;
	memcpy(r.phase_ns, s->sp.phase_ns, sizeof(r.phase_ns));
	write_full(s->h.result_fd, &r, sizeof(r));
	/* `start -F` waits on it for init's exit status (sup_exit writes it). */
	if (!err && s->a->viewer_fd >= 0)
		return;
	close(s->h.result_fd);
	s->h.result_fd = -1;
}

/* --- the event loop ------------------------------------------------------------------------ */

static void begin_stop(struct sup *s, uint64_t timeout_ms, bool kill)
{
	struct itimerspec its = { 0 };
	char sig[32];

	/* A frozen context could not act on its stop signal. */
	thaw(s);
	if (s->h.done)
		return;
	if (kill || timeout_ms == 0) {
		slog("killing %s", s->name);
		vx_pidfd_send_signal(s->sp.pidfd, SIGKILL);
		return;
	}
	if (s->h.stopping)
		return;
	s->h.stopping = true;
	record_state(s, VX_STOPPING, NULL);
	slog("stopping %s: %s to init, %llu ms to go", s->name,
	     parse_signal_name(s->h.stop_signal, sig, sizeof(sig)), (unsigned long long)timeout_ms);
	vx_pidfd_send_signal(s->sp.pidfd, s->h.stop_signal);
	its.it_value.tv_sec = timeout_ms / 1000;
	its.it_value.tv_nsec = (timeout_ms % 1000) * 1000000;
	timerfd_settime(s->h.timerfd, 0, &its, NULL);
}

static void on_signal(struct sup *s)
{
	struct signalfd_siginfo si;

	while (read(s->h.sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD || si.ssi_signo == SIGPIPE)
			continue;
		slog("signal %u: stopping", si.ssi_signo);
		begin_stop(s, s->conf->stop_timeout_ms, false);
	}
}

/* --- the control requests (supervisor/ctl.h), one handler each ---------------------------- */

static void add_waiter(struct sup *s, int fd)
{
	if (s->h.nwaiters < HANDOVER_CLIENTS) {
		s->h.waiters[s->h.nwaiters++] = fd;
		epoll_ctl(s->h.epfd, EPOLL_CTL_DEL, fd, NULL);
	} else {
		events_reply_busy(&s->h, fd);
	}
}

static void on_ping(struct sup *s, int fd, const struct ctl_req *req)
{
	(void)req;
	events_reply_done(&s->h, fd, NULL, state_str(s->st.state));
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
	events_reply_done(&s->h, fd, r == 0 ? NULL : &err, NULL);
}

/* vctx set disk=: grow the running context's image in place. */
static void on_disk_grow(struct sup *s, int fd, const struct ctl_req *req)
{
	struct vx_err err = { 0 };
	int r = storage_grow_online(s->name, &s->disk, req->num, &err);

	if (r == 0)
		slog("%s: disk grown to %llu bytes", s->name, (unsigned long long)req->num);
	events_reply_done(&s->h, fd, r == 0 ? NULL : &err, NULL);
}

/* Thaw what on_freeze froze and let its client go. */
static void thaw(struct sup *s)
{
	struct vx_err err;

	if (s->h.freezer < 0)
		return;
	if (s->h.fsfreeze >= 0) {
		ioctl(s->h.fsfreeze, FITHAW, 0);
		close(s->h.fsfreeze);
		s->h.fsfreeze = -1;
	}
	if (cg_freeze(s->st.cgv2, s->st.cgroup, false, &err) < 0)
		slog("cannot thaw %s: %s", s->name, err.msg);
	else
		slog("%s thawed", s->name);
	epoll_ctl(s->h.epfd, EPOLL_CTL_DEL, s->h.freezer, NULL);
	close(s->h.freezer);
	s->h.freezer = -1;
}

/* Every process of the context stops (and its disk's file system is synced and frozen) until
 * the client writes or goes away; a killed snapshot never leaves the context frozen. */
static void on_freeze(struct sup *s, int fd, const struct ctl_req *req)
{
	struct vx_err err;

	(void)req;
	if (s->h.freezer >= 0 || s->st.state != VX_RUNNING) {
		vx_fail(&err, EBUSY, "%s is %s", s->name,
			s->h.freezer >= 0 ? "frozen by another command" : state_str(s->st.state));
		goto fail;
	}
	if (cg_freeze(s->st.cgv2, s->st.cgroup, true, &err) < 0) {
		cg_freeze(s->st.cgv2, s->st.cgroup, false, NULL);
		goto fail;
	}
	if (s->disk.mounted) {
		s->h.fsfreeze = open(s->disk.mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (s->h.fsfreeze < 0 || ioctl(s->h.fsfreeze, FIFREEZE, 0) < 0) {
			vx_failsys(&err, "cannot freeze the disk of %s", s->name);
			if (s->h.fsfreeze >= 0)
				close(s->h.fsfreeze);
			s->h.fsfreeze = -1;
			cg_freeze(s->st.cgv2, s->st.cgroup, false, NULL);
			goto fail;
		}
	}
	s->h.freezer = fd;
	epoll_ctl(s->h.epfd, EPOLL_CTL_DEL, fd, NULL);
	ep_add(s, fd, T_FREEZER, EPOLLIN);
	slog("%s frozen", s->name);
	ctl_reply(fd, NULL, NULL);
	return;
fail:
	events_reply_done(&s->h, fd, &err, NULL);
}

typedef void (*ctl_handler)(struct sup *s, int fd, const struct ctl_req *req);

static const ctl_handler handlers[CTL_NOPS] = {
	[CTL_PING] = on_ping,		[CTL_STOP] = on_stop,
	[CTL_KILL] = on_kill,		[CTL_FREEZE] = on_freeze,
	[CTL_DISK_GROW] = on_disk_grow,	[CTL_ADDR_ADD] = on_addr,
	[CTL_ADDR_DEL] = on_addr,
};

/* A request events_serve read and left to this program. */
static void on_pending(struct sup *s)
{
	int fd = s->h.pending_fd;

	if (fd < 0)
		return;
	s->h.pending_fd = -1;
	handlers[s->h.pending.op](s, fd, &s->h.pending);
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
	s->h.done = true;
}

/* --- rest: the supervisor of a context that runs on its own (handover.h) --------------------- */

#define SUP_REST_MS 1000	/* after a start or a wake, before it rests */

/* When the start or the wake is this old, it rests: a command that runs init for a
 * moment (start -F of a short job) never pays for the move, nor does a burst of requests
 * (those within a second of a wake find it awake).
 * VCTX_SUPERVISE_REST_MS sets another wait (the tests use 0: at once). */
static void sup_rest_later(struct sup *s)
{
	const char *env = getenv("VCTX_SUPERVISE_REST_MS");
	uint64_t ms = SUP_REST_MS;
	struct itimerspec its = { 0 };
	struct vx_err err;

	if (env && parse_u64(env, 0, 3600000, &ms, &err) < 0)
		ms = SUP_REST_MS;
	its.it_value.tv_sec = ms / 1000;
	its.it_value.tv_nsec = (ms % 1000) * 1000000 + 1;	/* 0 would disarm it */
	if (s->resttimer < 0) {
		s->resttimer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (s->resttimer < 0 || ep_add(s, s->resttimer, T_REST, EPOLLIN) < 0) {
			slog("cannot set the rest timer: %s", strerror(errno));
			return;		/* it never rests: it costs more, and works as before */
		}
	}
	timerfd_settime(s->resttimer, 0, &its, NULL);
}

/* The supervisor's two programs, kept open: the pair it started with, whatever an upgrade
 * puts on disk meanwhile. */
static int sup_open_programs(struct sup *s, struct vx_err *err)
{
	if (s->h.exe_full < 0) {
		s->h.exe_full = open("/proc/self/exe", O_PATH | O_CLOEXEC);
		if (s->h.exe_full < 0)
			return vx_failsys(err, "cannot open vctx's own binary");
	}
	if (s->h.exe_idle < 0) {
		s->h.exe_idle = paths_helper("vctx-supervise", err);
		if (s->h.exe_idle < 0)
			return -1;
	}
	return 0;
}

/* What the record carries of the rest of the supervisor. */
static void sup_pack(struct sup *s)
{
	struct sup_hand *h = &s->h;

	snprintf(h->prefix, sizeof(h->prefix), "%s", vx_paths.prefix);
	h->pidfd = s->sp.pidfd;
	h->init = s->sp.pid;
	h->lxcfs = s->a->lxcfs;
	h->exit_code = s->exit_info.si_code;
	h->exit_status = s->exit_info.si_status;
	h->disk_loopfd = s->disk.loopfd;
	h->disk_mounted = s->disk.mounted;
	snprintf(h->disk_mnt, sizeof(h->disk_mnt), "%s", s->disk.mnt);
}

/* A context that runs, not stopping nor frozen, is left to vctx-supervise. */
static void sup_rest(struct sup *s)
{
	static bool refused;	/* it could not: said once, and it stays awake */
	struct vx_err err;

	if (refused)
		return;
	if (s->st.state != VX_RUNNING || s->h.stopping || s->h.done || s->h.freezer >= 0) {
		sup_rest_later(s);
		return;
	}
	if (sup_open_programs(s, &err) == 0) {
		sup_pack(s);
		close(s->resttimer);
		s->resttimer = -1;
		fflush(NULL);
		handover_exec(s->h.exe_idle, &s->h, &err);
	}
	/* It works on awake, as before there was a rest: it only costs more. */
	slog("%s: the supervisor of %s stays awake", err.msg, s->name);
	refused = true;
}

static void loop(struct sup *s)
{
	struct epoll_event ev[16];
	int i, n;

	while (!s->h.done) {
		n = epoll_wait(s->h.epfd, ev, ARRAY_SIZE(ev), -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			slog("epoll_wait: %s", strerror(errno));
			begin_stop(s, 0, true);
			break;
		}
		for (i = 0; i < n; i++) {
			uint64_t exp;

			if (events_serve(&s->h, ev[i].data.u64))
				continue;
			switch (ev[i].data.u64 >> 32) {
			case T_PIDFD: on_init_exit(s); break;
			case T_SIGNAL: on_signal(s); break;
			case T_CLIENT: on_pending(s); break;
			case T_TIMER:
				if (read(s->h.timerfd, &exp, sizeof(exp)) == sizeof(exp))
					begin_stop(s, 0, true);
				break;
			case T_FREEZER: thaw(s); break;
			case T_REST:
				if (read(s->resttimer, &exp, sizeof(exp)) == sizeof(exp))
					sup_rest(s);
				break;
			}
		}
	}
}

/* A guest that rebooted (reboot(2) in a pid namespace kills init with SIGHUP) comes back. */
static bool wants_reboot(const struct sup *s)
{
	return !s->h.stopping && s->exit_info.si_code == CLD_KILLED &&
	       s->exit_info.si_status == SIGHUP;
}

static void answer_waiters(struct sup *s)
{
	unsigned i;

	for (i = 0; i < s->h.nwaiters; i++) {
		ctl_reply(s->h.waiters[i], NULL, NULL);
		close(s->h.waiters[i]);
	}
	s->h.nwaiters = 0;
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


	console_close(&s->h.con);
	logrelay_close(&s->h.log);
	ready_close(&s->h.ready);
	if (s->h.lfd >= 0)
		close(s->h.lfd);
	/* M0's own mounts in the run directory, so that the cleanup can remove it. */
	if (s->h.pts[0]) {
		umount2(s->h.pts, MNT_DETACH);
		*strrchr(s->h.pts, '/') = '\0';
		umount2(s->h.pts, MNT_DETACH);
	}
	if (sup_cleanup(s->name, &s->st, &err) < 0)
		slog("%s", err.msg);
	answer_waiters(s);
	/* After the answer: what closing waits for is the kernel's, not the caller's. */
	filter_release();
	slog("supervisor exits");
	/* How init ended, for `start -F`, once everything is cleaned up: a shell's status
	 * (128 + N for signal N). */
	if (s->h.result_fd >= 0) {
		int32_t st = s->exit_info.si_code == CLD_EXITED ? s->exit_info.si_status
								: 128 + s->exit_info.si_status;

		write_full(s->h.result_fd, &st, sizeof(st));
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

/* What a supervisor that starts and one that wakes set up alike: the spawn's paths, from the
 * config and template. */
static int sup_setup(struct sup *s, const struct sup_args *a, struct vx_err *err)
{
	const char *name = a->name;

	s->a = a;
	s->name = name;
	s->conf = a->conf;
	s->resttimer = -1;
	spawn_init(&s->sp);
	storage_init(&s->disk);
	s->sp.conf = a->conf;
	s->sp.tpl = a->tpl;
	s->sp.name = name;
	s->sp.lxcfs = a->lxcfs;
	snprintf(s->sp.init, sizeof(s->sp.init), "%s", a->conf->init[0] ? a->conf->init : a->tpl->init);
	s->sp.bpf = *a->bpf;
	if (path_tpldir(s->sp.tpl_rootfs, sizeof(s->sp.tpl_rootfs), a->conf->template, "rootfs") < 0 ||
	    path_ctxdir(s->sp.upper, sizeof(s->sp.upper), name, "upper") < 0 ||
	    path_ctxdir(s->sp.work, sizeof(s->sp.work), name, "work") < 0)
		return vx_failsys(err, "path");
	return 0;
}

/* Serve the context until it ends, starting it again each time the guest reboots. */
static void __attribute__((noreturn)) sup_serve(struct sup *s)
{
	struct vx_err err;

	for (;;) {
		sup_rest_later(s);
		loop(s);
		if (!wants_reboot(s))
			break;
		slog("the guest rebooted: starting %s again", s->name);
		stop_init(s);
		s->h.done = false;
		if (start_init(s, &err) < 0) {
			slog("%s", err.msg);
			stop_init(s);
			sup_exit(s, 1);
		}
	}
	stop_init(s);
	sup_exit(s, 0);
}

void sup_main(const struct sup_args *a)
{
	struct sup *s = &sup_s;
	struct vx_err err = { 0 };

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
	a = &sup_a;
	/* What events.c names in its replies and log lines, awake or at rest. */
	snprintf(s->h.name, sizeof(s->h.name), "%s", sup_name);

	s->h.lfd = s->h.lockfd = s->h.logtimer = s->h.pending_fd = -1;
	s->h.exe_full = s->h.exe_idle = -1;
	s->h.result_fd = a->result_fd;
	s->h.freezer = s->h.fsfreeze = -1;
	close_others(a->result_fd, a->lock_fd, a->viewer_fd);
	console_init(&s->h.con);
	logrelay_init(&s->h.log);
	ready_init(&s->h.ready);
	if (sup_setup(s, a, &err) < 0)
		goto fail;
	s->h.stop_signal = a->conf->stop_signal ? a->conf->stop_signal : a->tpl->stop_signal;
	if (sup_detach(s, &err) < 0 || sup_signals(s, &err) < 0 || sup_mountns(&err) < 0 ||
	    sup_rundir(s, &err) < 0 || sup_endpoints(s, &err) < 0)
		goto fail;
	if (start_init(s, &err) < 0)
		goto fail;
	/* Let go of the command lock before the answer: `vctx start` holds it (the same open
	 * file) until it has read the answer, and a command right after it must not find this
	 * copy still held. */
	close(a->lock_fd);
	report(s, NULL);
	sup_serve(s);
fail:
	slog("%s", err.msg);
	stop_init(s);
	report(s, &err);
	sup_exit(s, 1);
}

/* Back from vctx-supervise: the config and template it started with, the filter it saved,
 * the state it recorded, and the record; then the event that woke it. */
void sup_resume(void)
{
	struct sup *s = &sup_s;
	struct sup_hand *h = &s->h;
	char path[PATH_MAX];
	struct vx_err err;

	prctl(PR_SET_NAME, HANDOVER_ARGV0);
	if (handover_read(h, &err) < 0) {
		fprintf(stderr, "vctx-supervise: %s\n", err.msg);
		_exit(2);
	}
	handover_cloexec(h);
	snprintf(sup_name, sizeof(sup_name), "%s", h->name);
	if (paths_init(h->prefix, &err) < 0 || state_runconf_path(path, sizeof(path), sup_name) < 0 ||
	    conf_load_file(path, sup_name, &sup_conf, &err) < 0)
		goto fail;
	if (template_load(sup_conf.template, &sup_tpl, &err) < 0)
		slog("%s (a reboot of the guest will fail)", err.msg);
	if (path_rundir(path, sizeof(path), sup_name, "seccomp.bpf") == 0 && access(path, F_OK) == 0 &&
	    sysfilter_load_file(path, &sup_bpf, &err) < 0)
		slog("%s (a reboot of the guest will fail)", err.msg);
	sup_a = (struct sup_args){ .name = sup_name, .conf = &sup_conf, .tpl = &sup_tpl,
				   .bpf = &sup_bpf, .result_fd = h->result_fd, .lock_fd = -1,
				   .lxcfs = h->lxcfs, .viewer_fd = -1 };
	if (sup_setup(s, &sup_a, &err) < 0)
		goto fail;
	s->sp.pid = h->init;
	s->sp.pidfd = h->pidfd;
	snprintf(s->sp.console, sizeof(s->sp.console), "%s", h->con.path);
	snprintf(s->sp.pts, sizeof(s->sp.pts), "%s", h->pts);
	if (h->log.fd >= 0)
		snprintf(s->sp.logsock, sizeof(s->sp.logsock), "%s", h->log.path);
	if (h->ready.notify >= 0)
		snprintf(s->sp.notifysock, sizeof(s->sp.notifysock), "%s", h->ready.path);
	if (path_rundir(s->sp.stage, sizeof(s->sp.stage), sup_name, "root") < 0 ||
	    path_rundir(s->sp.lower, sizeof(s->sp.lower), sup_name, "lower") < 0) {
		vx_failsys(&err, "run path");
		goto fail;
	}
	s->disk.loopfd = h->disk_loopfd;
	s->disk.mounted = h->disk_mounted;
	snprintf(s->disk.mnt, sizeof(s->disk.mnt), "%s", h->disk_mnt);
	s->exit_info.si_code = h->exit_code;
	s->exit_info.si_status = h->exit_status;
	if (state_probe(sup_name, &s->st, &err) < 0)
		goto fail;
	on_pending(s);
	sup_serve(s);
fail:
	/* Nothing to serve the context with: it runs on as after a kill of its supervisor. */
	slog("cannot wake the supervisor of %s: %s ('vctx stop %s' cleans up)", sup_name, err.msg,
	     sup_name);
	_exit(1);
}
