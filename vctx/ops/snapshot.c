// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops/snapshot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/conf.h"
#include "core/paths.h"
#include "core/state.h"
#include "core/template.h"
#include "core/util.h"
#include "kernel/storage.h"
#include "ops/freeze.h"
#include "ops/handle.h"

static int snapshot_path(char *buf, size_t len, const char *name, const char *snap)
{
	char dir[PATH_MAX];

	if (path_ctxdir(dir, sizeof(dir), name, "snapshots") < 0 ||
	    xsnprintf(buf, len, "%s%s%s", dir, snap ? "/" : "", snap ? snap : "") < 0)
		return -1;
	return 0;
}

int snapshot_create(const char *name, const char *snap, char *made, size_t madelen, bool wait,
		    const struct proc_watch *watch, struct vx_err *err)
{
	char dir[PATH_MAX], final[PATH_MAX], tmp[PATH_MAX], conf_from[PATH_MAX], conf_to[PATH_MAX];
	char stamp[VX_NAME_MAX + 1];
	struct vx_handle h;
	int frozen = -1, r = -1, i;

	if (snap && parse_name(snap, "snapshot", err) < 0)
		return -1;
	if (handle_open(&h, name, H_CONF | H_LOCK | (wait ? H_WAIT : 0), err) < 0)
		return -1;
	storage_sweep(name);
	/* Named after the time; a second one in the same second gets -2, -3, ... */
	for (i = 1; !snap; i++) {
		time_t now = time(NULL);
		size_t n = strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&now));

		if (i > 1)
			snprintf(stamp + n, sizeof(stamp) - n, "-%d", i);
		if (snapshot_path(final, sizeof(final), name, stamp) < 0 || access(final, F_OK) < 0 ||
		    i == 100)
			snap = stamp;
	}
	if (snapshot_path(dir, sizeof(dir), name, NULL) < 0 ||
	    snapshot_path(final, sizeof(final), name, snap) < 0 ||
	    xsnprintf(tmp, sizeof(tmp), "%s/.tmp-%s", dir, snap) < 0 ||
	    path_ctxdir(conf_from, sizeof(conf_from), name, NULL) < 0 ||
	    path_conf(conf_to, sizeof(conf_to), name) < 0) {
		handle_close(&h);
		return vx_fail(err, ENAMETOOLONG, "path too long");
	}
	if ((mkdir(dir, 0700) < 0 && errno != EEXIST) || (mkdir(tmp, 0700) < 0 && errno != EEXIST)) {
		vx_failsys(err, "cannot create %s", tmp);
		handle_close(&h);
		return -1;
	}
	if (access(final, F_OK) == 0) {
		vx_fail(err, EEXIST, "snapshot %s of %s already exists", snap, name);
		goto out;
	}
	if (freeze_context(name, &frozen, err) < 0)
		goto out;
	if (storage_copy_layer(conf_from, tmp, 0, watch, err) < 0)
		goto out;
	freeze_thaw(&frozen);
	/* The config as it was, for the record (restore leaves the current one). */
	if (xsnprintf(conf_from, sizeof(conf_from), "%s/vctx.conf", tmp) < 0) {
		vx_fail(err, ENAMETOOLONG, "path too long");
		goto out;
	}
	if (copy_text(conf_to, conf_from, err) < 0)
		goto out;
	if (rename(tmp, final) < 0) {
		vx_failsys(err, "cannot rename %s", tmp);
		goto out;
	}
	if (made)
		snprintf(made, madelen, "%s", snap);
	r = 0;
out:
	freeze_thaw(&frozen);
	if (r < 0) {
		rm_rf(tmp, NULL);
		vx_prefix(err, "snapshot of %s", name);
	}
	handle_close(&h);
	return r;
}

int snapshot_list(const char *name, struct snapshot_info **out, struct vx_err *err)
{
	char dir[PATH_MAX], path[PATH_MAX + 300];
	struct snapshot_info *v = NULL;
	struct vx_handle h;
	struct dirent *de;
	int n = 0;
	DIR *d;

	*out = NULL;
	if (handle_open(&h, name, H_CONF, err) < 0)
		return -1;
	handle_close(&h);
	if (snapshot_path(dir, sizeof(dir), name, NULL) < 0)
		return vx_fail(err, ENAMETOOLONG, "path too long");
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : vx_failsys(err, "cannot read %s", dir);
	while ((de = readdir(d))) {
		struct snapshot_info *nv;
		struct stat st;

		if (de->d_name[0] == '.' || strlen(de->d_name) > VX_NAME_MAX)
			continue;
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv) {
			free(v);
			closedir(d);
			return vx_fail(err, ENOMEM, "out of memory");
		}
		v = nv;
		snprintf(v[n].name, sizeof(v[n].name), "%s", de->d_name);
		snprintf(path, sizeof(path), "%s/%s/vctx.conf", dir, de->d_name);
		v[n].created = stat(path, &st) == 0 ? st.st_mtime : 0;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		v[n].bytes = template_tree_size(path);
		n++;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), (int (*)(const void *, const void *))strcmp);
	*out = v;
	return n;
}

