// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops/create.h"

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
#include "core/regindex.h"
#include "core/lock.h"
#include "core/paths.h"
#include "core/registry.h"
#include "core/template.h"
#include "core/util.h"
#include "kernel/storage.h"
#include "ops/handle.h"

int create_context(const char *name, const char *tpl, int nset, char **set, struct vx_err *err)
{
	char path[PATH_MAX], base_s[32], dir[PATH_MAX];
	_cleanup_close_ int lock = -1, idlock = -1;
	struct vx_template t;
	struct vx_conf conf;
	uint64_t base;
	char *text = NULL;

	if (parse_name(name, "context", err) < 0)
		return -1;
	if (template_load(tpl, &t, err) < 0)
		return -1;
	if (paths_mkdirs(err) < 0)
		return -1;
	lock = lock_context(name, false, err);
	if (lock < 0)
		return -1;
	storage_destroy_finish(name);
	if (path_conf(path, sizeof(path), name) < 0 || path_ctxdir(dir, sizeof(dir), name, NULL) < 0)
		return vx_failsys(err, "config path");
	if (access(path, F_OK) == 0)
		return vx_fail(err, EEXIST, "context '%s' already exists", name);
	if (asprintf(&text, "# vctx context %s; see vctx.conf(5).\n[context]\ntemplate = %s\n",
		     name, tpl) < 0) {
		text = NULL;
		vx_fail(err, ENOMEM, "out of memory");
		goto fail;
	}
	text = cfg_apply(text, nset, set, true, err);
	if (!text)
		goto fail;
	registry_hold();	/* the id ranges and the addresses from one look */
	idlock = idrange_allocate(0, &base, err);
	if (idlock < 0)
		goto fail;
	snprintf(base_s, sizeof(base_s), "%llu", (unsigned long long)base);
	{
		char *next = cfg_set(text, "context", "id-base", base_s, err);

		free(text);
		text = next;
	}
	/* Everything is checked by reading the config back before anything is written. */
	if (!text || conf_parse(path, text, name, &conf, err) < 0)
		goto fail;
	if (registry_check_addresses(name, &conf, err) < 0) {
		conf_free(&conf);
		goto fail;
	}
	if (storage_check_binds(&conf, err) < 0) {
		conf_free(&conf);
		goto fail;
	}
	if (storage_create(name, &conf, err) < 0 ||
	    write_atomic(path, text, strlen(text), 0600, true, err) < 0) {
		rm_rf(dir, NULL);
		conf_free(&conf);
		goto fail;
	}
	conf_free(&conf);
	free(text);
	regindex_note(name);	/* under the id lock: creates come one at a time */
	registry_release();
	return 0;
fail:
	registry_release();
	/* No context came of it: no lock file either (it exists after EEXIST, though). */
	if (access(path, F_OK) < 0)
		lock_context_remove(name);
	free(text);
	return -1;
}
