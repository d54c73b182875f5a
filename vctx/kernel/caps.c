// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel/caps.h"

#include <cap-ng.h>
#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>

#include "core/util.h"

uint64_t caps_dropped(const struct vx_conf *conf)
{
	return (conf->cap_drop | VX_CAPS_DEFAULT_DROP) & ~conf->cap_keep;
}

int caps_apply(const struct vx_conf *conf, struct vx_err *err)
{
	uint64_t drop = caps_dropped(conf);
	int cap;

	/* Start from what the process holds now (all of them, in its user namespace). */
	if (capng_get_caps_process() < 0)
		return vx_fail(err, EIO, "cannot read the process's capabilities");
	/* The bounding set first, while CAP_SETPCAP is still effective.  Straight through
	 * prctl: libcap-ng's capng_apply(CAPNG_SELECT_BOUNDS) reads the whole process state
	 * from /proc twice more around the same calls, a third of an exec's time in policy. */
	for (cap = 0; cap <= CAP_LAST_CAP; cap++) {
		if (!(drop & (1ull << cap)))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return vx_failsys(err, "cannot drop capability %s from the bounding set",
					  capng_capability_to_name(cap));
		if (capng_update(CAPNG_DROP, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_INHERITABLE,
				 cap) < 0)
			return vx_fail(err, EINVAL, "cannot drop capability %s",
				       capng_capability_to_name(cap));
	}
	/* The kernel takes out of the ambient set what leaves the permitted or inheritable. */
	if (capng_apply(CAPNG_SELECT_CAPS) < 0)
		return vx_fail(err, EPERM, "cannot apply the capability policy");
	return 0;
}
