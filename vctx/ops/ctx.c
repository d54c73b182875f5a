// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops/ctx.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "core/addr.h"
#include "core/cfgedit.h"
#include "kernel/cgroup.h"
#include "supervisor/ctl.h"
#include "ops/handle.h"
#include "core/idrange.h"
#include "core/limitmap.h"
#include "core/lock.h"
#include "kernel/lxcfs.h"
#include "core/paths.h"
#include "core/registry.h"
#include "kernel/sysfilter.h"
#include "core/state.h"
#include "kernel/storage.h"
#include "core/sys.h"
#include "core/template.h"
#include "core/util.h"
#include "vnet/vnet.h"

int ctx_load(const char *name, struct vx_conf *conf, struct vx_err *err)
{
	char path[PATH_MAX];

	if (parse_name(name, "context", err) < 0)
		return -1;
	if (path_conf(path, sizeof(path), name) < 0)
		return vx_failsys(err, "config path");
	if (access(path, F_OK) < 0)
		return vx_fail(err, ENOENT, "context '%s' does not exist (see 'vctx list')", name);
	return conf_load_file(path, name, conf, err);
}

/* --- settings on the command line ---------------------------------------------------------- */

/* Apply KEY=VALUE settings to a config text.  add: repeatable keys gain a line instead of
 * replacing their lines. */
static char *apply_settings(char *text, int nset, char **set, bool add, struct vx_err *err)
{
	int i;

	for (i = 0; i < nset && text; i++) {
		char key[64];
		const char *eq = strchr(set[i], '=');
		const struct vx_key *k;
		char *next;

		if (!eq || eq == set[i] || (size_t)(eq - set[i]) >= sizeof(key)) {
			vx_fail(err, EINVAL, "expected KEY=VALUE, got '%s'", set[i]);
			goto fail;
		}
		snprintf(key, sizeof(key), "%.*s", (int)(eq - set[i]), set[i]);
		k = conf_key(key);
		if (!k) {
			vx_fail(err, EINVAL, "unknown key '%s' (see vctx.conf(5))", key);
			goto fail;
		}
		if (k->flags & VX_KEY_INTERNAL) {
			vx_fail(err, EPERM, "key '%s' is managed by vctx", key);
			goto fail;
		}
		if (strchr(eq + 1, '\n')) {
			vx_fail(err, EINVAL, "%s: value may not contain a newline", key);
			goto fail;
		}
		if (eq[1] && conf_check_value(key, eq + 1, err) < 0)
			goto fail;
		if (eq[1] == '\0') {
			unsigned removed;

			/* KEY= removes the key: back to its default. */
			next = cfg_del(text, k->section, key, NULL, &removed, err);
		} else if ((k->flags & VX_KEY_REPEAT) && add) {
			next = cfg_add(text, k->section, key, eq + 1, err);
		} else {
			next = cfg_set(text, k->section, key, eq + 1, err);
		}
		free(text);
		text = next;
	}
	return text;
fail:
	free(text);
	return NULL;
}

/* An address may belong to one context only. */
static int check_addresses(const char *name, const struct vx_conf *conf, struct vx_err *err)
{
	char owner[VX_NAME_MAX + 1];
	unsigned i;

	for (i = 0; i < conf->address.n; i++)
		if (registry_owner(conf->address.v[i], name, owner, sizeof(owner)))
			return vx_fail(err, EADDRINUSE, "address %s belongs to context %s",
				       conf->address.v[i], owner);
	return 0;
}

/* --- create -------------------------------------------------------------------------------- */

int ctx_create(const char *name, const char *tpl, int nset, char **set, struct vx_err *err)
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
	lock = ctx_lock(name, false, err);
	if (lock < 0)
		return -1;
	storage_destroy_finish(name);
	if (path_conf(path, sizeof(path), name) < 0 || path_ctxdir(dir, sizeof(dir), name, NULL) < 0)
		return vx_failsys(err, "config path");
	if (access(path, F_OK) == 0)
		return vx_fail(err, EEXIST, "context '%s' already exists", name);
	if (asprintf(&text, "# vctx context %s; see vctx.conf(5).\n[context]\ntemplate = %s\n",
		     name, tpl) < 0)
		return vx_fail(err, ENOMEM, "out of memory");
	text = apply_settings(text, nset, set, true, err);
	if (!text)
		return -1;
	idlock = idrange_allocate(&base, err);
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
	if (check_addresses(name, &conf, err) < 0) {
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
	return 0;
fail:
	/* No context came of it: no lock file either (it exists after EEXIST, though). */
	if (access(path, F_OK) < 0)
		ctx_lock_remove(name);
	free(text);
	return -1;
}

