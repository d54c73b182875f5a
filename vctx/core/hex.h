/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hex.h — bytes as lower-case hex digits and back: a config handed through a remote shell
 * command line (vctx migrate) in characters no shell treats specially.
 */
#ifndef VX_HEX_H
#define VX_HEX_H

#include <stddef.h>

/* The hex digits of in[0..len), NUL-terminated, malloc'ed (NULL: out of memory). */
char *hex_encode(const char *in, size_t len);

/* The bytes of a string of hex digits, NUL-terminated, malloc'ed; NULL when it is not an
 * even number of hex digits or holds a NUL byte (errno EINVAL) or out of memory. */
char *hex_decode(const char *hex);

#endif
