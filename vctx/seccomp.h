/* SPDX-License-Identifier: GPL-2.0-or-later */
/* seccomp.h — the system call filter of a context (libseccomp's owner file). */
#ifndef VX_SECCOMP_H
#define VX_SECCOMP_H

#include "conf.h"
#include "err.h"

/* In the child, last thing before exec: load the context's filter. */
int seccomp_apply(const struct vx_conf *conf, struct vx_err *err);

#endif
