/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check.h — vctx check: what the running kernel can do, probed for real.
 *
 * Each feature is tried the way vctx uses it, in a child process in namespaces of its own
 * (a mount namespace made private before anything is mounted, a network namespace for the
 * link types), so a probe changes nothing on the host.  The kernel's config, when it can be
 * read, adds each feature's CONFIG_ option.  kernel-notes/ explains every feature.  The
 * report is data; cli/cmd-check.c prints it (text or JSON).
 */
#ifndef VX_CHECK_H
#define VX_CHECK_H

#include <limits.h>
#include <stdbool.h>

#include "core/err.h"

#define CHECK_DETAIL 256

/* A kernel feature: the table row, then the result. */
struct check_feature {
	const char *id, *name;
	bool required;
	const char *config;	/* the kernel option, or NULL */
	const char *since;	/* the first kernel with what vctx uses */
	const char *breaks;	/* what does not work without it */
	int (*probe)(const struct check_feature *f, char *detail);
	long arg;
	const char *sarg;
	/* the result */
	bool ok;
	char detail[CHECK_DETAIL];
	char value[16];		/* the option's value: y, m, "not set"; "" if unknown */
};

/* A host setting: advice, not a requirement. */
struct check_setting {
	const char *sysctl;	/* below /proc/sys, with dots */
	long want;		/* the value recommended */
	int cmp;		/* the current value is fine when: 0 equal, 1 at least, -1 at most */
	const char *why;
	/* the result */
	bool ok, known;
	long value;
};

struct check_report {
	char release[65];		/* uname -r */
	char config_from[PATH_MAX];	/* where the kernel's config was read, "" if nowhere */
	const struct check_feature *features;
	unsigned nfeatures;
	const struct check_setting *settings;
	unsigned nsettings;
	unsigned bad_req, bad_opt;	/* features missing: required, optional */
};

/* Probe everything into r (its tables are static: one report per process). */
int check_run(struct check_report *r, struct vx_err *err);

#endif
