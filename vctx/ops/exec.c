// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops/exec.h"

#include <limits.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/conf.h"
#include "core/paths.h"
#include "core/rlimits.h"
#include "core/state.h"
#include "core/sys.h"
#include "core/util.h"
#include "kernel/caps.h"
#include "kernel/cgroup.h"
#include "kernel/fdpass.h"
#include "kernel/spawn.h"
#include "kernel/sysfilter.h"
#include "kernel/vfork.h"
#include "ops/handle.h"
#include "ops/relay.h"
#include "ops/tty.h"
#include "supervisor/ctl.h"

/* root's shell and home from the context's own /etc/passwd (read as the context's root; a
 * FIFO in its place is not waited on). */
static void root_account(char *shell, size_t slen, char *home, size_t hlen)
{
	int fd = open("/etc/passwd", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	_cleanup_fclose_ FILE *f = NULL;
	struct stat st;
	char line[1024];

	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		f = fdopen(fd, "re");
	if (!f && fd >= 0)
		close(fd);

	snprintf(shell, slen, "/bin/sh");
	snprintf(home, hlen, "/root");
	while (f && fgets(line, sizeof(line), f)) {
		char *field[7], *p = line;
		int i;

		for (i = 0; i < 7 && p; i++) {
			field[i] = p;
			p = strchr(p, ':');
			if (p)
				*p++ = '\0';
		}
		if (i < 7 || strcmp(field[2], "0") != 0)
			continue;
		field[6][strcspn(field[6], "\n")] = '\0';
		if (field[6][0] == '/')
			snprintf(shell, slen, "%s", field[6]);
		if (field[5][0] == '/')
			snprintf(home, hlen, "%s", field[5]);
		break;
	}
}

/* A pty of the context's own devpts; the master goes back to the caller. */
static int child_pty(int sock, struct vx_err *err)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), slave;
	char name[64];

	if (master < 0 || unlockpt(master) < 0 || ptsname_r(master, name, sizeof(name)))
		return vx_failsys(err, "cannot open a pty in the context");
	if (fdpass_send(sock, "", 1, master) < 0)
		return vx_failsys(err, "cannot pass the pty");
	close(master);
	if (setsid() < 0)
		return vx_failsys(err, "setsid");
	slave = open(name, O_RDWR);
	if (slave < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
		return vx_failsys(err, "cannot open %s", name);
	dup2(slave, 0);
	dup2(slave, 1);
	dup2(slave, 2);
	if (slave > 2)
		close(slave);
	return 0;
}

/* The command's environment, in e->v: built, not set, since the child
 * runs in the parent's memory (kernel/vfork.h) and environ is the parent's. */
struct exec_env {
	char *v[7];
	char home[300], shell[300], term[128];
};

static void exec_env(struct exec_env *e, bool tty, const char *home, const char *shell)
{
	const char *term = getenv("TERM");

	snprintf(e->term, sizeof(e->term), "TERM=%s",
		 tty && term && strlen(term) < 100 ? term : "dumb");
	snprintf(e->home, sizeof(e->home), "HOME=%s", home);
	snprintf(e->shell, sizeof(e->shell), "SHELL=%s", shell);
	e->v[0] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	e->v[1] = e->home;
	e->v[2] = e->shell;
	e->v[3] = "USER=root";
	e->v[4] = "LOGNAME=root";
	e->v[5] = e->term;
	e->v[6] = NULL;
}

/* What the child is given: it runs in the parent's memory until it executes. */
struct exec_child {
	const struct vx_conf *conf;
	const struct vx_bpf *bpf;
	int pidfd;
	struct vx_cgroup *cg;
	const struct vx_exec *x;
	int sock;
	struct relay_pipes *pipes;
	int helper;
};

