// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops/set.h"

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
#include "core/limitmap.h"
#include "core/lock.h"
#include "core/paths.h"
#include "core/registry.h"
#include "core/state.h"
#include "core/util.h"
#include "kernel/cgroup.h"
#include "kernel/storage.h"
#include "ops/handle.h"
#include "supervisor/ctl.h"

/* The new config text with the settings applied, checked by parsing it into 'out'. */
static char *edited_conf(const struct vx_handle *h, int nset, char **set, struct vx_conf *out,
			 struct vx_err *err)
{
	char *text = strdup(h->text);

	if (!text) {
		vx_fail(err, ENOMEM, "out of memory");
		return NULL;
	}
	text = cfg_apply(text, nset, set, false, err);
	if (text && conf_parse(h->conf.file, text, h->name, out, err) < 0) {
		free(text);
		return NULL;
	}
	return text;
}

static void key_of(const char *setting, char *key, size_t len)
{
	snprintf(key, len, "%.*s", (int)strcspn(setting, "="), setting);
}

/* Whether 'new' has an address 'old' lacks: one another context might claim meanwhile. */
static bool set_gains_address(const struct vx_conf *old, const struct vx_conf *new)
{
	unsigned i;

	for (i = 0; i < new->address.n; i++)
		if (addr_list_find(&old->address, &new->address.v[i]) < 0)
			return true;
	return false;
}

/* Apply the live keys to a running context; on failure put back what was applied. */
static int set_live(const char *name, const char *cgroup, const struct vx_conf *old,
		    const struct vx_conf *new, int nset, char **set, unsigned *deferred,
		    struct vx_err *err)
{
	char key[64];
	int i, j;

	*deferred = 0;
	for (i = 0; i < nset; i++) {
		const struct vx_key *k;

		key_of(set[i], key, sizeof(key));
		k = conf_key(key);
		if (!(k->flags & VX_KEY_LIVE)) {
			(*deferred)++;
			continue;
		}
		if (cg_set_limits(cgroup, new, key, err) == 0)
			continue;
		vx_prefix(err, "%s", name);
		for (j = 0; j < i; j++) {
			key_of(set[j], key, sizeof(key));
			if (conf_key(key)->flags & VX_KEY_LIVE)
				cg_set_limits(cgroup, old, key, NULL);
		}
		return -1;
	}
	return 0;
}

int set_context(const char *name, int nset, char **set, bool save, bool wait, unsigned *deferred,
	    struct vx_err *err)
{
	char path[PATH_MAX];
	_cleanup_free_ char *text = NULL;
	struct vx_handle h;
	struct vx_conf *old = &h.conf, new;
	_cleanup_close_ int idlock = -1;
	bool running, moved = false;
	int r = -1;

	*deferred = 0;
	if (handle_open(&h, name, H_CONF | H_LOCK | (wait ? H_WAIT : 0) | H_STATE, err) < 0)
		return -1;
	text = edited_conf(&h, nset, set, &new, err);
	if (!text) {
		handle_close(&h);
		return -1;
	}
	/* An address taken is checked under the lock creates, destroys and edits take, and
	 * held until the config is written: a create or another set that claims it meanwhile
	 * lands before this look or after this write, never between. */
	if (save && set_gains_address(old, &new) && (idlock = idrange_lock(err)) < 0)
		goto out;
	if (registry_check_addresses(name, &new, err) < 0 || storage_check_binds(&new, err) < 0)
		goto out;
	running = h.st.init_alive && h.st.state != VX_STOPPED;
	if (old->disk.set != new.disk.set || old->disk.v != new.disk.v) {
		if (!save) {
			vx_fail(err, EINVAL, "disk: --no-save cannot apply to the image");
			goto out;
		}
		if (running && old->disk.set && new.disk.set) {
			/* Its supervisor holds the image: it grows it in place. */
			struct ctl_req req = { .op = CTL_DISK_GROW, .num = new.disk.v };
			int fd = ctl_call(name, &req, NULL, 0, err);

			if (fd < 0)
				goto out;
			close(fd);
		} else if (running || h.st.supervised) {
			vx_fail(err, EBUSY, "disk: stop %s first to add or remove its image", name);
			goto out;
		} else if (storage_resize(name, old, &new, err) < 0) {
			goto out;
		}
		moved = old->disk.set != new.disk.set;
	}
	/* Limits reset to their defaults (KEY=) are made neutral in the kernel too, and a
	 * rollback to an unset limit means its neutral value. */
	limitmap_neutral(&new);
	limitmap_neutral(old);
	if (!running && !save) {
		vx_fail(err, ESRCH, "%s is not running: --no-save would change nothing", name);
		goto out;
	}
	if (running && set_live(name, h.st.cgroup, old, &new, nset, set, deferred, err) < 0)
		goto out;
	if (!running)
		*deferred = 0;
	/* Written under the lock creates and destroys take (idrange_lock), so that it never
	 * lands between their looks at the registry and their notes to its index. */
	if (save && ((idlock < 0 && (idlock = idrange_lock(err)) < 0) ||
		     path_conf(path, sizeof(path), name) < 0 ||
		     write_atomic(path, text, strlen(text), 0600, false, err) < 0)) {
		/* The file could not be written: take the live change back too. */
		if (running)
			cg_set_limits(h.st.cgroup, old, NULL, NULL);
		goto out;
	}
	if (idlock >= 0) {
		close(idlock);
		idlock = -1;
	}
	if (moved)
		storage_settle(name, new.disk.set);
	r = 0;
out:
	/* Files moved onto or off an image stay where the config says they are. */
	if (moved && r < 0)
		storage_settle(name, old->disk.set);
	handle_close(&h);
	conf_free(&new);
	return r;
}
