/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * create.h — `vctx create`: a context from a template, copying nothing.
 */
#ifndef VX_CREATE_H
#define VX_CREATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* create: write NAME.conf from the template name and KEY=VALUE settings, allocate the id
 * range, make the empty upper layer.  Copies nothing from the template. */
int create_context(const char *name, const char *tpl, int nset, char **set, struct vx_err *err);

#endif