static int child(void *arg)
{
	const struct exec_child *c = arg;
	const struct vx_conf *conf = c->conf;
	const struct vx_exec *x = c->x;
	int flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP;
	char shell[256], home[256];
	struct vx_err err = { 0 };
	struct exec_env env;
	char *argv[256];
	unsigned i;
	int listener;

	if (conf->userns)
		flags |= CLONE_NEWUSER;
	/* Out of reach of the tenant's root before we join its user namespace.  From the
	 * setns() below until setresuid() this process is in that namespace with the host's
	 * uid 0, holding host descriptors; a dumpable process in that state is the tenant
	 * root's to ptrace (its CAP_SYS_PTRACE covers every process whose credentials are in
	 * its namespace), and through it, write as host root to what those descriptors name.
	 * Not dumpable, a tracer needs CAP_SYS_PTRACE on the host.  The exec of vctx-exec
	 * starts a new image, with the tenant's credentials by then.  (The memory is the
	 * parent's too: vctx exec's parent is not dumpable either.) */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
		vx_failsys(&err, "cannot make the process undumpable");
		goto fail;
	}
	/* With the host's credentials still: the context's limits, not the caller's. */
	if (cg_join_self(c->cg, &err) < 0 || rlimits_apply(0, conf, &err) < 0)
		goto fail;
	if (setns(c->pidfd, flags) < 0) {
		vx_failsys(&err, "cannot join the context's namespaces");
		goto fail;
	}
	if (conf->userns && (setresgid(0, 0, 0) < 0 || setgroups(0, NULL) < 0 ||
			     setresuid(0, 0, 0) < 0)) {
		vx_failsys(&err, "cannot become the context's root");
		goto fail;
	}
	root_account(shell, sizeof(shell), home, sizeof(home));
	if (chdir(x->cwd ? x->cwd : x->argv ? "/" : home) < 0 && chdir("/") < 0) {
		vx_failsys(&err, "chdir");
		goto fail;
	}
	if (x->tty) {
		if (child_pty(c->sock, &err) < 0)
			goto fail;
	} else if (setsid() < 0 || relay_pipes_child(c->pipes) < 0) {
		/* A session of its own, and vctx's pipes for its streams: nothing of the
		 * caller's terminal or files is reachable. */
		vx_failsys(&err, "cannot set up the command's session and streams");
		goto fail;
	}
	exec_env(&env, x->tty, home, shell);
	argv[0] = "vctx-exec";
	argv[1] = x->argv ? "--" : "--login";
	for (i = 0; x->argv && x->argv[i] && i < ARRAY_SIZE(argv) - 3; i++)
		argv[2 + i] = x->argv[i];
	if (!x->argv)
		argv[2 + i++] = shell;
	argv[2 + i] = NULL;
	if (spawn_policy(conf, c->bpf, &listener, &err) < 0)
		goto fail;
	/* The listener goes out to vctx exec, for the supervisor: nothing inside keeps it. */
	if (listener >= 0 && (fdpass_send(c->sock, "s", 1, listener) < 0 || close(listener) < 0)) {
		vx_failsys(&err, "cannot hand the sync() listener on");
		goto fail;
	}
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
	/* The helper resets signals and execs the command: the last host code before it. */
	syscall(SYS_execveat, c->helper, "", argv, env.v, AT_EMPTY_PATH);
	vx_failsys(&err, "cannot execute vctx-exec");
fail:
	fprintf(stderr, "vctx: %s\n", err.msg);
	_exit(125);
}

/* The command's sync() listener (sync = context), from the child to the supervisor, which
 * answers its calls as it does init's (supervisor/syncs.h).  Without one there to take it,
 * its sync() writes nothing back at once, and the command is told. */
static void pass_listener(const char *name, int sock)
{
	struct ctl_req req = { .op = CTL_SYNC_LISTENER };
	_cleanup_close_ int listener = -1;
	struct vx_err err;
	char byte;

	if (fdpass_recv(sock, &byte, 1, &listener, MSG_DONTWAIT) != 1 || listener < 0)
		return;
	if (ctl_call_passing(name, &req, listener, &err) < 0)
		fprintf(stderr, "vctx: warning: sync() in this command writes nothing back: %s\n",
			err.msg);
}

