// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/registry.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/addr.h"
#include "core/conf.h"
#include "core/idrange.h"
#include "core/parse.h"
#include "core/paths.h"
#include "core/regindex.h"
#include "core/util.h"

int registry_names(char ***names, struct vx_err *err)
{
	DIR *d = opendir(vx_paths.etc);
	struct dirent *de;
	char **v = NULL;
	int n = 0;

	*names = NULL;
	if (!d)
		return errno == ENOENT ? 0 : vx_failsys(err, "cannot read %s", vx_paths.etc);
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char name[VX_NAME_MAX + 1];
		char **nv;

		if (l < 6 || l - 5 > VX_NAME_MAX || strcmp(de->d_name + l - 5, ".conf") != 0)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(l - 5), de->d_name);
		if (parse_name(name, "context", NULL) < 0)
			continue;
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv || !(nv[n] = strdup(name))) {
			free(nv ? nv : v);
			closedir(d);
			return vx_fail(err, ENOMEM, "out of memory");
		}
		v = nv;
		n++;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), strcmp_ptr);
	*names = v;
	return n;
}

void registry_names_free(char **names, int n)
{
	while (n > 0)
		free(names[--n]);
	free(names);
}

/* The configs' indexed values, loaded once while held (registry_hold). */
static struct {
	unsigned holds;
	bool loaded;
	struct regindex_set set;
} registry_snap;

static void registry_snap_drop(void)
{
	if (!registry_snap.loaded)
		return;
	regindex_set_free(&registry_snap.set);
	registry_snap.loaded = false;
}

static int registry_snap_load(struct vx_err *err)
{
	if (registry_snap.loaded)
		return 0;
	/* The names and values come from the index while the configs' directory is as it was
	 * (regindex.h). */
	if (regindex_load(&registry_snap.set, err) < 0)
		return -1;
	registry_snap.loaded = true;
	return 0;
}

void registry_hold(void)
{
	registry_snap.holds++;
}

void registry_release(void)
{
	if (registry_snap.holds && !--registry_snap.holds)
		registry_snap_drop();
}

int registry_scan(const char *section, const char *key, registry_fn fn, void *user,
		  struct vx_err *err)
{
	int k = regindex_key(section, key), stop = 0, i;

	if (k < 0)
		return vx_fail(err, EINVAL, "the registry keeps no index of [%s] %s", section, key);
	if (registry_snap_load(err) < 0)
		return -1;
	for (i = 0; i < registry_snap.set.n && !stop; i++) {
		const struct regindex_entry *e = &registry_snap.set.e[i];
		const char *p;

		for (p = e->vals; p && p < e->vals + e->len && !stop; p += strlen(p) + 1)
			if (p[0] == '0' + k)
				stop = fn(registry_snap.set.names[i], p + 1, user);
	}
	if (!registry_snap.holds)
		registry_snap_drop();
	return stop;
}

struct owner {
	const struct vx_addr *addr;
	const char *self;
	char *buf;
	size_t len;
};

/* Other contexts' configs are read as text: each address line is parsed at this edge. */
static int owner_of(const char *name, const char *value, void *user)
{
	struct owner *o = user;
	struct vx_addr a;

	if ((o->self && strcmp(name, o->self) == 0) || addr_parse(value, true, &a, NULL) < 0 ||
	    !addr_equal(&a, o->addr))
		return 0;
	snprintf(o->buf, o->len, "%s", name);
	return 1;
}

const char *registry_owner(const struct vx_addr *addr, const char *self, char *buf, size_t len)
{
	struct owner o = { .addr = addr, .self = self, .buf = buf, .len = len };

	return registry_scan("network", "address", owner_of, &o, NULL) > 0 ? buf : NULL;
}

struct owners {
	const struct vx_conf *conf;
	const char *self;
	char owner[VX_NAME_MAX + 1];
	unsigned which;
};

/* Any of conf's addresses on another context's address line. */
static int owner_of_any(const char *name, const char *value, void *user)
{
	struct owners *o = user;
	struct vx_addr a;
	unsigned i;

	if ((o->self && strcmp(name, o->self) == 0) || addr_parse(value, true, &a, NULL) < 0)
		return 0;
	for (i = 0; i < o->conf->address.n; i++) {
		if (addr_equal(&a, &o->conf->address.v[i])) {
			snprintf(o->owner, sizeof(o->owner), "%s", name);
			o->which = i;
			return 1;
		}
	}
	return 0;
}

/* An address may belong to one context only: one walk over the others for all of them. */
int registry_check_addresses(const char *name, const struct vx_conf *conf, struct vx_err *err)
{
	struct owners o = { .conf = conf, .self = name };
	char a[VX_ADDR_STR];
	int r;

	if (!conf->address.n)
		return 0;
	r = registry_scan("network", "address", owner_of_any, &o, err);
	if (r <= 0)
		return r;
	addr_fmt(&conf->address.v[o.which], true, a, sizeof(a));
	return vx_fail(err, EADDRINUSE, "address %s belongs to context %s", a, o.owner);
}

struct ids {
	uint64_t base;
	const char *self;
	char owner[VX_NAME_MAX + 1];
};

static int ids_overlap(const char *name, const char *value, void *user)
{
	struct ids *o = user;
	uint64_t v;

	if (strcmp(name, o->self) == 0 || parse_u64(value, 0, UINT32_MAX, &v, NULL) < 0 ||
	    !idrange_overlaps(&(struct idrange){ v, VX_IDS_PER_CONTEXT }, o->base))
		return 0;
	snprintf(o->owner, sizeof(o->owner), "%s", name);
	return 1;
}

int registry_check_ids(const char *name, const struct vx_conf *conf, struct vx_err *err)
{
	struct ids o = { .base = conf->id_base, .self = name };
	int r;

	if (!conf->userns)
		return 0;
	r = registry_scan("context", "id-base", ids_overlap, &o, err);
	if (r <= 0)
		return r;
	return vx_fail(err, EEXIST, "its ids (id-base %llu) overlap those of context %s; "
		       "each context needs a range of its own", (unsigned long long)conf->id_base,
		       o.owner);
}

int registry_others(const char *name, struct vx_err *err)
{
	int i, n;

	if (registry_snap_load(err) < 0)
		return -1;
	n = registry_snap.set.n;
	for (i = 0; i < registry_snap.set.n; i++)
		if (strcmp(registry_snap.set.names[i], name) == 0)
			n--;
	if (!registry_snap.holds)
		registry_snap_drop();
	return n;
}

void registry_own(const char *name, const char *text)
{
	struct regindex_entry now = { 0 };
	int i;

	if (registry_snap_load(NULL) < 0 || regindex_values(name, text, &now) < 0)
		return;
	for (i = 0; i < registry_snap.set.n && strcmp(registry_snap.set.names[i], name) != 0; i++)
		;
	if (i == registry_snap.set.n || registry_snap.set.e[i].len != now.len ||
	    (now.len && memcmp(registry_snap.set.e[i].vals, now.vals, now.len) != 0))
		regindex_drop();
	free(now.vals);
}
