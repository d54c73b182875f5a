// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops/receive.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/conf.h"
#include "core/lock.h"
#include "core/paths.h"
#include "core/template.h"
#include "core/util.h"
#include "ops/adopt.h"
#include "ops/destroy.h"
#include "ops/handle.h"
#include "ops/start.h"
#include "ops/template.h"
#include "vnet/vnet.h"

struct receive_where {
	char stage[PATH_MAX], tstage[PATH_MAX], mark[PATH_MAX], done[PATH_MAX], lock[PATH_MAX];
};

/* The migration's token is in this marker file. */
static bool receive_marked(const char *path, const char *token)
{
	char buf[64];
	ssize_t n = read_file_at(AT_FDCWD, path, buf, sizeof(buf) - 1);

	if (n < 0)
		return false;
	buf[n] = '\0';
	return strcmp(buf, token) == 0;
}

static int receive_where(const char *name, const char *token, struct receive_where *w,
			 struct vx_err *err)
{
	if (parse_name(name, "context", err) < 0)
		return -1;
	if (strlen(token) != 16 || strspn(token, "0123456789abcdef") != 16)
		return vx_fail(err, EINVAL, "invalid migration token '%s'", token);
	if (xsnprintf(w->stage, sizeof(w->stage), "%s/.migrate-%s", vx_paths.contexts, name) < 0 ||
	    xsnprintf(w->tstage, sizeof(w->tstage), "%s/.migrate-%s", vx_paths.templates, name) < 0 ||
	    xsnprintf(w->mark, sizeof(w->mark), "%s/.migrate-%s.in", vx_paths.contexts, name) < 0 ||
	    xsnprintf(w->done, sizeof(w->done), "%s/.migrate-%s.done", vx_paths.contexts, name) < 0 ||
	    xsnprintf(w->lock, sizeof(w->lock), "%s/.migrate-%s.lock", vx_paths.run, name) < 0)
		return vx_fail(err, ENAMETOOLONG, "path too long");
	return 0;
}

/* Every step holds the name's migration lock (waiting: a state or abort waits for a commit
 * that is still starting the context). */
static int receive_lock(const char *name, const char *token, struct receive_where *w,
			struct vx_err *err)
{
	if (paths_mkdirs(err) < 0 || receive_where(name, token, w, err) < 0)
		return -1;
	return lock_file(w->lock, name, true, err);
}

/* done: nothing of the migration is left here, the lock file neither. */
static void receive_unlock(int fd, const struct receive_where *w, bool done)
{
	if (done)
		unlink(w->lock);
	close(fd);
}

int receive_prepare(const char *name, const char *token, const char *conftext, const char *tpl,
		    const char *tplsum, struct receive_paths *out, struct vx_err *err)
{
	struct receive_where w;
	struct vx_template t;
	char sum[32], dir[PATH_MAX];
	int lk, r = -1;

	memset(out, 0, sizeof(*out));
	lk = receive_lock(name, token, &w, err);
	if (lk < 0)
		return -1;
	if (parse_name(tpl, "template", err) < 0 || adopt_check(name, conftext, 0, NULL, err) < 0)
		goto out;
	unlink(w.done);		/* an earlier migration's, of a context since gone */
	if (access(w.mark, F_OK) == 0) {
		vx_fail(err, EBUSY, "a migration of %s to this host is not finished: run 'vctx "
			"migrate --recover %s' on its source", name, name);
		goto out;
	}
	if (path_tpldir(dir, sizeof(dir), tpl, NULL) < 0) {
		vx_fail(err, ENAMETOOLONG, "path too long");
		goto out;
	}
	if (access(dir, F_OK) == 0) {
		if (template_load(tpl, &t, err) < 0 ||
		    template_checksum(tpl, sum, sizeof(sum), err) < 0)
			goto out;
		if (strcmp(sum, tplsum) != 0) {
			vx_fail(err, EEXIST, "template '%s' here is not the source's (checksum %s, the "
				"source's %s): remove or rename one of them", tpl, sum, tplsum);
			goto out;
		}
	} else if (rm_rf(w.tstage, err) < 0 || mkdir(w.tstage, 0755) < 0) {
		vx_failsys(err, "cannot create %s", w.tstage);
		goto out;
	} else {
		snprintf(out->template, sizeof(out->template), "%s", w.tstage);
	}
	/* What an earlier attempt that died left is the source's to resend. */
	if (rm_rf(w.stage, err) < 0)
		goto out;
	if (mkdir(w.stage, 0700) < 0) {
		vx_failsys(err, "cannot create %s", w.stage);
		goto out;
	}
	snprintf(out->context, sizeof(out->context), "%s", w.stage);
	r = 0;
out:
	receive_unlock(lk, &w, false);
	return r;
}

/* The template that came along goes into place, unless one of that name arrived meanwhile.
 * Returns 1 when it put it there (a failed commit takes it away again). */
