/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * escape.h — bytes from a tenant made safe for an admin's terminal.
 *
 * C0 controls (all but tab, and newline where the caller keeps lines), DEL, C1 controls (raw,
 * or encoded in UTF-8 as U+0080..U+009F, which xterm obeys as CSI and friends) and bytes that
 * are not UTF-8 become "#ooo", three octal digits per byte, as rsyslog writes them ("#033"
 * for ESC).  Printable ASCII and valid UTF-8 pass unchanged.
 */
#ifndef VX_ESCAPE_H
#define VX_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>


#define ESCAPE_KEEP_NL 0x1	/* newline passes: a transcript keeps its lines */
#define ESCAPE_CRLF 0x2		/* "\r\n" becomes "\n" (a pty's line end) */

/* Escape in[0..len) into out (NUL-terminated, at most outlen - 1 bytes); returns the bytes
 * written.  *used says how much of in was taken: output that does not fit is not begun, and
 * unless final, a UTF-8 sequence or a CR cut off at the end waits for the next call. */
size_t escape_bytes(const char *in, size_t len, bool final, unsigned flags, char *out,
		    size_t outlen, size_t *used);

/* A stream (a log followed with -f): what waits for more input is kept here. */
struct escape_stream {
	unsigned flags;
	char pend[4];
	size_t npend;
};

/* Write the escaped form of in[0..len) to fd; final flushes what waits.  -1 on a write error. */
int escape_write(struct escape_stream *s, int fd, const char *in, size_t len, bool final);

#endif
