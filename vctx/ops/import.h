/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * import.h — `vctx import`: a context from an export archive (a file, or stdin).
 *
 * The archive is not trusted (see importpolicy.h and unpack.h): its entries are checked as
 * they stream in, the keys of its config that set this host's policy are dropped unless the
 * admin trusts it, and the name and addresses are checked as soon as the config has come,
 * before the layer is written.  The layer's owners move to an id range of this host.
 */
#ifndef VX_IMPORT_H
#define VX_IMPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/conf.h"
#include "core/err.h"

struct import_opts {
	const char *file;	/* "-": standard input */
	const char *name;	/* NULL: the name in the archive */
	int nset;		/* KEY=VALUE settings, as for create and clone */
	char **set;
	bool trust_config;	/* take every key of the archive's config */
	/* The archive's bytes read so far, about twice a second (NULL: not). */
	void (*progress)(uint64_t bytes, double seconds, void *user);
	void *user;
};

struct import_result {
	char name[VX_NAME_MAX + 1];
	char dropped[256];	/* keys of the archive's config not taken ("userns, bind") */
	unsigned fixed;		/* files whose owners were outside the archive's id range */
	unsigned skipped;	/* device nodes of a carried template, left out */
};

int import_context(const struct import_opts *o, struct import_result *res, struct vx_err *err);

#endif
