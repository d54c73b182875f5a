/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * caps.h — the capabilities of a context (libcap-ng's owner file).
 *
 * Root inside holds every capability of its own user namespace, which only reaches the
 * context's own objects.  On top of that the default policy takes out of the bounding set
 * (and every other set) what a tenant must never have, even over its own objects:
 *   sys_module sys_rawio sys_time sys_pacct syslog mac_admin mac_override audit_control
 *   audit_read wake_alarm block_suspend bpf perfmon checkpoint_restore, and net_raw
 * (ping works through unprivileged ICMP sockets: vctx opens ping_group_range inside).
 * cap-drop adds to the list; cap-keep takes out of it.
 */
#ifndef VX_CAPS_H
#define VX_CAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/conf.h"
#include "core/err.h"

/* The capabilities the context loses (bit N = capability N). */
uint64_t caps_dropped(const struct vx_conf *conf);

/* In the child before exec: drop them from the bounding, permitted, effective and
 * inheritable sets. */
int caps_apply(const struct vx_conf *conf, struct vx_err *err);

#endif
