// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops/adopt.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cfgedit.h"
#include "core/conf.h"
#include "core/idrange.h"
#include "core/lock.h"
#include "core/paths.h"
#include "core/registry.h"
#include "core/template.h"
#include "core/util.h"
#include "kernel/storage.h"
#include "ops/handle.h"

int adopt_check(const char *name, const char *conftext, int nset, char **set,
		  struct vx_err *err)
{
	char path[PATH_MAX];
	_cleanup_free_ char *text = NULL;
	struct vx_conf conf;
	char *next;
	int r;

	if (parse_name(name, "context", err) < 0)
		return -1;
	if (path_conf(path, sizeof(path), name) < 0)
		return vx_failsys(err, "config path");
	if (access(path, F_OK) == 0)
		return vx_fail(err, EEXIST, "context '%s' already exists", name);
	text = strdup(conftext);
	if (!text)
		return vx_fail(err, ENOMEM, "out of memory");
	text = cfg_apply(text, nset, set, false, err);
	/* Any valid id base: the real one is allocated when the files are in place. */
	next = text ? cfg_set(text, "context", "id-base", "65536", err) : NULL;
	free(text);
	text = next;
	if (!text || conf_parse(path, text, name, &conf, err) < 0)
		return -1;
	r = registry_check_addresses(name, &conf, err) < 0 || storage_check_binds(&conf, err) < 0 ? -1 : 0;
	conf_free(&conf);
	return r;
}

static int adopt_shift_snapshots(const char *tmp, uint64_t from, uint64_t to,
				 struct vx_err *err)
{
	char dir[PATH_MAX], one[PATH_MAX + 300];
	struct dirent *de;
	DIR *d;
	int r = 0;

	snprintf(dir, sizeof(dir), "%s/snapshots", tmp);
	d = opendir(dir);
	if (!d)
		return 0;
	while (r == 0 && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(one, sizeof(one), "%s/%s", dir, de->d_name);
		r = storage_shift(one, from, to, err);
	}
	closedir(d);
	return r;
}

int adopt_context(const char *name, const char *conftext, int nset, char **set, const char *tmp,
	      uint64_t old_base, struct vx_err *err)
{
	char path[PATH_MAX], dir[PATH_MAX], sub[PATH_MAX], base_s[32];
	_cleanup_close_ int lock = -1, idlock = -1;
	struct vx_conf conf;
	struct vx_template t;
	uint64_t base;
	char *text = strdup(conftext), *next;
	int r = -1;

	if (!text)
		return vx_fail(err, ENOMEM, "out of memory");
	lock = lock_context(name, false, err);
	if (lock < 0)
		goto out;
	if (path_conf(path, sizeof(path), name) < 0 || path_ctxdir(dir, sizeof(dir), name, NULL) < 0) {
		vx_failsys(err, "path");
		goto out;
	}
	if (access(path, F_OK) == 0) {
		vx_fail(err, EEXIST, "context '%s' already exists", name);
		goto out;
	}
	text = cfg_apply(text, nset, set, false, err);
	if (!text)
		goto out;
	idlock = idrange_allocate(old_base, &base, err);
	if (idlock < 0)
		goto out;
	snprintf(base_s, sizeof(base_s), "%llu", (unsigned long long)base);
	next = cfg_set(text, "context", "id-base", base_s, err);
	free(text);
	text = next;
	if (!text || conf_parse(path, text, name, &conf, err) < 0)
		goto out;
	if (template_load(conf.template, &t, err) < 0 || registry_check_addresses(name, &conf, err) < 0 ||
	    storage_check_binds(&conf, err) < 0)
		goto out_conf;
	/* The files move to the new id range, its snapshots' too (an import with them); then
	 * the directory becomes the context's. */
	if (storage_shift(tmp, conf.userns ? old_base : 0, conf.userns ? base : 0, err) < 0 ||
	    adopt_shift_snapshots(tmp, conf.userns ? old_base : 0, conf.userns ? base : 0,
				  err) < 0)
		goto out_conf;
	snprintf(sub, sizeof(sub), "%s/%s", tmp, conf.disk.set ? "disk" : "work");
	if (mkdir(sub, 0700) < 0 && errno != EEXIST) {
		vx_failsys(err, "cannot create %s", sub);
		goto out_conf;
	}
	if (rm_rf(dir, err) < 0)
		goto out_conf;
	if (rename(tmp, dir) < 0) {
		vx_failsys(err, "cannot move %s to %s", tmp, dir);
		goto out_conf;
	}
	if (write_atomic(path, text, strlen(text), 0600, true, err) < 0) {
		rm_rf(dir, NULL);
		goto out_conf;
	}
	r = 0;
out_conf:
	conf_free(&conf);
out:
	if (r < 0 && lock >= 0 && access(path, F_OK) < 0)
		lock_context_remove(name);
	free(text);
	return r;
}
