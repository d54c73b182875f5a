// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops/config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/idrange.h"
#include "core/paths.h"
#include "core/registry.h"
#include "core/state.h"
#include "core/template.h"
#include "core/util.h"
#include "kernel/storage.h"
#include "ops/handle.h"

int config_read(const char *name, char **text, char *path, size_t len, struct vx_err *err)
{
	*text = NULL;
	if (parse_name(name, "context", err) < 0)
		return -1;
	if (path_conf(path, len, name) < 0)
		return vx_fail(err, ENAMETOOLONG, "path too long");
	if (access(path, F_OK) < 0)
		return vx_fail(err, ENOENT, "context '%s' does not exist (see 'vctx list')", name);
	*text = read_text(path, 1 << 20, err);
	return *text ? 0 : -1;
}

int config_explain(const char *name, conf_explain_cb cb, void *user, struct vx_err *err)
{
	char path[PATH_MAX];
	_cleanup_free_ char *text = NULL;
	struct vx_conf conf;

	if (config_read(name, &text, path, sizeof(path), err) < 0)
		return -1;
	/* Shown only when it parses: a value that would not take effect is no explanation. */
	if (conf_parse(path, text, name, &conf, err) < 0)
		return -1;
	conf_free(&conf);
	return conf_explain(path, text, cb, user, err);
}

/* The raw value of one key in a config text, even one that does not parse. */
struct config_key {
	const char *key;
	char value[128];
};

static void config_key_cb(const struct vx_key *k, const char *value, const char *src,
			  unsigned line, void *user)
{
	struct config_key *c = user;

	(void)line;
	if (src && strcmp(k->name, c->key) == 0)
		snprintf(c->value, sizeof(c->value), "%s", value);
}

static void config_value(const char *path, const char *text, const char *key, char *out,
			 size_t len)
{
	struct config_key c = { .key = key };
	struct vx_err ignored;

	conf_explain(path, text, config_key_cb, &c, &ignored);
	snprintf(out, len, "%s", c.value);
}

int config_replace(const char *name, const char *old, const char *text, bool *later,
		   struct vx_err *err)
{
	char path[PATH_MAX], was[128], now[128];
	_cleanup_free_ char *cur = NULL;
	struct vx_template t;
	struct vx_handle h;
	struct vx_conf conf;
	_cleanup_close_ int idlock = -1;
	int r = -1;

	*later = false;
	/* The lock and the run state; its config may be the broken one being mended. */
	if (handle_open(&h, name, H_LOCK | H_ANY | H_STATE, err) < 0)
		return -1;
	if (config_read(name, &cur, path, sizeof(path), err) < 0) {
		handle_close(&h);
		return -1;
	}
	if (strcmp(cur, old) != 0) {
		handle_close(&h);
		return vx_fail(err, EBUSY, "%s changed while it was being edited: nothing was "
			       "written", path);
	}
	if (conf_parse(path, text, name, &conf, err) < 0) {
		handle_close(&h);
		return -1;
	}
	config_value(path, old, "id-base", was, sizeof(was));
	config_value(path, text, "id-base", now, sizeof(now));
	if (strcmp(was, now) != 0) {
		vx_fail(err, EINVAL, "id-base: allocated by create, it cannot be edited (was %s)",
			was);
		goto out;
	}
	config_value(path, old, "disk", was, sizeof(was));
	config_value(path, text, "disk", now, sizeof(now));
	if (strcmp(was, now) != 0) {
		vx_fail(err, EINVAL, "disk: use 'vctx set %s disk=SIZE', which moves the files",
			name);
		goto out;
	}
	if (template_load(conf.template, &t, err) < 0 || storage_check_binds(&conf, err) < 0)
		goto out;
	/* Under the lock creates and destroys take (idrange_lock): the address check and the
	 * new config come between their looks at the registry and their notes to its index,
	 * never inside one, where a note would take this change for seen. */
	idlock = idrange_lock(err);
	if (idlock < 0 || registry_check_addresses(name, &conf, err) < 0 ||
	    write_atomic(path, text, strlen(text), 0600, false, err) < 0)
		goto out;
	*later = handle_alive(&h);
	r = 0;
out:
	conf_free(&conf);
	handle_close(&h);
	return r;
}