/* The new config text with the settings applied, checked by parsing it into 'out'. */
static char *edited_conf(const char *name, int nset, char **set, struct vx_conf *out,
			 struct vx_err *err)
{
	char path[PATH_MAX];
	char *text;

	if (path_conf(path, sizeof(path), name) < 0) {
		vx_failsys(err, "config path");
		return NULL;
	}
	text = read_text(path, 1 << 20, err);
	if (text)
		text = apply_settings(text, nset, set, false, err);
	if (text && conf_parse(path, text, name, out, err) < 0) {
		free(text);
		return NULL;
	}
	return text;
}

static void key_of(const char *setting, char *key, size_t len)
{
	snprintf(key, len, "%.*s", (int)strcspn(setting, "="), setting);
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

int ctx_set(const char *name, int nset, char **set, bool save, bool wait, unsigned *deferred,
	    struct vx_err *err)
{
	char path[PATH_MAX];
	_cleanup_close_ int lock = -1;
	_cleanup_free_ char *text = NULL;
	struct vx_conf old, new;
	struct vx_runstate st = { 0 };
	bool running, moved = false;
	int r = -1;

	*deferred = 0;
	if (ctx_load(name, &old, err) < 0)
		return -1;
	lock = ctx_lock(name, wait, err);
	if (lock < 0) {
		conf_free(&old);
		return -1;
	}
	text = edited_conf(name, nset, set, &new, err);
	if (!text) {
		conf_free(&old);
		return -1;
	}
	if (check_addresses(name, &new, err) < 0 || storage_check_binds(&new, err) < 0)
		goto out;
	if (state_probe(name, &st, err) < 0)
		goto out;
	running = st.init_alive && st.state != VX_STOPPED;
	if (old.disk.set != new.disk.set || old.disk.v != new.disk.v) {
		if (!save) {
			vx_fail(err, EINVAL, "disk: --no-save cannot apply to the image");
			goto out;
		}
		if (running && old.disk.set && new.disk.set) {
			/* Its supervisor holds the image: it grows it in place. */
			char req[64], ans[VX_ERR_MSG + 16];
			int fd;

			snprintf(req, sizeof(req), "disk-grow %llu", (unsigned long long)new.disk.v);
			fd = ctl_request(name, req, ans, sizeof(ans), err);
			if (fd < 0)
				goto out;
			close(fd);
			if (strcmp(ans, "ok") != 0) {
				vx_fail(err, EIO, "%s", strncmp(ans, "error ", 6) == 0 ? ans + 6 : ans);
				goto out;
			}
		} else if (running || st.supervised) {
			vx_fail(err, EBUSY, "disk: stop %s first to add or remove its image", name);
			goto out;
		} else if (storage_resize(name, &old, &new, err) < 0) {
			goto out;
		}
		moved = old.disk.set != new.disk.set;
	}
	/* Limits reset to their defaults (KEY=) are made neutral in the kernel too, and a
	 * rollback to an unset limit means its neutral value. */
	limits_neutral(&new);
	limits_neutral(&old);
	if (!running && !save) {
		vx_fail(err, ESRCH, "%s is not running: --no-save would change nothing", name);
		goto out;
	}
	if (running && set_live(name, st.cgroup, &old, &new, nset, set, deferred, err) < 0)
		goto out;
	if (!running)
		*deferred = 0;
	if (save && (path_conf(path, sizeof(path), name) < 0 ||
		     write_atomic(path, text, strlen(text), 0600, false, err) < 0)) {
		/* The file could not be written: take the live change back too. */
		if (running)
			cg_set_limits(st.cgroup, &old, NULL, NULL);
		goto out;
	}
	if (moved)
		storage_settle(name, new.disk.set);
	r = 0;
out:
	/* Files moved onto or off an image stay where the config says they are. */
	if (moved && r < 0)
		storage_settle(name, old.disk.set);
	state_free(&st);
	conf_free(&old);
	conf_free(&new);
	return r;
}

/* --- start --------------------------------------------------------------------------------- */

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
		if (sup_wait_exit(name, err) < 0)
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

int ctx_start(const char *name, bool wait, struct start_console *con, struct start_result *res,
	      struct vx_err *err)
{
	int sv[2] = { -1, -1 };
	struct vx_handle h;
	struct vx_runstate st;
	struct vx_template t;
	struct vx_bpf bpf = { 0 };
	struct stat sb;
	char upper[PATH_MAX], note[VX_ERR_MSG] = "";
	bool lxcfs;
	int pfd[2], status, r = -1;
	ssize_t n;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	/* The lock first: a destroy that got there before leaves nothing to start. */
	if (paths_mkdirs(err) < 0 ||
	    handle_open(&h, name, H_LOCK | (wait ? H_WAIT : 0) | H_CONF, err) < 0)
		return -1;
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
	if (r < 0 || (r = vnet_check(name, &h.conf, err)) < 0 ||
	    (r = use_lxcfs(&h.conf, &lxcfs, note, sizeof(note), err)) < 0 ||
	    (r = seccomp_build(&h.conf, &bpf, err)) < 0)
		goto out;
	r = -1;
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
				      .conftext = h.text, .viewer_fd = sv[1] };

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
	seccomp_free(&bpf);
	handle_close(&h);
	return r;
}

