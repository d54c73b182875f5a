// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops/migrate.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/conf.h"
#include "core/hex.h"
#include "core/lock.h"
#include "core/paths.h"
#include "core/proctitle.h"
#include "core/template.h"
#include "core/util.h"
#include "kernel/fdpass.h"
#include "kernel/proc.h"
#include "kernel/storage.h"
#include "ops/destroy.h"
#include "ops/freeze.h"
#include "ops/handle.h"
#include "ops/start.h"
#include "ops/stop.h"

#define MIGRATE_ARGS 64
/* The config goes as hex in one argument of the remote command, under the kernel's 128 KiB
 * per argument. */
#define MIGRATE_CONF_MAX (120 << 10)

/* The journal: what a guard or a recover needs to finish the work. */
struct migrate_journal {
	char name[VX_NAME_MAX + 1];
	char host[256], ssh[1024], remote[1024], tpl[VX_NAME_MAX + 1];
	char phase[16];		/* prepare, stopped, commit, switched */
	char token[17];		/* marks what the destination took in for this migration */
	bool running;		/* it ran when the migration began */
	bool freeze;		/* frozen for the last copy, not stopped */
	long pid;		/* who owns it now */
	uint64_t base;
};

static int migrate_path(char *buf, size_t len, const char *name, const char *what)
{
	return xsnprintf(buf, len, "%s/.migrate-%s.%s", !strcmp(what, "lock") ? vx_paths.run :
				   vx_paths.contexts, name, what);
}

static int migrate_journal_write(struct migrate_journal *j, const char *phase, struct vx_err *err)
{
	char path[PATH_MAX], text[4096];

	if (phase)
		snprintf(j->phase, sizeof(j->phase), "%s", phase);
	if (migrate_path(path, sizeof(path), j->name, "out") < 0 ||
	    xsnprintf(text, sizeof(text), "pid %ld\nhost %s\nssh %s\nremote %s\ntemplate %s\n"
		      "phase %s\nrunning %d\nfreeze %d\nid-base %llu\ntoken %s\n", j->pid, j->host,
		      j->ssh, j->remote, j->tpl, j->phase, j->running, j->freeze,
		      (unsigned long long)j->base, j->token) < 0)
		return vx_fail(err, ENAMETOOLONG, "journal too long");
	return write_atomic(path, text, strlen(text), 0600, false, err);
}

static void migrate_field(const char *text, const char *key, char *out, size_t len)
{
	size_t kl = strlen(key);
	const char *l;

	out[0] = '\0';
	for (l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strncmp(l, key, kl) == 0 && l[kl] == ' ') {
			snprintf(out, len, "%.*s", (int)strcspn(l + kl + 1, "\n"), l + kl + 1);
			return;
		}
}

/* 1: read; 0: there is none. */
static int migrate_journal_read(const char *name, struct migrate_journal *j, struct vx_err *err)
{
	char path[PATH_MAX], num[32];
	_cleanup_free_ char *text = NULL;

	memset(j, 0, sizeof(*j));
	snprintf(j->name, sizeof(j->name), "%s", name);
	if (migrate_path(path, sizeof(path), name, "out") < 0)
		return vx_fail(err, ENAMETOOLONG, "path too long");
	if (access(path, F_OK) < 0)
		return 0;
	text = read_text(path, 16384, err);
	if (!text)
		return -1;
	migrate_field(text, "host", j->host, sizeof(j->host));
	migrate_field(text, "ssh", j->ssh, sizeof(j->ssh));
	migrate_field(text, "remote", j->remote, sizeof(j->remote));
	migrate_field(text, "template", j->tpl, sizeof(j->tpl));
	migrate_field(text, "phase", j->phase, sizeof(j->phase));
	migrate_field(text, "token", j->token, sizeof(j->token));
	migrate_field(text, "running", num, sizeof(num));
	j->running = strcmp(num, "1") == 0;
	migrate_field(text, "freeze", num, sizeof(num));
	j->freeze = strcmp(num, "1") == 0;
	migrate_field(text, "pid", num, sizeof(num));
	j->pid = strtol(num, NULL, 10);
	migrate_field(text, "id-base", num, sizeof(num));
	j->base = strtoull(num, NULL, 10);
	if (!j->host[0] || !j->ssh[0] || !j->remote[0] || !j->phase[0] || strlen(j->token) != 16)
		return vx_fail(err, EINVAL, "%s is damaged: remove it once %s is known to run in "
			       "exactly one place", path, name);
	return 1;
}

