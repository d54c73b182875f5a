/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd.h — the command table.  Each command lives in vctx/cmd-NAME.c: it parses its
 * arguments, calls the library, prints; it makes no system calls of its own.  usage() and
 * the SYNOPSIS of vctx(8) come from the same rows.
 */
#ifndef VX_CMD_H
#define VX_CMD_H

#include <getopt.h>
#include <stdio.h>

#include "core/err.h"
#include "core/util.h"

struct vx_cmd {
	const char *name;
	const char *args;	/* synopsis after the command name */
	const char *help;	/* one line */
	int (*run)(int argc, char **argv);
};

extern const struct vx_cmd vx_cmds[];

/* Exit codes. */
#define EXIT_USAGE 2

/* Print "vctx: message" and return 1. */
int cmd_fail(const struct vx_err *err);
/* Print "vctx: NAME: warning: WARNING" unless warning is empty. */
void cmd_warn(const char *name, const char *warning);
/* Print "vctx: usage: vctx CMD ARGS" for the named command and return EXIT_USAGE. */
int cmd_usage(const char *name);

/* getopt_long for the commands: quiet, and it remembers a bad option (or one missing its
 * value), so that cmd_usage names it in its one line. */
int cmd_getopt(int argc, char *const *argv, const char *shortopts, const struct option *longopts,
	       int *idx);

/* cmd-console.c: relay the terminal and a console connection between two banners; as
 * attach_relay (ops/attach.h). */
int console_session(const char *name, int fd, const char *escape, struct vx_err *err);


/* Long work on a terminal: "exporting web1: 312M (48M/s)", redrawn in place; _end ends the
 * line if anything was shown. */
void cmd_progress(const char *what, const char *name, uint64_t bytes, double seconds);
void cmd_progress_end(void);

int cmd_create(int argc, char **argv);
int cmd_start(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_restart(int argc, char **argv);
int cmd_destroy(int argc, char **argv);
int cmd_set(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_enter(int argc, char **argv);
int cmd_console(int argc, char **argv);
int cmd_logs(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_autostart(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_snapshot(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_clone(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_template(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_top(int argc, char **argv);

#endif
