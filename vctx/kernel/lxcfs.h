/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lxcfs.h — a context's own view of /proc through lxcfs (Debian's lxcfs package), a FUSE file
 * system made for this: its proc/meminfo, cpuinfo, stat, uptime, loadavg, diskstats, swaps
 * and sys/devices/system/cpu answer each reader with the numbers of its own cgroup (the
 * memory limit as MemTotal, the cpuset as the CPUs, its pid namespace's init for uptime).
 * vctx binds those files over the context's, read-only and locked like the masks.
 *
 * lxcfs runs as the host's service (mounted at /var/lib/lxcfs, PREFIX/var/lib/lxcfs with a
 * prefix); vctx does not start it.  What it cannot cover: programs that ask the kernel
 * directly (sysinfo(2): busybox free, the JVM's older versions; sched_getaffinity: nproc
 * follows `cpus`, not `cpu-max`).
 */
#ifndef VX_LXCFS_H
#define VX_LXCFS_H

#include <stddef.h>

#include "core/err.h"

/* The files bound over the context's (relative to the lxcfs mount and to the context's /). */
extern const char *const lxcfs_files[];
extern const unsigned lxcfs_nfiles;

/* 1: lxcfs serves at vx_paths.lxcfs; 0: it is not there; -1: its mount is there but dead
 * (lxcfs was killed: Transport endpoint is not connected), err says so. */
int lxcfs_probe(struct vx_err *err);

#endif