/* With the migration's lock held: a half-written copy is a killed writer's. */
static void migrate_journal_remove(const char *name)
{
	char path[PATH_MAX], tmp[VX_NAME_MAX + 32];

	if (migrate_path(path, sizeof(path), name, "out") == 0)
		unlink(path);
	snprintf(tmp, sizeof(tmp), ".migrate-%s.out.tmp.", name);
	storage_sweep_dir(vx_paths.contexts, tmp, SWEEP_FILES_ONLY);
}

/* Split at blanks into argv (no quoting: options with blanks in them go in ~/.ssh/config). */
static int migrate_split(char *s, char **argv, int max)
{
	int n = 0;

	for (char *t = strtok(s, " \t"); t; t = strtok(NULL, " \t"))
		if (n < max - 1)
			argv[n++] = t;
	argv[n] = NULL;
	return n;
}

/* Run a program, its standard output into out (cut to len), failing as proc_run does;
 * *status gets its exit status. */
static int migrate_run(char *const argv[], char *out, size_t len, const char *what,
		       int *status, struct vx_err *err)
{
	struct proc_stream ps;
	char sink[256];		/* what does not fit is read and dropped: the program ends */
	size_t got = 0;
	ssize_t n;
	int r;

	if (proc_start(argv, &ps, err) < 0)
		return -1;
	while ((n = got + 1 < len ? read(ps.out, out + got, len - 1 - got) :
				     read(ps.out, sink, sizeof(sink))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (got + 1 < len)
			got += (size_t)n;
	}
	out[got] = '\0';
	r = proc_finish(&ps, what, err);
	*status = ps.status;
	return r;
}

/* The ssh command line: the admin's ssh and its options (split into buf), then extra
 * (NULL-terminated), the host and, unless NULL, the remote command. */
static void migrate_ssh_argv(const struct migrate_journal *j, char buf[1024], char **argv,
			     const char *const *extra, const char *cmd)
{
	int argc;

	snprintf(buf, 1024, "%s", j->ssh);
	argc = migrate_split(buf, argv, MIGRATE_ARGS - 12);
	for (; extra && *extra; extra++)
		argv[argc++] = (char *)*extra;
	argv[argc++] = (char *)j->host;
	if (cmd)
		argv[argc++] = (char *)cmd;
	argv[argc] = NULL;
}

/* `ssh HOST REMOTE migrate --receive STEP NAME ARGS...`; its standard output into out. */
static int migrate_remote(const struct migrate_journal *j, const char *args, char *out,
			  size_t len, struct vx_err *err)
{
	char ssh[1024], *argv[MIGRATE_ARGS];
	_cleanup_free_ char *cmd = NULL;
	int status;

	if (asprintf(&cmd, "%s migrate --receive %s", j->remote, args) < 0)
		return vx_fail(err, ENOMEM, "out of memory");
	migrate_ssh_argv(j, ssh, argv, NULL, cmd);
	return migrate_run(argv, out, len, j->host, &status, err);
}

/* migrate_remote, once more when it fails: a request that was itself cut off there (its
 * process killed) is repeated once before the caller gives up on it. */
static int migrate_remote_again(const struct migrate_journal *j, const char *args, char *out,
				size_t len, struct vx_err *err)
{
	if (migrate_remote(j, args, out, len, err) == 0)
		return 0;
	return migrate_remote(j, args, out, len, err);
}

/* One SSH connection for every step: a master (ssh -M) that later ssh and rsync calls share
 * through a socket, saving a key exchange each (0.28 s against 0.09 s a call, measured on
 * the test LAN), which counts while the context is down.  It ends with migrate_mux_stop, or
 * by itself 15 s after its last use if the migrate is killed; without it (a path too long
 * for a socket, a master that did not start) every call connects on its own. */
static void migrate_mux_path(const struct migrate_journal *j, char *buf, size_t len)
{
	if (xsnprintf(buf, len, "%s/.migrate-%s.ssh", vx_paths.run, j->name) < 0 ||
	    strlen(buf) >= sizeof(((struct sockaddr_un *)0)->sun_path) - 1)
		buf[0] = '\0';
}

static void migrate_mux_start(struct migrate_journal *j)
{
	char ssh[1024], path[PATH_MAX], opt[PATH_MAX + 16], *argv[MIGRATE_ARGS];
	const char *extra[] = { "-o", "ControlMaster=yes", "-o", "ControlPersist=15", "-o", opt,
				"-f", "-N", NULL };

	migrate_mux_path(j, path, sizeof(path));
	if (!path[0])
		return;
	unlink(path);
	snprintf(opt, sizeof(opt), "ControlPath=%s", path);
	migrate_ssh_argv(j, ssh, argv, extra, NULL);
	if (proc_run(argv, 0, NULL) == 0 &&
	    strlen(j->ssh) + strlen(path) + 48 < sizeof(j->ssh))
		snprintf(j->ssh + strlen(j->ssh), sizeof(j->ssh) - strlen(j->ssh),
			 " -o ControlMaster=no -o ControlPath=%s", path);
}

static void migrate_mux_stop(const struct migrate_journal *j)
{
	char ssh[1024], path[PATH_MAX], opt[PATH_MAX + 16], *argv[MIGRATE_ARGS];
	const char *extra[] = { "-o", opt, "-O", "exit", NULL };

	migrate_mux_path(j, path, sizeof(path));
	if (!path[0] || access(path, F_OK) < 0)
		return;
	snprintf(opt, sizeof(opt), "ControlPath=%s", path);
	migrate_ssh_argv(j, ssh, argv, extra, NULL);
	proc_run(argv, 255, NULL);
	unlink(path);
}

/* rsync src/ to HOST:dst/; the bytes it sent are added to *sent.  A pass while the context
 * runs takes files that change or vanish under it (rsync's 23 and 24): the next pass has
 * them.  --modify-window=-1: mtimes compared to the nanosecond.  rsync's default compares
 * whole seconds, so a file changed in the second the running pass had looked at it (a disk
 * image the freeze had just synced) passed the last pass's quick check as copied, and the
 * destination started from the running pass's copy of it. */
static int migrate_rsync(const struct migrate_journal *j, const char *src, const char *dst,
			 bool context, bool live, uint64_t *sent, struct vx_err *err)
{
	char from[PATH_MAX + 1], to[PATH_MAX + 300], buf[8192];
	char *argv[] = { "rsync", "-aHAX", "--numeric-ids", "--delete", "--inplace", "--sparse",
			 "--modify-window=-1", "--stats", "-e", (char *)j->ssh, "--exclude=/work/",
			 "--exclude=/disk/", "--exclude=/.tmp-*", from, to, NULL };
	char *p;
	int status;

	if (!context)
		memmove(&argv[10], &argv[13], 3 * sizeof(argv[0]));
	snprintf(from, sizeof(from), "%s/", src);
	snprintf(to, sizeof(to), "%s:%s/", j->host, dst);
	if (migrate_run(argv, buf, sizeof(buf), "rsync", &status, err) < 0 &&
	    !(live && (status == 23 || status == 24)))
		return -1;
	p = strstr(buf, "Total bytes sent: ");
	if (p) {
		uint64_t v = 0;

		for (p += 18; *p && *p != '\n'; p++)
			if (*p >= '0' && *p <= '9')
				v = v * 10 + (uint64_t)(*p - '0');
		*sent += v;
	}
	return 0;
}

/* A path from the destination, used in an rsync argument: absolute, plain characters. */
static int migrate_remote_path(const char *reply, const char *key, char *out, size_t len,
			       struct vx_err *err)
{
	migrate_field(reply, key, out, len);
	if (strcmp(key, "template") == 0 && !out[0])
		return 0;
	if (out[0] != '/' || strspn(out, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789/._+-") != strlen(out))
		return vx_fail(err, EPROTO, "the destination gave no usable %s path", key);
	return 0;
}

static bool migrate_up(const char *name)
{
	struct vx_handle h;
	struct vx_err e;
	bool up;

	if (handle_open(&h, name, H_STATE | H_ANY, &e) < 0)
		return false;
	up = handle_up(&h);
	handle_close(&h);
	return up;
}

/* Put things back after a failure, or finish after the switch, as the journal says.  The
 * destination's abort tells which: "running" or "committed" (the context is there for good:
 * finish here), "aborted" (nothing is left there: the context goes on here).  Returns 1 when
 * the context ended on the destination, 0 when it stays here. */
static int migrate_undo(struct migrate_journal *j, int *frozen, char *outcome, size_t len,
			struct vx_err *err)
{
	char reply[256], args[VX_NAME_MAX + 32];
	struct start_result res;
	struct vx_err e;
	bool there = strcmp(j->phase, "switched") == 0;

	outcome[0] = '\0';
	if (!there) {
		snprintf(args, sizeof(args), "abort %s %s", j->name, j->token);
		/* Repeated once before the staging is left behind. */
		if (migrate_remote_again(j, args, reply, sizeof(reply), &e) == 0) {
			there = strncmp(reply, "running", 7) == 0 || strncmp(reply, "committed", 9) == 0;
		} else if (strcmp(j->phase, "commit") == 0) {
			/* The commit went out: only the destination knows whether it took. */
			return vx_fail(err, e.code, "%s: %s is stopped here and cannot tell whether "
				       "it runs there; run 'vctx migrate --recover %s' once it can be "
				       "reached", e.msg, j->name, j->name);
		} else {
			/* It was never started there: what is left there is staging only. */
			snprintf(outcome, len, "(%s left on %s: %s) ", j->name, j->host, e.msg);
		}
	}
	if (there) {
		if (migrate_journal_write(j, "switched", err) < 0)
			return -1;
		/* A frozen copy is killed so: it never runs here again. */
		if (destroy_context(j->name, true, true, NULL, 0, &e) < 0 && e.code != ENOENT)
			return vx_fail(err, e.code, "%s %s on %s, but its copy here is not removed: "
				       "%s", j->name, j->running ? "runs" : "is", j->host, e.msg);
		freeze_thaw(frozen);
		/* Before the journal goes, so that a guard repeats it if this is cut off; repeated
		 * once, as the abort, and failing again the journal stays for --recover, which
		 * finishes (the destination's marker of the migration would stay behind). */
		snprintf(args, sizeof(args), "finish %s %s", j->name, j->token);
		if (migrate_remote_again(j, args, reply, sizeof(reply), &e) < 0) {
			snprintf(outcome, len, "%s %s on %s (the migration's end there failed: %s; "
				 "run 'vctx migrate --recover %s')", j->name,
				 j->running ? "runs" : "is", j->host, e.msg, j->name);
			return 1;
		}
		migrate_journal_remove(j->name);
		snprintf(outcome, len, "%s %s on %s", j->name, j->running ? "runs" : "is", j->host);
		return 1;
	}
	freeze_thaw(frozen);
	if (j->running && strcmp(j->phase, "prepare") != 0 &&
	    (!j->freeze || !migrate_up(j->name))) {
		/* A stop cut short is finished first: then the start is a clean one. */
		stop_context(j->name, VX_TIMEOUT_CONFIG, false, true, NULL, 0, NULL);
		j->pid = getpid();
		if (migrate_journal_write(j, NULL, err) < 0 ||
		    start_context(j->name, true, NULL, &res, err) < 0)
			return vx_prefix(err, "%s was stopped for the migration and did not start "
					 "again here", j->name);
	}
	migrate_journal_remove(j->name);
	snprintf(outcome + strlen(outcome), len - strlen(outcome), "%s stays here%s", j->name,
		 j->running ? ", running" : "");
	return 0;
}

/* The guard: waits for the migrate's "done"; if the migrate dies first, it finishes.  While
 * the context is frozen for the last copy the guard holds the freeze too ('f' comes with the
 * connection, 't' says it was thawed), so a killed migrate does not thaw it by dying. */
static void migrate_guard(int sock, int lockfd, struct migrate_journal *j)
{
	struct migrate_journal orig;
	char c, outcome[512];
	int keep[2] = { sock, lockfd }, null, frozen = -1, fd;
	struct vx_err err;
	ssize_t n;

	setsid();
	snprintf(outcome, sizeof(outcome), "vctx migrate %s (guard)", j->name);
	proctitle_set(outcome);
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
	}
	proc_close_others(keep, 2);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		n = fdpass_recv(sock, &c, 1, &fd, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (c == 'd')
			_exit(0);
		if (frozen >= 0)
			close(frozen);
		frozen = c == 'f' ? fd : -1;
		if (c != 'f' && fd >= 0)
			close(fd);
	}
	orig = *j;
	if (migrate_journal_read(j->name, j, &err) <= 0) {
		migrate_mux_stop(&orig);	/* the migrate had finished but for this */
		_exit(0);
	}
	j->pid = getpid();
	migrate_journal_write(j, NULL, &err);
	n = migrate_undo(j, &frozen, outcome, sizeof(outcome), &err);
	migrate_mux_stop(j);
	if (n < 0) {
		vx_err_print("vctx migrate (guard)", &err);
		_exit(1);
	}
	fprintf(stderr, "vctx migrate: the migrate was interrupted: %s\n", outcome);
	_exit(0);
}

static void migrate_say(const struct migrate_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void migrate_say(const struct migrate_opts *o, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!o->say)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	o->say(line, o->user);
}

static int migrate_check_opts(const struct migrate_opts *o, struct vx_err *err)
{
	if (parse_name(o->name, "context", err) < 0)
		return -1;
	if (!o->host[0] || o->host[0] == '-' || strpbrk(o->host, " \t\n'\"\\;$`|&<>()"))
		return vx_fail(err, EINVAL, "invalid destination '%s': use [USER@]HOST", o->host);
	if (strchr(o->ssh, '\n') || strchr(o->remote, '\n') || strlen(o->ssh) >= 1024 ||
	    strlen(o->remote) >= 1024)
		return vx_fail(err, EINVAL, "the ssh and remote commands must be one line");
	return 0;
}

int migrate_context(const struct migrate_opts *o, struct migrate_result *res, struct vx_err *err)
{
	struct migrate_journal j = { 0 };
	struct vx_handle h;
	char reply[PATH_MAX * 2 + 64];
	char sum[32], lockpath[PATH_MAX], ctxdir[PATH_MAX], tpldir[PATH_MAX];
	char dst[PATH_MAX], tdst[PATH_MAX], args[PATH_MAX], outcome[512];
	_cleanup_free_ char *hex = NULL, *text = NULL, *line = NULL;
	_cleanup_close_ int lockfd = -1;
	uint64_t t0 = now_ns(), tstop = 0;
	int pfd[2] = { -1, -1 }, frozen = -1, r = -1;
	pid_t guard;

	memset(res, 0, sizeof(*res));
	if (migrate_check_opts(o, err) < 0 || paths_mkdirs(err) < 0 ||
	    migrate_path(lockpath, sizeof(lockpath), o->name, "lock") < 0)
		return -1;
	if (handle_open(&h, o->name, H_CONF | H_LOCK | H_STATE, err) < 0)
		return -1;
	if (migrate_journal_read(o->name, &j, err) != 0) {
		if (j.phase[0])
			vx_fail(err, EBUSY, "a migration of %s to %s is not finished: run 'vctx "
				"migrate --recover %s'", o->name, j.host, o->name);
		goto out_handle;
	}
	if (handle_alive(&h) && !handle_up(&h)) {
		vx_fail(err, EBUSY, "%s is starting or stopping: migrate it when it runs or has "
			"stopped", o->name);
		goto out_handle;
	}
	snprintf(j.name, sizeof(j.name), "%s", o->name);
	snprintf(j.host, sizeof(j.host), "%s", o->host);
	snprintf(j.ssh, sizeof(j.ssh), "%s", o->ssh);
	snprintf(j.remote, sizeof(j.remote), "%s", o->remote);
	snprintf(j.tpl, sizeof(j.tpl), "%s", h.conf.template);
	j.running = handle_up(&h);
	j.freeze = o->freeze && j.running;
	j.base = h.conf.id_base;
	j.pid = getpid();
	{
		uint8_t rnd[8];
		_cleanup_free_ char *t = NULL;

		if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd) ||
		    !(t = hex_encode((char *)rnd, sizeof(rnd)))) {
			vx_failsys(err, "getrandom");
			goto out_handle;
		}
		snprintf(j.token, sizeof(j.token), "%s", t);
	}
	if (template_checksum(j.tpl, sum, sizeof(sum), err) < 0 ||
	    path_ctxdir(ctxdir, sizeof(ctxdir), o->name, NULL) < 0 ||
	    path_tpldir(tpldir, sizeof(tpldir), j.tpl, NULL) < 0)
		goto out_handle;
	lockfd = lock_file(lockpath, o->name, false, err);
	if (lockfd < 0 || migrate_journal_write(&j, "prepare", err) < 0)
		goto out_handle;
	/* The journal holds start off from here: the command lock can go (stop and destroy
	 * take it). */
	hex = hex_encode(h.text, strlen(h.text));
	handle_close(&h);
	if (!hex || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pfd) < 0) {
		vx_failsys(err, "cannot prepare the migration");
		migrate_journal_remove(o->name);
		return -1;
	}
	fflush(NULL);
	guard = fork();
	if (guard == 0) {
		close(pfd[1]);
		migrate_guard(pfd[0], lockfd, &j);
	}
	close(pfd[0]);
	if (guard < 0) {
		vx_failsys(err, "fork");
		goto fail;
	}

	migrate_say(o, "checking %s on %s", o->name, o->host);
	migrate_mux_start(&j);
	if (migrate_journal_write(&j, NULL, err) < 0)
		goto fail;
	free(line);
	if (strlen(hex) > MIGRATE_CONF_MAX ||
	    asprintf(&line, "prepare %s %s %s %s %s", o->name, j.token, hex, j.tpl, sum) < 0) {
		line = NULL;
		vx_fail(err, E2BIG, "the config is too large to send (at most %d bytes)",
			MIGRATE_CONF_MAX / 2);
		goto fail;
	}
	if (migrate_remote(&j, line, reply, sizeof(reply), err) < 0 ||
	    migrate_remote_path(reply, "context", dst, sizeof(dst), err) < 0 ||
	    migrate_remote_path(reply, "template", tdst, sizeof(tdst), err) < 0)
		goto fail;
	if (tdst[0]) {
		migrate_say(o, "copying template %s", j.tpl);
		if (migrate_rsync(&j, tpldir, tdst, false, false, &res->sent, err) < 0)
			goto fail;
	}
	if (j.running && !o->offline) {
		migrate_say(o, "copying %s while it runs", o->name);
		if (migrate_rsync(&j, ctxdir, dst, true, true, &res->sent, err) < 0)
			goto fail;
	}
	if (j.freeze) {
		migrate_say(o, "freezing %s here", o->name);
		tstop = now_ns();
		if (migrate_journal_write(&j, "stopped", err) < 0 ||
		    freeze_context(o->name, &frozen, err) < 0 ||
		    fdpass_send(pfd[1], "f", 1, frozen) < 0) {
			if (!err->msg[0])
				vx_failsys(err, "cannot hand the freeze to the guard");
			goto fail;
		}
	} else if (j.running) {
		migrate_say(o, "stopping %s here", o->name);
		tstop = now_ns();
		if (migrate_journal_write(&j, "stopped", err) < 0 ||
		    stop_context(o->name, VX_TIMEOUT_CONFIG, false, true, res->warning,
				 sizeof(res->warning), err) < 0)
			goto fail;
	}
	migrate_say(o, j.running && !o->offline ? "copying the last changes" : "copying %s",
		    o->name);
	if (migrate_rsync(&j, ctxdir, dst, true, false, &res->sent, err) < 0)
		goto fail;
	/* The config as it is now (set may have changed it while the files went). */
	if (path_conf(args, sizeof(args), o->name) < 0 || !(text = read_text(args, 1 << 20, err)))
		goto fail;
	free(hex);
	hex = hex_encode(text, strlen(text));
	free(line);
	if (!hex || strlen(hex) > MIGRATE_CONF_MAX ||
	    asprintf(&line, "commit %s %s %s %s %llu %d", o->name, j.token, hex, j.tpl,
		     (unsigned long long)j.base, j.running) < 0) {
		line = NULL;
		vx_fail(err, E2BIG, "the config is too large to send (at most %d bytes)",
			MIGRATE_CONF_MAX / 2);
		goto fail;
	}
	migrate_say(o, j.running ? "starting %s on %s" : "registering %s on %s", o->name, o->host);
	if (migrate_journal_write(&j, "commit", err) < 0 ||
	    migrate_remote(&j, line, reply, sizeof(reply), err) < 0)
		goto fail;
	if (tstop)
		res->down_ns = now_ns() - tstop;
	if (!res->warning[0])	/* the stop's, else the destination's */
		migrate_field(reply, "warning", res->warning, sizeof(res->warning));
	if (migrate_journal_write(&j, "switched", err) < 0 ||
	    migrate_undo(&j, &frozen, outcome, sizeof(outcome), err) < 0)
		goto done;
	res->running = j.running;
	r = 0;
	goto done;
