// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops/template.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>

#include "core/escape.h"
#include "core/paths.h"
#include "core/sys.h"
#include "core/template.h"
#include "core/util.h"

int template_remove(const char *name, struct vx_err *err)
{
	char dir[PATH_MAX], users[1024];
	struct stat st;

	if (parse_name(name, "template", err) < 0)
		return -1;
	if (path_tpldir(dir, sizeof(dir), name, NULL) < 0)
		return vx_failsys(err, "template path");
	if (stat(dir, &st) < 0)
		return vx_fail(err, ENOENT, "template '%s' does not exist", name);
	if (template_users(name, users, sizeof(users)))
		return vx_fail(err, EBUSY, "template '%s' is used by: %s", name, users);
	return rm_rf(dir, err);
}

/* --- building ---------------------------------------------------------------------------- */

static int staging_path(char *buf, size_t len, const char *name)
{
	return xsnprintf(buf, len, "%s/.%s.build", vx_paths.templates, name);
}

static int build_lock(const char *name, struct vx_err *err)
{
	char path[PATH_MAX];
	_cleanup_close_ int fd = -1;

	if (xsnprintf(path, sizeof(path), "%s/.%s.lock", vx_paths.templates, name) < 0)
		return vx_failsys(err, "lock path");
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return vx_failsys(err, "cannot open %s", path);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK ? vx_fail(err, EBUSY, "template '%s' is being built "
						      "by another vctx", name)
					    : vx_failsys(err, "cannot lock %s", path);
	return take_fd(&fd);
}

static void unlink_build_lock(const char *name)
{
	char path[PATH_MAX];

	if (xsnprintf(path, sizeof(path), "%s/.%s.lock", vx_paths.templates, name) == 0)
		unlink(path);
}

void template_clean_stale(void)
{
	DIR *d = opendir(vx_paths.templates);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char name[VX_NAME_MAX + 8], path[PATH_MAX];
		_cleanup_close_ int lock = -1;

		if (de->d_name[0] != '.' || l < 8 || strcmp(de->d_name + l - 6, ".build") != 0 ||
		    l - 7 > VX_NAME_MAX)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(l - 7), de->d_name + 1);
		lock = build_lock(name, NULL);
		if (lock < 0)
			continue;	/* a build is running */
		if (xsnprintf(path, sizeof(path), "%s/%s", vx_paths.templates, de->d_name) == 0)
			rm_rf(path, NULL);
		/* Holding the lock, its file can go too: nothing of the build is left. */
		if (xsnprintf(path, sizeof(path), "%s/.%s.lock", vx_paths.templates, name) == 0)
			unlink(path);
	}
	closedir(d);
}

/* The builder runs as pid 1 of its own pid and mount namespaces and dies with us: a killed
 * build takes every process it started and every mount it made with it. */
static void builder_child(const char *builder, const char *name, const char *staging,
			  int argc, char **argv, bool progress)
{
	char rootfs[PATH_MAX], conf[PATH_MAX];
	char **args = calloc(argc + 2, sizeof(char *));
	int devnull, i;

	if (!args || xsnprintf(rootfs, sizeof(rootfs), "%s/rootfs", staging) < 0 ||
	    xsnprintf(conf, sizeof(conf), "%s/template.conf", staging) < 0)
		_exit(127);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0 ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		perror("vctx: builder namespace");
		_exit(127);
	}
	devnull = open("/dev/null", O_RDONLY);
	if (devnull >= 0)
		dup2(devnull, 0);
	setenv("VCTX_ROOTFS", rootfs, 1);
	setenv("VCTX_TEMPLATE", name, 1);
	setenv("VCTX_TEMPLATE_CONF", conf, 1);
	setenv("VCTX_TEMPLATE_DIR", vx_paths.builders, 1);
	setenv("VCTX_ETC_DIR", vx_paths.etc, 1);
	setenv("VCTX_CACHE_DIR", vx_paths.cache, 1);
	if (progress)
		setenv("VCTX_PROGRESS", "1", 1);
	else
		unsetenv("VCTX_PROGRESS");
	if (!getenv("PATH"))
		setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
	args[0] = (char *)builder;
	for (i = 0; i < argc; i++)
		args[i + 1] = argv[i];
	execv(builder, args);
	fprintf(stderr, "vctx: cannot run %s: %s\n", builder, strerror(errno));
	_exit(127);
}

/* The builder's stderr, passed on line by line as it comes, but for the last line: a
 * builder's own error ("template NAME: why") becomes vctx's one line.  Text that ends in a
 * carriage return is the builder's own progress (a download's): shown in place on a
 * terminal, dropped otherwise, never kept as a line. */
