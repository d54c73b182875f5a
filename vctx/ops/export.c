// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops/export.h"

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
#include "core/template.h"
#include "core/util.h"
#include "kernel/layersync.h"
#include "kernel/proc.h"
#include "kernel/storage.h"
#include "ops/freeze.h"
#include "ops/handle.h"

/* tar's compression option for an archive name, or NULL for none. */
static const char *export_compressor(const char *file)
{
	static const struct {
		const char *suffix, *option;
	} table[] = {
		{ ".tar.zst", "--zstd" }, { ".tzst", "--zstd" }, { ".tar.xz", "--xz" },
		{ ".txz", "--xz" },	  { ".tar.gz", "--gzip" }, { ".tgz", "--gzip" },
		{ ".tar.bz2", "--bzip2" },
	};
	size_t n = strlen(file);
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(table); i++) {
		size_t k = strlen(table[i].suffix);

		if (n >= k && strcmp(file + n - k, table[i].suffix) == 0)
			return table[i].option;
	}
	return NULL;
}

/* The copy pass while it runs, then frozen only for what changed since. */
static int export_snapshot(const char *name, const char *ctxdir, const char *copy,
			   const char *scratch, struct export_result *res, struct vx_err *err)
{
	struct timespec since;
	uint64_t t0, t1;
	int frozen = -1, r;

	/* ctime comes from the kernel's coarse clock: a second of margin covers it. */
	clock_gettime(CLOCK_REALTIME, &since);
	since.tv_sec -= 1;
	if (mkdir(copy, 0700) < 0 || storage_copy_layer(ctxdir, copy, COPY_LIVE, NULL, err) < 0)
		return vx_prefix(err, "copying %s's files", name);
	t0 = now_ns();
	if (freeze_context(name, &frozen, err) < 0)
		return -1;
	t1 = now_ns();
	r = layersync_layer(ctxdir, copy, &since, scratch, err);
	freeze_thaw(&frozen);
	res->frozen_ns = now_ns() - t0;
	res->changed_ns = now_ns() - t1;
	return r;
}

/* tar's output to fd, counted, with progress about twice a second. */
static int export_relay(struct proc_stream *ps, int fd, const struct export_opts *o,
			struct export_result *res, struct vx_err *err)
{
	static char buf[1 << 16];
	uint64_t start = now_ns(), last = start;
	ssize_t n;

