/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * syncs.h — a context's sync(2), answered by its supervisor (sync = context).
 *
 * sync(2) has no namespace: from inside a context it would write back every file system of
 * the host and wait for all of them, a few milliseconds per call with a thousand contexts up
 * (each has nine file systems of its own), and as often as a tenant likes.  OpenVZ's kernel
 * confined it to the container; vctx does it with a second seccomp filter in every process
 * that enters the context (init's, and each `vctx exec`'s) that hands sync(2) to a listener.
 * The supervisor holds the listeners and answers each call with syncfs(2) on the context's
 * own file systems: its root (the overlay, which writes back its upper layer's file system:
 * the context's disk image, or the host's file system under the contexts' directory) and
 * the file system of each bind.  The caller waits until that is done, as with sync(2).  A
 * short-lived worker process does the writing back, one per listener at a time: a tenant
 * with much to write keeps its own sync() waiting, never its supervisor from a stop.
 *
 * Both of the supervisor's programs serve these (events.c), so a context at rest answers
 * without waking.  Without a supervisor (killed) nobody listens: sync(2) then fails with
 * ENOSYS, which the C library's sync() does not report; data is written back as usual, only
 * not at once.  A guest that loads a seccomp listener of its own gets EBUSY (the kernel
 * allows one per process): such a context needs sync = host.  seccomp = none loads no
 * filter, this one neither.
 */
#ifndef VX_SYNCS_H
#define VX_SYNCS_H

#include "core/err.h"
#include "supervisor/handover.h"

/* Answer the listener's sync() calls from now on (it is h's to close).  EAGAIN when
 * HANDOVER_SYNCS listeners are served already. */
int syncs_adopt(struct sup_hand *h, int listener, struct vx_err *err);

/* Write back fd's file system at each sync() (fd is h's to close); one on a file system
 * that h writes back already is closed at once. */
void syncs_add_fs(struct sup_hand *h, int fd);

/* The listener fd is readable: start a worker that answers the calls waiting on it (the
 * listener leaves the epoll set until it is done), or let go of a listener no process uses
 * any more. */
void syncs_serve(struct sup_hand *h, int fd);

/* A worker's pidfd is readable: reap it, and serve its listener again. */
void syncs_reap(struct sup_hand *h, int pidfd);

/* Close every listener and file system, and end a worker still at it: the context
 * stopped. */
void syncs_close(struct sup_hand *h);

#endif
