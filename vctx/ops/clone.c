// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops/clone.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cfgedit.h"
#include "core/conf.h"
#include "core/lock.h"
#include "core/paths.h"
#include "core/util.h"
#include "kernel/storage.h"
#include "ops/adopt.h"
#include "ops/freeze.h"
#include "ops/handle.h"

/* The header create wrote names the source: the clone's names itself and where it came from.
 * Any other comment is the admin's and is kept. */
static char *clone_header(const char *text, const char *src, const char *dst)
{
	_cleanup_free_ char *old = NULL;
	const char *rest = text;
	char *out;

	if (asprintf(&old, "# vctx context %s; see vctx.conf(5).\n", src) < 0)
		return NULL;
	if (strncmp(text, old, strlen(old)) == 0)
		rest = text + strlen(old);
	if (asprintf(&out, "# vctx context %s, cloned from %s; see vctx.conf(5).\n%s", dst, src,
		     rest) < 0)
		return NULL;
	return out;
}

int clone_context(const char *src, const char *dst, int nset, char **set,
		  const struct proc_watch *o_watch, struct vx_err *err)
{
	char srcdir[PATH_MAX], tmp[PATH_MAX], path[PATH_MAX];
	_cleanup_free_ char *text = NULL;
	struct vx_handle h;
	int frozen = -1, r = -1;
	unsigned removed;
	const char *drop[][2] = { { "context", "id-base" }, { "context", "hostname" },
				  { "network", "address" } };

	if (parse_name(dst, "context", err) < 0)
		return -1;
	if (path_conf(path, sizeof(path), dst) < 0 || access(path, F_OK) == 0)
		return vx_fail(err, EEXIST, "context '%s' already exists", dst);
	if (handle_open(&h, src, H_CONF | H_LOCK, err) < 0)
		return -1;
	storage_sweep(src);
	if (path_ctxdir(srcdir, sizeof(srcdir), src, NULL) < 0 ||
	    xsnprintf(tmp, sizeof(tmp), "%s/.tmp-%d-clone-%s", vx_paths.contexts, (int)getpid(),
		      dst) < 0) {
		vx_fail(err, ENAMETOOLONG, "path too long");
		goto out;
	}
	/* A new context: its own ids, its own name inside, and addresses only when given. */
	text = clone_header(h.text, src, dst);
	if (!text) {
		vx_failsys(err, "out of memory");
		goto out;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(drop); i++) {
		char *next = cfg_del(text, drop[i][0], drop[i][1], NULL, &removed, err);

		free(text);
		text = next;
		if (!text)
			goto out;
	}
	storage_sweep_dir(vx_paths.contexts, ".tmp-", SWEEP_DEAD_PID);
	rm_rf(tmp, NULL);
	if (mkdir(tmp, 0700) < 0) {
		vx_failsys(err, "cannot create %s", tmp);
		goto out;
	}
	if (freeze_context(src, &frozen, err) < 0 ||
	    storage_copy_layer(srcdir, tmp, 0, o_watch, err) < 0) {
		rm_rf(tmp, NULL);
		goto out;
	}
	freeze_thaw(&frozen);
	r = adopt_context(dst, text, nset, set, tmp, h.conf.id_base, err);
	if (r < 0)
		rm_rf(tmp, NULL);
out:
	freeze_thaw(&frozen);
	handle_close(&h);
	if (r < 0)
		vx_prefix(err, "cannot clone %s", src);
	return r;
}
