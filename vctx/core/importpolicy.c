// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/importpolicy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/cfgedit.h"
#include "core/conf.h"
#include "core/ini.h"
#include "core/parse.h"
#include "core/util.h"

#define NOBODY 65534u

const char *importpolicy_path(const char *path)
{
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	return path;
}

/* No absolute path, no '..' component. */
static bool path_safe(const char *p)
{
	const char *c = p;

	if (*p == '/' || !*p)
		return false;
	while (c) {
		if (c[0] == '.' && c[1] == '.' && (c[2] == '/' || c[2] == '\0'))
			return false;
		c = strchr(c, '/');
		if (c)
			c++;
	}
	return true;
}

static bool under(const char *p, const char *top)
{
	size_t n = strlen(top);

	return strncmp(p, top, n) == 0 && (p[n] == '/' || p[n] == '\0');
}

/* "snapshots", "snapshots/SNAP", and in it "upper/...", "disk.img", "vctx.conf" (export
 * --with-snapshots): the layer's part, with SNAP a valid name.  *file: one that must be a
 * plain file. */
static bool snapshot_entry(const char *p, bool *file)
{
	char name[VX_NAME_MAX + 2];
	const char *rest;
	size_t n;

	if (strcmp(p, "snapshots") == 0 || strcmp(p, "snapshots/") == 0)
		return true;
	if (!under(p, "snapshots"))
		return false;
	p += strlen("snapshots/");
	n = strcspn(p, "/");
	if (n == 0 || n > VX_NAME_MAX)
		return false;
	snprintf(name, sizeof(name), "%.*s", (int)n, p);
	if (parse_name(name, "snapshot", NULL) < 0)
		return false;
	rest = p[n] ? p + n + 1 : "";
	*file = strcmp(rest, "disk.img") == 0 || strcmp(rest, "vctx.conf") == 0;
	return !*rest || *file || under(rest, "upper");
}

static int part_of(const char *p, bool *file)
{
	*file = false;
	if (strcmp(p, "meta") == 0 || strcmp(p, "context.conf") == 0) {
		*file = true;
		return strcmp(p, "meta") == 0 ? PART_META : PART_CONF;
	}
	if (strcmp(p, "disk.img") == 0) {
		*file = true;
		return PART_LAYER;
	}
	if (under(p, "upper") || snapshot_entry(p, file))
		return PART_LAYER;
	if (under(p, "template"))
		return PART_TEMPLATE;
	return -1;
}

/* Into the part's range: its own ids stay, any other becomes its nobody. */
static bool in_range(uint64_t *id, uint64_t lo)
{
	if (*id >= lo && *id < lo + VX_IDS_PER_CONTEXT)
		return true;
	*id = lo + NOBODY;
	return false;
}

int importpolicy_entry(struct import_entry *e, const struct import_range *r, bool *fixed,
		       struct vx_err *err)
{
	const char *p = importpolicy_path(e->path);
	bool uid_ok, gid_ok, file, tfile;
	int part = part_of(p, &file);
	uint64_t lo;

	*fixed = false;
	if (!path_safe(p))
		return vx_fail(err, EINVAL, "entry '%s' leaves the archive's tree", e->path);
	if (part < 0)
		return vx_fail(err, EINVAL, "entry '%s' is no part of a vctx export", e->path);
	if (file && (e->type != S_IFREG || e->hardlink))
		return vx_fail(err, EINVAL, "entry '%s' is not a plain file", e->path);
	if (e->hardlink) {
		const char *t = importpolicy_path(e->hardlink);

		if (!path_safe(t) || part_of(t, &tfile) != part)
			return vx_fail(err, EINVAL, "hard link '%s' points out of its part (%s)",
				       e->path, e->hardlink);
	}
	switch (e->type) {
	case S_IFREG: case S_IFDIR: case S_IFLNK: case S_IFIFO:
		break;
	case S_IFCHR:
		/* An overlay whiteout (0:0) marks a file the context deleted. */
		if (part == PART_LAYER && e->major == 0 && e->minor == 0)
			break;
		/* fallthrough */
	case S_IFBLK:
		/* A template's /dev nodes mean nothing (a context's /dev is vctx's own); any
		 * other device node is an attack on the host. */
		if (part == PART_TEMPLATE)
			return PART_SKIP;
		return vx_fail(err, EPERM, "entry '%s' is a device node (%u:%u)", e->path,
			       e->major, e->minor);
	case S_IFSOCK:
		return PART_SKIP;
	default:
		return vx_fail(err, EINVAL, "entry '%s' has an unknown type", e->path);
	}
	if (part == PART_META || part == PART_CONF)
		return part;
	lo = part == PART_LAYER ? r->lo : 0;
	uid_ok = in_range(&e->uid, lo);
	gid_ok = in_range(&e->gid, lo);
	if (!uid_ok || !gid_ok) {
		/* What belonged to nobody of the archive's may not be set-id to anybody. */
		e->mode &= ~(mode_t)(S_ISUID | S_ISGID);
		*fixed = true;
	}
	return part;
}