int snapshot_delete(const char *name, const char *snap, bool wait, struct vx_err *err)
{
	char final[PATH_MAX], dir[PATH_MAX], tmp[PATH_MAX];
	struct vx_handle h;
	int r = -1;

	if (parse_name(snap, "snapshot", err) < 0 ||
	    handle_open(&h, name, H_CONF | H_LOCK | (wait ? H_WAIT : 0), err) < 0)
		return -1;
	if (snapshot_path(dir, sizeof(dir), name, NULL) < 0 ||
	    snapshot_path(final, sizeof(final), name, snap) < 0 ||
	    xsnprintf(tmp, sizeof(tmp), "%s/.tmp-deleting-%s", dir, snap) < 0)
		vx_fail(err, ENAMETOOLONG, "path too long");
	else if (access(final, F_OK) < 0)
		vx_fail(err, ENOENT, "%s has no snapshot %s (see 'vctx snapshot list %s')", name,
			snap, name);
	/* Gone from the list at once; removed now, or by the next command if killed. */
	else if (rename(final, tmp) < 0)
		vx_failsys(err, "cannot remove %s", final);
	else
		r = rm_rf(tmp, err);
	handle_close(&h);
	return r;
}

/* The snapshot's layer copied aside, then swapped with the context's in one exchange. */
static int snapshot_exists(const char *name, const char *snap, struct vx_err *err)
{
	char src[PATH_MAX];

	if (snapshot_path(src, sizeof(src), name, snap) < 0)
		return vx_fail(err, ENAMETOOLONG, "path too long");
	if (access(src, F_OK) < 0)
		return vx_fail(err, ENOENT, "%s has no snapshot %s (see 'vctx snapshot list %s')", name,
			       snap, name);
	return 0;
}

static int restore_layer(const char *name, const char *snap, bool disk, struct vx_err *err)
{
	char src[PATH_MAX], dir[PATH_MAX], tmp[PATH_MAX], a[PATH_MAX + 16], b[PATH_MAX + 16];
	const char *layer = disk ? "disk.img" : "upper";
	struct stat st;

	if (snapshot_path(src, sizeof(src), name, snap) < 0 ||
	    path_ctxdir(dir, sizeof(dir), name, NULL) < 0 ||
	    xsnprintf(tmp, sizeof(tmp), "%s/.tmp-restore", dir) < 0)
		return vx_fail(err, ENAMETOOLONG, "path too long");
	snprintf(a, sizeof(a), "%s/%s", src, layer);
	if (lstat(a, &st) < 0)
		return disk ? vx_fail(err, EINVAL, "snapshot %s of %s was taken without a disk "
				      "image: move %s off its image first ('vctx set %s disk=')",
				      snap, name, name, name)
			    : vx_fail(err, EINVAL, "snapshot %s of %s was taken with a disk image: "
				      "move %s onto one first ('vctx set %s disk=SIZE')",
				      snap, name, name, name);
	if (mkdir(tmp, 0700) < 0)
		return vx_failsys(err, "cannot create %s", tmp);
	if (storage_copy_layer(src, tmp, 0, NULL, err) < 0) {
		rm_rf(tmp, NULL);
		return vx_prefix(err, "cannot restore %s", name);
	}
	/* One atomic exchange: the context has either its old layer or the snapshot's. */
	snprintf(a, sizeof(a), "%s/%s", tmp, layer);
	snprintf(b, sizeof(b), "%s/%s", dir, layer);
	if (renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) < 0) {
		vx_failsys(err, "cannot put the snapshot in place");
		rm_rf(tmp, NULL);
		return -1;
	}
	if (!disk) {
		/* overlayfs' work directory belongs to the old upper layer. */
		snprintf(a, sizeof(a), "%s/work", dir);
		snprintf(b, sizeof(b), "%s/old-work", tmp);
		if (rename(a, b) < 0 || mkdir(a, 0700) < 0)
			vx_failsys(err, "cannot renew %s", a);
	}
	rm_rf(tmp, NULL);
	return 0;
}

int snapshot_restore(const char *name, const char *snap, bool wait, struct vx_err *err)
{
	struct vx_handle h;
	int r = -1;

	if (parse_name(snap, "snapshot", err) < 0 ||
	    handle_open(&h, name, H_CONF | H_LOCK | (wait ? H_WAIT : 0) | H_STATE, err) < 0)
		return -1;
	if (snapshot_exists(name, snap, err) < 0)
		goto out;
	if (handle_alive(&h)) {
		vx_fail(err, EBUSY, "%s is running: stop it first", name);
		goto out;
	}
	storage_sweep(name);
	r = restore_layer(name, snap, h.conf.disk.set, err);
out:
	handle_close(&h);
	return r;
}
