/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * events.h — the events both of a supervisor's programs serve (handover.h): the console and
 * its viewer, /dev/log, readiness, the context's sync() calls (syncs.h), and the ready,
 * console and sync-listener requests.  The rest is the
 * caller's: events_serve gives it back.
 */
#ifndef VX_EVENTS_H
#define VX_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "supervisor/handover.h"

int events_add(struct sup_hand *h, int fd, enum sup_tag tag, uint32_t events);

/* Serve the event (an epoll_event's data); false when it is the caller's to serve.  A
 * control request other than ready, console and sync-listener is read and left in
 * h->pending (fd in h->pending_fd), and false returned. */
bool events_serve(struct sup_hand *h, uint64_t data);

/* A reply that ends the request. */
void events_reply_done(struct sup_hand *h, int fd, const struct vx_err *err, const char *info);

/* Refuse a command: HANDOVER_CLIENTS of them wait already (EAGAIN). */
void events_reply_busy(struct sup_hand *h, int fd);

/* Answer everyone waiting for the context to be up (or, with err, to learn it never will). */
void events_answer_readers(struct sup_hand *h, const struct vx_err *err);

/* Watch the host's syslog socket for room exactly while lines wait for it. */
void events_sync_loghost(struct sup_hand *h);

#endif