/* --- stop ---------------------------------------------------------------------------------- */

/* Wait until the process behind pidfd exits, at most ms (-1: forever). */
static bool wait_exit(int pidfd, int ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	while (poll(&p, 1, ms) < 0)
		if (errno != EINTR)
			return false;
	return p.revents & POLLIN;
}

/* The supervisor is gone but init is not: stop it from here, then clean up. */
static int stop_orphan(const char *name, struct vx_runstate *st, const struct vx_conf *conf,
		       uint64_t timeout_ms, bool kill, struct vx_err *err)
{
	_cleanup_close_ int pidfd = vx_pidfd_open(st->init);
	struct vx_template t;
	int sig = conf ? conf->stop_signal : 0;

	if (pidfd < 0 || proc_start_time(st->init) != st->init_start)
		return sup_cleanup(name, st, err);	/* exited meanwhile */
	/* Without a config (it does not parse): the template the run state names. */
	if (!sig)
		sig = template_load(conf ? conf->template : st->template, &t, NULL) == 0
			      ? t.stop_signal : SIGTERM;
	if (!kill && timeout_ms) {
		vx_pidfd_send_signal(pidfd, sig);
		if (wait_exit(pidfd, timeout_ms > INT32_MAX ? INT32_MAX : (int)timeout_ms))
			return sup_cleanup(name, st, err);
	}
	/* SIGKILL to a pid namespace's init takes every process in it along. */
	vx_pidfd_send_signal(pidfd, SIGKILL);
	wait_exit(pidfd, -1);
	return sup_cleanup(name, st, err);
}

int ctx_stop(const char *name, uint64_t timeout_ms, bool kill, bool wait, char *warning,
	     size_t wlen, struct vx_err *err)
{
	_cleanup_close_ int fd = -1;
	struct vx_handle h;
	char req[64], ans[64];
	int r = 0;

	/* A running context stops on the config it started with, whatever NAME.conf says now. */
	if (handle_open(&h, name, H_LOCK | (wait ? H_WAIT : 0) | H_RUNCONF | H_ANY, err) < 0)
		return -1;
	if (warning)
		snprintf(warning, wlen, "%s", h.warning);
	if (timeout_ms == VX_TIMEOUT_CONFIG)
		timeout_ms = h.have_conf ? h.conf.stop_timeout_ms : 30000;
	if (h.st.supervised) {
		snprintf(req, sizeof(req), kill ? "kill" : "stop %llu",
			 (unsigned long long)timeout_ms);
		fd = ctl_request(name, req, ans, sizeof(ans), err);
		if (fd < 0 || sup_wait_exit(name, err) < 0)
			r = -1;
	} else if (h.st.init_alive) {
		r = stop_orphan(name, &h.st, h.have_conf ? &h.conf : NULL, timeout_ms, kill, err);
	} else if (h.st.have_record) {
		r = sup_cleanup(name, &h.st, err);
	} else if (!h.have_conf && !h.warning[0]) {
		r = vx_fail(err, ENOENT, "context '%s' does not exist (see 'vctx list')", name);
	} else {
		/* Already stopped: done, as systemctl stop says of a stopped unit. */
		r = 1;
	}
	handle_close(&h);
	return r;
}

/* --- destroy ------------------------------------------------------------------------------- */

