// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops/handle.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/lock.h"
#include "core/paths.h"
#include "core/util.h"
#include "kernel/storage.h"

/* The config it runs on, when it runs; 1 if there was one (its text in *text when asked). */
static int load_runconf(struct vx_handle *h, char **text, struct vx_err *err)
{
	char path[PATH_MAX], *t;

	if (!handle_alive(h) || state_runconf_path(path, sizeof(path), h->name) < 0 ||
	    access(path, F_OK) < 0)
		return 0;
	t = read_text(path, 1 << 20, err);
	if (!t || conf_parse(path, t, h->name, &h->conf, err) < 0) {
		free(t);
		return -1;
	}
	h->have_conf = true;
	if (text)
		*text = t;
	else
		free(t);
	return 1;
}

static void warn_runconf(struct vx_handle *h, const struct vx_err *why)
{
	snprintf(h->warning, sizeof(h->warning), "%.400s (working from the config it started with)",
		 why->msg);
}

/* With H_POLICY, a running context's own copy even when NAME.conf parses: NAME.conf may have
 * been changed for the next start (userns = no, more capabilities), and what runs inside the
 * context now must get the policy its init got.  NAME.conf is parsed only when it differs
 * from the copy, and only to warn of a typo.  1 if the copy was used. */
static int load_policy(struct vx_handle *h, const char *confpath, struct vx_err *err)
{
	_cleanup_free_ char *run = NULL, *now = NULL;
	struct vx_conf next;
	struct vx_err why;
	int r = load_runconf(h, &run, err);

	if (r <= 0 || !confpath)
		return r;
	now = read_text(confpath, 1 << 20, &why);
	if (now && strcmp(now, run) == 0)
		return 1;
	if (now && conf_parse(confpath, now, h->name, &next, &why) == 0)
		conf_free(&next);
	else
		warn_runconf(h, &why);
	return 1;
}

static int load_conf(struct vx_handle *h, unsigned flags, bool exists, struct vx_err *err)
{
	char path[PATH_MAX];
	struct vx_err why;
	int r;

	if (path_conf(path, sizeof(path), h->name) < 0)
		return vx_failsys(err, "config path");
	if (flags & H_POLICY) {
		r = load_policy(h, exists ? path : NULL, err);
		if (r != 0)
			return r < 0 ? -1 : 0;
	}
	if (exists) {
		h->text = read_text(path, 1 << 20, &why);
		if (h->text && conf_parse(path, h->text, h->name, &h->conf, &why) == 0) {
			h->have_conf = true;
			return 0;
		}
		free(h->text);
		h->text = NULL;
	}
	if (flags & H_RUNCONF) {
		r = load_runconf(h, NULL, err);
		if (r < 0)
			return -1;
		if (r > 0) {
			if (exists)
				warn_runconf(h, &why);
			return 0;
		}
	}
	if (!exists)
		return (flags & H_ANY) ? 0
				       : vx_fail(err, ENOENT, "context '%s' does not exist (see "
						 "'vctx list')", h->name);
	if (flags & H_ANY) {
		snprintf(h->warning, sizeof(h->warning), "%.400s (ignored)", why.msg);
		return 0;
	}
	*err = why;
	return -1;
}

int handle_open(struct vx_handle *h, const char *name, unsigned flags, struct vx_err *err)
{
	char path[PATH_MAX];
	bool exists;

	memset(h, 0, sizeof(*h));
	h->lock = -1;
	if (parse_name(name, "context", err) < 0)
		return -1;
	snprintf(h->name, sizeof(h->name), "%s", name);
	if (path_conf(path, sizeof(path), name) < 0)
		return vx_failsys(err, "config path");
	if (flags & H_LOCK) {
		h->lock = lock_context(name, flags & H_WAIT, err);
		if (h->lock < 0)
			goto fail;
		/* A destroy that was killed half way is finished by the next command. */
		storage_destroy_finish(name);
	}
	exists = h->exists = access(path, F_OK) == 0;
	if (flags & (H_STATE | H_RUNCONF | H_POLICY)) {
		if (state_probe(name, &h->st, err) < 0)
			goto fail;
		h->have_state = true;
	}
	if (!exists && !h->st.have_record && !handle_alive(h) && !(flags & H_ANY)) {
		vx_fail(err, ENOENT, "context '%s' does not exist (see 'vctx list')", name);
		/* The lock file this made stays only for a context that exists. */
		if (h->lock >= 0)
			lock_context_remove(name);
		goto fail;
	}
	if ((flags & (H_CONF | H_RUNCONF | H_POLICY)) && load_conf(h, flags, exists, err) < 0)
		goto fail;
	return 0;
fail:
	handle_close(h);
	return -1;
}

void handle_close(struct vx_handle *h)
{
	if (h->have_conf)
		conf_free(&h->conf);
	h->have_conf = false;
	free(h->text);
	h->text = NULL;
	if (h->have_state)
		state_free(&h->st);
	h->have_state = false;
	if (h->lock >= 0)
		close(h->lock);
	h->lock = -1;
}

bool handle_alive(const struct vx_handle *h)
{
	return h->st.supervised || h->st.init_alive;
}

bool handle_up(const struct vx_handle *h)
{
	return h->st.supervised && h->st.init_alive && h->st.state == VX_RUNNING;
}
