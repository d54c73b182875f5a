// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops/destroy.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/conf.h"
#include "core/idrange.h"
#include "core/lock.h"
#include "core/paths.h"
#include "core/regindex.h"
#include "core/registry.h"
#include "core/state.h"
#include "core/util.h"
#include "kernel/cgroup.h"
#include "kernel/storage.h"
#include "ops/handle.h"
#include "ops/stop.h"
#include "supervisor/supervisor.h"

int destroy_context(const char *name, bool force, bool wait, char *warning, size_t wlen,
		struct vx_err *err)
{
	char path[PATH_MAX], gone[PATH_MAX];
	_cleanup_close_ int idlock = -1;
	struct vx_handle h;
	int r = -1, others;

	if (handle_open(&h, name, H_STATE | H_ANY | (force ? 0 : H_CONF), err) < 0)
		return -1;
	if (handle_alive(&h)) {
		handle_close(&h);
		if (!force)
			return vx_fail(err, EBUSY, "%s is running: stop it first (or use --force)",
				       name);
		if (stop_context(name, 0, true, wait, NULL, 0, err) < 0)
			return -1;
	} else {
		handle_close(&h);
	}
	if (handle_open(&h, name, H_LOCK | (wait ? H_WAIT : 0) | H_STATE | H_ANY |
				  (force ? 0 : H_CONF), err) < 0)
		return -1;
	if (warning)
		snprintf(warning, wlen, "%s", h.warning);
	if (handle_alive(&h)) {
		vx_fail(err, EBUSY, "%s was started again meanwhile", name);
		goto out;
	}
	if (h.st.have_record && sup_cleanup(name, &h.st, err) < 0)
		goto out;
	if (path_conf(path, sizeof(path), name) < 0) {
		vx_fail(err, ENAMETOOLONG, "path too long");
		goto out;
	}
	if (storage_destroy_begin(gone, sizeof(gone), name, err) < 0)
		goto out;
	/* Under the lock creates take too: the registry is loaded, the config taken away and
	 * the index told (regindex_note), with no other create or destroy between, so the
	 * next create finds the index the answer and lists no directory (regindex.h). */
	idlock = idrange_lock(err);
	if (idlock < 0)
		goto out;
	registry_hold();
	others = registry_others(name, NULL);
	/* Gone at once, whole; what remains is removed now, or by the next command. */
	if (rename(path, gone) < 0 && errno != ENOENT) {
		vx_failsys(err, "cannot remove %s", path);
		registry_release();
		goto out;
	}
	regindex_note(name);
	registry_release();
	close(idlock);
	idlock = -1;
	r = storage_destroy_rest(name, err);
	lock_context_remove(name);
	/* The last context takes the parent cgroup with it. */
	if (r == 0 && others == 0)
		cg_remove_parent(vx_paths.cgroup_parent);
out:
	handle_close(&h);
	return r;
}
