// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops/snapshot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/cfgedit.h"
#include "core/conf.h"
#include "supervisor/ctl.h"
#include "ops/ctx.h"
#include "core/lock.h"
#include "core/paths.h"
#include "core/state.h"
#include "kernel/storage.h"
#include "core/template.h"
#include "core/util.h"

/* --- freezing a running context -------------------------------------------------------------- */

/* A running context is frozen by its supervisor for as long as *fd stays open; a stopped one
 * needs nothing (*fd = -1). */
static int freeze_ctx(const char *name, int *fd, struct vx_err *err)
{
	char ans[VX_ERR_MSG + 16];
	struct vx_runstate st;
	bool supervised, alive;
	enum vx_state state;

	*fd = -1;
	if (state_probe(name, &st, err) < 0)
		return -1;
	supervised = st.supervised;
	alive = st.init_alive;
	state = st.state;
	state_free(&st);
	if (!supervised && alive)
		return vx_fail(err, EBUSY, "%s runs without its supervisor: stop it first", name);
	if (!supervised)
		return 0;
	if (state != VX_RUNNING)
		return vx_fail(err, EBUSY, "%s is %s: try again", name, state_str(state));
	*fd = ctl_request(name, "freeze", ans, sizeof(ans), err);
	if (*fd < 0)
		return -1;
	if (strcmp(ans, "ok") != 0) {
		close(*fd);
		*fd = -1;
		return vx_fail(err, EBUSY, "%s", strncmp(ans, "error ", 6) == 0 ? ans + 6 : ans);
	}
	return 0;
}

static void thaw_ctx(int *fd)
{
	if (*fd < 0)
		return;
	write_full(*fd, "thaw\n", 5);
	close(*fd);
	*fd = -1;
}

static int stopped(const char *name, struct vx_err *err)
{
	struct vx_runstate st;
	bool busy;

	if (state_probe(name, &st, err) < 0)
		return -1;
	busy = st.supervised || st.init_alive;
	state_free(&st);
	return busy ? vx_fail(err, EBUSY, "%s is running: stop it first", name) : 0;
}

static int copy_text(const char *from, const char *to, struct vx_err *err)
{
	_cleanup_free_ char *text = read_text(from, 1 << 20, err);

	return text ? write_atomic(to, text, strlen(text), 0600, false, err) : -1;
}

/* --- snapshots ------------------------------------------------------------------------------- */

static int snap_path(char *buf, size_t len, const char *name, const char *snap)
{
	char dir[PATH_MAX];

	if (path_ctxdir(dir, sizeof(dir), name, "snapshots") < 0 ||
	    xsnprintf(buf, len, "%s%s%s", dir, snap ? "/" : "", snap ? snap : "") < 0)
		return -1;
	return 0;
}

int snap_create(const char *name, const char *snap, bool wait, struct vx_err *err)
{
	char dir[PATH_MAX], final[PATH_MAX], tmp[PATH_MAX], conf_from[PATH_MAX], conf_to[PATH_MAX];
	char stamp[32];
	_cleanup_close_ int lock = -1;
	struct vx_conf conf;
	int frozen = -1, r = -1;

	if (ctx_load(name, &conf, err) < 0)
		return -1;
	conf_free(&conf);
	if (!snap) {
		time_t now = time(NULL);

		strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&now));
		snap = stamp;
	}
	if (parse_name(snap, "snapshot", err) < 0)
		return -1;
	lock = ctx_lock(name, wait, err);
	if (lock < 0)
		return -1;
	storage_sweep(name);
	if (snap_path(dir, sizeof(dir), name, NULL) < 0 ||
	    snap_path(final, sizeof(final), name, snap) < 0 ||
	    xsnprintf(tmp, sizeof(tmp), "%s/.tmp-%s", dir, snap) < 0 ||
	    path_ctxdir(conf_from, sizeof(conf_from), name, NULL) < 0 ||
	    path_conf(conf_to, sizeof(conf_to), name) < 0)
		return vx_fail(err, ENAMETOOLONG, "path too long");
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return vx_failsys(err, "cannot create %s", dir);
	if (access(final, F_OK) == 0)
		return vx_fail(err, EEXIST, "snapshot %s of %s already exists", snap, name);
	if (mkdir(tmp, 0700) < 0)
		return vx_failsys(err, "cannot create %s", tmp);
	if (freeze_ctx(name, &frozen, err) < 0)
		goto out;
	if (storage_copy_layer(conf_from, tmp, err) < 0)
		goto out;
	thaw_ctx(&frozen);
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
	r = 0;
