// SPDX-License-Identifier: GPL-2.0-or-later
#include "supervisor/handover.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/util.h"

extern char **environ;

#define NBACKLOG (sizeof(((struct vx_logrelay *)0)->backlog) / sizeof(char *))

/* Every descriptor the record names, for fn. */
static void handover_each_fd(const struct sup_hand *h, void (*fn)(int fd, int arg), int arg)
{
	const int one[] = { h->exe_full, h->exe_idle, h->epfd, h->sigfd, h->lfd, h->timerfd,
			    h->logtimer, h->lockfd, h->result_fd, h->pidfd, h->freezer, h->fsfreeze,
			    h->pending_fd, h->disk_loopfd, h->con.master, h->con.slave,
			    h->con.viewer, h->con.log.fd, h->log.fd, h->log.hostfd, h->log.file.fd,
			    h->ready.notify, h->ready.timer, h->ready.probe };
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(one); i++)
		if (one[i] >= 0)
			fn(one[i], arg);
	for (i = 0; i < h->nwaiters && i < HANDOVER_CLIENTS; i++)
		fn(h->waiters[i], arg);
	for (i = 0; i < h->nreaders && i < HANDOVER_CLIENTS; i++)
		fn(h->readers[i], arg);
	for (i = 0; i < h->nclients && i < HANDOVER_CLIENTS; i++)
		fn(h->clients[i], arg);
	for (i = 0; i < h->nsyncs && i < HANDOVER_SYNCS; i++) {
		fn(h->syncs[i], arg);
		if (h->syncwork[i] >= 0)
			fn(h->syncwork[i], arg);
	}
	for (i = 0; i < h->nsyncfs && i < HANDOVER_SYNCFS; i++)
		fn(h->syncfs[i], arg);
}

static void handover_setfd(int fd, int flags)
{
	fcntl(fd, F_SETFD, flags);
}

void handover_cloexec(const struct sup_hand *h)
{
	handover_each_fd(h, handover_setfd, FD_CLOEXEC);
}

/* The record, then each line of the /dev/log backlog as its length and its bytes. */
int handover_write(int fd, struct sup_hand *h)
{
	unsigned i;

	h->magic = HANDOVER_MAGIC;
	h->size = sizeof(*h);
	if (write_full(fd, h, sizeof(*h)) < 0)
		return -1;
	for (i = 0; i < h->log.bn; i++) {
		unsigned k = (h->log.bhead + i) % NBACKLOG;
		uint64_t len = h->log.blen[k];

		if (write_full(fd, &len, sizeof(len)) < 0 || write_full(fd, h->log.backlog[k], len) < 0)
			return -1;
	}
	return 0;
}

int handover_read(struct sup_hand *h, struct vx_err *err)
{
	ssize_t n = read_full(0, h, sizeof(*h));
	unsigned i;
	int fd;

	if (n != (ssize_t)sizeof(*h) || h->magic != HANDOVER_MAGIC || h->size != sizeof(*h)) {
		memset(h, 0, sizeof(*h));
		return vx_fail(err, EINVAL, "no supervisor's record on standard input (this program "
			       "is started by vctx, never by hand)");
	}
	h->name[sizeof(h->name) - 1] = '\0';
	h->prefix[sizeof(h->prefix) - 1] = '\0';
	if (h->log.bn > NBACKLOG || h->log.bhead >= NBACKLOG || h->nwaiters > HANDOVER_CLIENTS ||
	    h->nreaders > HANDOVER_CLIENTS || h->nclients > HANDOVER_CLIENTS ||
	    h->nsyncs > HANDOVER_SYNCS || h->nsyncfs > HANDOVER_SYNCFS)
		return vx_fail(err, EINVAL, "a supervisor's record out of bounds");
	h->log.name = h->name;
	memset(h->log.backlog, 0, sizeof(h->log.backlog));
	for (i = 0; i < h->log.bn; i++) {
		unsigned k = (h->log.bhead + i) % NBACKLOG;
		uint64_t len;

		if (read_full(0, &len, sizeof(len)) != sizeof(len) || len > 1 << 20 ||
		    !(h->log.backlog[k] = malloc(len ? len : 1)) ||
		    read_full(0, h->log.backlog[k], len) != (ssize_t)len)
			return vx_fail(err, EINVAL, "a supervisor's record cut short");
		h->log.blen[k] = len;
	}
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 0);
		close(fd);
	}
	return 0;
}

int handover_exec(int exe, struct sup_hand *h, struct vx_err *err)
{
	char *argv[] = { HANDOVER_ARGV0, h->name, NULL, NULL };
	char title[VX_PATH_MAX + 4];
	int fd, saved;

	/* ps tells a test prefix's supervisors from the real installation's. */
	if (h->prefix[0]) {
		snprintf(title, sizeof(title), "(%s)", h->prefix);
		argv[2] = title;
	}
	fd = memfd_create("vctx-supervisor", MFD_CLOEXEC);
	if (fd < 0)
		return vx_failsys(err, "cannot hand the supervisor over: memfd");
	if (handover_write(fd, h) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return vx_failsys(err, "cannot hand the supervisor over");
	}
	saved = fcntl(0, F_DUPFD_CLOEXEC, 3);
	if (saved < 0 || dup2(fd, 0) < 0) {
		if (saved >= 0)
			close(saved);
		close(fd);
		return vx_failsys(err, "cannot hand the supervisor over: descriptor 0");
	}
	close(fd);
	handover_each_fd(h, handover_setfd, 0);
	syscall(SYS_execveat, exe, "", argv, environ, AT_EMPTY_PATH);
	vx_failsys(err, "cannot hand the supervisor over: execveat");
	handover_cloexec(h);
	dup2(saved, 0);
	close(saved);
	return -1;
}