int ctx_destroy(const char *name, bool force, bool wait, char *warning, size_t wlen,
		struct vx_err *err)
{
	char path[PATH_MAX], gone[PATH_MAX];
	struct vx_handle h;
	int r = -1;

	if (handle_open(&h, name, H_STATE | H_ANY | (force ? 0 : H_CONF), err) < 0)
		return -1;
	if (handle_alive(&h)) {
		handle_close(&h);
		if (!force)
			return vx_fail(err, EBUSY, "%s is running: stop it first (or use --force)",
				       name);
		if (ctx_stop(name, 0, true, wait, NULL, 0, err) < 0)
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
	if (path_conf(path, sizeof(path), name) < 0 ||
	    storage_destroy_mark(gone, sizeof(gone), name) < 0) {
		vx_fail(err, ENAMETOOLONG, "path too long");
		goto out;
	}
	/* Gone at once, whole; what remains is removed now, or by the next command. */
	if (rename(path, gone) < 0 && errno != ENOENT) {
		vx_failsys(err, "cannot remove %s", path);
		goto out;
	}
	r = storage_destroy_rest(name, err);
	ctx_lock_remove(name);
out:
	handle_close(&h);
	return r;
}

/* --- addresses (vnet add/del) -------------------------------------------------------------- */

static int addr_persist(const char *name, const char *canon, bool add, struct vx_err *err)
{
	char path[PATH_MAX];
	_cleanup_free_ char *text = NULL, *next = NULL;
	struct vx_conf conf;
	unsigned removed = 0;

	if (path_conf(path, sizeof(path), name) < 0)
		return vx_failsys(err, "config path");
	text = read_text(path, 1 << 20, err);
	if (!text)
		return -1;
	next = add ? cfg_add(text, "network", "address", canon, err)
		   : cfg_del(text, "network", "address", canon, &removed, err);
	if (!next || conf_parse(path, next, name, &conf, err) < 0)
		return -1;
	conf_free(&conf);
	return write_atomic(path, next, strlen(next), 0600, false, err);
}

int ctx_addr(const char *name, const char *addr, bool add, bool wait, struct vx_err *err)
{
	_cleanup_close_ int lock = -1, fd = -1;
	struct vx_runstate st = { 0 };
	struct vx_conf conf;
	struct vx_addr a;
	char canon[64], req[96], ans[VX_ERR_MSG + 16], owner[VX_NAME_MAX + 1], *have = NULL;
	unsigned i;
	int r = -1;

	if (addr_parse(addr, true, &a, err) < 0 || (add && addr_check_host(&a, err) < 0))
		return -1;
	addr_fmt(&a, true, canon, sizeof(canon));
	if (ctx_load(name, &conf, err) < 0)
		return -1;
	lock = ctx_lock(name, wait, err);
	if (lock < 0)
		goto out;
	for (i = 0; i < conf.address.n; i++)
		if (addr_same_host(conf.address.v[i], canon))
			have = conf.address.v[i];
	if (add && have) {
		vx_fail(err, EEXIST, "%s already has address %s", name, have);
		goto out;
	}
	if (!add && !have) {
		vx_fail(err, ENOENT, "%s does not have address %s", name, canon);
		goto out;
	}
	if (!add)
		snprintf(canon, sizeof(canon), "%s", have);
	if (add && registry_owner(canon, name, owner, sizeof(owner))) {
		vx_fail(err, EADDRINUSE, "address %s belongs to context %s", canon, owner);
		goto out;
	}
	if (add) {
		/* The whole network as it would be, checked against the host first. */
		struct vx_conf probe = conf;

		probe.address.v[probe.address.n] = canon;
		probe.address.n++;
		r = vnet_check(name, &probe, err);
		probe.address.n--;
		if (r < 0)
			goto out;
		r = -1;
	}
	if (state_probe(name, &st, err) < 0)
		goto out;
	if (st.init_alive && !st.supervised) {
		vx_fail(err, ESRCH, "%s runs without its supervisor: restart it first", name);
		goto out;
	}
	if (st.supervised) {
		snprintf(req, sizeof(req), "addr-%s %s", add ? "add" : "del", canon);
		fd = ctl_request(name, req, ans, sizeof(ans), err);
		if (fd < 0)
			goto out;
		if (strncmp(ans, "ok", 2) != 0) {
			vx_fail(err, EIO, "%s: %s", name, strncmp(ans, "error ", 6) == 0 ? ans + 6 : ans);
			goto out;
		}
	}
	if (addr_persist(name, canon, add, err) < 0) {
		/* Saving failed: take the live change back. */
		if (st.supervised) {
			close(fd);
			snprintf(req, sizeof(req), "addr-%s %s", add ? "del" : "add", canon);
			fd = ctl_request(name, req, ans, sizeof(ans), NULL);
		}
		goto out;
	}
	r = 0;
out:
	state_free(&st);
	conf_free(&conf);
	return r;
}

/* --- a new context from a prepared layer (clone, import) ------------------------------------ */

int ctx_check_new(const char *name, const char *conftext, int nset, char **set,
		  struct vx_err *err)
{
	char path[PATH_MAX];
	_cleanup_free_ char *text = NULL;
	struct vx_conf conf;
	char *next;
	int r;

