/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * export.h — `vctx export`: one archive that moves a context to another host (ops/import.h
 * reads it).
 *
 *   meta            format, name, template, the template's checksum, id-base, userns
 *   context.conf    the config
 *   upper/ | disk.img
 *   template/       the template (rootfs/, template.conf), with --with-template
 */
#ifndef VX_EXPORT_H
#define VX_EXPORT_H

#include <stdbool.h>

#include "core/err.h"

int export_context(const char *name, const char *file, bool with_template, struct vx_err *err);

#endif
