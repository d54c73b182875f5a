/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sysrules.h — the rules of a context's system call filter, compiled by libseccomp.
 *
 * Default allow plus a deny list returning EPERM (see security.md), for the native
 * architecture and its i386 compat mode; x32 system calls get ENOSYS; personality() only for
 * its harmless values.  "default" is the built-in list (io_uring refused unless asked for,
 * raw and packet sockets unless the context keeps net_raw); anything else is the path of an
 * admin's list, one call per line.
 *
 * libseccomp takes ~0.4 ms to compile a filter.  The four forms of the default filter are
 * compiled once, when vctx is built (sysfilter-gen.c), and kept in the binary; an admin's
 * list is compiled at every start (sysfilter.c).
 */
#ifndef VX_SYSRULES_H
#define VX_SYSRULES_H

#include <linux/filter.h>
#include <stdbool.h>

#include "core/err.h"

struct vx_bpf {
	unsigned short len;		/* instructions; 0 = no filter (seccomp = none) */
	struct sock_filter *insns;	/* malloc()ed */
};

int sysrules_compile(const char *list, bool io_uring, bool net_raw, struct vx_bpf *out,
		     struct vx_err *err);

/* The second filter of a context with sync = context: sync(2) goes to a listener (the
 * supervisor, supervisor/syncs.h), everything else passes on to the first. */
int sysrules_sync(struct vx_bpf *out, struct vx_err *err);

#endif
