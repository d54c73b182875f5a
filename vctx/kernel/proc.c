// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/escape.h"
#include "core/util.h"
#include "kernel/vfork.h"

struct proc_result {
	int r;
	struct vx_err err;
};

/* Lines a program ends a failure with that say nothing of its cause. */
static bool summary_line(const char *l)
{
	static const char *const summaries[] = {
		"Error is not recoverable", "Exiting with failure status", "Child returned status",
		"Skipping to next header", "WARNING: Filesystem still has errors",
	};
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(summaries); i++)
		if (strstr(l, summaries[i]))
			return true;
	return !*l;
}

static bool cause_line(const char *l)
{
	static const char *const words[] = { "rror", "annot", "ailed", "No ", "not ", "nvalid",
					     "denied", "corrupt", "Bad ", "bad " };
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (strstr(l, words[i]))
			return true;
	return false;
}

/* The line of a failing program's output that tells why: the last one that names an error
 * and is not a summary ("tar: Error is not recoverable: exiting now"), else the last one
 * that is not a summary.  Lines are cut in place. */
static const char *prog_cause(char *out)
{
	const char *cause = NULL, *other = "";
	char *l, *save = NULL;

	for (l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		l = strstrip(l);
		if (summary_line(l))
			continue;
		if (cause_line(l))
			cause = l;
		other = l;
	}
	return cause ? cause : other;
}

/* In the child: stdin from /dev/null, stdout and stderr where asked, and the program. */
static __attribute__((noreturn)) void proc_exec_child(char *const argv[], int out, int errfd)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	/* It dies with us: a killed command leaves no copy running on. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(127);
	dup2(null, 0);
	dup2(out, 1);
	dup2(errfd, 2);
	execvp(argv[0], argv);
	dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* What the program has read so far (/proc/PID/io's rchar): a copy's progress. */
static uint64_t proc_read_bytes(pid_t pid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/io", (int)pid);
	if (read_file_at(AT_FDCWD, path, buf, sizeof(buf)) < 0 || !(p = strstr(buf, "rchar: ")))
		return 0;
	return strtoull(p + 7, NULL, 10);
}

/* Start the program with its stdout on a pipe (*out, the reading end) and its stderr on
 * errfd, or on the same pipe when errfd < 0. */
static pid_t proc_spawn(char *const argv[], int *out, int errfd, struct vx_err *err)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return vx_failsys(err, "pipe");
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return vx_failsys(err, "fork");
	}
	if (pid == 0)
		proc_exec_child(argv, fds[1], errfd >= 0 ? errfd : fds[1]);
	close(fds[1]);
	*out = fds[0];
	return pid;
}

int proc_run_watch(char *const argv[], int maxok, const struct proc_watch *w, struct vx_err *err)
{
	char out[4096], safe[512];
	const char *last;
	size_t used;
	int rd, status;
	ssize_t n = 0, k;
	uint64_t start = now_ns();
	pid_t pid = proc_spawn(argv, &rd, -1, err);

	if (pid < 0)
		return -1;
	/* Keep the tail: the last line is what explains a failure.  Watched: every half
	 * second without output, how much the program has read. */
	for (;;) {
		struct pollfd pfd = { .fd = rd, .events = POLLIN };

		if (w && w->fn && poll(&pfd, 1, 500) == 0) {
			w->fn(proc_read_bytes(pid), (now_ns() - start) / 1e9, w->user);
			continue;
		}
		k = read(rd, out + n, sizeof(out) - 1 - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += k;
		if (n == (ssize_t)sizeof(out) - 1) {
			memmove(out, out + n / 2, n - n / 2);
			n -= n / 2;
		}
	}
	close(rd);
	out[n] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) <= maxok)
		return 0;
	last = prog_cause(out);
	escape_bytes(last, strlen(last), true, 0, safe, sizeof(safe), &used);
	return vx_fail(err, EIO, "%s failed%s%s", argv[0], *safe ? ": " : "", safe);
}

int proc_run(char *const argv[], int maxok, struct vx_err *err)
{
	return proc_run_watch(argv, maxok, NULL, err);
}

int proc_start(char *const argv[], struct proc_stream *ps, struct vx_err *err)
{
	ps->out = -1;
	ps->errfd = memfd_create("vctx-stderr", MFD_CLOEXEC);
	if (ps->errfd < 0)
		return vx_failsys(err, "memfd_create");
	ps->pid = proc_spawn(argv, &ps->out, ps->errfd, err);
	if (ps->pid < 0) {
		close(ps->errfd);
		ps->errfd = -1;
		return -1;
	}
	return 0;
}

