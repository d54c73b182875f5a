// SPDX-License-Identifier: GPL-2.0-or-later
#include "supervisor/syncs.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "supervisor/events.h"

int syncs_adopt(struct sup_hand *h, int listener, struct vx_err *err)
{
	if (h->nsyncs == HANDOVER_SYNCS)
		return vx_fail(err, EAGAIN, "the supervisor of %s answers the sync() of %d "
			       "commands already", h->name, HANDOVER_SYNCS);
	if (events_add(h, listener, T_SYNC, EPOLLIN) < 0)
		return vx_failsys(err, "epoll");
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

static void syncs_drop(struct sup_hand *h, int fd)
{
	unsigned i;

	for (i = 0; i < h->nsyncs; i++)
		if (h->syncs[i] == fd) {
			h->syncs[i] = h->syncs[--h->nsyncs];
			break;
		}
	epoll_ctl(h->epfd, EPOLL_CTL_DEL, fd, NULL);
	close(fd);
}

void syncs_serve(struct sup_hand *h, int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct seccomp_notif_resp resp;
	uint64_t ids[32];
	unsigned i, n = 0, tries;

	/* Readable only with a call waiting; hung up once no process has the filter.  A
	 * receive with nothing waiting would block the supervisor.  Every call waiting now
	 * is answered by one round of syncfs, which begins after each of them did. */
	for (tries = 0; tries < 2 * ARRAY_SIZE(ids) && n < ARRAY_SIZE(ids); tries++) {
		struct seccomp_notif req;

		if (poll(&p, 1, 0) != 1 || !(p.revents & POLLIN))
			break;
		memset(&req, 0, sizeof(req));
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) == 0)
			ids[n++] = req.id;	/* else ENOENT: the caller was killed meanwhile */
	}
	if (!n) {
		if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
			syncs_drop(h, fd);
		return;
	}
	for (i = 0; i < h->nsyncfs; i++)
		syncfs(h->syncfs[i]);
	/* sync(2) cannot fail: 0, whatever a file system said (its own fsync would tell). */
	for (i = 0; i < n; i++) {
		memset(&resp, 0, sizeof(resp));
		resp.id = ids[i];
		ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
}

void syncs_close(struct sup_hand *h)
{
	unsigned i;

	for (i = 0; i < h->nsyncs; i++)
		close(h->syncs[i]);
	for (i = 0; i < h->nsyncfs; i++)
		close(h->syncfs[i]);
	h->nsyncs = h->nsyncfs = 0;
}
