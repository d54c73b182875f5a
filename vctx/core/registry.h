/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * registry.h — every context's config, for those who need all of them: the names (list,
 * autostart), the id ranges in use (create, clone, import), the context that owns an
 * address, the contexts that use a template.  One walk over PREFIX/etc/vctx/NAME.conf, even
 * over configs that do not parse otherwise (their id-base and addresses still count).
 */
#ifndef VX_REGISTRY_H
#define VX_REGISTRY_H

#include <stddef.h>

#include "core/addr.h"
#include "core/err.h"

/* Names of all contexts, sorted; returns the count, *names is malloc'ed. */
int registry_names(char ***names, struct vx_err *err);
void registry_names_free(char **names, int n);

/* fn(name, value, user) for every "key = value" line in [section] of every config, in name
 * order; fn returns nonzero to stop the walk, which returns that value (0 when it ran out).
 * Only the keys of the registry's index (regindex.h): context.id-base, context.template,
 * network.address. */
typedef int (*registry_fn)(const char *name, const char *value, void *user);
int registry_scan(const char *section, const char *key, registry_fn fn, void *user,
		  struct vx_err *err);

/* Between hold and release, scans share one look at the configs (create asks for the id
 * ranges and then for the addresses: one stat of each config, not two).  Holds nest; hold
 * only across checks that belong together, never across a wait. */
void registry_hold(void);
void registry_release(void);

/* The context (other than self, which may be NULL) whose config has this address, into buf;
 * NULL when none has. */
const char *registry_owner(const struct vx_addr *addr, const char *self, char *buf,
			   size_t len);

/* Every address of conf belongs to no other context than name (EADDRINUSE names it). */
struct vx_conf;
int registry_check_addresses(const char *name, const struct vx_conf *conf, struct vx_err *err);

/* conf's range of ids (with userns) is no other context's: create allocates them apart, and
 * this holds at every start what a config written by hand could break (EEXIST names it). */
int registry_check_ids(const char *name, const struct vx_conf *conf, struct vx_err *err);

/* With the registry held: how many contexts other than name have a config.  Destroy asks it
 * before the config goes, so that its note (regindex_note) finds the registry loaded, and
 * learns whether the context was the last. */
int registry_others(const char *name, struct vx_err *err);

/* At a start, with the registry held: the config's text as read now.  Where the index holds
 * other values for it (it was rewritten in place), the index is dropped, so every other
 * command goes by what this context runs with. */
void registry_own(const char *name, const char *text);

#endif
