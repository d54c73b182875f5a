// SPDX-License-Identifier: GPL-2.0-or-later
/* A context's sync(2) answered by its supervisor (supervisor/syncs.h): a process with the
 * filter waits in sync() until the supervisor's answer, gets 0 from it, and once it is gone
 * its listener is let go; one file system is written back once, whatever holds it. */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel/fdpass.h"
#include "kernel/sysfilter.h"
#include "supervisor/syncs.h"
#include "unit.h"

static struct sup_hand h;

static int setup(void **state)
{
	(void)state;
	memset(&h, 0, sizeof(h));
	snprintf(h.name, sizeof(h.name), "unit");
	h.epfd = epoll_create1(EPOLL_CLOEXEC);
	return h.epfd < 0;
}

static int teardown(void **state)
{
	(void)state;
	syncs_close(&h);
	close(h.epfd);
	return 0;
}

/* A child with the filter (no_new_privs: no privilege needed to load it) hands its listener
 * over, then calls sync() and exits with what it returned (or 100 + errno).  With twins, it
 * forks first: two processes of one filter, each with a sync() call waiting. */
static pid_t filtered_children(int *listener, bool twins)
{
	int sv[2];
	pid_t pid;
	char c;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct vx_err err;
		int fd;
		long r;

		close(sv[0]);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || (fd = sysfilter_sync_listen(&err)) < 0 ||
		    fdpass_send(sv[1], "l", 1, fd) < 0)
			_exit(99);
		close(fd);
		/* Wait for the word: the listener is the parent's by then. */
		if (read(sv[1], &c, 1) != 1)
			_exit(98);
		if (twins) {
			pid_t twin = fork();
			int st;

			r = syscall(SYS_sync);
			if (twin == 0)
				_exit(r == 0 ? 0 : 100 + errno);
			if (twin < 0 || waitpid(twin, &st, 0) != twin || !WIFEXITED(st))
				_exit(97);
			_exit(r != 0 ? 100 + errno : WEXITSTATUS(st));
		}
		r = syscall(SYS_sync);
		_exit(r == 0 ? 0 : 100 + errno);
	}
	close(sv[1]);
	assert_int_equal(fdpass_recv(sv[0], &c, 1, listener, 0), 1);
	assert_true(*listener >= 0);
	assert_int_equal(write(sv[0], "g", 1), 1);
	close(sv[0]);
	return pid;
}

static pid_t filtered_child(int *listener)
{
	return filtered_children(listener, false);
}

/* Whether pid waits in a seccomp notification: the kernel's wait channel says so. */
static bool in_seccomp(pid_t pid)
{
	char path[64], line[256] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/wchan", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	return strstr(line, "seccomp") != NULL;
}

/* How many of pid and its children wait for an answer to sync(). */
static unsigned waiting(pid_t pid)
{
	unsigned n = in_seccomp(pid);
	struct dirent *e;
	DIR *d = opendir("/proc");

	while (d && (e = readdir(d))) {
		char path[300];
		int ppid = 0;
		FILE *f;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		f = fopen(path, "r");
		/* pid (comm) state ppid: comm is the test's own name, without blanks. */
		if (f && fscanf(f, "%*d %*s %*c %d", &ppid) == 1 && ppid == pid)
			n += in_seccomp(atoi(e->d_name));
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return n;
}

/* Serve the next event of the supervisor's set, as events.c does; its tag. */
static unsigned pump(void)
{
	struct epoll_event ev;
	int fd;

	assert_int_equal(epoll_wait(h.epfd, &ev, 1, 10000), 1);
	fd = (int)(ev.data.u64 & 0xffffffff);
	switch (ev.data.u64 >> 32) {
	case T_SYNC: syncs_serve(&h, fd); break;
	case T_SYNCWORK: syncs_reap(&h, fd); break;
	default: fail();
	}
	return ev.data.u64 >> 32;
}

static void answered(void **state)
{
	struct epoll_event ev;
	struct vx_err err;
	int listener, status;
	pid_t pid;

	(void)state;
	syncs_add_fs(&h, open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	pid = filtered_child(&listener);
	assert_int_equal(syncs_adopt(&h, listener, &err), 0);
	assert_int_equal(h.nsyncs, 1);
	/* The child's call comes in as an event of the supervisor's set; a worker answers it,
	 * and meanwhile its listener is out of the set (the worker's alone). */
	assert_int_equal(pump(), T_SYNC);
	assert_true(h.syncwork[0] >= 0);
	assert_int_equal(epoll_ctl(h.epfd, EPOLL_CTL_MOD, listener, &ev), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* The worker is reaped and the listener served again: it hangs up and is let go. */
	assert_int_equal(pump(), T_SYNCWORK);
	assert_int_equal(h.syncwork[0], -1);
	assert_int_equal(pump(), T_SYNC);
	assert_int_equal(h.nsyncs, 0);
	assert_int_equal(epoll_wait(h.epfd, &ev, 1, 0), 0);
}

static void together(void **state)
{
	struct pollfd p = { .events = POLLIN };
	struct vx_err err;
	int listener, status;
	pid_t pid;

	(void)state;
	syncs_add_fs(&h, open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	pid = filtered_children(&listener, true);
	assert_int_equal(syncs_adopt(&h, listener, &err), 0);
	/* Both calls wait (the kernel's wait channel says so: polled, there is no event). */
	while (waiting(pid) < 2)
		assert_int_equal(waitpid(pid, &status, WNOHANG), 0);
	/* One worker, one round, answers both: no call is left waiting on the listener. */
	assert_int_equal(pump(), T_SYNC);
	assert_int_equal(pump(), T_SYNCWORK);
	p.fd = listener;
	assert_true(poll(&p, 1, 0) == 0 || !(p.revents & POLLIN));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void unanswered(void **state)
{
	int listener, status;
	pid_t pid;

	(void)state;
	/* The control: with nobody to answer, sync() fails (ENOSYS), which sync(3) hides. */
	pid = filtered_child(&listener);
	close(listener);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 100 + ENOSYS);
}

static void file_systems(void **state)
{
	(void)state;
	/* One file system, however many descriptors name it. */
	syncs_add_fs(&h, open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	syncs_add_fs(&h, open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	assert_int_equal(h.nsyncfs, 1);
	syncs_add_fs(&h, open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	assert_int_equal(h.nsyncfs, 2);
	/* A full table closes what comes on: nothing leaks. */
	h.nsyncfs = HANDOVER_SYNCFS;
	syncs_add_fs(&h, open("/sys", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	assert_int_equal(h.nsyncfs, HANDOVER_SYNCFS);
	h.nsyncfs = 2;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(answered, setup, teardown),
		cmocka_unit_test_setup_teardown(together, setup, teardown),
		cmocka_unit_test_setup_teardown(unanswered, setup, teardown),
		cmocka_unit_test_setup_teardown(file_systems, setup, teardown),
	};

	RUN(tests);
}
