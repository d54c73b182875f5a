/* SPDX-License-Identifier: GPL-2.0-or-later */
/* caps.h — the capability bounding set of a context (libcap-ng's owner file). */
#ifndef VX_CAPS_H
#define VX_CAPS_H

#include "conf.h"
#include "err.h"

/* In the child, before seccomp: drop from the bounding set (and every other set) what the
 * context's policy does not grant. */
int caps_apply(const struct vx_conf *conf, struct vx_err *err);

#endif