	if (parse_name(name, "context", err) < 0)
		return -1;
	if (path_conf(path, sizeof(path), name) < 0)
		return vx_failsys(err, "config path");
	if (access(path, F_OK) == 0)
		return vx_fail(err, EEXIST, "context '%s' already exists", name);
	text = strdup(conftext);
	if (!text)
		return vx_fail(err, ENOMEM, "out of memory");
	text = apply_settings(text, nset, set, false, err);
	/* Any valid id base: the real one is allocated when the files are in place. */
	next = text ? cfg_set(text, "context", "id-base", "65536", err) : NULL;
	free(text);
	text = next;
	if (!text || conf_parse(path, text, name, &conf, err) < 0)
		return -1;
	r = check_addresses(name, &conf, err) < 0 || storage_check_binds(&conf, err) < 0 ? -1 : 0;
	conf_free(&conf);
	return r;
}

int ctx_adopt(const char *name, const char *conftext, int nset, char **set, const char *tmp,
	      uint64_t old_base, struct vx_err *err)
{
	char path[PATH_MAX], dir[PATH_MAX], sub[PATH_MAX], base_s[32];
	_cleanup_close_ int lock = -1, idlock = -1;
	struct vx_conf conf;
	struct vx_template t;
	uint64_t base;
	char *text = strdup(conftext), *next;
	int r = -1;

	if (!text)
		return vx_fail(err, ENOMEM, "out of memory");
	lock = ctx_lock(name, false, err);
	if (lock < 0)
		goto out;
	if (path_conf(path, sizeof(path), name) < 0 || path_ctxdir(dir, sizeof(dir), name, NULL) < 0) {
		vx_failsys(err, "path");
		goto out;
	}
	if (access(path, F_OK) == 0) {
		vx_fail(err, EEXIST, "context '%s' already exists", name);
		goto out;
	}
	text = apply_settings(text, nset, set, false, err);
	if (!text)
		goto out;
	idlock = idrange_allocate(&base, err);
	if (idlock < 0)
		goto out;
	snprintf(base_s, sizeof(base_s), "%llu", (unsigned long long)base);
	next = cfg_set(text, "context", "id-base", base_s, err);
	free(text);
	text = next;
	if (!text || conf_parse(path, text, name, &conf, err) < 0)
		goto out;
	if (template_load(conf.template, &t, err) < 0 || check_addresses(name, &conf, err) < 0 ||
	    storage_check_binds(&conf, err) < 0)
		goto out_conf;
	/* The files move to the new id range; then the directory becomes the context's. */
	if (storage_shift(tmp, conf.userns ? old_base : 0, conf.userns ? base : 0, err) < 0)
		goto out_conf;
	snprintf(sub, sizeof(sub), "%s/%s", tmp, conf.disk.set ? "disk" : "work");
	if (mkdir(sub, 0700) < 0 && errno != EEXIST) {
		vx_failsys(err, "cannot create %s", sub);
		goto out_conf;
	}
	if (rm_rf(dir, err) < 0)
		goto out_conf;
	if (rename(tmp, dir) < 0) {
		vx_failsys(err, "cannot move %s to %s", tmp, dir);
		goto out_conf;
	}
	if (write_atomic(path, text, strlen(text), 0600, true, err) < 0) {
		rm_rf(dir, NULL);
		goto out_conf;
	}
	r = 0;
out_conf:
	conf_free(&conf);
out:
	if (r < 0 && lock >= 0 && access(path, F_OK) < 0)
		ctx_lock_remove(name);
	free(text);
	return r;
}