struct relay {
	int fd;
	char line[1024], held[1024];
	size_t n;
	bool have;
	bool erase;	/* a progress line may be on the terminal */
	uint64_t own_progress;	/* when the builder last showed its own progress */
};

/* A builder's text on the admin's terminal: what it prints comes from servers, images and
 * archives, so its bytes are escaped (escape.h). */
static void relay_print(const char *pre, const char *s, size_t n, const char *post)
{
	char safe[4 * sizeof(((struct relay *)0)->line) + 1];
	size_t used;

	escape_bytes(s, n, true, 0, safe, sizeof(safe), &used);
	fprintf(stderr, "%s%s%s", pre, safe, post);
}

static void relay_progress(struct relay *r)
{
	if (r->erase && r->n) {
		relay_print("\r\033[K", r->line, r->n, "");
		fflush(stderr);
		r->own_progress = now_ns();
	}
	r->n = 0;
}

static void relay_line(struct relay *r)
{
	if (r->have)
		relay_print(r->erase ? "\r\033[K" : "", r->held, strlen(r->held), "\n");
	memcpy(r->held, r->line, r->n);
	r->held[r->n] = '\0';
	r->have = true;
	r->n = 0;
}

/* Read what there is; false at end of file. */
static bool relay_read(struct relay *r)
{
	char buf[4096];
	ssize_t k = read(r->fd, buf, sizeof(buf)), i;

	if (k < 0 && errno == EINTR)
		return true;
	if (k <= 0) {
		if (r->n)
			relay_line(r);
		return false;
	}
	for (i = 0; i < k; i++) {
		if (buf[i] == '\r')
			relay_progress(r);
		else if (buf[i] == '\n' || r->n == sizeof(r->line) - 1)
			relay_line(r);
		if (buf[i] != '\n' && buf[i] != '\r')
			r->line[r->n++] = buf[i];
	}
	return true;
}

/* What the file system holding dir has in use, in bytes. */
static uint64_t fs_used(const char *dir)
{
	struct statvfs v;

	if (statvfs(dir, &v) < 0)
		return 0;
	return (uint64_t)(v.f_blocks - v.f_bfree) * v.f_frsize;
}

/* Wait for the builder; on SIGINT/SIGTERM/SIGHUP kill it and report the interruption. */
static int builder_wait(pid_t pid, int pidfd, int sfd, int out, const char *name,
			const char *staging, const struct proc_watch *w, struct vx_err *err)
{
	struct pollfd pfd[3] = { { .fd = pidfd, .events = POLLIN }, { .fd = sfd, .events = POLLIN },
				 { .fd = out, .events = POLLIN } };
	struct relay r = { .fd = out, .erase = w != NULL };
	struct signalfd_siginfo si;
	char prefix[VX_NAME_MAX + 16];
	uint64_t base = w ? fs_used(staging) : 0, t0 = now_ns(), last = t0;
	int status;

	for (;;) {
		int n = poll(pfd, 3, w ? 500 : -1);

		/* The file system's growth, unless the builder shows its own progress. */
		if (w && now_ns() - last >= 500000000ull &&
		    now_ns() - r.own_progress >= 2000000000ull) {
			uint64_t used = fs_used(staging);

			last = now_ns();
			w->fn(used > base ? used - base : 0, (last - t0) / 1e9, w->user);
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return vx_failsys(err, "poll");
		}
		if (pfd[2].revents && !relay_read(&r))
			pfd[2].fd = -1;
		if (pfd[1].revents & POLLIN) {
			if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				vx_pidfd_send_signal(pidfd, SIGKILL);
				waitpid(pid, &status, 0);
				if (r.have)
					relay_print("", r.held, strlen(r.held), "\n");
				return vx_fail(err, EINTR, "building template '%s' was interrupted "
					       "by signal %u; nothing was kept", name, si.ssi_signo);
			}
		}
		if (pfd[0].revents & POLLIN)
			break;
	}
	if (waitpid(pid, &status, 0) < 0)
		return vx_failsys(err, "waitpid");
	/* Every writer died with the builder's pid namespace: read to the end. */
	while (pfd[2].fd >= 0 && relay_read(&r))
		;
	snprintf(prefix, sizeof(prefix), "template %s: ", name);
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0 && r.have &&
	    strncmp(r.held, prefix, strlen(prefix)) == 0)
		return vx_fail(err, EIO, "%s; nothing was kept", r.held);
	if (r.have)
		relay_print(r.erase ? "\r\033[K" : "", r.held, strlen(r.held), "\n");
	if (w) {
		uint64_t used = fs_used(staging);

		w->fn(used > base ? used - base : 0, (now_ns() - t0) / 1e9, w->user);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return vx_fail(err, EIO, "builder for template '%s' failed (exit status %d); "
			       "nothing was kept", name, WEXITSTATUS(status));
	return vx_fail(err, EIO, "builder for template '%s' was killed by signal %d; nothing "
		       "was kept", name, WTERMSIG(status));
}

