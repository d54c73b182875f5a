/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check.h — vctx check: what the running kernel can do, probed for real.
 *
 * Each feature is tried the way vctx uses it, in a child process in namespaces of its own
 * (a mount namespace made private before anything is mounted, a network namespace for the
 * link types), so a probe changes nothing on the host.  The kernel's config, when it can be
 * read, adds each feature's CONFIG_ option.  kernel-notes/ explains every feature.
 */
#ifndef VX_CHECK_H
#define VX_CHECK_H

#include <stdbool.h>

#include "core/err.h"

/* Print the report (text or JSON); 0 when every required feature is there, 1 when one is
 * missing, -1 on an error of our own. */
int check_run(bool json, struct vx_err *err);

#endif
