/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmdline.h — a command line as the config and template.conf give it ("init = ..."): words
 * split at blanks, with the shell's quoting — '...' taken as it is, "..." and a backslash
 * outside quotes escaping the next character — so that an image's arguments with blanks or
 * quotes (as `jq @sh` writes them) survive.  No expansion of any kind.
 */
#ifndef VX_CMDLINE_H
#define VX_CMDLINE_H

#include <stddef.h>

#include "core/err.h"

#define VX_CMDLINE_WORDS 256	/* at most this many words, the NULL included */

/* Split buf in place into at most max - 1 words, argv[n] = NULL; returns n (at least 1), or
 * -1 for an empty line, an unterminated quote or too many words. */
int cmdline_split(char *buf, char **argv, size_t max, struct vx_err *err);

/* The program (first word) of line into prog, checked to be an absolute path. */
int cmdline_program(const char *line, char *prog, size_t len, struct vx_err *err);

#endif
