// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/keyctl.h>
#include <termios.h>

#include "core/cmdline.h"
#include "core/resolv.h"
#include "core/sys.h"
#include "core/util.h"
#include "kernel/caps.h"
#include "kernel/fdpass.h"
#include "kernel/proc.h"
#include "kernel/procstate.h"
#include "kernel/rootfs.h"
#include "kernel/sysfilter.h"

const char *const vx_phase_names[PH_COUNT] = {
	[PH_CGROUP] = "cgroup", [PH_CLONE] = "clone",	[PH_MAPS] = "id maps",
	[PH_NETWORK] = "network", [PH_ROOTFS] = "root fs", [PH_EXEC] = "exec init",
};

/* --- sync points ------------------------------------------------------------------------ */

enum sync_type {
	SYNC_MAPPED = 1,	/* S -> I: uid/gid maps are written */
	SYNC_CGROUP,		/* I -> S: in its cgroups, cgroup namespace made */
	SYNC_MOUNTED,		/* S -> I: the root is assembled in M0 */
	SYNC_ERROR,		/* I -> S: a step failed; err says which and why */
	SYNC_LISTENER,		/* I -> S: the sync() listener comes with it (sync = context) */
};

struct sync_msg {
	uint32_t type;
	struct vx_err err;
};

static const char *sync_names[] = { "", "mapped", "cgroup", "mounted", "error", "listener" };

/* Send a sync message, with an fd attached when passfd >= 0. */
static int sync_send_fd(int fd, enum sync_type type, const struct vx_err *e, int passfd)
{
	struct sync_msg m = { .type = type };

	if (e)
		m.err = *e;
	return fdpass_send(fd, &m, sizeof(m), passfd);
}

static int sync_send(int fd, enum sync_type type, const struct vx_err *e)
{
	return sync_send_fd(fd, type, e, -1);
}

/* Wait for 'want'; an error message from the other side becomes ours.  An fd that comes
 * with the message is stored in *gotfd (when gotfd is not NULL). */
static int sync_wait_fd(int fd, enum sync_type want, int *gotfd, struct vx_err *err)
{
	struct sync_msg m;
	ssize_t n = fdpass_recv(fd, &m, sizeof(m), gotfd, 0);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return vx_fail(err, ETIMEDOUT, "init's setup did not reach '%s' within start-timeout",
			       sync_names[want]);
	if (n < 0)
		return vx_failsys(err, "sync %s", sync_names[want]);
	if (n == 0)
		return vx_fail(err, EPIPE, "the other side went away before '%s'",
			       sync_names[want]);
	if (n != sizeof(m))
		return vx_fail(err, EPROTO, "short sync message");
	if (m.type == SYNC_ERROR) {
		m.err.msg[sizeof(m.err.msg) - 1] = '\0';
		*err = m.err;
		return -1;
	}
	if (m.type != want)
		return vx_fail(err, EPROTO, "sync: expected '%s', got '%s'", sync_names[want],
			       m.type < ARRAY_SIZE(sync_names) ? sync_names[m.type] : "?");
	return 0;
}

/* Init's setup reads and writes the guest's files: whatever holds it there (a FIFO, a file
 * system that does not answer) holds the start, and the command lock, no longer than
 * start-timeout.  Then a wait on the parent's end fails (EAGAIN), and the child is killed. */
static int sync_timeout(int fd, uint64_t ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = ms % 1000 * 1000 };

	return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

static int sync_wait(int fd, enum sync_type want, struct vx_err *err)
{
	return sync_wait_fd(fd, want, NULL, err);
}

/* --- the child ---------------------------------------------------------------------------- */

static int child_ids(const struct vx_spawn *sp, struct vx_err *err)
{
	if (!sp->conf->userns)
		return 0;
	/* Become root of the new user namespace (host id = the range's base); the creator
	 * already holds every capability in it. */
	if (setresgid(0, 0, 0) < 0 || setgroups(0, NULL) < 0 || setresuid(0, 0, 0) < 0)
		return vx_failsys(err, "cannot become root of the user namespace");
	return 0;
}

