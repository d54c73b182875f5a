/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sysfilter.h — the system call filter of a context: which program, kept where, loaded how.
 *
 * The rules are sysrules.h's.  No no_new_privs: setuid programs inside keep working; loading the filter without it takes
 * CAP_SYS_ADMIN in the context's user namespace, which the child has.  A filter cannot be
 * removed once loaded, and it is inherited by everything init starts.
 *
 * seccomp = default takes the program compiled when vctx was built; an admin's list is
 * compiled at the start.  The supervisor keeps the BPF in the run directory; init and every
 * `vctx exec` load exactly that program.
 */
#ifndef VX_SYSFILTER_H
#define VX_SYSFILTER_H

#include <stdint.h>

#include "core/conf.h"
#include "core/err.h"
#include "kernel/sysrules.h"

/* Build the context's filter ("default", "none" or an admin's list of calls to refuse). */
int sysfilter_build(const struct vx_conf *conf, struct vx_bpf *out, struct vx_err *err);
int sysfilter_save(const char *path, const struct vx_bpf *b, struct vx_err *err);
int sysfilter_load_file(const char *path, struct vx_bpf *out, struct vx_err *err);
void sysfilter_free(struct vx_bpf *b);

/* The default filter as built into vctx, in the form for these options (for the test that
 * it is what libseccomp compiles here). */
int sysfilter_builtin(bool io_uring, bool net_raw, struct vx_bpf *out, struct vx_err *err);

/* In the child: install the filter. */
/* The filter of sync = context (sysrules_sync) as built into vctx, for the same test. */
int sysfilter_sync_builtin(struct vx_bpf *out, struct vx_err *err);

/* In the child, after the main filter: load the one that hands sync(2) to a listener, and
 * return the listener (close-on-exec), for the supervisor; -1 with err. */
int sysfilter_sync_listen(struct vx_err *err);

/* For vctx check, in a throwaway process: load a filter that denies acct(2) and see it act. */
int sysfilter_probe(struct vx_err *err);

int sysfilter_apply(const struct vx_bpf *b, struct vx_err *err);

#endif