static int receive_template(const char *tpl, const struct receive_where *w, struct vx_err *err)
{
	char dir[PATH_MAX];
	struct vx_template t;

	if (access(w->tstage, F_OK) < 0)
		return 0;
	if (path_tpldir(dir, sizeof(dir), tpl, NULL) < 0)
		return vx_fail(err, ENAMETOOLONG, "path too long");
	if (access(dir, F_OK) == 0)
		return rm_rf(w->tstage, err);
	if (rename(w->tstage, dir) < 0)
		return vx_failsys(err, "cannot move %s to %s", w->tstage, dir);
	if (template_load(tpl, &t, err) < 0) {
		rm_rf(dir, NULL);
		return vx_prefix(err, "the template sent is not usable");
	}
	return 1;
}

/* Started: the LAN told where its addresses are now, then up by its 'ready' setting. */
static int receive_up(const char *name, char *warning, size_t wlen, struct vx_err *err)
{
	struct vx_handle h;
	struct vx_err e;
	uint64_t timeout;

	if (handle_open(&h, name, H_RUNCONF, err) < 0)
		return -1;
	if (vnet_announce(&h.conf, &e) < 0 && warning)
		snprintf(warning, wlen, "%s", e.msg);
	timeout = h.conf.start_timeout_ms;
	handle_close(&h);
	return start_wait_ready(name, timeout, err);
}

int receive_commit(const char *name, const char *token, const char *conftext, const char *tpl,
		   uint64_t base, bool start, char *warning, size_t wlen, struct vx_err *err)
{
	struct receive_where w;
	struct start_result res;
	struct stat st;
	int lk, placed = 0, r = -1;

	if (warning && wlen)
		warning[0] = '\0';
	lk = receive_lock(name, token, &w, err);
	if (lk < 0)
		return -1;
	if (stat(w.stage, &st) < 0 || !S_ISDIR(st.st_mode)) {
		vx_fail(err, ENOENT, "nothing was sent here for %s (prepare first)", name);
		goto out;
	}
	if (parse_name(tpl, "template", err) < 0 || (placed = receive_template(tpl, &w, err)) < 0)
		goto fail;
	/* From here until it is up, the context is the migration's: abort may remove it. */
	if (write_atomic(w.mark, token, strlen(token), 0600, false, err) < 0)
		goto fail;
	if (adopt_context(name, conftext, 0, NULL, w.stage, base, err) < 0)
		goto fail;
	if (start && (start_context(name, false, NULL, &res, err) < 0 ||
		      receive_up(name, warning, wlen, err) < 0)) {
		destroy_context(name, true, true, NULL, 0, NULL);
		goto fail;
	}
	/* Here for good: the source's abort learns so from this. */
	if (rename(w.mark, w.done) < 0) {
		vx_failsys(err, "cannot rename %s", w.mark);
		destroy_context(name, true, true, NULL, 0, NULL);
		goto fail;
	}
	r = 0;
	goto out;
fail:
	rm_rf(w.stage, NULL);
	rm_rf(w.tstage, NULL);
	unlink(w.mark);
	if (placed > 0)
		template_remove(tpl, &(struct vx_err){ 0 });	/* refused if a context here uses it */
out:
	receive_unlock(lk, &w, true);
	if (r < 0)
		vx_prefix(err, "cannot take %s in", name);
	return r;
}

int receive_abort(const char *name, const char *token, struct vx_err *err)
{
	struct receive_where w;
	struct vx_handle h;
	struct vx_err e;
	char dir[PATH_MAX];
	bool exists = false, up = false;
	int lk, r = -1;

	lk = receive_lock(name, token, &w, err);
	if (lk < 0)
		return -1;
	if (handle_open(&h, name, H_STATE | H_ANY, &e) == 0) {
		exists = h.exists;
		up = handle_up(&h);
		handle_close(&h);
	}
	/* This migration's context, and up or taken in for good: the migration is done,
	 * whatever the source believed; nothing is removed. */
	if (receive_marked(w.done, token) || (up && receive_marked(w.mark, token))) {
		if (!receive_marked(w.done, token))
			rename(w.mark, w.done);
		r = up ? RECEIVE_RUNNING : RECEIVE_COMMITTED;
		goto out;
	}
	if (receive_marked(w.mark, token)) {
		/* Taken in but not up: a start still waiting for it to come up is killed. */
		if (exists && destroy_context(name, true, true, NULL, 0, err) < 0)
			goto out;
		if (!exists && (path_ctxdir(dir, sizeof(dir), name, NULL) < 0 ||
				rm_rf(dir, err) < 0))
			goto out;
		unlink(w.mark);
	}
	if (rm_rf(w.stage, err) < 0 || rm_rf(w.tstage, err) < 0)
		goto out;
	r = RECEIVE_ABORTED;
out:
	receive_unlock(lk, &w, r == RECEIVE_ABORTED);
	return r;
}

int receive_finish(const char *name, const char *token, struct vx_err *err)
{
	struct receive_where w;
	int lk = receive_lock(name, token, &w, err);

	if (lk < 0)
		return -1;
	if (receive_marked(w.done, token))
		unlink(w.done);
	receive_unlock(lk, &w, true);
	return 0;
}
