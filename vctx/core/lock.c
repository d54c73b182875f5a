// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "core/paths.h"
#include "core/util.h"

static int lock_path(char *buf, size_t len, const char *name)
{
	return xsnprintf(buf, len, "%s/%s.lock", vx_paths.run, name);
}

int lock_context(const char *name, bool wait, struct vx_err *err)
{
	char path[PATH_MAX];

	if (lock_path(path, sizeof(path), name) < 0)
		return vx_failsys(err, "%s: lock path", name);
	return lock_file(path, name, wait, err);
}

int lock_file(const char *path, const char *name, bool wait, struct vx_err *err)
{
	for (;;) {
		_cleanup_close_ int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		struct stat a, b;

		if (fd < 0)
			return vx_failsys(err, "cannot open %s", path);
		if (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
			if (errno == EWOULDBLOCK)
				return vx_fail(err, EBUSY, "%s is busy: another vctx command is "
					       "working on it (use --wait to wait for it)", name);
			return vx_failsys(err, "cannot lock %s", path);
		}
		/* destroy unlinks the file while holding it: make sure we locked the file that is
		 * still there, not an unlinked one. */
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev)
			return take_fd(&fd);
	}
}

void lock_context_remove(const char *name)
{
	char path[PATH_MAX];

	if (lock_path(path, sizeof(path), name) == 0)
		unlink(path);
}

static int sup_path(char *buf, size_t len, const char *name)
{
	return path_rundir(buf, len, name, "supervisor.lock");
}

int lock_supervisor_hold(const char *name, struct vx_err *err)
{
	char path[PATH_MAX];
	_cleanup_close_ int fd = -1;

	if (sup_path(path, sizeof(path), name) < 0)
		return vx_failsys(err, "supervisor lock path");
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return vx_failsys(err, "cannot open %s", path);
	/* Blocking: a concurrent lock_supervisor_alive() probe holds it shared for a moment only. */
	if (flock(fd, LOCK_EX) < 0)
		return vx_failsys(err, "cannot lock %s", path);
	return take_fd(&fd);
}

bool lock_supervisor_alive(const char *name)
{
	char path[PATH_MAX];
	_cleanup_close_ int fd = -1;

	if (sup_path(path, sizeof(path), name) < 0)
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	return flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
}

int lock_supervisor_wait(const char *name, struct vx_err *err)
{
	char path[PATH_MAX];
	_cleanup_close_ int fd = -1;

	if (sup_path(path, sizeof(path), name) < 0)
		return vx_failsys(err, "supervisor lock path");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : vx_failsys(err, "cannot open %s", path);
	while (flock(fd, LOCK_SH) < 0) {
		if (errno != EINTR)
			return vx_failsys(err, "cannot wait for the supervisor of %s", name);
	}
	return 0;
}