static int child_pivot(int rootfd, struct vx_err *err)
{
	_cleanup_close_ int tree = -1;

	/* The child is the context's root already and may not walk the host's run directory:
	 * it steps into the assembled root through the fd the supervisor passed, and
	 * unshare() carries the working directory into the new namespace's copy. */
	if (fchdir(rootfd) < 0)
		return vx_failsys(err, "cannot enter the context's root");
	close(rootfd);
	/* The new mount namespace is a copy of M0 made by a process of the context's user
	 * namespace: every mount in it is locked to its parent (MNT_LOCKED). */
	if (unshare(CLONE_NEWNS) < 0)
		return vx_failsys(err, "cannot create the mount namespace");
	/* pivot_root() refuses a locked new root.  A recursive clone of the tree is unlocked
	 * at its top only: /dev, /proc, /sys and every mask below stay locked. */
	tree = vx_open_tree(AT_FDCWD, ".", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0)
		return vx_failsys(err, "cannot clone the root tree");
	if (vx_move_mount(tree, "", AT_FDCWD, ".", MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return vx_failsys(err, "cannot attach the root tree");
	if (fchdir(tree) < 0)
		return vx_failsys(err, "cannot enter the root tree");
	/* pivot_root(".", "."): the old root ends up stacked on the new one and is detached
	 * at once, so no path to the host's tree remains (no put_old directory needed). */
	if (vx_pivot_root(".", ".") < 0)
		return vx_failsys(err, "pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		return vx_failsys(err, "cannot detach the host's root");
	if (chdir("/") < 0)
		return vx_failsys(err, "chdir /");
	return 0;
}

/* ready = notify: M0's /run, mounted from outside, is locked in here, and so is every bind
 * a guest makes of what lies on it; systemd 247 remounts such a bind without nodev and
 * fails (EPERM).  A tmpfs of the context's own goes over it, unlocked, and the notify
 * socket is carried onto it. */
static int child_run(struct vx_err *err)
{
	_cleanup_close_ int sock = -1;
	int fd;

	sock = vx_open_tree(AT_FDCWD, "/run/host/notify", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (sock < 0)
		return vx_failsys(err, "cannot take the notify socket");
	if (mount("vctx-run", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=755,size=20%") < 0)
		return vx_failsys(err, "cannot mount /run");
	if (mkdir("/run/host", 0755) < 0)
		return vx_failsys(err, "cannot create /run/host");
	fd = open("/run/host/notify", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return vx_failsys(err, "cannot create /run/host/notify");
	close(fd);
	if (vx_move_mount(sock, "", AT_FDCWD, "/run/host/notify", MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return vx_failsys(err, "cannot attach the notify socket");
	return 0;
}

/* A file of the guest's /etc opened for writing: never through a symlink, never a FIFO or
 * device in its place (O_NONBLOCK: a FIFO without a reader fails at once instead of holding
 * the start for ever), -1 when it is not a regular file. */
static int child_etc_open(const char *path, int flags)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | flags, 0644);
	struct stat st;

	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* /etc/hostname says what a guest's init sets the host name to: keep it in step.  Written
 * only when it says something else: a write would copy the file up into the context's own
 * layer at every start. */
static void child_etc_hostname(const char *hostname)
{
	_cleanup_free_ char *old = read_text("/etc/hostname", 4096, NULL);
	_cleanup_close_ int fd = -1;
	char want[80];	/* a host name has at most 64 bytes */

	snprintf(want, sizeof(want), "%s\n", hostname);
	if (old && strcmp(old, want) == 0)
		return;
	fd = child_etc_open("/etc/hostname", O_TRUNC);
	if (fd >= 0)
		write_full(fd, want, strlen(want));
}

/* The name servers of the config, when it names any; else, when the guest's own file is
 * empty, the host's; a file the tenant wrote stays. */
static void child_resolv_conf(const struct vx_conf *conf, const char *host)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	unsigned i;

	if (!conf->nameserver.n &&
	    (!host[0] || (lstat("/etc/resolv.conf", &st) == 0 && st.st_size > 0)))
		return;
	fd = child_etc_open("/etc/resolv.conf", O_TRUNC);
	if (fd >= 0 && !conf->nameserver.n)
		write_full(fd, host, strlen(host));
	for (i = 0; fd >= 0 && i < conf->nameserver.n; i++) {
		char a[VX_ADDR_STR];

		addr_fmt(&conf->nameserver.v[i], false, a, sizeof(a));
		dprintf(fd, "nameserver %s\n", a);
	}
}

/* "127.0.1.1 HOSTNAME" in /etc/hosts (sudo and friends resolve their own name); the tenant's
 * other lines stay.  Replaced whole: a reader never sees half a file. */
static void child_etc_hosts(const char *hostname)
{
	_cleanup_free_ char *old = read_text("/etc/hosts", 1 << 20, NULL), *new = NULL;
	_cleanup_close_ int fd = -1;

	new = resolv_hosts(old, hostname);
	if (!new || (old && strcmp(old, new) == 0))
		return;
	unlink("/etc/.hosts.vctx");
	fd = child_etc_open("/etc/.hosts.vctx", O_EXCL);
	if (fd < 0 || write_full(fd, new, strlen(new)) < 0 || rename("/etc/.hosts.vctx", "/etc/hosts"))
		unlink("/etc/.hosts.vctx");
}

static int child_console(struct vx_err *err)
{
	int fd;

	/* init leads a session of its own but, as at boot, has no controlling terminal: a
	 * getty it starts on the console must be able to make the console its own. */
	if (setsid() < 0)
		return vx_failsys(err, "setsid");
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return vx_failsys(err, "cannot open /dev/console");
	if (dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		return vx_failsys(err, "dup2");
	if (fd > 2)
		close(fd);
	return 0;
}

/* init's environment: vctx's own, then the template's (an application image's) entries,
 * which replace one of the same name. */
static void child_env(const struct vx_spawn *sp, char **envp, size_t max)
{
	static char *base[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
				"TERM=linux", "HOME=/", "container=vctx", NULL };
	const struct vx_template *t = sp->tpl;
	size_t n = 0, i, off;

	for (i = 0; base[i]; i++)
		envp[n++] = base[i];
	if (sp->notifysock[0])
		envp[n++] = "NOTIFY_SOCKET=/run/host/notify";
	for (off = 0; t && off < t->env_len && n + 1 < max; off += strlen(t->env + off) + 1) {
		char *e = (char *)t->env + off;
		size_t key = strcspn(e, "=") + 1;

		for (i = 0; i < n && strncmp(envp[i], e, key) != 0; i++)
			;
		envp[i == n ? n++ : i] = e;
	}
	envp[n] = NULL;
}

static int child_exec(const struct vx_spawn *sp, struct vx_err *err)
{
	const struct vx_template *t = sp->tpl;
	char buf[PATH_MAX], *argv[VX_CMDLINE_WORDS], *envp[1024];

	snprintf(buf, sizeof(buf), "%s", sp->init);
	if (cmdline_split(buf, argv, ARRAY_SIZE(argv), err) < 0)
		return vx_prefix(err, "init");
	child_env(sp, envp, ARRAY_SIZE(envp));
	if (t && t->workdir[0] && chdir(t->workdir) < 0)
		return vx_failsys(err, "cannot enter the image's working directory %s", t->workdir);
	/* An application image's user: root inside gives way to it for good. */
	if (t && t->user && (setgroups(0, NULL) < 0 || setresgid(t->gid, t->gid, t->gid) < 0 ||
			     setresuid(t->uid, t->uid, t->uid) < 0))
		return vx_failsys(err, "cannot become the image's user %u:%u", t->uid, t->gid);
	/* The supervisor blocks the signals it reads through a signalfd, and vctx ignores
	 * SIGPIPE: both survive execve.  init starts with every signal at its default. */
	procstate_reset();
	/* Everything but 0-2 closes at exec; the sync socket's EOF says "exec done". */
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return vx_failsys(err, "close_range");
	execve(argv[0], argv, envp);
	return vx_failsys(err, "cannot execute init %s", argv[0]);
}

static void __attribute__((noreturn)) child_main(struct vx_spawn *sp)
{
	const struct vx_conf *conf = sp->conf;
	struct vx_err err = { 0 };
	int fd = sp->child_fd, rootfd = -1, listener;

	close(sp->sync_fd);
	if (sync_wait(fd, SYNC_MAPPED, &err) < 0)
		_exit(1);	/* the supervisor is gone: nobody to tell */
	if (child_ids(sp, &err) < 0)
		goto fail;
	/* v1: join each hierarchy now; then a cgroup namespace rooted at the context's cgroup
	 * in every hierarchy (v2 was joined by CLONE_INTO_CGROUP already). */
	if (cg_join_self(&sp->cg, &err) < 0)
		goto fail;
	if (unshare(CLONE_NEWCGROUP) < 0) {
		vx_failsys(&err, "cannot create the cgroup namespace");
		goto fail;
	}
	if (sync_send(fd, SYNC_CGROUP, NULL) < 0 ||
	    sync_wait_fd(fd, SYNC_MOUNTED, &rootfd, &err) < 0)
		_exit(1);
	if (rootfd < 0) {
		vx_fail(&err, EPROTO, "no root directory came with the sync message");
		goto fail;
	}
	if (child_pivot(rootfd, &err) < 0 || (sp->notifysock[0] && child_run(&err) < 0))
		goto fail;
	if (sethostname(conf->hostname, strlen(conf->hostname)) < 0) {
		vx_failsys(&err, "sethostname");
		goto fail;
	}
	child_etc_hostname(conf->hostname);
	child_etc_hosts(conf->hostname);
	child_resolv_conf(conf, sp->host_resolv);
	if (child_console(&err) < 0)
		goto fail;
	if (spawn_policy(conf, &sp->bpf, &listener, &err) < 0)
		goto fail;
	/* The listener is the supervisor's alone: nothing inside may answer for it. */
	if (listener >= 0 && (sync_send_fd(fd, SYNC_LISTENER, NULL, listener) < 0 ||
			      close(listener) < 0)) {
		vx_failsys(&err, "cannot hand the sync() listener to the supervisor");
		goto fail;
	}
	child_exec(sp, &err);
fail:
	sync_send(fd, SYNC_ERROR, &err);
	_exit(1);
}

static int policy_filters(const struct vx_conf *conf, const struct vx_bpf *bpf, int *listener,
			  struct vx_err *err)
{
	if (sysfilter_apply(bpf, err) < 0)
		return -1;
	/* seccomp = none: no filter at all, this one neither. */
	if (strcmp(conf->sync, "context") != 0 || !bpf->len)
		return 0;
	*listener = sysfilter_sync_listen(err);
	/* The kernel allows one listener per process, and whoever ran vctx has one already
	 * (a seccomp supervisor of its own, as tests/probe's gate): the host's sync() for
	 * this process, said once, rather than no process at all. */
	if (*listener < 0 && err->code == EBUSY) {
		fprintf(stderr, "vctx: warning: %s: the caller has a seccomp listener already; "
			"sync() is the host's\n", err->msg);
		return 0;
	}
	return *listener < 0 ? -1 : 0;
}

int spawn_policy(const struct vx_conf *conf, const struct vx_bpf *bpf, int *listener,
		 struct vx_err *err)
{
	*listener = -1;
	/* Kernel keyrings are not all namespaced: nothing inherited from the host. */
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS)
		return vx_failsys(err, "cannot make a session keyring");
	/* The filter goes last, so that nothing the tenant runs is ever without it; loading
	 * it needs CAP_SYS_ADMIN (no no_new_privs), so a context without that capability
	 * gets the filter first. */
	if (caps_dropped(conf) & (1ull << CAP_SYS_ADMIN))
		return policy_filters(conf, bpf, listener, err) < 0 ? -1 : caps_apply(conf, err);
	return caps_apply(conf, err) < 0 ? -1 : policy_filters(conf, bpf, listener, err);
}

/* --- the parent --------------------------------------------------------------------------- */

void spawn_init(struct vx_spawn *sp)
{
	zero_fill(sp, sizeof(*sp));
	cg_init(&sp->cg);
	sp->pidfd = sp->sync_fd = sp->child_fd = sp->procfs = sp->listener = sp->root = -1;
}

int spawn_clone(struct vx_spawn *sp, struct vx_err *err)
{
	int sv[2];
	struct vx_clone_args args = {
		.flags = CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_PIDFD,
		.exit_signal = SIGCHLD,
	};
	pid_t pid;

	if (sp->conf->userns)
		args.flags |= CLONE_NEWUSER;
	if (sp->cg.v2fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = sp->cg.v2fd;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return vx_failsys(err, "socketpair");
	if (sync_timeout(sv[0], sp->conf->start_timeout_ms) < 0) {
		close(sv[0]);
		close(sv[1]);
		return vx_failsys(err, "cannot bound the wait for init's setup");
	}
	sp->sync_fd = sv[0];
	sp->child_fd = sv[1];
	args.pidfd = (uint64_t)(uintptr_t)&sp->pidfd;
	pid = vx_clone3(&args);
	if (pid < 0)
		return vx_failsys(err, "cannot create the context's namespaces (clone3)");
	if (pid == 0)
		child_main(sp);
	sp->pid = pid;
	close(sp->child_fd);
	sp->child_fd = -1;
	/* The parent's copies of the join fds are no longer needed. */
	cg_close(&sp->cg);
	return 0;
}

static int write_map(pid_t pid, const char *file, uint64_t base, struct vx_err *err)
{
	char path[64], map[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	snprintf(map, sizeof(map), "0 %llu %u\n", (unsigned long long)base, VX_IDS_PER_CONTEXT);
	if (write_file_at(AT_FDCWD, path, map) < 0)
		return vx_failsys(err, "cannot write %s", path);
	return 0;
}

int spawn_map(struct vx_spawn *sp, struct vx_err *err)
{
	if (sp->conf->userns && (write_map(sp->pid, "uid_map", sp->conf->id_base, err) < 0 ||
				 write_map(sp->pid, "gid_map", sp->conf->id_base, err) < 0))
		return -1;
	if (sync_send(sp->sync_fd, SYNC_MAPPED, NULL) < 0)
		return vx_failsys(err, "sync");
	return 0;
}

int spawn_wait_cgroup(struct vx_spawn *sp, struct vx_err *err)
{
	return sync_wait(sp->sync_fd, SYNC_CGROUP, err);
}

/* The mount helper: a child of the supervisor with the host's credentials and mount
 * namespace, in the context's net, ipc and cgroup namespaces (so the sysfs, mqueue and
 * cgroup2 it mounts are the context's).  Its procfs must be the context's pid namespace's:
 * since Linux 6.18 the supervisor makes it for that namespace (procfs pidns=), and the
 * helper borrows the supervisor's memory rather than copying it (~0.4 ms of a start).
 * Before, the helper is made inside that pid namespace and mounts procfs itself; a process
 * cannot share memory across pid namespaces, so that helper is a copy. */
static int mount_helper(void *arg, void *out, struct vx_err *err)
{
	struct vx_spawn *sp = arg;

	(void)out;
	if (setns(sp->pidfd, CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWCGROUP) < 0)
		return vx_failsys(err, "cannot join the context's namespaces");
	return rootfs_setup(sp, err);
}

int spawn_rootfs(struct vx_spawn *sp, struct vx_err *err)
{
	_cleanup_close_ int own = -1;
	int r;

	sp->procfs = rootfs_proc_for(sp->pid);
	if (sp->procfs >= 0) {
		r = proc_call(mount_helper, sp, NULL, 0, PROC_KEEP_FDS | PROC_VFORK, err);
		close(sp->procfs);
		sp->procfs = -1;
		return r;
	}
	own = vx_ns_open(0, "pid");
	if (own < 0)
		return vx_failsys(err, "cannot open own pid namespace");
	/* Children forked after this land in the context's pid namespace: the helper (it keeps
	 * the sync socket and init's pidfd)... */
	if (setns(sp->pidfd, CLONE_NEWPID) < 0)
		return vx_failsys(err, "cannot enter the context's pid namespace");
	r = proc_call(mount_helper, sp, NULL, 0, PROC_KEEP_FDS, err);
	/* ... and only it. */
	if (setns(own, CLONE_NEWPID) < 0)
		return vx_failsys(err, "cannot return to the host's pid namespace");
	return r;
}

int spawn_finish(struct vx_spawn *sp, struct vx_err *err)
{
	_cleanup_close_ int root = open(sp->stage, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct sync_msg m;
	ssize_t n;
	int got;

	if (root < 0)
		return vx_failsys(err, "cannot open %s", sp->stage);
	if (sync_send_fd(sp->sync_fd, SYNC_MOUNTED, NULL, root) < 0)
		return vx_failsys(err, "sync");
	for (;;) {
		n = fdpass_recv(sp->sync_fd, &m, sizeof(m), &got, 0);
		if (n == sizeof(m) && m.type == SYNC_LISTENER && got >= 0 && sp->listener < 0) {
			sp->listener = got;
			continue;
		}
		if (got >= 0)
			close(got);
		break;
	}
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return vx_fail(err, ETIMEDOUT, "init's setup in the guest's root did not end "
			       "within start-timeout");
	if (n == 0) {
		close(sp->sync_fd);
		sp->sync_fd = -1;
		/* The root the listener's answers write back (supervisor/syncs.h). */
		if (sp->listener >= 0)
			sp->root = take_fd(&root);
		return 0;	/* close-on-exec: init is running */
	}
	if (n == sizeof(m) && m.type == SYNC_ERROR) {
		*err = m.err;
		return -1;
	}
	if (n < 0)
		return vx_failsys(err, "sync");
	return vx_fail(err, EPROTO, "unexpected message from the child");
}

void spawn_abort(struct vx_spawn *sp)
{
	int status;

	if (sp->pidfd >= 0) {
		vx_pidfd_send_signal(sp->pidfd, SIGKILL);
		while (waitpid(sp->pid, &status, 0) < 0 && errno == EINTR)
			;
		close(sp->pidfd);
		sp->pidfd = -1;
	}
	if (sp->sync_fd >= 0)
		close(sp->sync_fd);
	sp->sync_fd = -1;
	if (sp->listener >= 0)
		close(sp->listener);
	if (sp->root >= 0)
		close(sp->root);
	sp->listener = sp->root = -1;
	cg_close(&sp->cg);
}