bool importpolicy_xattr_ok(enum import_part part, const char *name)
{
	/* Overlay's own markers (whiteouts, opaque directories) belong to the layer only. */
	if (strncmp(name, "trusted.overlay.", 16) == 0)
		return part == PART_LAYER;
	return strcmp(name, "security.capability") == 0 ||
	       strcmp(name, "system.posix_acl_access") == 0 ||
	       strcmp(name, "system.posix_acl_default") == 0 || strncmp(name, "user.", 5) == 0;
}

/* --- the config ---------------------------------------------------------------------------- */

/* Keys this host decides: dropped when present with another value than 'keep' (NULL: any). */
static const struct {
	const char *section, *key, *keep;
} untrusted[] = {
	{ "context", "userns", "yes" },	{ "security", "seccomp", "default" },
	{ "security", "cap-keep", NULL },	{ "security", "devices", NULL },
	{ "security", "io-uring", "no" },	{ "storage", "bind", NULL },
	{ "network", "link", NULL },		{ "network", "bridge", NULL },
};

struct seen {
	bool drop[ARRAY_SIZE(untrusted)];
	bool l2mode;		/* mode = bridge or macvlan: the LAN's layer 2 of another host */
};

static int seen_line(const struct ini_line *l, void *user, struct vx_err *err)
{
	struct seen *s = user;
	unsigned i;

	(void)err;
	if (l->type != INI_KEY)
		return 0;
	for (i = 0; i < ARRAY_SIZE(untrusted); i++)
		if (strcmp(l->section, untrusted[i].section) == 0 &&
		    strcmp(l->key, untrusted[i].key) == 0 &&
		    (!untrusted[i].keep || strcmp(l->value, untrusted[i].keep) != 0))
			s->drop[i] = true;
	if (strcmp(l->section, "network") == 0 && strcmp(l->key, "mode") == 0 &&
	    (strcmp(l->value, "bridge") == 0 || strcmp(l->value, "macvlan") == 0))
		s->l2mode = true;
	return 0;
}

static char *drop_key(char *text, const char *section, const char *key, char *dropped,
		      size_t len, struct vx_err *err)
{
	unsigned removed;
	char *next = cfg_del(text, section, key, NULL, &removed, err);
	size_t n = strlen(dropped);

	free(text);
	if (next && removed)
		snprintf(dropped + n, len - n, "%s%s", n ? ", " : "", key);
	return next;
}

char *importpolicy_conf_filter(const char *text, char *dropped, size_t len, struct vx_err *err)
{
	struct seen s = { 0 };
	char *out = strdup(text);
	unsigned i;

	dropped[0] = '\0';
	if (!out) {
		vx_fail(err, ENOMEM, "out of memory");
		return NULL;
	}
	if (ini_scan("context.conf", text, seen_line, &s, err) < 0) {
		free(out);
		return NULL;
	}
	for (i = 0; out && i < ARRAY_SIZE(untrusted); i++)
		if (s.drop[i])
			out = drop_key(out, untrusted[i].section, untrusted[i].key, dropped, len,
				       err);
	/* Layer 2 on this host's LAN is this host's admin's to give: routed instead. */
	if (out && s.l2mode)
		out = drop_key(out, "network", "mode", dropped, len, err);
	if (out && s.l2mode)
		out = drop_key(out, "network", "gateway", dropped, len, err);
	return out;
}
