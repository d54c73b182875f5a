/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fdpass.h — a message with a descriptor attached, over a unix socket (SCM_RIGHTS).  Used by
 * the spawn sync socket (the context's root tree, init's sync() listener), by exec (the pty's
 * master, its sync() listener) and by the control socket (that listener, to the supervisor).
 */
#ifndef VX_FDPASS_H
#define VX_FDPASS_H

#include <stddef.h>
#include <sys/types.h>


/* Send len bytes (at least one) with fd attached when fd >= 0.  0, or -1 with errno. */
int fdpass_send(int sock, const void *data, size_t len, int fd);

/* Receive up to len bytes (recvmsg's flags: 0 or MSG_DONTWAIT); a descriptor that came with
 * them goes into *fd (close-on-exec), else *fd is -1.  With fd NULL a descriptor that came
 * along is closed.  The byte count, 0 at end of file, or -1 with errno (EPROTO: a control
 * message other than one descriptor). */
ssize_t fdpass_recv(int sock, void *data, size_t len, int *fd, int flags);

#endif
