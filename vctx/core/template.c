// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/template.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/cmdline.h"
#include "core/ini.h"
#include "core/paths.h"
#include "core/registry.h"
#include "core/sys.h"
#include "core/util.h"

/* --- template.conf ----------------------------------------------------------------------- */

struct tparse {
	const char *file;
	struct vx_template *t;
	unsigned have;
};

/* init-env = KEY=VALUE: a name as the shell's, a value without control characters. */
static int tpl_env(struct tparse *p, const struct ini_line *l, struct vx_err *err)
{
	struct vx_template *t = p->t;
	size_t n = strlen(l->value), i, key = strcspn(l->value, "=");

	if (key == 0 || key == n || !(isalpha((unsigned char)l->value[0]) || l->value[0] == '_'))
		return vx_fail(err, EINVAL, "%s:%u: init-env must be KEY=VALUE", p->file,
			       l->lineno);
	for (i = 0; i < n; i++) {
		unsigned char c = l->value[i];

		if ((i < key && !isalnum(c) && c != '_') || iscntrl(c))
			return vx_fail(err, EINVAL, "%s:%u: init-env must be KEY=VALUE",
				       p->file, l->lineno);
	}
	if (t->env_len + n + 1 > sizeof(t->env))
		return vx_fail(err, E2BIG, "%s:%u: init-env: more than %zu bytes of environment",
			       p->file, l->lineno, sizeof(t->env));
	memcpy(t->env + t->env_len, l->value, n + 1);
	t->env_len += n + 1;
	return 0;
}

static int tpl_line(const struct ini_line *l, void *user, struct vx_err *err)
{
	struct tparse *p = user;
	struct vx_template *t = p->t;
	uint64_t v;

	if (l->type == INI_SECTION)
		return vx_fail(err, EINVAL, "%s:%u: template.conf has no sections", p->file,
			       l->lineno);
	if (l->type != INI_KEY)
		return 0;
#define STR(k, dst, bit)                                                                  \
	if (strcmp(l->key, k) == 0) {                                                       \
		if (strlen(l->value) >= sizeof(dst))                                       \
			return vx_fail(err, EINVAL, "%s:%u: %s is too long", p->file,      \
				       l->lineno, k);                                       \
		strcpy(dst, l->value);                                                     \
		p->have |= bit;                                                            \
		return 0;                                                                  \
	}
	STR("distribution", t->distribution, 1)
	STR("release", t->release, 2)
	STR("architecture", t->architecture, 4)
	STR("init", t->init_flavour, 8)
	STR("init-path", t->init, 16)
#undef STR
	if (strcmp(l->key, "stop-signal") == 0) {
		if (parse_signal(l->value, &t->stop_signal, err) < 0)
			return vx_prefix(err, "%s:%u", p->file, l->lineno);
		p->have |= 32;
		return 0;
	}
	if (strcmp(l->key, "init-env") == 0)
		return tpl_env(p, l, err);
	if (strcmp(l->key, "init-workdir") == 0) {
		if (strlen(l->value) >= sizeof(t->workdir) || parse_abspath(l->value, err) < 0)
			return vx_prefix(err, "%s:%u: init-workdir", p->file, l->lineno);
		strcpy(t->workdir, l->value);
		return 0;
	}
	if (strcmp(l->key, "init-user") == 0) {
		uint64_t uid, gid;
		char u[32];
		char *colon;

		snprintf(u, sizeof(u), "%s", l->value);
		colon = strchr(u, ':');
		if (colon)
			*colon = '\0';
		if (!colon || strlen(l->value) >= sizeof(u) || parse_u64(u, 0, 65535, &uid, err) < 0 ||
		    parse_u64(colon + 1, 0, 65535, &gid, err) < 0)
			return vx_fail(err, EINVAL, "%s:%u: init-user must be UID:GID (0 to 65535)",
				       p->file, l->lineno);
		t->user = uid || gid;
		t->uid = uid;
		t->gid = gid;
		return 0;
	}
	if (strcmp(l->key, "built") == 0) {
		if (parse_u64(l->value, 0, UINT64_MAX, &v, err) < 0)
			return vx_prefix(err, "%s:%u: built", p->file, l->lineno);
		t->built = v;
		return 0;
	}
	return vx_fail(err, EINVAL, "%s:%u: unknown key '%s'", p->file, l->lineno, l->key);
}

