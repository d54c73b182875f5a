/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conf.h — a context's configuration, NAME.conf (vctx.conf(5)).
 *
 * Every key is one row in the table in conf.c: section, name, parser, destination, default
 * and a line of documentation.  Loading validates everything before anyone touches the
 * system; unknown keys and bad values are errors with file:line.
 */
#ifndef VX_CONF_H
#define VX_CONF_H

#include <limits.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/addr.h"
#include "core/err.h"
#include "core/parse.h"

#define VX_LIST_MAX 64

/* The capabilities every context loses unless cap-keep keeps them (caps.h says why). */
#define VX_CAP(c) (1ull << (c))
#define VX_CAPS_DEFAULT_DROP                                                                  \
	(VX_CAP(CAP_SYS_MODULE) | VX_CAP(CAP_SYS_RAWIO) | VX_CAP(CAP_SYS_TIME) |               \
	 VX_CAP(CAP_SYS_PACCT) | VX_CAP(CAP_SYSLOG) | VX_CAP(CAP_MAC_ADMIN) |                  \
	 VX_CAP(CAP_MAC_OVERRIDE) | VX_CAP(CAP_AUDIT_CONTROL) | VX_CAP(CAP_AUDIT_READ) |       \
	 VX_CAP(CAP_WAKE_ALARM) | VX_CAP(CAP_BLOCK_SUSPEND) | VX_CAP(CAP_BPF) |                 \
	 VX_CAP(CAP_PERFMON) | VX_CAP(CAP_CHECKPOINT_RESTORE) | VX_CAP(CAP_NET_RAW))
#define VX_IDS_PER_CONTEXT 65536u

struct vx_list {
	unsigned n;
	char *v[VX_LIST_MAX];
};

/* A limit that may be "max" (no limit). */
struct vx_limit {
	bool set;	/* the key appears (or has a default) */
	bool max;	/* "max": explicitly unlimited */
	uint64_t v;
};

/* A resource limit: soft and hard (RLIM_INFINITY for unlimited). */
struct vx_rlimit {
	bool set;
	uint64_t soft, hard;
};

struct vx_conf {
	char name[VX_NAME_MAX + 1];
	char file[PATH_MAX];

	/* [context] */
	char template[VX_NAME_MAX + 1];
	char hostname[65];
	char init[PATH_MAX];		/* "" = the template's init */
	int stop_signal;		/* 0 = the template's signal */
	uint64_t stop_timeout_ms;
	uint64_t start_timeout_ms;
	uint64_t id_base;		/* first host id of the context's 65536 */
	bool userns;
	char lxcfs[8];			/* auto, yes, no */

	/* [limits] */
	struct vx_limit memory;
	struct vx_limit memory_swap;
	struct vx_limit cpu_weight;
	struct vx_limit cpu_max;	/* in millionths of a CPU: 500000 = half a CPU */
	char cpus[256];			/* cpuset list, "" = all */
	struct vx_limit pids;
	struct vx_limit io_weight;
	struct vx_rlimit rl_nofile;	/* setrlimit() of every process: soft[:hard] */
	struct vx_rlimit rl_nproc;
	struct vx_rlimit rl_memlock;
	struct vx_rlimit rl_stack;
	struct vx_rlimit rl_core;

	/* [network] */
	char net_mode[16];		/* routed, bridge, macvlan, none; "" = derive */
	char net_link[16];
	char net_bridge[16];
	struct vx_addrs address;	/* parsed once, here; formatted only for output */
	struct vx_addrs gateway;
	uint64_t mtu;			/* 0 = the link's */
	struct vx_addrs nameserver;

	/* [security] */
	uint64_t cap_drop;		/* bit N: capability N (on top of the default policy) */
	uint64_t cap_keep;		/* bit N: keep capability N (out of the default policy) */
	char seccomp[PATH_MAX];		/* default, none, or an absolute path */
	unsigned devices;		/* VX_DEV_* bits: optional devices it may use */
	bool io_uring;			/* the io_uring system calls are not filtered */
	char sync[8];			/* context (the supervisor answers sync(2)) or host */

	/* [boot] */
	bool onboot;
	uint64_t boot_order;
	struct vx_list after;
	char group[VX_NAME_MAX + 1];
	char ready[64];			/* started, notify, tcp:PORT */

	/* [log] */
	char syslog[8];			/* host or guest */
	uint64_t log_rate;		/* messages per second */
	uint64_t log_burst;
	struct vx_limit log_size;	/* bytes before rotation ("max": never) */
	char console_escape[8];		/* "^a" style */

	/* [storage] */
	struct vx_limit disk;
	struct vx_list bind;
};

struct vx_key;
typedef int (*vx_key_parse)(const struct vx_key *k, const char *val, void *dst,
			    struct vx_err *err);

#define VX_KEY_REPEAT 0x1	/* may appear more than once; values collect in a list */
#define VX_KEY_REQUIRED 0x2
#define VX_KEY_LIVE 0x4		/* `vctx set` applies it to a running context */
#define VX_KEY_INTERNAL 0x8	/* written by vctx itself (id-base); not for `set` */
#define VX_KEY_OWN 0x10		/* one context's own (its identity): not in defaults.conf */

struct vx_key {
	const char *section;
	const char *name;
	vx_key_parse parse;
	unsigned off;
	const char *def;	/* parsed like a value from the file; NULL = no default */
	uint64_t min, max;
	unsigned flags;
	const char *doc;
};

extern const struct vx_key vx_keys[];
extern const unsigned vx_nkeys;

const struct vx_key *conf_key(const char *name);

/* Parse text (named 'file' in messages) into conf; defaults applied first. */
/* Where each value of a context's config comes from, key by key in table order: its own
 * file (file, line), the site's defaults.conf (its path, line) or vctx's built-in default
 * (src NULL); a key set nowhere is not reported.  For `vctx config show`. */
typedef void (*conf_explain_cb)(const struct vx_key *k, const char *value, const char *src,
				unsigned line, void *user);
int conf_explain(const char *file, const char *text, conf_explain_cb cb, void *user,
		 struct vx_err *err);

/* The whole config as it takes effect (every value conf_explain finds), marked so that it is
 * read as it stands, without the site's defaults again: a running context's copy of its
 * config, so that a later change of defaults.conf waits for its next start. */
#define CONF_EFFECTIVE_MARK "# vctx: the effective config, site defaults applied\n"
char *conf_effective_text(const char *file, const char *text, struct vx_err *err);

/* The site's defaults (PREFIX/etc/vctx/defaults.conf): every context's config is read on top
 * of it, a key the context sets replacing the default's values entirely.  Keys that are one
 * context's own (VX_KEY_OWN) are refused there.  Its path, "" when there is none. */
const char *conf_defaults_path(char *buf, size_t len);

int conf_parse(const char *file, const char *text, const char *name, struct vx_conf *conf,
	       struct vx_err *err);
/* Read and parse NAME.conf from the path. */
int conf_load_file(const char *path, const char *name, struct vx_conf *conf, struct vx_err *err);
/* Check one value the way the config file would be checked ("memory: invalid size ..."). */
int conf_check_value(const char *key, const char *value, struct vx_err *err);
void conf_free(struct vx_conf *conf);

/* The network mode, derived when the config does not name one. */
/* The host uid (and gid) of the context's root: the first of its id range, or 0 without a
 * user namespace. */
uid_t conf_root_uid(const struct vx_conf *c);

const char *conf_net_mode(const struct vx_conf *c);

/* Checks that concern several keys at once (mode and addresses, ...). */
int conf_validate(const struct vx_conf *conf, struct vx_err *err);

#endif
