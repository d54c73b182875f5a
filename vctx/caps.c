// SPDX-License-Identifier: GPL-2.0-or-later
#include "caps.h"

#include <cap-ng.h>
#include <errno.h>
#include <linux/capability.h>

#include "util.h"

static const int default_drop[] = {
	CAP_SYS_MODULE,	  CAP_SYS_RAWIO,  CAP_SYS_TIME,	      CAP_SYS_PACCT,	 CAP_SYSLOG,
	CAP_MAC_ADMIN,	  CAP_MAC_OVERRIDE, CAP_AUDIT_CONTROL, CAP_AUDIT_READ,	 CAP_WAKE_ALARM,
	CAP_BLOCK_SUSPEND, CAP_BPF,	  CAP_PERFMON,	      CAP_CHECKPOINT_RESTORE, CAP_NET_RAW,
};

uint64_t caps_dropped(const struct vx_conf *conf)
{
	uint64_t mask = conf->cap_drop;
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(default_drop); i++)
		mask |= 1ull << default_drop[i];
	return mask & ~conf->cap_keep;
}

int caps_apply(const struct vx_conf *conf, struct vx_err *err)
{
	uint64_t drop = caps_dropped(conf);
	int cap;

	/* Start from what the process holds now (all of them, in its user namespace). */
	if (capng_get_caps_process() < 0)
		return vx_fail(err, EIO, "cannot read the process's capabilities");
	for (cap = 0; cap <= CAP_LAST_CAP; cap++) {
		if (!(drop & (1ull << cap)))
			continue;
		if (capng_update(CAPNG_DROP, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_INHERITABLE |
						     CAPNG_BOUNDING_SET | CAPNG_AMBIENT, cap) < 0)
			return vx_fail(err, EINVAL, "cannot drop capability %s",
				       capng_capability_to_name(cap));
	}
	if (capng_apply(CAPNG_SELECT_ALL) < 0)
		return vx_fail(err, EPERM, "cannot apply the capability policy");
	return 0;
}