/* Forward signals to the child until it exits. */
static void forward_until_exit(int pidfd)
{
	_cleanup_close_ int sfd = relay_signals(NULL);

	for (;;) {
		struct pollfd p[2] = { { .fd = pidfd, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };
		struct signalfd_siginfo si;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return;
		if (p[0].revents & POLLIN)
			return;
		if (p[1].revents & POLLIN && read(sfd, &si, sizeof(si)) == sizeof(si))
			vx_pidfd_send_signal(pidfd, si.ssi_signo);
	}
}

/* init's pidfd, for a context that is up. */
static int running_init(const struct vx_handle *h, struct vx_err *err)
{
	int pidfd;

	if (!handle_up(h))
		return vx_fail(err, ESRCH, "%s is not running", h->name);
	pidfd = vx_pidfd_open(h->st.init);
	/* The pidfd pins the process; checking the start time after opening it rules out a
	 * reused pid. */
	if (pidfd < 0 || proc_start_time(h->st.init) != h->st.init_start) {
		if (pidfd >= 0)
			close(pidfd);
		return vx_fail(err, ESRCH, "%s is not running", h->name);
	}
	return pidfd;
}

static int run(const struct vx_conf *conf, const struct vx_bpf *bpf, int pidfd,
	       struct vx_cgroup *cg, const struct vx_exec *x, struct vx_err *err)
{
	struct vx_clone_args args = { .flags = CLONE_PIDFD, .exit_signal = SIGCHLD };
	struct exec_child c = { conf, bpf, pidfd, cg, x, -1, NULL, -1 };
	_cleanup_close_ int cpidfd = -1, master = -1, helper = -1, ours = -1, theirs = -1;
	struct relay_pipes pipes = { { -1, -1 }, { -1, -1 }, { -1, -1 } };
	int sv[2], r;
	siginfo_t si;
	pid_t pid;

	helper = paths_helper("vctx-exec", err);
	if (helper < 0)
		return -1;
	c.helper = helper;
	c.pipes = &pipes;
	/* The child's pty master and sync() listener come back over it. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return vx_failsys(err, "socketpair");
	theirs = sv[1];
	ours = sv[0];
	c.sock = theirs;
	if (!x->tty && relay_pipes_open(&pipes, err) < 0)
		return -1;
	/* Our children are born in the context's pid namespace; we stay outside it. */
	if (setns(pidfd, CLONE_NEWPID) < 0) {
		relay_pipes_close(&pipes);
		return vx_failsys(err, "cannot enter the context's pid namespace");
	}
	if (cg->v2fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = cg->v2fd;
	}
	args.pidfd = (uint64_t)(uintptr_t)&cpidfd;
	fflush(NULL);
	pid = vfork_run(&args, child, &c);
	if (pid < 0) {
		relay_pipes_close(&pipes);
		return vx_failsys(err, "cannot start the command's process in %s", conf->name);
	}
	cg_close(cg);
	/* The child has exec'd or given up (vfork): what it sent waits in the socket. */
	close(take_fd(&theirs));
	if (x->tty) {
		char byte;

		if (fdpass_recv(ours, &byte, 1, &master, MSG_DONTWAIT) != 1 && master >= 0) {
			close(master);
			master = -1;
		}
	}
	pass_listener(conf->name, ours);
	close(take_fd(&ours));
	if (x->tty) {
		struct tty_relay t = { .pidfd = cpidfd, .detach = -1, .set_winsize = true };

		if (master >= 0) {
			t.peer = master;
			tty_run(&t, err);
		}
		/* Hang up: the session inside gets SIGHUP, as when a terminal goes away (a
		 * login shell ignores SIGTERM but not that).  Then wait for the command. */
		close(take_fd(&master));
		forward_until_exit(cpidfd);
		r = 0;
	} else {
		r = relay_run(&pipes, cpidfd, err);
		if (r < 0)
			vx_pidfd_send_signal(cpidfd, SIGKILL);
	}
	memset(&si, 0, sizeof(si));
	if (waitid(P_PIDFD, cpidfd, &si, WEXITED) < 0)
		return vx_failsys(err, "waitid");
	if (r < 0)
		return -1;
	return si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
}

int exec_context(const char *name, const struct vx_exec *x, char *warning, size_t wlen,
	     struct vx_err *err)
{
	struct vx_handle h;
	struct vx_cgroup cg;
	struct vx_bpf bpf = { 0 };
	char path[PATH_MAX];
	int pidfd, r = -1;

	/* The policy it started with (its run copy of the config), whatever NAME.conf says. */
	if (handle_open(&h, name, H_POLICY, err) < 0)
		return -1;
	if (warning)
		snprintf(warning, wlen, "%s", h.warning);
	pidfd = running_init(&h, err);
	/* Exactly the filter init got, as the supervisor saved it. */
	if (pidfd >= 0 && (path_rundir(path, sizeof(path), name, "seccomp.bpf") < 0 ||
			   sysfilter_load_file(path, &bpf, err) < 0)) {
		close(pidfd);
		pidfd = -1;
	}
	/* Its sync() goes where init's does: to a supervisor that takes it (not one of a vctx
	 * from before sync = context, nor one whose init could not load the filter). */
	if (!h.st.syncs)
		snprintf(h.conf.sync, sizeof(h.conf.sync), "host");
	if (pidfd >= 0 && cg_open_join(h.st.cgv2, &h.st.cgv1, &cg, err) == 0)
		r = run(&h.conf, &bpf, pidfd, &cg, x, err);
	sysfilter_free(&bpf);
	if (pidfd >= 0)
		close(pidfd);
	handle_close(&h);
	return r;
}