int proc_finish(struct proc_stream *ps, const char *what, struct vx_err *err)
{
	char out[4096], safe[512];
	const char *last;
	size_t used;
	ssize_t n;
	int status = 0;

	if (ps->out >= 0)
		close(ps->out);
	ps->out = -1;
	while (ps->pid > 0 && waitpid(ps->pid, &status, 0) < 0 && errno == EINTR)
		;
	/* The tail: the last lines are the ones that explain. */
	n = lseek(ps->errfd, 0, SEEK_END);
	n = pread(ps->errfd, out, sizeof(out) - 1, n > (ssize_t)sizeof(out) - 1
						      ? n - (ssize_t)(sizeof(out) - 1) : 0);
	close(ps->errfd);
	ps->errfd = -1;
	ps->status = ps->pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (ps->status == 0)
		return 0;
	out[n > 0 ? n : 0] = '\0';
	last = prog_cause(out);
	escape_bytes(last, strlen(last), true, 0, safe, sizeof(safe), &used);
	return vx_fail(err, EIO, "%s failed%s%s", what, *safe ? ": " : "", safe);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

void proc_close_others(const int *keep, unsigned n)
{
	int k[16], lo = 3;
	unsigned i, m = 0;

	for (i = 0; i < n && m < 16; i++)
		if (keep[i] >= 3)
			k[m++] = keep[i];
	qsort(k, m, sizeof(k[0]), cmp_int);
	for (i = 0; i < m; i++) {
		if (k[i] > lo)
			close_range(lo, k[i] - 1, 0);
		if (k[i] + 1 > lo)
			lo = k[i] + 1;
	}
	close_range(lo, ~0U, 0);
}

/* What a proc_call child needs; its result goes back through fd. */
struct proc_job {
	int (*fn)(void *arg, void *out, struct vx_err *err);
	void *arg, *out;
	size_t outlen;
	unsigned flags;
	int fd;
};

static int proc_child(void *p)
{
	const struct proc_job *j = p;
	struct proc_result res = { .r = -1 };

	/* A killed caller takes its work along (and with it the work's mounts), and the work
	 * holds nothing of the caller's: not its context lock, so the next command need not
	 * wait for this one to die. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (!(j->flags & PROC_KEEP_FDS)) {
		if (j->fd > 3)
			close_range(3, j->fd - 1, 0);
		close_range(j->fd + 1, ~0U, 0);
	}
	res.r = j->fn(j->arg, j->out, &res.err) < 0 ? -1 : 0;
	if (write_full(j->fd, &res, sizeof(res)) < 0 ||
	    (j->outlen && write_full(j->fd, j->out, j->outlen) < 0))
		return 1;
	return 0;
}

int proc_call(int (*fn)(void *arg, void *out, struct vx_err *err), void *arg, void *out,
	      size_t outlen, unsigned flags, struct vx_err *err)
{
	struct proc_job job = { .fn = fn, .arg = arg, .out = out, .outlen = outlen, .flags = flags };
	struct vx_clone_args args = { .exit_signal = SIGCHLD };
	struct proc_result res = { .r = -1 };
	int fds[2], status = 0;
	ssize_t n, m = 0;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return vx_failsys(err, "pipe");
	job.fd = fds[1];
	fflush(NULL);
	/* Borrowing: the child runs until it ends while this process waits, so its result
	 * (at most a pipe's buffer) is all in the pipe when vfork_run returns. */
	pid = (flags & PROC_VFORK) ? vfork_run(&args, proc_child, &job) : fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return vx_failsys(err, "fork");
	}
	if (pid == 0)
		_exit(proc_child(&job));
	close(fds[1]);
	n = read_full(fds[0], &res, sizeof(res));
	if (n == (ssize_t)sizeof(res) && outlen)
		m = read_full(fds[0], out, outlen);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(res) || (outlen && m != (ssize_t)outlen)) {
		if (WIFSIGNALED(status))
			return vx_fail(err, EIO, "the helper process was killed by signal %d",
				       WTERMSIG(status));
		return vx_fail(err, EIO, "the helper process died");
	}
	if (res.r < 0) {
		res.err.msg[sizeof(res.err.msg) - 1] = '\0';
		*err = res.err;
		return -1;
	}
	return 0;
}
