// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel/lxcfs.h"

#include <errno.h>
#include <stdio.h>
#include <sys/statfs.h>

#include "core/paths.h"
#include "core/util.h"

#define FUSE_SUPER_MAGIC 0x65735546

const char *const lxcfs_files[] = {
	"proc/meminfo", "proc/cpuinfo", "proc/stat",	   "proc/uptime",
	"proc/loadavg", "proc/diskstats", "proc/swaps", "sys/devices/system/cpu",
};
const unsigned lxcfs_nfiles = ARRAY_SIZE(lxcfs_files);

int lxcfs_probe(struct vx_err *err)
{
	char path[PATH_MAX + 16];
	struct statfs sf;

	snprintf(path, sizeof(path), "%s/proc/meminfo", vx_paths.lxcfs);
	if (statfs(path, &sf) == 0 && (unsigned long)sf.f_type == FUSE_SUPER_MAGIC)
		return 1;
	if (errno == ENOTCONN)
		return vx_fail(err, ENOTCONN, "lxcfs at %s is dead (was it killed? restart it: "
			       "systemctl restart lxcfs)", vx_paths.lxcfs);
	return 0;
}
