// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/rlimits.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#define INF RLIM_INFINITY
#define MIB (1024 * 1024)

/* The kernel's defaults (include/asm-generic/resource.h), nofile as systemd's services. */
static const struct {
	int res;
	rlim_t soft, hard;
} defaults[] = {
	{ RLIMIT_CPU, INF, INF },	  { RLIMIT_FSIZE, INF, INF },
	{ RLIMIT_DATA, INF, INF },	  { RLIMIT_STACK, 8 * MIB, INF },
	{ RLIMIT_CORE, 0, INF },	  { RLIMIT_RSS, INF, INF },
	{ RLIMIT_NOFILE, 1024, 524288 },  { RLIMIT_AS, INF, INF },
	{ RLIMIT_MEMLOCK, 8 * MIB, 8 * MIB }, { RLIMIT_LOCKS, INF, INF },
	{ RLIMIT_MSGQUEUE, 819200, 819200 }, { RLIMIT_NICE, 0, 0 },
	{ RLIMIT_RTPRIO, 0, 0 },	  { RLIMIT_RTTIME, INF, INF },
	{ RLIMIT_NPROC, 0, 0 },		  { RLIMIT_SIGPENDING, 0, 0 },	/* threads-max / 2 */
};

static void set_from(const struct vx_rlimit *c, struct rlimit *r)
{
	if (c->set) {
		r->rlim_cur = c->soft;
		r->rlim_max = c->hard;
	}
}

void rlimits_plan(const struct vx_conf *conf, unsigned long threads_max, struct rlimit *out)
{
	unsigned i;

	memset(out, 0, RLIM_NLIMITS * sizeof(*out));
	for (i = 0; i < ARRAY_SIZE(defaults); i++) {
		out[defaults[i].res].rlim_cur = defaults[i].soft;
		out[defaults[i].res].rlim_max = defaults[i].hard;
	}
	out[RLIMIT_NPROC].rlim_cur = out[RLIMIT_NPROC].rlim_max = threads_max / 2;
	out[RLIMIT_SIGPENDING].rlim_cur = out[RLIMIT_SIGPENDING].rlim_max = threads_max / 2;
	set_from(&conf->rl_nofile, &out[RLIMIT_NOFILE]);
	set_from(&conf->rl_nproc, &out[RLIMIT_NPROC]);
	set_from(&conf->rl_memlock, &out[RLIMIT_MEMLOCK]);
	set_from(&conf->rl_stack, &out[RLIMIT_STACK]);
	set_from(&conf->rl_core, &out[RLIMIT_CORE]);
}

int rlimits_apply(pid_t pid, const struct vx_conf *conf, struct vx_err *err)
{
	struct rlimit want[RLIM_NLIMITS], now;
	char buf[32];
	unsigned long tmax = 0;
	int res;

	if (read_file_at(AT_FDCWD, "/proc/sys/kernel/threads-max", buf, sizeof(buf)) > 0)
		tmax = strtoul(buf, NULL, 10);
	rlimits_plan(conf, tmax ? tmax : 2 * 31768, want);
	for (res = 0; res < RLIM_NLIMITS; res++) {
		if (prlimit(pid, res, &want[res], NULL) == 0)
			continue;
		/* Raising a hard limit takes CAP_SYS_RESOURCE: as high as we may go, then. */
		if (errno != EPERM || prlimit(pid, res, NULL, &now) < 0)
			return vx_failsys(err, "cannot set resource limit %d", res);
		if (want[res].rlim_max > now.rlim_max)
			want[res].rlim_max = now.rlim_max;
		if (want[res].rlim_cur > want[res].rlim_max)
			want[res].rlim_cur = want[res].rlim_max;
		if (prlimit(pid, res, &want[res], NULL) < 0)
			return vx_failsys(err, "cannot set resource limit %d", res);
	}
	return 0;
}