static int run_builder(const char *builder, const char *name, const char *staging, int argc,
		       char **argv, const struct proc_watch *w, struct vx_err *err)
{
	sigset_t mask, old;
	_cleanup_close_ int sfd = -1, pidfd = -1;
	int pipefd[2] = { -1, -1 };
	struct vx_clone_args args = { .flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_PIDFD,
				      .exit_signal = SIGCHLD };
	pid_t pid;
	int r;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, &old);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0 || pipe2(pipefd, O_CLOEXEC) < 0) {
		r = vx_failsys(err, sfd < 0 ? "signalfd" : "pipe");
		goto out;
	}
	args.pidfd = (uint64_t)(uintptr_t)&pidfd;
	fflush(NULL);
	pid = vx_clone3(&args);
	if (pid < 0) {
		r = vx_failsys(err, "cannot start the builder");
		goto out;
	}
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		close(pipefd[0]);
		if (dup2(pipefd[1], 2) < 0)
			_exit(127);
		builder_child(builder, name, staging, argc, argv, w != NULL);
	}
	close(pipefd[1]);
	pipefd[1] = -1;
	r = builder_wait(pid, pidfd, sfd, pipefd[0], name, staging, w, err);
out:
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}

static int finish_build(const char *name, const char *staging, struct vx_err *err)
{
	char conf[PATH_MAX], rootfs[PATH_MAX], final[PATH_MAX];
	_cleanup_free_ char *text = NULL;
	struct vx_template t;

	if (xsnprintf(conf, sizeof(conf), "%s/template.conf", staging) < 0 ||
	    xsnprintf(rootfs, sizeof(rootfs), "%s/rootfs", staging) < 0)
		return vx_failsys(err, "template path");
	text = read_text(conf, 1 << 16, err);
	if (!text)
		return vx_prefix(err, "the builder wrote no template.conf");
	memset(&t, 0, sizeof(t));
	if (template_parse(conf, text, &t, err) < 0 || template_check_init(rootfs, t.init, err) < 0)
		return -1;
	if (chmod(rootfs, 0755) < 0)
		return vx_failsys(err, "chmod %s", rootfs);
	sync();
	if (path_tpldir(final, sizeof(final), name, NULL) < 0)
		return vx_failsys(err, "template path");
	/* The one step that makes the template exist. */
	if (renameat2(AT_FDCWD, staging, AT_FDCWD, final, RENAME_NOREPLACE) < 0)
		return vx_failsys(err, "cannot move the new template into place");
	return 0;
}

int template_build(const char *name, const char *source, int argc, char **argv,
		   const struct proc_watch *w, struct vx_err *err)
{
	char builder[PATH_MAX], staging[PATH_MAX], rootfs[PATH_MAX], final[PATH_MAX];
	_cleanup_close_ int lock = -1;
	struct stat st;

	if (parse_name(name, "template", err) < 0)
		return -1;
	if (parse_name(source, "template source", err) < 0)
		return -1;
	if (xsnprintf(builder, sizeof(builder), "%s/%s", vx_paths.builders, source) < 0 ||
	    staging_path(staging, sizeof(staging), name) < 0 ||
	    path_tpldir(final, sizeof(final), name, NULL) < 0)
		return vx_failsys(err, "template path");
	if (access(builder, X_OK) < 0)
		return vx_fail(err, ENOENT, "unknown template source '%s' (no builder %s)",
			       source, builder);
	if (paths_mkdirs(err) < 0)
		return -1;
	lock = build_lock(name, err);
	if (lock < 0)
		return -1;
	if (stat(final, &st) == 0) {
		vx_fail(err, EEXIST, "template '%s' already exists (remove it first with "
			"'vctx template remove %s')", name, name);
		goto fail;
	}
	if (rm_rf(staging, err) < 0)
		goto fail;
	if (xsnprintf(rootfs, sizeof(rootfs), "%s/rootfs", staging) < 0) {
		vx_failsys(err, "template path");
		goto fail;
	}
	if (mkdir(staging, 0700) < 0 || mkdir(rootfs, 0755) < 0) {
		vx_failsys(err, "cannot create %s", rootfs);
		goto fail;
	}
	if (run_builder(builder, name, staging, argc, argv, w, err) < 0 ||
	    finish_build(name, staging, err) < 0)
		goto fail;
	unlink_build_lock(name);
	return 0;
fail:
	rm_rf(staging, NULL);
	unlink_build_lock(name);
	return -1;
}

/* --- sizes ------------------------------------------------------------------------------- */


