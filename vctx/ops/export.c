// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops/export.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/conf.h"
#include "core/paths.h"
#include "core/template.h"
#include "core/util.h"
#include "kernel/proc.h"
#include "kernel/storage.h"
#include "ops/freeze.h"
#include "ops/handle.h"

int export_context(const char *name, const char *file, bool with_template, struct vx_err *err)
{
	char dir[PATH_MAX], stage[PATH_MAX], path[PATH_MAX + 32], sum[32], tmpfile[PATH_MAX];
	char xform[2 * VX_NAME_MAX + 64], meta[512];
	const char *base, *slash;
	struct vx_handle h;
	struct vx_conf *conf = &h.conf;
	int frozen = -1, r = -1;

	if (handle_open(&h, name, H_CONF | H_LOCK, err) < 0)
		return -1;
	if (template_checksum(conf->template, sum, sizeof(sum), err) < 0)
		goto out_conf;
	if (with_template && strcmp(conf->template, "upper") == 0) {
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
		 "id-base = %llu\nuserns = %s\n", name, conf->template, sum,
		 (unsigned long long)conf->id_base, conf->userns ? "yes" : "no");
	snprintf(path, sizeof(path), "%s/meta", stage);
	if (mkdir(stage, 0700) < 0 || write_atomic(path, meta, strlen(meta), 0600, false, err) < 0)
		goto out;
	snprintf(path, sizeof(path), "%s/context.conf", stage);
	if (write_atomic(path, h.text, strlen(h.text), 0600, false, err) < 0)
		goto out;
	snprintf(xform, sizeof(xform), "s,^%s/,template/,;s,^%s$,template,", conf->template,
		 conf->template);
	if (freeze_context(name, &frozen, err) < 0)
		goto out;
	{
		char *tar[] = { "tar", "--create", "--auto-compress", "--file", tmpfile,
				"--numeric-owner", "--xattrs", "--xattrs-include=*", "--sparse",
				"-C", stage, "meta", "context.conf",
				"-C", dir, conf->disk.set ? "disk.img" : "upper",
				with_template ? "--transform" : NULL, xform,
				"-C", vx_paths.templates, conf->template, NULL };

		r = proc_run(tar, 0, err);
	}
	freeze_thaw(&frozen);
	if (r == 0 && rename(tmpfile, file) < 0)
		r = vx_failsys(err, "cannot rename %s", tmpfile);
out:
	freeze_thaw(&frozen);
	if (r < 0) {
		unlink(tmpfile);
		vx_prefix(err, "cannot export %s", name);
	}
	rm_rf(stage, NULL);
out_conf:
	handle_close(&h);
	return r;
}
