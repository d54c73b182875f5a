// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/escape.h"

static void vformat(struct vx_err *err, int code, const char *fmt, va_list ap)
{
	err->code = code;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int vx_fail(struct vx_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vformat(err, code, fmt, ap);
	va_end(ap);
	return -1;
}

int vx_failsys(struct vx_err *err, const char *fmt, ...)
{
	int code = errno;
	size_t n;
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vformat(err, code, fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(code));
	errno = code;
	return -1;
}

int vx_prefix(struct vx_err *err, const char *fmt, ...)
{
	char buf[2 * VX_ERR_MSG + 2];
	size_t n;
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(buf, VX_ERR_MSG, fmt, ap);
	va_end(ap);
	n = strlen(buf);
	buf[n++] = ':';
	buf[n++] = ' ';
	memcpy(buf + n, err->msg, strnlen(err->msg, VX_ERR_MSG - 1) + 1);
	/* Truncated messages keep their beginning: the context and the first words. */
	memcpy(err->msg, buf, VX_ERR_MSG - 1);
	err->msg[VX_ERR_MSG - 1] = '\0';
	return -1;
}

void vx_err_clear(struct vx_err *err)
{
	err->code = 0;
	err->msg[0] = '\0';
}

void vx_err_print(const char *prog, const struct vx_err *err)
{
	char safe[4 * VX_ERR_MSG];
	size_t used;

	/* One line, whatever a message quotes (a name, a path, a program's output). */
	escape_bytes(err->msg, strnlen(err->msg, VX_ERR_MSG), true, 0, safe, sizeof(safe), &used);
	fprintf(stderr, "%s: %s\n", prog, safe[0] ? safe : "unknown error");
}
