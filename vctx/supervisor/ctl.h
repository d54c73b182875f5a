/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl.h — the supervisor's control protocol, in one place.
 *
 * Each running context's supervisor listens on PREFIX/run/vctx/NAME/ctl, a stream socket
 * only root can reach (the peer's uid is checked on accept).  A client connects, sends one
 * request and reads one reply; both are fixed-size binary messages (struct ctl_req, struct
 * ctl_reply) that begin with CTL_MAGIC, so a message of any other size or magic — a client
 * or supervisor of another vctx version, a stray writer — is refused, never guessed at.
 * The reply carries a struct vx_err: the errno and the message arrive as they were made.
 *
 * The requests (ctl_ops[] in ctl.c holds the name and the argument of each):
 *
 *   ping              reply ok at once; info: the run state ("running", "stopping", ...)
 *   stop   num = ms   ask init to shut down (its stop signal), kill everything after ms
 *                     milliseconds (0: at once); the reply comes once init is gone
 *   kill              kill everything now; the reply comes once init is gone
 *   ready             the reply comes once the context is up (its ready= condition), or an
 *                     error when it stops before that
 *   console           reply ok, then the connection carries the console both ways until
 *                     either side closes; EBUSY when another viewer is attached
 *   freeze            freeze every process (and the disk image's file system) and reply ok;
 *                     the context stays frozen until the client writes a byte or closes
 *   disk-grow num = bytes   grow the running context's image and its file system to bytes
 *   addr-add  addr    add an address to the running context (host side and inside)
 *   addr-del  addr    remove one
 *   sync-listener     (a descriptor comes with the request) the listener of the sync() filter
 *                     a `vctx exec` loaded (supervisor/syncs.h): the supervisor answers that
 *                     command's sync() calls from now on, like init's
 *
 * The supervisor reads a request with ctl_read (sizes, magic, operation and argument
 * checked), hands it to its handler (supervisor.c's table, indexed by operation) and
 * answers with ctl_reply.  A client calls ctl_call.
 */
#ifndef VX_CTL_H
#define VX_CTL_H

#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "core/err.h"

#define CTL_MAGIC 0x76637832u	/* "vcx2": version 2 of the protocol (1 was text lines) */

enum ctl_op {
	CTL_PING = 1,
	CTL_STOP,
	CTL_KILL,
	CTL_READY,
	CTL_CONSOLE,
	CTL_FREEZE,
	CTL_DISK_GROW,
	CTL_ADDR_ADD,
	CTL_ADDR_DEL,
	CTL_SYNC_LISTENER,
	CTL_NOPS
};

/* The argument a request carries. */
enum ctl_arg { CTL_ARG_NONE, CTL_ARG_NUM, CTL_ARG_ADDR };

struct ctl_op_info {
	const char *name;
	enum ctl_arg arg;
};
extern const struct ctl_op_info ctl_ops[CTL_NOPS];

struct ctl_req {
	uint32_t magic;
	uint32_t op;		/* enum ctl_op */
	uint64_t num;		/* CTL_ARG_NUM */
	struct vx_addr addr;	/* CTL_ARG_ADDR */
};

struct ctl_reply {
	uint32_t magic;
	uint32_t ok;		/* 1: done; 0: err says why */
	struct vx_err err;	/* the error, or on success err.msg is the reply's info ("") */
};

/* Supervisor: create the listening socket; accept a client if it is root (-1 otherwise). */
int ctl_listen(const char *name, struct vx_err *err);
int ctl_accept(int lfd);

/* Supervisor: read a client's request (the socket is readable).  -1 when the client went
 * away (err->code 0) or sent a request that is refused (err says why: the caller replies).
 * The descriptor of a sync-listener request goes into *passed (-1 for any other). */
int ctl_read(int fd, struct ctl_req *req, int *passed, struct vx_err *err);

/* Supervisor: answer; err NULL means ok, with info (may be NULL) for the client. */
int ctl_reply(int fd, const struct vx_err *err, const char *info);

/* Client: connect to NAME's supervisor, send req (its magic is filled in), read the reply.
 * On ok, the connected socket (the console and freeze requests go on over it; close it
 * otherwise) and info (when not NULL) holds the reply's info.  On error, -1 with the
 * supervisor's error in err. */
int ctl_call(const char *name, struct ctl_req *req, char *info, size_t ilen, struct vx_err *err);
/* The same, giving up (ETIMEDOUT) when no answer came within timeout_ms (0: never). */
int ctl_call_within(const char *name, struct ctl_req *req, char *info, size_t ilen,
		    uint64_t timeout_ms, struct vx_err *err);
/* A request that carries a descriptor (sync-listener): 0, or -1 with err. */
int ctl_call_passing(const char *name, struct ctl_req *req, int fd, struct vx_err *err);

#endif
