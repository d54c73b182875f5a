/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * template.h — read-only root file system trees that contexts are made from.
 *
 *   PREFIX/var/lib/vctx/templates/NAME/rootfs/         the tree (host ids 0..65535)
 *   PREFIX/var/lib/vctx/templates/NAME/template.conf   distribution, release, init, ...
 *
 * A template is built by a builder script (templates/SOURCE, see vctx-templates(7)) into a
 * hidden staging directory that is renamed into place only when it is complete.
 */
#ifndef VX_TEMPLATE_H
#define VX_TEMPLATE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/parse.h"

struct vx_template {
	char name[VX_NAME_MAX + 1];
	char distribution[64];
	char release[64];
	char architecture[32];
	char init_flavour[16];	/* busybox, sysvinit, systemd, other */
	char init[PATH_MAX];	/* program (and arguments) run as pid 1 */
	int stop_signal;
	uint64_t built;		/* seconds since the epoch */
	/* An application image's (OCI) process, beyond its command line: */
	char env[8192];		/* "KEY=VALUE\0" entries for init, env_len bytes */
	size_t env_len;
	char workdir[PATH_MAX];	/* init's working directory ("": /) */
	bool user;		/* init runs as uid:gid inside, not root */
	unsigned uid, gid;
};

/* Load and check a template: present, complete, init present in the tree. */
int template_load(const char *name, struct vx_template *t, struct vx_err *err);

/* The template's init is there, inside rootfs (resolved in it, as the context will). */
int template_check_init(const char *rootfs, const char *init, struct vx_err *err);

/* Parse template.conf text (unit-tested). */
int template_parse(const char *file, const char *text, struct vx_template *t,
		   struct vx_err *err);

/* Names of the contexts whose config names this template, comma-separated into buf. */
unsigned template_users(const char *name, char *buf, size_t len);

/* Size of a tree in bytes (allocated blocks, hard links counted once per walk). */
uint64_t template_tree_size(const char *path);

/* A checksum of a template's tree: every path with its type, mode, owner, size, mtime and
 * link target (16 hex digits in buf). */
int template_checksum(const char *tpl, char *buf, size_t len, struct vx_err *err);

#endif
