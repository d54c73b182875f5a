// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops/import.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/importpolicy.h"
#include "core/paths.h"
#include "core/template.h"
#include "core/util.h"
#include "kernel/proc.h"
#include "kernel/storage.h"
#include "kernel/unpack.h"
#include "ops/adopt.h"

struct meta {
	char name[VX_NAME_MAX + 1];
	char tpl[VX_NAME_MAX + 1];
	char sum[32];
	uint64_t base;
	bool userns;
};

struct job {
	const struct import_opts *o;
	struct import_result *res;
	struct meta m;
	char *text;		/* the config as it will be taken */
};

/* "key = value" from the archive's meta. */
static int meta_get(const char *text, const char *key, char *out, size_t len)
{
	const char *p = text;
	size_t kl = strlen(key);

	while (p && *p) {
		if (strncmp(p, key, kl) == 0 && (p[kl] == ' ' || p[kl] == '=')) {
			const char *v = strchr(p, '=');

			if (!v)
				return -1;
			v++;
			while (*v == ' ')
				v++;
			snprintf(out, len, "%.*s", (int)strcspn(v, "\n"), v);
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

static int on_meta(void *user, const char *text, struct import_range *r, struct vx_err *err)
{
	struct job *j = user;
	struct meta *m = &j->m;
	char fmt[16], base[32], userns[8] = "yes";

	if (meta_get(text, "format", fmt, sizeof(fmt)) < 0 ||
	    (strcmp(fmt, "1") != 0 && strcmp(fmt, "2") != 0) ||
	    meta_get(text, "name", m->name, sizeof(m->name)) < 0 ||
	    meta_get(text, "template", m->tpl, sizeof(m->tpl)) < 0 ||
	    meta_get(text, "template-sum", m->sum, sizeof(m->sum)) < 0 ||
	    meta_get(text, "id-base", base, sizeof(base)) < 0 ||
	    parse_u64(base, 0, 0xffffffffull - VX_IDS_PER_CONTEXT, &m->base, NULL) < 0 ||
	    m->base % VX_IDS_PER_CONTEXT || parse_name(m->tpl, "template", NULL) < 0)
		return vx_fail(err, EINVAL, "not a vctx export (no valid meta)");
	meta_get(text, "userns", userns, sizeof(userns));
	m->userns = strcmp(userns, "no") != 0;
	/* Without a user namespace the layer's owners were host ids: 0..65535 is its range. */
	r->lo = m->userns ? m->base : 0;
	return 0;
}

/* The config has come: the name, the policy, the addresses, all before the layer. */
static int on_conf(void *user, const char *text, struct vx_err *err)
{
	struct job *j = user;
	const char *name = j->o->name ? j->o->name : j->m.name;

	if (parse_name(name, "context", err) < 0)
		return -1;
	snprintf(j->res->name, sizeof(j->res->name), "%s", name);
	j->text = j->o->trust_config ? strdup(text)
				      : importpolicy_conf_filter(text, j->res->dropped,
							   sizeof(j->res->dropped), err);
	if (!j->text)
		return j->o->trust_config ? vx_fail(err, ENOMEM, "out of memory") : -1;
	return adopt_check(name, j->text, j->o->nset, j->o->set, err);
}

/* This host's template of that name, which must be the one the archive was made on; or the
 * one that came in the archive, installed (removed again if the import fails). */
static int take_template(struct job *j, const char *tmp, bool carried, char *installed,
			 size_t len, struct vx_err *err)
{
	char here[32], from[PATH_MAX + 16];
	struct vx_template t;

	installed[0] = '\0';
	if (template_load(j->m.tpl, &t, NULL) == 0) {
		if (template_checksum(j->m.tpl, here, sizeof(here), err) < 0)
			return -1;
		if (strcmp(here, j->m.sum) != 0)
			return vx_fail(err, EINVAL, "template '%s' here differs from the one %s was "
				       "made on (checksum %s, the archive's %s)", j->m.tpl,
				       j->res->name, here, j->m.sum);
		return 0;
	}
	if (!carried)
		return vx_fail(err, ENOENT, "template '%s' does not exist here: build it first, or "
			       "export with --with-template", j->m.tpl);
	snprintf(from, sizeof(from), "%s/template", tmp);
	if (path_tpldir(installed, len, j->m.tpl, NULL) < 0 || rename(from, installed) < 0) {
		installed[0] = '\0';
		return vx_failsys(err, "cannot install template %s", j->m.tpl);
	}
	return template_load(j->m.tpl, &t, err);
}

/* A disk image from elsewhere is checked before the kernel mounts it. */
static int check_image(const char *tmp, struct vx_err *err)
{
	char img[PATH_MAX + 16];
	char *fsck[] = { "e2fsck", "-f", "-n", img, NULL };

	snprintf(img, sizeof(img), "%s/disk.img", tmp);
	if (access(img, F_OK) < 0)
		return 0;
	if (proc_run(fsck, 0, err) < 0)
		return vx_prefix(err, "the disk image in the archive is damaged");
	return 0;
}

static int open_archive(const char *file, struct vx_err *err)
{
	int fd;

	if (strcmp(file, "-") == 0) {
		if (isatty(0))
			return vx_fail(err, EINVAL, "the archive is to come on stdin, which is a "
				       "terminal");
		fd = fcntl(0, F_DUPFD_CLOEXEC, 3);
		return fd < 0 ? vx_failsys(err, "cannot read stdin") : fd;
	}
	fd = open(file, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? vx_failsys(err, "cannot read %s", file) : fd;
}

int import_context(const struct import_opts *o, struct import_result *res, struct vx_err *err)
{
	struct job j = { .o = o, .res = res };
	char tmp[PATH_MAX], tpldir[PATH_MAX], path[PATH_MAX + 32];
	_cleanup_close_ int fd = -1;
	struct unpack u = { .name = o->file, .on_meta = on_meta, .on_conf = on_conf,
			    .user = &j, .progress = o->progress, .progress_user = o->user };
	int r = -1;

	memset(res, 0, sizeof(*res));
	tpldir[0] = '\0';
	fd = open_archive(o->file, err);
	if (fd < 0 || paths_mkdirs(err) < 0)
		return vx_prefix(err, "cannot import %s", o->file);
	if (xsnprintf(tmp, sizeof(tmp), "%s/.tmp-%d-import", vx_paths.contexts, (int)getpid()) < 0)
		return vx_fail(err, ENAMETOOLONG, "path too long");
	storage_sweep_dir(vx_paths.contexts, ".tmp-", SWEEP_DEAD_PID);
	rm_rf(tmp, NULL);
	if (mkdir(tmp, 0700) < 0)
		return vx_failsys(err, "cannot create %s", tmp);
	u.fd = fd;
	u.dir = tmp;
	if (unpack_archive(&u, err) < 0)
		goto out;
	res->fixed = u.fixed;
	res->skipped = u.skipped;
	if (!j.text) {
		vx_fail(err, EINVAL, "no context.conf: not a vctx export");
		goto out;
	}
	snprintf(path, sizeof(path), "%s/upper", tmp);
	if (access(path, F_OK) < 0) {
		snprintf(path, sizeof(path), "%s/disk.img", tmp);
		if (access(path, F_OK) < 0) {
			vx_fail(err, EINVAL, "neither upper/ nor disk.img: not a vctx export");
			goto out;
		}
	}
	if (take_template(&j, tmp, u.template, tpldir, sizeof(tpldir), err) < 0 ||
	    check_image(tmp, err) < 0)
		goto out;
	snprintf(path, sizeof(path), "%s/template", tmp);
	rm_rf(path, NULL);
	r = adopt_context(res->name, j.text, o->nset, o->set, tmp, j.m.userns ? j.m.base : 0, err);
out:
	free(u.conf);
	free(j.text);
	if (r < 0) {
		rm_rf(tmp, NULL);
		if (tpldir[0])
			rm_rf(tpldir, NULL);
		vx_prefix(err, "cannot import %s", o->file);
	}
	return r;
}
