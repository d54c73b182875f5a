/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * paths.h — where everything lives.  All state is under one prefix ("" = the real system;
 * tests and the demo use their own), so a test never touches a real installation:
 *
 *   PREFIX/etc/vctx/NAME.conf            the context's configuration
 *   PREFIX/var/lib/vctx/templates/T/     template: rootfs/ and template.conf
 *   PREFIX/var/lib/vctx/contexts/NAME/   upper/, work/, disk image, snapshots
 *   PREFIX/run/vctx/NAME/                state, sockets, supervisor lock
 *   PREFIX/var/log/vctx/NAME/            syslog, console log, supervisor log
 *   PREFIX/var/cache/vctx/               downloaded images (template builders' cache)
 */
#ifndef VX_PATHS_H
#define VX_PATHS_H

#include <limits.h>
#include <stddef.h>

#include "core/err.h"
#include "core/parse.h"

/* A path under the prefix: the prefix is at most 1024 bytes (paths_init), and what follows
 * it is a fixed directory, a name and a few components.  Buffers of this size instead of
 * PATH_MAX keep a supervisor's state on fewer pages; path_* refuse what would not fit. */
#define VX_PATH_MAX 1280

struct vx_paths {
	char prefix[VX_PATH_MAX];
	char etc[VX_PATH_MAX];
	char templates[VX_PATH_MAX];
	char contexts[VX_PATH_MAX];
	char run[VX_PATH_MAX];
	char log[VX_PATH_MAX];
	char cache[VX_PATH_MAX];
	char lxcfs[VX_PATH_MAX];		/* where lxcfs is mounted (lxcfs.service's default) */
	char builders[PATH_MAX];	/* template builder scripts */
	char cgroup_parent[VX_NAME_MAX + 1];
};

extern struct vx_paths vx_paths;

/* From the --prefix option or $VCTX_PREFIX, $VCTX_TEMPLATE_DIR and $VCTX_CGROUP_PARENT. */
int paths_init(const char *prefix, struct vx_err *err);

/* Create the top directories (0700: tenants' files and templates stay private). */
int paths_mkdirs(struct vx_err *err);

/* Per-context and per-template paths; each returns 0 or -1 (ENAMETOOLONG). */
int path_conf(char *buf, size_t len, const char *name);
int path_ctxdir(char *buf, size_t len, const char *name, const char *sub);
int path_rundir(char *buf, size_t len, const char *name, const char *sub);
int path_logdir(char *buf, size_t len, const char *name, const char *sub);
int path_tpldir(char *buf, size_t len, const char *tpl, const char *sub);

/* One of vctx's helper programs, found beside the running binary: an O_PATH descriptor. */
int paths_helper(const char *name, struct vx_err *err);

#endif
