/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * limitmap.h — how each [limits] key reads in cgroup v2 and in cgroup v1.  Pure: it turns a
 * config into (controller, file, value) settings; cgroup.c writes them into the cgroup files.
 *
 *   key          cgroup v2                    cgroup v1
 *   memory       memory.max                   memory.limit_in_bytes
 *   memory-swap  memory.swap.max (swap only)  memory.memsw.limit_in_bytes (memory + swap)
 *   cpu-weight   cpu.weight (1-10000)         cpu.shares (weight * 1024 / 100)
 *   cpu-max      cpu.max "quota period"       cpu.cfs_quota_us (period 100 ms)
 *   cpus         cpuset.cpus                  cpuset.cpus
 *   pids         pids.max                     pids.max
 *   io-weight    io.weight "default N"        blkio.weight (weight * 5, 10-1000)
 */
#ifndef VX_LIMITMAP_H
#define VX_LIMITMAP_H

#include <stdbool.h>

#include "core/conf.h"
#include "core/err.h"

#define VX_CPU_PERIOD_US 100000

struct cg_setting {
	const char *key;	/* the config key it comes from */
	const char *ctrl;	/* controller (its name in /proc/cgroups) */
	const char *file;
	char value[64];
};

/* The settings for every limit the config sets; v2 selects the v2 column.  Returns how
 * many were written to out (at most max). */
int limitmap_translate(const struct vx_conf *conf, bool v2, struct cg_setting *out, unsigned max);

/* The settings for one key only (for `vctx set`); 0 if the key is not a limit. */
int limitmap_translate_key(const struct vx_conf *conf, bool v2, const char *key,
			 struct cg_setting *out, unsigned max);

/* Limits the config leaves unset get their neutral value (no limit, default weight), so
 * that resetting a key on a running context takes the old limit away. */
void limitmap_neutral(struct vx_conf *conf);

#endif
