/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl.h — the supervisor's control socket, PREFIX/run/vctx/NAME/ctl (a stream socket only
 * root can reach).  A client sends one request line and reads the answer:
 *
 *   stop MS       ask init to shut down, kill everything after MS milliseconds;
 *                 answered "ok" once the context is down and cleaned up
 *   kill          kill everything now; answered like stop
 *   console       answered "ok", then the connection carries the console both ways
 *                 (or "busy" when another viewer is attached)
 *   ping          answered "ok STATE"
 */
#ifndef VX_CTL_H
#define VX_CTL_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Supervisor: create the listening socket. */
int ctl_listen(const char *name, struct vx_err *err);
/* Supervisor: accept a client if it is root; -1 otherwise. */
int ctl_accept(int lfd);

/* Client: connect, send 'req', read one answer line into 'ans'. Returns the connected fd. */
int ctl_request(const char *name, const char *req, char *ans, size_t anslen,
		struct vx_err *err);

#endif