out:
	thaw_ctx(&frozen);
	if (r < 0) {
		rm_rf(tmp, NULL);
		vx_prefix(err, "snapshot of %s", name);
	}
	return r;
}

int snap_list(const char *name, bool json, struct vx_err *err)
{
	char dir[PATH_MAX], path[PATH_MAX + 300], when[32], size[32];
	struct vx_conf conf;
	struct dirent *de;
	char *v[1024];
	unsigned n = 0, i;
	DIR *d;

	if (ctx_load(name, &conf, err) < 0)
		return -1;
	conf_free(&conf);
	if (snap_path(dir, sizeof(dir), name, NULL) < 0)
		return vx_fail(err, ENAMETOOLONG, "path too long");
	d = opendir(dir);
	if (!d && errno != ENOENT)
		return vx_failsys(err, "cannot read %s", dir);
	while (d && (de = readdir(d)) && n < ARRAY_SIZE(v))
		if (de->d_name[0] != '.' && (v[n] = strdup(de->d_name)))
			n++;
	if (d)
		closedir(d);
	qsort(v, n, sizeof(*v), strcmp_ptr);
	if (json)
		printf("[");
	else
		printf("%-32s %-19s %10s\n", "SNAPSHOT", "CREATED", "SIZE");
	for (i = 0; i < n; i++) {
		struct stat st;
		struct tm tm;

		snprintf(path, sizeof(path), "%s/%s/vctx.conf", dir, v[i]);
		if (stat(path, &st) < 0)
			st.st_mtime = 0;
		localtime_r(&st.st_mtime, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		snprintf(path, sizeof(path), "%s/%s", dir, v[i]);
		if (json) {
			printf("%s{\"name\":", i ? "," : "");
			json_str(stdout, v[i]);
			printf(",\"created\":%lld,\"bytes\":%llu}", (long long)st.st_mtime,
			       (unsigned long long)tree_size(path));
		} else {
			fmt_size(size, sizeof(size), tree_size(path));
			printf("%-32s %-19s %10s\n", v[i], when, size);
		}
		free(v[i]);
	}
	if (json)
		printf("]\n");
	return 0;
}

int snap_delete(const char *name, const char *snap, bool wait, struct vx_err *err)
{
	char final[PATH_MAX], dir[PATH_MAX], tmp[PATH_MAX];
	_cleanup_close_ int lock = -1;
	struct vx_conf conf;

	if (ctx_load(name, &conf, err) < 0)
		return -1;
	conf_free(&conf);
	if (parse_name(snap, "snapshot", err) < 0)
		return -1;
	lock = ctx_lock(name, wait, err);
	if (lock < 0)
		return -1;
	if (snap_path(dir, sizeof(dir), name, NULL) < 0 ||
	    snap_path(final, sizeof(final), name, snap) < 0 ||
	    xsnprintf(tmp, sizeof(tmp), "%s/.tmp-deleting-%s", dir, snap) < 0)
		return vx_fail(err, ENAMETOOLONG, "path too long");
	if (access(final, F_OK) < 0)
		return vx_fail(err, ENOENT, "%s has no snapshot %s (see 'vctx snapshot list %s')", name,
			       snap, name);
	/* Gone from the list at once; removed now, or by the next command if killed. */
	if (rename(final, tmp) < 0)
		return vx_failsys(err, "cannot remove %s", final);
	return rm_rf(tmp, err);
}

int snap_restore(const char *name, const char *snap, bool wait, struct vx_err *err)
{
	char src[PATH_MAX], dir[PATH_MAX], tmp[PATH_MAX], a[PATH_MAX + 16], b[PATH_MAX + 16];
	_cleanup_close_ int lock = -1;
	struct vx_conf conf;
	const char *layer;
	struct stat st;
	bool disk;

	if (ctx_load(name, &conf, err) < 0)
		return -1;
	disk = conf.disk.set;
	conf_free(&conf);
	if (parse_name(snap, "snapshot", err) < 0)
		return -1;
	if (snap_path(src, sizeof(src), name, snap) < 0 ||
	    path_ctxdir(dir, sizeof(dir), name, NULL) < 0 ||
	    xsnprintf(tmp, sizeof(tmp), "%s/.tmp-restore", dir) < 0)
		return vx_fail(err, ENAMETOOLONG, "path too long");
	if (access(src, F_OK) < 0)
		return vx_fail(err, ENOENT, "%s has no snapshot %s (see 'vctx snapshot list %s')", name,
			       snap, name);
	lock = ctx_lock(name, wait, err);
	if (lock < 0 || stopped(name, err) < 0)
		return -1;
	storage_sweep(name);
	layer = disk ? "disk.img" : "upper";
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
	if (storage_copy_layer(src, tmp, err) < 0) {
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

/* --- clone ----------------------------------------------------------------------------------- */

int ctx_clone(const char *src, const char *dst, int nset, char **set, struct vx_err *err)
{
	char srcdir[PATH_MAX], tmp[PATH_MAX], path[PATH_MAX];
	_cleanup_close_ int lock = -1;
	_cleanup_free_ char *text = NULL;
	struct vx_conf conf;
	uint64_t base;
	int frozen = -1, r = -1;
	unsigned removed;
	const char *drop[][2] = { { "context", "id-base" }, { "context", "hostname" },
				  { "network", "address" } };

	if (ctx_load(src, &conf, err) < 0)
		return -1;
	base = conf.id_base;
	conf_free(&conf);
	if (parse_name(dst, "context", err) < 0)
		return -1;
	if (path_conf(path, sizeof(path), dst) < 0 || access(path, F_OK) == 0)
		return vx_fail(err, EEXIST, "context '%s' already exists", dst);
	lock = ctx_lock(src, false, err);
	if (lock < 0)
		return -1;
	storage_sweep(src);
	if (path_ctxdir(srcdir, sizeof(srcdir), src, NULL) < 0 ||
	    xsnprintf(tmp, sizeof(tmp), "%s/.tmp-%d-clone-%s", vx_paths.contexts, (int)getpid(),
		      dst) < 0 ||
	    path_conf(path, sizeof(path), src) < 0)
		return vx_fail(err, ENAMETOOLONG, "path too long");
	text = read_text(path, 1 << 20, err);
	if (!text)
		return -1;
	/* A new context: its own ids, its own name inside, and addresses only when given. */
	for (unsigned i = 0; i < ARRAY_SIZE(drop); i++) {
		char *next = cfg_del(text, drop[i][0], drop[i][1], NULL, &removed, err);

		free(text);
		text = next;
		if (!text)
			return -1;
	}
	storage_sweep_dir(vx_paths.contexts, ".tmp-", SWEEP_DEAD_PID);
	rm_rf(tmp, NULL);
	if (mkdir(tmp, 0700) < 0)
		return vx_failsys(err, "cannot create %s", tmp);
	if (freeze_ctx(src, &frozen, err) < 0 || storage_copy_layer(srcdir, tmp, err) < 0)
		goto out;
	thaw_ctx(&frozen);
	r = ctx_adopt(dst, text, nset, set, tmp, base, err);
out:
	thaw_ctx(&frozen);
	if (r < 0) {
		rm_rf(tmp, NULL);
		vx_prefix(err, "cannot clone %s", src);
	}
	return r;
}

/* --- template checksum ----------------------------------------------------------------------- */

static char **sum_lines;
static size_t sum_n, sum_cap, sum_skip;

static int sum_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	char line[PATH_MAX + 256], target[PATH_MAX] = "";
	ssize_t n;

	(void)ftw;
	if (flag == FTW_SL && (n = readlink(path, target, sizeof(target) - 1)) > 0)
		target[n] = '\0';
	/* Seconds only (tar keeps no more); no directory sizes or symlink times (they differ
	 * between file systems and extractions). */
	snprintf(line, sizeof(line), "%s %o %u %u %lld %lld %s", path + sum_skip, st->st_mode,
		 st->st_uid, st->st_gid,
		 S_ISREG(st->st_mode) ? (long long)st->st_size : 0LL,
		 S_ISLNK(st->st_mode) || S_ISDIR(st->st_mode) ? 0LL : (long long)st->st_mtime,
		 target);
	if (sum_n == sum_cap) {
		char **nv = realloc(sum_lines, (sum_cap = sum_cap ? 2 * sum_cap : 4096) *
						       sizeof(char *));

		if (!nv)
			return -1;
		sum_lines = nv;
	}
	sum_lines[sum_n] = strdup(line);
	return sum_lines[sum_n++] ? 0 : -1;
}

int template_checksum(const char *tpl, char *buf, size_t len, struct vx_err *err)
{
	char root[PATH_MAX];
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a */
	size_t i;
	int r;

	if (path_tpldir(root, sizeof(root), tpl, "rootfs") < 0)
		return vx_fail(err, ENAMETOOLONG, "path too long");
	sum_lines = NULL;
	sum_n = sum_cap = 0;
	sum_skip = strlen(root);
	r = nftw(root, sum_one, 32, FTW_PHYS | FTW_MOUNT);
	if (r == 0)
		qsort(sum_lines, sum_n, sizeof(char *), strcmp_ptr);
	for (i = 0; i < sum_n; i++) {
		const unsigned char *p = (const unsigned char *)sum_lines[i];

		for (; r == 0 && *p; p++)
			h = (h ^ *p) * 0x100000001b3ull;
		h = (h ^ '\n') * 0x100000001b3ull;
		free(sum_lines[i]);
	}
	free(sum_lines);
	sum_lines = NULL;
	if (r != 0)
		return vx_failsys(err, "cannot read template %s", tpl);
	snprintf(buf, len, "%016llx", (unsigned long long)h);
	return 0;
}

/* --- export ---------------------------------------------------------------------------------- */

int ctx_export(const char *name, const char *file, bool with_template, struct vx_err *err)
{
	char dir[PATH_MAX], stage[PATH_MAX], path[PATH_MAX + 32], sum[32], tmpfile[PATH_MAX];
	char xform[2 * VX_NAME_MAX + 64], meta[512];
	const char *base, *slash;
	_cleanup_close_ int lock = -1;
	struct vx_conf conf;
	int frozen = -1, r = -1;

	if (ctx_load(name, &conf, err) < 0)
		return -1;
	if (template_checksum(conf.template, sum, sizeof(sum), err) < 0)
		goto out_conf;
	if (with_template && strcmp(conf.template, "upper") == 0) {
		vx_fail(err, EINVAL, "--with-template: a template named 'upper' cannot be carried");
		goto out_conf;
	}
	if (access(file, F_OK) == 0) {
		vx_fail(err, EEXIST, "%s already exists", file);
		goto out_conf;
	}
	slash = strrchr(file, '/');
	base = slash ? slash + 1 : file;
	if (!*base || xsnprintf(tmpfile, sizeof(tmpfile), "%.*s.tmp-vctx-%d-%s",
				slash ? (int)(slash - file + 1) : 0, file, (int)getpid(), base) < 0) {
		vx_fail(err, EINVAL, "bad archive name '%s'", file);
		goto out_conf;
	}
	lock = ctx_lock(name, false, err);
	if (lock < 0)
		goto out_conf;
	storage_sweep(name);
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - file) + (slash == file) : 1,
		 slash ? file : ".");
	/* What a killed export left next to its archive (regular files only: nothing else in
	 * that directory is touched). */
	storage_sweep_dir(dir, ".tmp-vctx-", SWEEP_DEAD_PID | SWEEP_FILES_ONLY);
	if (path_ctxdir(dir, sizeof(dir), name, NULL) < 0 ||
	    xsnprintf(stage, sizeof(stage), "%s/.tmp-export", dir) < 0) {
		vx_fail(err, ENAMETOOLONG, "path too long");
		goto out_conf;
	}
	rm_rf(stage, NULL);
	snprintf(meta, sizeof(meta),
		 "# vctx export\nformat = 1\nname = %s\ntemplate = %s\ntemplate-sum = %s\n"
		 "id-base = %llu\nuserns = %s\n", name, conf.template, sum,
		 (unsigned long long)conf.id_base, conf.userns ? "yes" : "no");
	snprintf(path, sizeof(path), "%s/meta", stage);
	if (mkdir(stage, 0700) < 0 || write_atomic(path, meta, strlen(meta), 0600, false, err) < 0)
		goto out;
	snprintf(path, sizeof(path), "%s/context.conf", stage);
	{
		char cpath[PATH_MAX];

		if (path_conf(cpath, sizeof(cpath), name) < 0 || copy_text(cpath, path, err) < 0)
			goto out;
	}
	snprintf(xform, sizeof(xform), "s,^%s/,template/,;s,^%s$,template,", conf.template,
		 conf.template);
	if (freeze_ctx(name, &frozen, err) < 0)
		goto out;
	{
		char *tar[] = { "tar", "--create", "--auto-compress", "--file", tmpfile,
				"--numeric-owner", "--xattrs", "--xattrs-include=*", "--sparse",
				"-C", stage, "meta", "context.conf",
				"-C", dir, conf.disk.set ? "disk.img" : "upper",
				with_template ? "--transform" : NULL, xform,
				"-C", vx_paths.templates, conf.template, NULL };

		r = run_prog(tar, 0, err);
	}
	thaw_ctx(&frozen);
	if (r == 0 && rename(tmpfile, file) < 0)
		r = vx_failsys(err, "cannot rename %s", tmpfile);
out:
	thaw_ctx(&frozen);
	if (r < 0) {
		unlink(tmpfile);
		vx_prefix(err, "cannot export %s", name);
	}
	rm_rf(stage, NULL);
out_conf:
	conf_free(&conf);
	return r;
}
