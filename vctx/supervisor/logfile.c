// SPDX-License-Identifier: GPL-2.0-or-later
#include "supervisor/logfile.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

#define LOGFILE_FLAGS (O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW)

void logfile_init(struct vx_logfile *f)
{
	f->fd = -1;
	f->path[0] = '\0';
	f->size = f->max = 0;
}

int logfile_open(struct vx_logfile *f, const char *path, uint64_t max, struct vx_err *err)
{
	struct stat st;

	if (xsnprintf(f->path, sizeof(f->path), "%s", path) < 0)
		return vx_failsys(err, "log path");
	f->max = max;
	f->fd = open(path, LOGFILE_FLAGS, 0600);
	if (f->fd < 0)
		return vx_failsys(err, "cannot open %s", path);
	f->size = fstat(f->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
	return 0;
}

void logfile_write(struct vx_logfile *f, const void *buf, size_t len)
{
	char old[PATH_MAX + 8];

	if (f->fd < 0)
		return;
	if (f->max && f->size + len > f->max) {
		/* Keep one older file: at most twice the bound on disk. */
		snprintf(old, sizeof(old), "%s.1", f->path);
		rename(f->path, old);
		close(f->fd);
		f->fd = open(f->path, LOGFILE_FLAGS | O_TRUNC, 0600);
		f->size = 0;
		if (f->fd < 0)
			return;
	}
	if (write_full(f->fd, buf, len) == 0)
		f->size += len;
}

void logfile_close(struct vx_logfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}