	while ((n = read(ps->out, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return vx_failsys(err, "cannot read tar's output");
		if (write_full(fd, buf, n) < 0)
			return vx_failsys(err, "cannot write the archive");
		res->bytes += n;
		if (o->progress && now_ns() - last >= 500000000ull) {
			last = now_ns();
			o->progress(res->bytes, (last - start) / 1e9, o->user);
		}
	}
	if (o->progress)
		o->progress(res->bytes, (now_ns() - start) / 1e9, o->user);
	return 0;
}

/* meta, context.conf, the layer (and the snapshots, and the template) as one tar stream into
 * fd.  z: tar's compression option, or NULL. */
static int export_archive(const char *stage, const char *layerdir, const char *ctxdir,
			  const struct vx_conf *conf, const char *z, int fd,
			  const struct export_opts *o, struct export_result *res,
			  struct vx_err *err)
{
	struct proc_stream ps = { .pid = -1, .out = -1, .errfd = -1 };
	char xform[2 * VX_NAME_MAX + 64], snaps[PATH_MAX + 16];
	char *tar[32];
	int n = 0, r;

	tar[n++] = "tar";
	tar[n++] = (char *)(z ? z : "--no-auto-compress");
	tar[n++] = "--create";
	tar[n++] = "--file";
	tar[n++] = "-";
	tar[n++] = "--numeric-owner";
	tar[n++] = "--xattrs";
	tar[n++] = "--xattrs-include=*";
	tar[n++] = "--sparse";
	tar[n++] = "-C";
	tar[n++] = (char *)stage;
	tar[n++] = "meta";
	tar[n++] = "context.conf";
	tar[n++] = "-C";
	tar[n++] = (char *)layerdir;
	tar[n++] = conf->disk.set ? "disk.img" : "upper";
	snprintf(snaps, sizeof(snaps), "%s/snapshots", ctxdir);
	if (o->with_snapshots && access(snaps, F_OK) == 0) {
		/* Snapshots do not change while it runs: taken from where they are; what an
		 * interrupted snapshot left is none (anchored: a tenant's own "snapshots/.tmp-"
		 * deeper in its files is its business). */
		tar[n++] = "--anchored";
		tar[n++] = "--exclude=snapshots/.tmp-*";
		tar[n++] = "-C";
		tar[n++] = (char *)ctxdir;
		tar[n++] = "snapshots";
	}
	if (o->with_template) {
		snprintf(xform, sizeof(xform), "s,^%s/,template/,;s,^%s$,template,",
			 conf->template, conf->template);
		tar[n++] = "--transform";
		tar[n++] = xform;
		tar[n++] = "-C";
		tar[n++] = vx_paths.templates;
		tar[n++] = (char *)conf->template;
	}
	tar[n] = NULL;
	if (proc_start(tar, &ps, err) < 0)
		return -1;
	r = export_relay(&ps, fd, o, res, err);
	if (proc_finish(&ps, "tar", r < 0 ? NULL : err) < 0)
		r = -1;
	return r;
}

int export_context(const char *name, const char *file, const struct export_opts *o,
		   struct export_result *res, struct vx_err *err)
{
	char dir[PATH_MAX], stage[PATH_MAX], copy[PATH_MAX + 8], path[PATH_MAX + 32];
	char sum[32], tmpfile[PATH_MAX], meta[512];
	const char *base, *slash, *layerdir;
	bool to_stdout = strcmp(file, "-") == 0, running;
	struct vx_handle h;
	struct vx_conf *conf = &h.conf;
	int fd = -1, r = -1;

	memset(res, 0, sizeof(*res));
	if (to_stdout && isatty(STDOUT_FILENO))
		return vx_fail(err, EINVAL, "the archive is to go to standard output, which is a "
			       "terminal");
	if (handle_open(&h, name, H_CONF | H_LOCK | H_STATE, err) < 0)
		return -1;
	running = handle_up(&h);
	tmpfile[0] = '\0';
	if (template_checksum(conf->template, sum, sizeof(sum), err) < 0)
		goto out_conf;
	if (o->with_template && strcmp(conf->template, "upper") == 0) {
		vx_fail(err, EINVAL, "--with-template: a template named 'upper' cannot be carried");
		goto out_conf;
	}
	if (!to_stdout && access(file, F_OK) == 0) {
		vx_fail(err, EEXIST, "%s already exists", file);
		goto out_conf;
	}
	slash = strrchr(file, '/');
	base = slash ? slash + 1 : file;
	if (!to_stdout && (!*base || xsnprintf(tmpfile, sizeof(tmpfile), "%.*s.tmp-vctx-%d-%s",
					       slash ? (int)(slash - file + 1) : 0, file,
					       (int)getpid(), base) < 0)) {
		vx_fail(err, EINVAL, "bad archive name '%s'", file);
		goto out_conf;
	}
	storage_sweep(name);
	if (!to_stdout) {
		snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - file) + (slash == file) : 1,
			 slash ? file : ".");
		/* What a killed export left next to its archive (regular files only: nothing
		 * else in that directory is touched). */
		storage_sweep_dir(dir, ".tmp-vctx-", SWEEP_DEAD_PID | SWEEP_FILES_ONLY);
	}
	if (path_ctxdir(dir, sizeof(dir), name, NULL) < 0 ||
	    xsnprintf(stage, sizeof(stage), "%s/.tmp-export", dir) < 0) {
		vx_fail(err, ENAMETOOLONG, "path too long");
		goto out_conf;
	}
	rm_rf(stage, NULL);
	snprintf(meta, sizeof(meta),
		 "# vctx export\nformat = 1\nname = %s\ntemplate = %s\ntemplate-sum = %s\n"
		 "id-base = %llu\nuserns = %s\n", name, conf->template, sum,
		 (unsigned long long)conf->id_base, conf->userns ? "yes" : "no");
	snprintf(path, sizeof(path), "%s/meta", stage);
	if (mkdir(stage, 0700) < 0 || write_atomic(path, meta, strlen(meta), 0600, false, err) < 0)
		goto out;
	snprintf(path, sizeof(path), "%s/context.conf", stage);
	if (write_atomic(path, h.text, strlen(h.text), 0600, false, err) < 0)
		goto out;
	/* A stopped context cannot change under our lock: its own files are archived. */
	layerdir = dir;
	if (running) {
		snprintf(copy, sizeof(copy), "%s/copy", stage);
		if (export_snapshot(name, dir, copy, stage, res, err) < 0)
			goto out;
		layerdir = copy;
	}
	fd = to_stdout ? STDOUT_FILENO
		       : open(tmpfile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		vx_failsys(err, "cannot create %s", tmpfile);
		goto out;
	}
	r = export_archive(stage, layerdir, dir, conf, to_stdout ? NULL : export_compressor(file),
			   fd, o, res, err);
	if (r == 0 && !to_stdout && (fsync(fd) < 0 || rename(tmpfile, file) < 0))
		r = vx_failsys(err, "cannot write %s", file);
out:
	if (fd > STDOUT_FILENO)
		close(fd);
	if (r < 0) {
		if (tmpfile[0])
			unlink(tmpfile);
		vx_prefix(err, "cannot export %s", name);
	}
	rm_rf(stage, NULL);
out_conf:
	handle_close(&h);
	return r;
}
