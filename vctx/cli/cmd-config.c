// SPDX-License-Identifier: GPL-2.0-or-later
/* vctx config show NAME | edit NAME */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "core/escape.h"
#include "core/util.h"
#include "ops/config.h"

struct config_show {
	const char *section;
};

/* "key = value" under its section, and where the value comes from. */
static void config_show_line(const struct vx_key *k, const char *value, const char *src,
			     unsigned line, void *user)
{
	struct config_show *s = user;
	char kv[1200], safe[1024], from[PATH_MAX + 16];
	size_t used;

	if (!s->section || strcmp(s->section, k->section) != 0) {
		printf("%s[%s]\n", s->section ? "\n" : "", k->section);
		s->section = k->section;
	}
	/* A config may have come in an archive: its bytes reach a terminal escaped. */
	escape_bytes(value, strlen(value), true, 0, safe, sizeof(safe), &used);
	snprintf(kv, sizeof(kv), "%s = %s", k->name, safe);
	if (src)
		snprintf(from, sizeof(from), "%s:%u", src, line);
	else
		snprintf(from, sizeof(from), "built-in");
	printf("%-40s # %s\n", kv, from);
}

/* The editor's program (its first word) can be run: a path, or a name in PATH. */
static bool config_editor_found(const char *ed)
{
	char prog[PATH_MAX], path[PATH_MAX * 2];
	const char *paths = getenv("PATH"), *p;
	size_t n = strcspn(ed, " \t");

	snprintf(prog, sizeof(prog), "%.*s", (int)n, ed);
	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0;
	for (p = paths ? paths : "/usr/bin:/bin"; *p; p += strcspn(p, ":") + (p[strcspn(p, ":")] != 0)) {
		snprintf(path, sizeof(path), "%.*s/%s", (int)strcspn(p, ":"), p, prog);
		if (access(path, X_OK) == 0)
			return true;
	}
	return false;
}

/* $VISUAL, $EDITOR, else Debian's editor alternative, else vi; through sh, so "emacs -nw"
 * works. */
static int config_run_editor(const char *file, struct vx_err *err)
{
	const char *ed = getenv("VISUAL");
	int status;
	pid_t pid;

	if (!ed || !*ed)
		ed = getenv("EDITOR");
	if (!ed || !*ed)
		ed = access("/usr/bin/editor", X_OK) == 0 ? "/usr/bin/editor" : "vi";
	if (!config_editor_found(ed))
		return vx_fail(err, ENOENT, "cannot run the editor '%s': set VISUAL or EDITOR", ed);
	pid = fork();
	if (pid < 0)
		return vx_failsys(err, "fork");
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", "exec $0 \"$1\"", ed, file, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return vx_failsys(err, "waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return vx_fail(err, ECANCELED, "the editor (%s) failed: nothing was written", ed);
	return 0;
}

static bool config_again(void)
{
	char answer[16] = "";

	if (!isatty(STDIN_FILENO))
		return false;
	fprintf(stderr, "Edit again? [Y/n] ");
	if (!fgets(answer, sizeof(answer), stdin))
		return false;
	return answer[0] != 'n' && answer[0] != 'N';
}

static int config_edit(const char *name)
{
	char path[PATH_MAX], tmp[PATH_MAX + 32];
	_cleanup_free_ char *old = NULL;
	struct vx_err err;
	int r = 1;

	if (config_read(name, &old, path, sizeof(path), &err) < 0)
		return cmd_fail(&err);
	/* Beside the config, private: it may name hosts and paths. */
	snprintf(tmp, sizeof(tmp), "%.*s/.%s.conf.edit-%d", (int)(strrchr(path, '/') - path), path,
		 name, (int)getpid());
	if (write_atomic(tmp, old, strlen(old), 0600, false, &err) < 0)
		return cmd_fail(&err);
	for (;;) {
		_cleanup_free_ char *text = NULL;
		bool later;

		if (config_run_editor(tmp, &err) < 0 || !(text = read_text(tmp, 1 << 20, &err))) {
			cmd_fail(&err);
			break;
		}
		if (strcmp(text, old) == 0) {
			fprintf(stderr, "vctx: %s: no change\n", name);
			r = 0;
			break;
		}
		if (config_replace(name, old, text, &later, &err) == 0) {
			if (later)
				fprintf(stderr, "vctx: %s runs: the change takes effect at its next "
					"start ('vctx set' changes limits live)\n", name);
			r = 0;
			break;
		}
		cmd_fail(&err);
		if (err.code == EBUSY || !config_again())
			break;
	}
	unlink(tmp);
	return r;
}

int cmd_config(int argc, char **argv)
{
	struct config_show s = { 0 };
	struct vx_err err;

	if (argc != 3)
		return cmd_usage("config");
	if (strcmp(argv[1], "show") == 0) {
		if (config_explain(argv[2], config_show_line, &s, &err) < 0)
			return cmd_fail(&err);
		return 0;
	}
	if (strcmp(argv[1], "edit") == 0)
		return config_edit(argv[2]);
	return cmd_usage("config");
}
