/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * err.h — the one error type.
 *
 * A fallible function returns <0 (or NULL) and fills the struct vx_err passed as its last
 * parameter.  The struct is plain data of fixed size so that a child can send it back over
 * the sync socket.  Callers add context with vx_prefix(); only the top level prints.
 */
#ifndef VX_ERR_H
#define VX_ERR_H

#include <stdarg.h>


#define VX_ERR_MSG 480

struct vx_err {
	int code;		/* errno, or 0 when the error is not a system error */
	char msg[VX_ERR_MSG];	/* complete sentence fragment, no trailing newline */
};

/* Set the message (printf format) with errno value 'code'; return -1. */
int vx_fail(struct vx_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like vx_fail() with the current errno; appends ": strerror(errno)". */
int vx_failsys(struct vx_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Put "context: " in front of the existing message; returns -1. */
int vx_prefix(struct vx_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void vx_err_clear(struct vx_err *err);

/* Print "vctx: <msg>" to stderr. */
void vx_err_print(const char *prog, const struct vx_err *err);

#endif
