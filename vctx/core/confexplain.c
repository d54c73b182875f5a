// SPDX-License-Identifier: GPL-2.0-or-later
/* conf_explain and conf_effective_text (core/conf.h): a config's values with where each comes
 * from — the context's own file, the site's defaults.conf, or the built-in default. */
#include "core/conf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/ini.h"
#include "core/util.h"

struct explain_line {
	const struct vx_key *k;
	const char *value, *src;
	unsigned line;
};

struct explain {
	struct explain_line *v;
	unsigned n, cap;
	const char *src;
};

static int explain_line(const struct ini_line *l, void *user, struct vx_err *err)
{
	struct explain *e = user;
	const struct vx_key *k;

	if (l->type != INI_KEY || !(k = conf_key(l->key)))
		return 0;
	if (e->n == e->cap) {
		unsigned cap = e->cap ? 2 * e->cap : 64;
		struct explain_line *v = realloc(e->v, cap * sizeof(*v));

		if (!v)
			return vx_fail(err, ENOMEM, "out of memory");
		e->v = v;
		e->cap = cap;
	}
	e->v[e->n] = (struct explain_line){ k, strdup(l->value), e->src, l->lineno };
	if (!e->v[e->n].value)
		return vx_fail(err, ENOMEM, "out of memory");
	e->n++;
	return 0;
}

int conf_explain(const char *file, const char *text, conf_explain_cb cb, void *user,
		 struct vx_err *err)
{
	struct explain own = { .src = file }, site = { 0 };
	char path[PATH_MAX];
	_cleanup_free_ char *stext = NULL;
	unsigned i, j;
	int r = -1;

	if (ini_scan(file, text, explain_line, &own, err) < 0)
		goto out;
	if (*conf_defaults_path(path, sizeof(path)) && access(path, F_OK) == 0) {
		site.src = path;
		if (!(stext = read_text(path, 1 << 20, err)) ||
		    ini_scan(path, stext, explain_line, &site, err) < 0)
			goto out;
	}
	/* A key the context sets is all its own; else all the site's; else the built-in. */
	for (i = 0; i < vx_nkeys; i++) {
		const struct vx_key *k = &vx_keys[i];
		unsigned found = 0;

		for (j = 0; j < own.n; j++)
			if (own.v[j].k == k && ++found)
				cb(k, own.v[j].value, file, own.v[j].line, user);
		for (j = 0; !found && j < site.n; j++)
			if (site.v[j].k == k && !(k->flags & VX_KEY_OWN))
				cb(k, site.v[j].value, path, site.v[j].line, user);
		for (j = 0; !found && j < site.n; j++)
			if (site.v[j].k == k && !(k->flags & VX_KEY_OWN))
				found++;
		if (!found && k->def)
			cb(k, k->def, NULL, 0, user);
	}
	r = 0;
out:
	for (j = 0; j < own.n; j++)
		free((char *)own.v[j].value);
	for (j = 0; j < site.n; j++)
		free((char *)site.v[j].value);
	free(own.v);
	free(site.v);
	return r;
}

struct effective {
	FILE *f;
	const char *section;
};

static void effective_line(const struct vx_key *k, const char *value, const char *src,
			   unsigned line, void *user)
{
	struct effective *e = user;

	(void)src;
	(void)line;
	if (!e->section || strcmp(e->section, k->section) != 0)
		fprintf(e->f, "[%s]\n", k->section);
	e->section = k->section;
	fprintf(e->f, "%s = %s\n", k->name, value);
}

char *conf_effective_text(const char *file, const char *text, struct vx_err *err)
{
	struct effective e = { 0 };
	char *out = NULL;
	size_t len = 0;
	int r;

	e.f = open_memstream(&out, &len);
	if (!e.f) {
		vx_failsys(err, "open_memstream");
		return NULL;
	}
	fputs(CONF_EFFECTIVE_MARK, e.f);
	r = conf_explain(file, text, effective_line, &e, err);
	if (fclose(e.f) != 0 && r == 0)
		r = vx_failsys(err, "out of memory");
	if (r < 0) {
		free(out);
		return NULL;
	}
	return out;
}