fail:
	{
		struct vx_err e;
		size_t l = strlen(err->msg);
		int u = migrate_undo(&j, &frozen, outcome, sizeof(outcome), &e);

		if (u < 0)
			snprintf(err->msg + l, sizeof(err->msg) - l, "; and %s", e.msg);
		else if (u == 1)
			r = 0, res->running = j.running;
		else
			snprintf(err->msg + l, sizeof(err->msg) - l, "; %s", outcome);
	}
done:
	migrate_mux_stop(&j);
	if (pfd[1] >= 0) {
		fdpass_send(pfd[1], "d", 1, -1);
		close(pfd[1]);
	}
	res->total_ns = now_ns() - t0;
	if (r < 0)
		vx_prefix(err, "cannot migrate %s to %s", o->name, o->host);
	return r;
out_handle:
	handle_close(&h);
	return -1;
}

int migrate_recover(const char *name, char *outcome, size_t len, struct vx_err *err)
{
	struct migrate_journal j;
	char lockpath[PATH_MAX];
	_cleanup_close_ int lockfd = -1;
	int r;

	outcome[0] = '\0';
	if (parse_name(name, "context", err) < 0 ||
	    migrate_path(lockpath, sizeof(lockpath), name, "lock") < 0)
		return -1;
	/* A guard at work holds it: wait for it, then look. */
	lockfd = lock_file(lockpath, name, true, err);
	if (lockfd < 0)
		return -1;
	r = migrate_journal_read(name, &j, err);
	if (r < 0)
		return -1;
	if (r == 0) {
		snprintf(outcome, len, "no migration of %s is unfinished", name);
		return 0;
	}
	j.pid = getpid();
	if (migrate_journal_write(&j, NULL, err) < 0)
		return -1;
	r = migrate_undo(&j, &(int){ -1 }, outcome, len, err);
	migrate_mux_stop(&j);
	return r < 0 ? -1 : 0;
}

bool migrate_pending(const char *name, char *host, size_t hlen, char *phase, size_t plen)
{
	struct migrate_journal j;
	struct vx_err e;

	/* A damaged journal holds start off too: show what it says. */
	if (migrate_journal_read(name, &j, &e) == 0)
		return false;
	snprintf(host, hlen, "%s", j.host[0] ? j.host : "another host");
	snprintf(phase, plen, "%s", j.phase[0] ? j.phase : "unknown phase");
	return true;
}

int migrate_check_start(const char *name, struct vx_err *err)
{
	struct migrate_journal j;
	struct vx_err e;

	if (migrate_journal_read(name, &j, &e) == 0 || j.pid == (long)getpid())
		return 0;
	return vx_fail(err, EBUSY, "%s is being migrated to %s; if that migrate is gone, run "
		       "'vctx migrate --recover %s'", name, j.host[0] ? j.host : "another host",
		       name);
}