int template_parse(const char *file, const char *text, struct vx_template *t,
		   struct vx_err *err)
{
	struct tparse p = { .file = file, .t = t };
	char prog[PATH_MAX];

	if (ini_scan(file, text, tpl_line, &p, err) < 0)
		return -1;
	if ((p.have & 63) != 63)
		return vx_fail(err, EINVAL, "%s: incomplete: needs distribution, release, "
			       "architecture, init, init-path and stop-signal", file);
	if (cmdline_program(t->init, prog, sizeof(prog), err) < 0)
		return vx_prefix(err, "%s: init-path", file);
	return 0;
}

/* Does the program exist in the tree, resolving symlinks as the context will? */
int template_check_init(const char *rootfs, const char *init, struct vx_err *err)
{
	_cleanup_close_ int root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int fd = -1;
	char prog[PATH_MAX];

	if (cmdline_program(init, prog, sizeof(prog), err) < 0)
		return vx_prefix(err, "init");
	if (root < 0)
		return vx_failsys(err, "cannot open %s", rootfs);
	fd = vx_openat2(root, prog, O_PATH | O_CLOEXEC, RESOLVE_IN_ROOT);
	if (fd < 0)
		return vx_failsys(err, "init %s is missing from the template", prog);
	return 0;
}

int template_load(const char *name, struct vx_template *t, struct vx_err *err)
{
	char dir[PATH_MAX], conf[PATH_MAX], rootfs[PATH_MAX];
	_cleanup_free_ char *text = NULL;
	struct stat st;

	memset(t, 0, sizeof(*t));
	if (parse_name(name, "template", err) < 0)
		return -1;
	snprintf(t->name, sizeof(t->name), "%s", name);
	if (path_tpldir(dir, sizeof(dir), name, NULL) < 0 ||
	    path_tpldir(conf, sizeof(conf), name, "template.conf") < 0 ||
	    path_tpldir(rootfs, sizeof(rootfs), name, "rootfs") < 0)
		return vx_failsys(err, "template path");
	if (stat(dir, &st) < 0)
		return vx_fail(err, ENOENT, "template '%s' does not exist (see 'vctx template "
			       "list'; build it with 'vctx template build %s --from SOURCE')",
			       name, name);
	if (stat(rootfs, &st) < 0 || !S_ISDIR(st.st_mode))
		return vx_fail(err, ENOENT, "template '%s' is incomplete: %s is missing", name,
			       rootfs);
	text = read_text(conf, 1 << 16, err);
	if (!text)
		return vx_prefix(err, "template '%s' is incomplete", name);
	if (template_parse(conf, text, t, err) < 0)
		return -1;
	return template_check_init(rootfs, t->init, err);
}

/* --- users and removal ------------------------------------------------------------------- */

struct users {
	const char *tpl;
	char *buf;
	size_t len;
	unsigned n;
};

static int add_user(const char *name, const char *value, void *user)
{
	struct users *u = user;
	size_t l = strlen(u->buf);

	if (strcmp(value, u->tpl) == 0) {
		snprintf(u->buf + l, u->len - l, "%s%s", u->n ? ", " : "", name);
		u->n++;
	}
	return 0;
}

unsigned template_users(const char *name, char *buf, size_t len)
{
	struct users u = { .tpl = name, .buf = buf, .len = len };

	buf[0] = '\0';
	registry_scan("context", "template", add_user, &u, NULL);
	return u.n;
}

static uint64_t walk_total;

static int add_size(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)path;
	(void)type;
	(void)ftw;
	walk_total += (uint64_t)st->st_blocks * 512;
	return 0;
}

uint64_t template_tree_size(const char *path)
{
	walk_total = 0;
	nftw(path, add_size, 32, FTW_PHYS | FTW_MOUNT);
	return walk_total;
}

/* --- checksum -------------------------------------------------------------------------------- */

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
