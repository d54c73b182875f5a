// SPDX-License-Identifier: GPL-2.0-or-later
#include "supervisor/syncs.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/sys.h"
#include "core/util.h"
#include "supervisor/events.h"

int syncs_adopt(struct sup_hand *h, int listener, struct vx_err *err)
{
	if (h->nsyncs == HANDOVER_SYNCS)
		return vx_fail(err, EAGAIN, "the supervisor of %s answers the sync() of %d "
			       "commands already", h->name, HANDOVER_SYNCS);
	if (events_add(h, listener, T_SYNC, EPOLLIN) < 0)
		return vx_failsys(err, "epoll");
	h->syncwork[h->nsyncs] = -1;
	h->syncs[h->nsyncs++] = listener;
	return 0;
}

void syncs_add_fs(struct sup_hand *h, int fd)
{
	struct stat st, other;
	unsigned i;

	if (fstat(fd, &st) < 0 || h->nsyncfs == HANDOVER_SYNCFS) {
		close(fd);
		return;
	}
	for (i = 0; i < h->nsyncfs; i++)
		if (fstat(h->syncfs[i], &other) == 0 && other.st_dev == st.st_dev) {
			close(fd);
			return;
		}
	h->syncfs[h->nsyncfs++] = fd;
}

static int syncs_index(const struct sup_hand *h, int fd)
{
	unsigned i;

	for (i = 0; i < h->nsyncs; i++)
		if (h->syncs[i] == fd)
			return i;
	return -1;
}

/* A worker that is still at it: killed (once its syncfs returns) and reaped. */
static void syncs_end_worker(struct sup_hand *h, unsigned i)
{
	siginfo_t si;

	if (h->syncwork[i] < 0)
		return;
	vx_pidfd_send_signal(h->syncwork[i], SIGKILL);
	waitid(P_PIDFD, h->syncwork[i], &si, WEXITED | __WALL);
	epoll_ctl(h->epfd, EPOLL_CTL_DEL, h->syncwork[i], NULL);
	close(h->syncwork[i]);
	h->syncwork[i] = -1;
}

static void syncs_drop(struct sup_hand *h, int fd)
{
	int i = syncs_index(h, fd);

	if (i >= 0) {
		syncs_end_worker(h, i);
		h->syncs[i] = h->syncs[--h->nsyncs];
		h->syncwork[i] = h->syncwork[h->nsyncs];
	}
	epoll_ctl(h->epfd, EPOLL_CTL_DEL, fd, NULL);
	close(fd);
}

/* Every call waiting on the listener now is answered by one round of syncfs, which begins
 * after each of them did. */
static void syncs_answer(const struct sup_hand *h, int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct seccomp_notif_resp resp;
	uint64_t ids[32];
	unsigned i, n = 0, tries;

	for (tries = 0; tries < 2 * ARRAY_SIZE(ids) && n < ARRAY_SIZE(ids); tries++) {
		struct seccomp_notif req;

		if (poll(&p, 1, 0) != 1 || !(p.revents & POLLIN))
			break;
		memset(&req, 0, sizeof(req));
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) == 0)
			ids[n++] = req.id;	/* else ENOENT: the caller was killed meanwhile */
	}
	if (!n)
		return;
	for (i = 0; i < h->nsyncfs; i++)
		syncfs(h->syncfs[i]);
	/* sync(2) cannot fail: 0, whatever a file system said (its own fsync would tell). */
	for (i = 0; i < n; i++) {
		memset(&resp, 0, sizeof(resp));
		resp.id = ids[i];
		ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
}

void syncs_serve(struct sup_hand *h, int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct vx_clone_args args = { .flags = CLONE_PIDFD, .exit_signal = 0 };
	int i = syncs_index(h, fd), pidfd = -1;
	siginfo_t si;
	pid_t pid;

	/* Readable only with a call waiting; hung up once no process has the filter.  A
	 * receive with nothing waiting would block. */
	if (i < 0 || poll(&p, 1, 0) != 1)
		return;
	if (!(p.revents & POLLIN)) {
		if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
			syncs_drop(h, fd);
		return;
	}
	/* A worker answers, so that however long the context's file systems take to write
	 * back, the supervisor is there for a stop, a kill or the console.  It ends without a
	 * signal to us (a SIGCHLD would wake a supervisor at rest); its pidfd says when. */
	args.pidfd = (uint64_t)(uintptr_t)&pidfd;
	pid = vx_clone3(&args);
	if (pid == 0) {
		syncs_answer(h, fd);
		_exit(0);
	}
	if (pid < 0) {
		syncs_answer(h, fd);	/* no process to spare: here, as a last resort */
		return;
	}
	if (events_add(h, pidfd, T_SYNCWORK, EPOLLIN) < 0) {
		waitid(P_PIDFD, pidfd, &si, WEXITED | __WALL);
		close(pidfd);
		return;
	}
	/* Its calls are the worker's until it is done. */
	epoll_ctl(h->epfd, EPOLL_CTL_DEL, fd, NULL);
	h->syncwork[i] = pidfd;
}

void syncs_reap(struct sup_hand *h, int pidfd)
{
	unsigned i;

	for (i = 0; i < h->nsyncs && h->syncwork[i] != pidfd; i++)
		;
	if (i == h->nsyncs)
		return;		/* only syncs_serve registers workers, each in its slot */
	syncs_end_worker(h, i);
	/* The listener is served here again: a call that came meanwhile, or its hang-up. */
	events_add(h, h->syncs[i], T_SYNC, EPOLLIN);
}

void syncs_close(struct sup_hand *h)
{
	unsigned i;

	for (i = 0; i < h->nsyncs; i++) {
		syncs_end_worker(h, i);
		close(h->syncs[i]);
	}
	for (i = 0; i < h->nsyncfs; i++)
		close(h->syncfs[i]);
	h->nsyncs = h->nsyncfs = 0;
}
