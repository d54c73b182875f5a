/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * address.h — `vnet add` and `vnet del`: one address of a context, live and in its config.
 */
#ifndef VX_ADDRESS_H
#define VX_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* vnet add/del: change one address; live through the supervisor when the context runs,
 * then in NAME.conf.  Conflicts are refused before anything changes. */
int address_change(const char *name, const char *addr, bool add, bool wait, struct vx_err *err);

#endif
