// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/paths.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

struct vx_paths vx_paths;

/* Paths end up in overlayfs mount options: refuse the characters that separate them. */
static int check_dir(const char *what, const char *p, struct vx_err *err)
{
	if (parse_abspath(p, err) < 0)
		return vx_prefix(err, "%s", what);
	if (strpbrk(p, ",:\\ \t\n="))
		return vx_fail(err, EINVAL, "%s '%s' may not contain ',', ':', '=', '\\' or blanks",
			       what, p);
	if (strlen(p) > 1024)
		return vx_fail(err, ENAMETOOLONG, "%s is longer than 1024 bytes", what);
	return 0;
}

/* The template builders sit beside the binary that runs: ../share/vctx/templates from an
 * installed sbin/vctx (whatever PREFIX was), ../templates from the build tree's vctx/vctx.
 * Nothing is compiled in, so a binary never looks in a stale place. */
static void paths_builders(char *buf, size_t len)
{
	static const char *const where[] = { "../share/vctx/templates", "../templates" };
	char self[PATH_MAX], try[PATH_MAX + 32], real[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct stat st;
	unsigned i;

	if (n <= 0) {
		snprintf(buf, len, "/usr/share/vctx/templates");
		return;
	}
	self[n] = '\0';
	slash = strrchr(self, '/');
	*slash = '\0';
	for (i = 0; i < ARRAY_SIZE(where); i++) {
		if (xsnprintf(try, sizeof(try), "%s/%s", self, where[i]) == 0 && realpath(try, real) && stat(real, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (xsnprintf(buf, len, "%s", real) == 0)
				return;
		}
	}
	/* None there: name where `make install` puts them, for the error that follows. */
	if (xsnprintf(buf, len, "%s/%s", self, where[0]) < 0)
		snprintf(buf, len, "/usr/share/vctx/templates");
}

int paths_init(const char *prefix, struct vx_err *err)
{
	struct vx_paths *p = &vx_paths;
	const char *env;

	memset(p, 0, sizeof(*p));
	if (!prefix)
		prefix = getenv("VCTX_PREFIX");
	if (prefix && *prefix) {
		if (check_dir("prefix", prefix, err) < 0)
			return -1;
		snprintf(p->prefix, sizeof(p->prefix), "%s", prefix);
		/* "/x/" and "/x" are the same prefix; "/" is the real system. */
		while (strlen(p->prefix) > 0 && p->prefix[strlen(p->prefix) - 1] == '/')
			p->prefix[strlen(p->prefix) - 1] = '\0';
	}
	snprintf(p->etc, sizeof(p->etc), "%s/etc/vctx", p->prefix);
	snprintf(p->templates, sizeof(p->templates), "%s/var/lib/vctx/templates", p->prefix);
	snprintf(p->contexts, sizeof(p->contexts), "%s/var/lib/vctx/contexts", p->prefix);
	snprintf(p->run, sizeof(p->run), "%s/run/vctx", p->prefix);
	snprintf(p->log, sizeof(p->log), "%s/var/log/vctx", p->prefix);
	snprintf(p->cache, sizeof(p->cache), "%s/var/cache/vctx", p->prefix);
	snprintf(p->lxcfs, sizeof(p->lxcfs), "%s/var/lib/lxcfs", p->prefix);

	env = getenv("VCTX_TEMPLATE_DIR");
	if (env && *env) {
		if (check_dir("VCTX_TEMPLATE_DIR", env, err) < 0)
			return -1;
		snprintf(p->builders, sizeof(p->builders), "%s", env);
	} else {
		paths_builders(p->builders, sizeof(p->builders));
	}

	env = getenv("VCTX_CGROUP_PARENT");
	snprintf(p->cgroup_parent, sizeof(p->cgroup_parent), "%s", env && *env ? env : "vctx");
	if (parse_name(p->cgroup_parent, "cgroup parent", err) < 0)
		return vx_prefix(err, "VCTX_CGROUP_PARENT");
	return 0;
}

int paths_mkdirs(struct vx_err *err)
{
	const char *dirs[] = { vx_paths.etc, vx_paths.templates, vx_paths.contexts,
			       vx_paths.run, vx_paths.log };
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		if (mkdir_p(dirs[i], 0700) < 0)
			return vx_failsys(err, "cannot create %s", dirs[i]);
	}
	return 0;
}

static int join(char *buf, size_t len, const char *dir, const char *name, const char *sub)
{
	if (sub && *sub)
		return xsnprintf(buf, len, "%s/%s/%s", dir, name, sub);
	return xsnprintf(buf, len, "%s/%s", dir, name);
}

int path_conf(char *buf, size_t len, const char *name)
{
	return xsnprintf(buf, len, "%s/%s.conf", vx_paths.etc, name);
}

int path_ctxdir(char *buf, size_t len, const char *name, const char *sub)
{
	return join(buf, len, vx_paths.contexts, name, sub);
}

int path_rundir(char *buf, size_t len, const char *name, const char *sub)
{
	return join(buf, len, vx_paths.run, name, sub);
}

int path_logdir(char *buf, size_t len, const char *name, const char *sub)
{
	return join(buf, len, vx_paths.log, name, sub);
}

int path_tpldir(char *buf, size_t len, const char *tpl, const char *sub)
{
	return join(buf, len, vx_paths.templates, tpl, sub);
}

/* A helper program of vctx's (vctx-exec, vctx-supervise): next to this binary (the build
 * tree, or one directory), or in ../lib/vctx/ or ../libexec/vctx/ from it (an installed
 * /usr/sbin/vctx).  Opened O_PATH, to be executed through the descriptor. */
int paths_helper(const char *name, struct vx_err *err)
{
	static const char *const where[] = { "", "../lib/vctx/", "../libexec/vctx/" };
	char self[PATH_MAX], path[PATH_MAX + 64], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct stat st;
	unsigned i;

	if (n <= 0)
		return vx_failsys(err, "cannot find vctx's own binary");
	self[n] = '\0';
	slash = strrchr(self, '/');
	*slash = '\0';
	for (i = 0; i < ARRAY_SIZE(where); i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/%s%s", self, where[i], name);
		fd = open(path, O_PATH | O_CLOEXEC);
		if (fd < 0)
			continue;
		/* Root's, and nobody else may write it: it runs as root, vctx-exec inside every
		 * context. */
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == 0 &&
		    !(st.st_mode & 022))
			return fd;
		close(fd);
		return vx_fail(err, EPERM, "%s must be a file of root's that only root may write",
			       path);
	}
	return vx_fail(err, ENOENT, "cannot find %s next to %s/vctx (make install puts it in "
		       "../lib/vctx/)", name, self);
}
