// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops/start.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "core/conf.h"
#include "core/lock.h"
#include "core/paths.h"
#include "core/registry.h"
#include "core/state.h"
#include "core/template.h"
#include "core/util.h"
#include "kernel/lxcfs.h"
#include "kernel/storage.h"
#include "kernel/sysfilter.h"
#include "ops/handle.h"
#include "ops/migrate.h"
#include "supervisor/ctl.h"
#include "supervisor/supervisor.h"
#include "vnet/vnet.h"

/* lxcfs = auto uses lxcfs when it serves, yes requires it; a dead lxcfs mount is said. */
static int use_lxcfs(const struct vx_conf *conf, bool *use, char *note, size_t len,
		     struct vx_err *err)
{
	struct vx_err why;
	int r;

	*use = false;
	if (strcmp(conf->lxcfs, "no") == 0)
		return 0;
	r = lxcfs_probe(&why);
	*use = r > 0;
	if (r > 0 || strcmp(conf->lxcfs, "auto") == 0) {
		if (r < 0)
			snprintf(note, len, "started without lxcfs: %.400s", why.msg);
		return 0;
	}
	if (r < 0)
		return vx_fail(err, why.code, "lxcfs = yes: %s", why.msg);
	return vx_fail(err, ENOENT, "lxcfs = yes, but lxcfs is not running at %s (apt-get install "
		       "lxcfs; see vctx.conf(5))", vx_paths.lxcfs);
}

/* What a crashed supervisor left: clean it, or refuse if its context still runs. */
static int settle(const char *name, struct vx_runstate *st, struct vx_err *err)
{
	if (state_probe(name, st, err) < 0)
		return -1;
	/* A supervisor whose init is gone is finishing its cleanup, one that is stopping will be
	 * done within its stop-timeout (a stop whose command was killed goes on): wait, then go. */
	if (st->supervised && ((!st->init_alive && st->state != VX_STARTING) ||
			       st->state == VX_STOPPING)) {
		if (lock_supervisor_wait(name, err) < 0)
			return -1;
		state_free(st);
		if (state_probe(name, st, err) < 0)
			return -1;
	}
	if (st->supervised)
		return vx_fail(err, EEXIST, "%s is already %s", name, state_str(st->state));
	if (st->init_alive)
		return vx_fail(err, EEXIST, "%s is running without its supervisor (was it "
			       "killed?); 'vctx stop %s' stops it and cleans up", name, name);
	if (st->have_record)
		return sup_cleanup(name, st, err);
	return 0;
}

int start_context(const char *name, bool wait, struct start_console *con, struct start_result *res,
	      struct vx_err *err)
{
	int sv[2] = { -1, -1 };
	struct vx_handle h;
	struct vx_runstate st;
	struct vx_template t;
	struct vx_bpf bpf = { 0 };
	struct stat sb;
	char upper[PATH_MAX], note[VX_ERR_MSG] = "";
	_cleanup_free_ char *effective = NULL;
	bool lxcfs;
	int pfd[2], status, r = -1;
	ssize_t n;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	/* The lock first: a destroy that got there before leaves nothing to start. */
	if (paths_mkdirs(err) < 0 ||
	    handle_open(&h, name, H_LOCK | (wait ? H_WAIT : 0) | H_CONF, err) < 0)
		return -1;
	if (migrate_check_start(name, err) < 0)
		goto out;
	if (template_load(h.conf.template, &t, err) < 0 ||
	    path_ctxdir(upper, sizeof(upper), name, h.conf.disk.set ? "disk.img" : "upper") < 0)
		goto out;
	if (stat(upper, &sb) < 0) {
		vx_failsys(err, "the storage of %s is missing (%s)", name, upper);
		goto out;
	}
	r = settle(name, &st, err);
	state_free(&st);
	if (r == 0)
		storage_sweep(name);	/* what an interrupted command left */
	/* The other configs from one look, for the ids and the addresses. */
	registry_hold();
	if (r == 0)
		r = registry_check_ids(name, &h.conf, err);
	if (r == 0)
		r = vnet_check(name, &h.conf, err);
	if (r == 0)
		registry_own(name, h.text);
	registry_release();
	if (r < 0 ||
	    (r = use_lxcfs(&h.conf, &lxcfs, note, sizeof(note), err)) < 0 ||
	    (r = sysfilter_build(&h.conf, &bpf, err)) < 0)
		goto out;
	r = -1;
	/* Its run copy holds the site's defaults as they are now (see conf_effective_text). */
	effective = conf_effective_text(h.conf.file, h.text, err);
	if (!effective)
		goto out;
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		vx_failsys(err, "pipe");
		goto out;
	}
	if (con && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		vx_failsys(err, "socketpair");
		close(pfd[0]);
		close(pfd[1]);
		goto out;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		vx_failsys(err, "fork");
		goto out;
	}
	if (pid == 0) {
		struct sup_args a = { .name = name, .conf = &h.conf, .tpl = &t, .bpf = &bpf,
				      .result_fd = pfd[1], .lock_fd = h.lock, .lxcfs = lxcfs,
				      .conftext = effective, .viewer_fd = sv[1] };

		close(pfd[0]);
		if (sv[0] >= 0)
			close(sv[0]);
		sup_main(&a);
	}
	close(pfd[1]);
	if (sv[1] >= 0)
		close(sv[1]);
	n = read_full(pfd[0], res, sizeof(*res));
	if (con && n == sizeof(*res) && res->ok) {
		con->fd = sv[0];
		con->status_fd = pfd[0];
		snprintf(con->escape, sizeof(con->escape), "%s", h.conf.console_escape);
	} else {
		if (sv[0] >= 0)
			close(sv[0]);
		close(pfd[0]);
	}
	if (n != sizeof(*res)) {
		vx_fail(err, EIO, "the supervisor of %s died while starting it (see %s/%s/vctx.log)",
			name, vx_paths.log, name);
	} else if (!res->ok) {
		*err = res->err;
	} else {
		snprintf(res->note, sizeof(res->note), "%s", note);
		r = 0;
		goto out;
	}
	/* It cleaned up before answering; let it finish exiting so the next command finds
	 * nothing left. */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	vx_prefix(err, "cannot start %s", name);
out:
	sysfilter_free(&bpf);
	handle_close(&h);
	return r;
}

int start_wait_ready(const char *name, uint64_t timeout_ms, struct vx_err *err)
{
	struct ctl_req req = { .op = CTL_READY };
	int fd = ctl_call_within(name, &req, NULL, 0, timeout_ms, err);

	if (fd < 0)
		return vx_prefix(err, "%s did not come up", name);
	close(fd);
	return 0;
}

int start_ready(const char *name, struct vx_err *err)
{
	struct vx_handle h;
	uint64_t ms;

	if (handle_open(&h, name, H_CONF, err) < 0)
		return -1;
	ms = h.conf.start_timeout_ms;
	handle_close(&h);
	if (start_wait_ready(name, ms, err) < 0) {
		if (err->code == ETIMEDOUT)
			return vx_fail(err, ETIMEDOUT, "%s runs but is not up within its start-timeout "
				       "(%llus) by its ready setting; left running", name,
				       (unsigned long long)ms / 1000);
		return -1;
	}
	return 0;
}
