// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * idle.c — vctx-supervise, a supervisor at rest (handover.h).  Static (musl), with nothing
 * of vctx but the console, /dev/log, readiness and the control socket: an idle context's
 * supervisor costs the host a few pages instead of a copy of vctx and its libraries.
 * Anything else wakes vctx up again: the event stays pending in the epoll set (or, for a
 * request, in the record) and vctx serves it once it runs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "core/util.h"
#include "supervisor/events.h"
#include "supervisor/handover.h"
#include "supervisor/slog.h"

static struct sup_hand h;

/* Back to vctx.  If even that fails, nothing here can take init's end or a stop: the
 * context runs on without a supervisor, as after a kill, and `vctx stop` cleans up. */
static void __attribute__((noreturn)) idle_wake(void)
{
	struct vx_err err;

	handover_exec(h.exe_full, &h, &err);
	slog("%s; supervisor exits ('vctx stop %s' cleans up)", err.msg, h.name);
	_exit(1);
}

int main(void)
{
	struct epoll_event ev[16];
	struct vx_err err;
	int i, n;

	prctl(PR_SET_NAME, HANDOVER_ARGV0);
	if (handover_read(&h, &err) < 0) {
		fprintf(stderr, "vctx-supervise: %s\n", err.msg);
		return 2;
	}
	slog("at rest (%u)", ++h.rests);
	for (;;) {
		n = epoll_wait(h.epfd, ev, ARRAY_SIZE(ev), -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			idle_wake();
		for (i = 0; i < n; i++) {
			if (events_serve(&h, ev[i].data.u64))
				continue;
			if (h.pending_fd >= 0 && h.pending.op == CTL_PING) {
				events_reply_done(&h, h.pending_fd, NULL, "running");
				h.pending_fd = -1;
				continue;
			}
			idle_wake();
		}
	}
}
