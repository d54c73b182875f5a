/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parse.h — one strict parser for each kind of value that crosses a boundary (command line,
 * config file, context).  Each rejects anything it does not fully understand with a message
 * that names the value.
 */
#ifndef VX_PARSE_H
#define VX_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

#define VX_NAME_MAX 32

/* Context and template names: [a-z0-9][a-z0-9-]{0,31}. */
int parse_name(const char *s, const char *what, struct vx_err *err);

/* Host names: RFC 1123 labels, at most 64 bytes (the kernel's limit). */
int parse_hostname(const char *s, struct vx_err *err);

/* Unsigned decimal in [min, max]. */
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out, struct vx_err *err);

/* Sizes: 4096, 512K, 128M, 8G, 1T (powers of 1024). */
int parse_size(const char *s, uint64_t *out, struct vx_err *err);

/* yes/no, true/false, on/off, 1/0. */
int parse_bool(const char *s, bool *out, struct vx_err *err);

/* Signals: TERM, SIGTERM, 15, RTMIN+3, SIGRTMIN+3. */
int parse_signal(const char *s, int *out, struct vx_err *err);
/* Name of a signal as parse_signal() reads it back ("SIGRTMIN+3"). */
const char *parse_signal_name(int sig, char *buf, unsigned len);

/* Durations: 30 (seconds), 30s, 500ms, 2m, 1h -> milliseconds. */
int parse_duration(const char *s, uint64_t *ms, struct vx_err *err);

/* Absolute path with no ".." component, no empty name and no control characters. */
int parse_abspath(const char *s, struct vx_err *err);

#endif
