// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/conf.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <cap-ng.h>
#include <unistd.h>

#include "core/addr.h"
#include "core/cmdline.h"
#include "core/devices.h"
#include "core/ini.h"
#include "core/paths.h"
#include "core/util.h"

#define F(field) offsetof(struct vx_conf, field)
#define FIELD(conf, k) ((char *)(conf) + (k)->off)

/* --- parsers: one per kind of value ---------------------------------------------------- */

static int p_name(const struct vx_key *k, const char *v, void *dst, struct vx_err *err)
{
	if (parse_name(v, k->name, err) < 0)
		return -1;
	strcpy(dst, v);
	return 0;
}

static int p_hostname(const struct vx_key *k, const char *v, void *dst, struct vx_err *err)
{
	(void)k;
	if (parse_hostname(v, err) < 0)
		return -1;
	strcpy(dst, v);
	return 0;
}

/* An absolute program path inside the context, optionally followed by arguments. */
static int p_command(const struct vx_key *k, const char *v, void *dst, struct vx_err *err)
{
	char prog[PATH_MAX];

	(void)k;
	if (strlen(v) >= PATH_MAX)
		return vx_fail(err, ENAMETOOLONG, "command too long");
	if (cmdline_program(v, prog, sizeof(prog), err) < 0)
		return -1;
	strcpy(dst, v);
	return 0;
}

static int p_signal(const struct vx_key *k, const char *v, void *dst, struct vx_err *err)
{
	(void)k;
	return parse_signal(v, dst, err);
}

static int p_duration(const struct vx_key *k, const char *v, void *dst, struct vx_err *err)
{
	uint64_t ms;

	if (parse_duration(v, &ms, err) < 0)
		return -1;
	if (ms < k->min || ms > k->max)
		return vx_fail(err, ERANGE, "%s is out of range (%llus to %llus)", v,
			       (unsigned long long)k->min / 1000,
			       (unsigned long long)k->max / 1000);
	*(uint64_t *)dst = ms;
	return 0;
}

static int p_u64(const struct vx_key *k, const char *v, void *dst, struct vx_err *err)
{
	return parse_u64(v, k->min, k->max, dst, err);
}

static int p_bool(const struct vx_key *k, const char *v, void *dst, struct vx_err *err)
{
	(void)k;
	return parse_bool(v, dst, err);
}

static int p_list(const struct vx_key *k, const char *v, void *dst, struct vx_err *err)
{
	struct vx_list *l = dst;

	if (*v == '\0')
		return vx_fail(err, EINVAL, "empty value");
	if (l->n >= VX_LIST_MAX)
		return vx_fail(err, E2BIG, "more than %d values for %s", VX_LIST_MAX, k->name);
	l->v[l->n] = strdup(v);
	if (!l->v[l->n])
		return vx_fail(err, ENOMEM, "out of memory");
	l->n++;
	return 0;
}

/* "max" or a size (bytes), at least k->min. */
static int p_limit_size(const struct vx_key *k, const char *v, void *dst, struct vx_err *err)
{
	struct vx_limit *l = dst;

	memset(l, 0, sizeof(*l));
	l->set = true;
	if (strcmp(v, "max") == 0) {
		l->max = true;
		return 0;
	}
	if (parse_size(v, &l->v, err) < 0)
		return -1;
	if (l->v < k->min) {
		char min[32];

		fmt_size_exact(min, sizeof(min), k->min);
		return vx_fail(err, ERANGE, "%s is too small (at least %s)", v, min);
	}
	return 0;
}

/* "max" or a number in [k->min, k->max]. */
static int p_limit_u64(const struct vx_key *k, const char *v, void *dst, struct vx_err *err)
{
	struct vx_limit *l = dst;

	memset(l, 0, sizeof(*l));
	l->set = true;
	if (strcmp(v, "max") == 0) {
		l->max = true;
		return 0;
	}
	return parse_u64(v, k->min, k->max, &l->v, err);
}

/* One side of a resource limit: unlimited, or a number (a size where k->min says bytes). */
static int rlimit_value(const struct vx_key *k, const char *v, uint64_t *out, struct vx_err *err)
{
	if (strcmp(v, "unlimited") == 0 || strcmp(v, "infinity") == 0) {
		*out = RLIM_INFINITY;
		return 0;
	}
	if (k->min)	/* a byte limit: 8M, 64K, 0 */
		return parse_size(v, out, err);
	return parse_u64(v, 0, k->max, out, err);
}

/* SOFT[:HARD] (HARD defaults to SOFT), soft never above hard. */
static int p_rlimit(const struct vx_key *k, const char *v, void *dst, struct vx_err *err)
{
	struct vx_rlimit *r = dst;
	const char *colon = strchr(v, ':');
	char soft[64];

	if ((colon ? (size_t)(colon - v) : strlen(v)) >= sizeof(soft))
		return vx_fail(err, EINVAL, "invalid limit '%s'", v);
	snprintf(soft, sizeof(soft), "%.*s", colon ? (int)(colon - v) : (int)strlen(v), v);
	if (rlimit_value(k, soft, &r->soft, err) < 0 ||
	    rlimit_value(k, colon ? colon + 1 : soft, &r->hard, err) < 0)
		return vx_prefix(err, "use SOFT[:HARD], each a %s or unlimited",
				 k->min ? "size" : "number");
	if (r->soft > r->hard)
		return vx_fail(err, EINVAL, "the soft limit of '%s' is above its hard limit", v);
	r->set = true;
	return 0;
}

/* A number with up to six decimals, scaled by 10^6 ("1.5" -> 1500000). */
static int decimal_micro(const char *s, const char *end, uint64_t *out)
{
	uint64_t whole = 0, frac = 0, scale = 1000000;
	const char *p = s;

	if (p == end || !isdigit((unsigned char)*p))
		return -1;
	for (; p < end && isdigit((unsigned char)*p); p++) {
		whole = whole * 10 + (*p - '0');
		if (whole > 1000000)
			return -1;
	}
	if (p < end && *p == '.') {
		if (++p == end)
			return -1;
		for (; p < end && isdigit((unsigned char)*p) && scale > 1; p++) {
			scale /= 10;
			frac += (*p - '0') * scale;
		}
	}
	if (p != end)
		return -1;
	*out = whole * 1000000 + frac;
	return 0;
}

/* cpu-max: "max", "50%" (of one CPU) or "1.5" (CPUs); stored in millionths of a CPU. */
static int p_cpu_max(const struct vx_key *k, const char *v, void *dst, struct vx_err *err)
{
	struct vx_limit *l = dst;
	size_t n = strlen(v);
	uint64_t x;

	(void)k;
	memset(l, 0, sizeof(*l));
	l->set = true;
	if (strcmp(v, "max") == 0) {
		l->max = true;
		return 0;
	}
	if (n && v[n - 1] == '%') {
		if (decimal_micro(v, v + n - 1, &x) < 0)
			goto bad;
		x /= 100;
	} else if (decimal_micro(v, v + n, &x) < 0) {
		goto bad;
	}
	/* The kernel's smallest quota is 1 ms per 100 ms period. */
	if (x < 10000)
		return vx_fail(err, ERANGE, "%s is below the smallest CPU share (1%%)", v);
	l->v = x;
	return 0;
bad:
	return vx_fail(err, EINVAL, "invalid CPU amount '%s': use e.g. 50%% or 1.5 (CPUs)", v);
}

/* A cpuset list: "0-3,5". */
static int p_cpus(const struct vx_key *k, const char *v, void *dst, struct vx_err *err)
{
	const char *p = v;

	(void)k;
	if (strlen(v) >= sizeof(((struct vx_conf *)0)->cpus))
		return vx_fail(err, EINVAL, "CPU list too long");
	while (*p) {
		unsigned long a, b;
		char *end;

		if (!isdigit((unsigned char)*p))
			goto bad;
		a = b = strtoul(p, &end, 10);
		p = end;
		if (*p == '-') {
			if (!isdigit((unsigned char)p[1]))
				goto bad;
			b = strtoul(p + 1, &end, 10);
			p = end;
		}
		if (b < a || b > 4095)
			goto bad;
		if (*p == ',' && p[1])
			p++;
		else if (*p)
			goto bad;
	}
	if (!*v)
		goto bad;
	strcpy(dst, v);
	return 0;
bad:
	return vx_fail(err, EINVAL, "invalid CPU list '%s': use e.g. 0-3,5", v);
}

static int p_mode(const struct vx_key *k, const char *v, void *dst, struct vx_err *err)
{
	static const char *modes[] = { "routed", "bridge", "macvlan", "none" };
	unsigned i;

	(void)k;
	for (i = 0; i < ARRAY_SIZE(modes); i++)
		if (strcmp(v, modes[i]) == 0) {
			strcpy(dst, v);
			return 0;
		}
	return vx_fail(err, EINVAL, "invalid mode '%s': use routed, bridge, macvlan or none", v);
}

/* A network interface name as the kernel accepts it. */
static int p_ifname(const struct vx_key *k, const char *v, void *dst, struct vx_err *err)
{
	size_t n = strlen(v), i;

	(void)k;
	if (n == 0 || n > 15 || strcmp(v, ".") == 0 || strcmp(v, "..") == 0)
		goto bad;
	for (i = 0; i < n; i++)
		if (!isgraph((unsigned char)v[i]) || v[i] == '/' || v[i] == ':')
			goto bad;
	strcpy(dst, v);
	return 0;
bad:
	return vx_fail(err, EINVAL, "invalid interface name '%s'", v);
}

/* A context's own address: one a host may have (addr_check_host), with its prefix length. */
static int p_addr(const struct vx_key *k, const char *v, void *dst, struct vx_err *err)
{
	struct vx_addr a;

	(void)k;
	if (addr_parse(v, true, &a, err) < 0 || addr_check_host(&a, err) < 0)
		return -1;
	return addr_list_add(dst, &a, err);
}

/* A gateway: a bare address. */
static int p_host(const struct vx_key *k, const char *v, void *dst, struct vx_err *err)
{
	struct vx_addr a;

	(void)k;
	if (addr_parse(v, false, &a, err) < 0)
		return -1;
	return addr_list_add(dst, &a, err);
}

/* Capability names, "net_raw sys_time" or "CAP_NET_RAW,CAP_SYS_TIME", into a bit mask. */
/* Call fn on each word of v, words being separated by blanks or commas ("a, b c"). */
static int each_word(const char *v, int (*fn)(char *w, void *acc, struct vx_err *err),
		     void *acc, struct vx_err *err)
{
	char buf[1024], *w, *save = NULL;

	if (strlen(v) >= sizeof(buf))
		return vx_fail(err, EINVAL, "list too long");
	strcpy(buf, v);
	for (w = strtok_r(buf, " ,\t", &save); w; w = strtok_r(NULL, " ,\t", &save))
		if (fn(w, acc, err) < 0)
			return -1;
	return 0;
}

static int cap_word(char *w, void *acc, struct vx_err *err)
{
	char *p;
	int cap;

	for (p = w; *p; p++)
		*p = tolower((unsigned char)*p);
	if (strncmp(w, "cap_", 4) == 0)
		w += 4;
	cap = capng_name_to_capability(w);
	if (cap < 0 || cap >= 64)
		return vx_fail(err, EINVAL, "unknown capability '%s'", w);
	*(uint64_t *)acc |= 1ull << cap;
	return 0;
}

static int p_caps(const struct vx_key *k, const char *v, void *dst, struct vx_err *err)
{
	uint64_t mask = 0;

	(void)k;
	if (each_word(v, cap_word, &mask, err) < 0)
		return -1;
	*(uint64_t *)dst = mask;
	return 0;
}

static int device_word(char *w, void *acc, struct vx_err *err)
{
	unsigned bit = dev_opt(w);

	if (!bit)
		return vx_fail(err, EINVAL, "unknown device '%s': use tun or fuse", w);
	*(unsigned *)acc |= bit;
	return 0;
}

/* Optional devices ("tun fuse"). */
static int p_devices(const struct vx_key *k, const char *v, void *dst, struct vx_err *err)
{
	unsigned mask = 0;

	(void)k;
	if (each_word(v, device_word, &mask, err) < 0)
		return -1;
	*(unsigned *)dst = mask;
	return 0;
}

/* default, none, or the absolute path of a list of system calls to refuse. */
static int p_seccomp(const struct vx_key *k, const char *v, void *dst, struct vx_err *err)
{
	(void)k;
	if (strcmp(v, "default") != 0 && strcmp(v, "none") != 0 && parse_abspath(v, err) < 0)
		return vx_prefix(err, "use default, none or an absolute path");
	strcpy(dst, v);
	return 0;
}

static int p_lxcfs(const struct vx_key *k, const char *v, void *dst, struct vx_err *err)
{
	(void)k;
	if (strcmp(v, "auto") != 0 && strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
		return vx_fail(err, EINVAL, "invalid lxcfs '%s': use auto, yes or no", v);
	strcpy(dst, v);
	return 0;
}

/* A key that takes one of two words (its field holds the longer one). */
static int p_either(const struct vx_key *k, const char *v, void *dst, const char *a,
		    const char *b, struct vx_err *err)
{
	if (strcmp(v, a) != 0 && strcmp(v, b) != 0)
		return vx_fail(err, EINVAL, "invalid %s '%s': use %s or %s", k->name, v, a, b);
	strcpy(dst, v);
	return 0;
}

static int p_syslog(const struct vx_key *k, const char *v, void *dst, struct vx_err *err)
{
	return p_either(k, v, dst, "host", "guest", err);
}

static int p_sync(const struct vx_key *k, const char *v, void *dst, struct vx_err *err)
{
	return p_either(k, v, dst, "context", "host", err);
}

/* The console's detach keys: "^a q" (a control key, then a plain one). */
static int p_escape(const struct vx_key *k, const char *v, void *dst, struct vx_err *err)
{
	(void)k;
	if (strlen(v) != 4 || v[0] != '^' || !isalpha((unsigned char)v[1]) || v[2] != ' ' ||
	    !isgraph((unsigned char)v[3]))
		return vx_fail(err, EINVAL, "invalid console-escape '%s': use a control key and "
			       "another key, as ^a q", v);
	strcpy(dst, v);
	return 0;
}

struct names {
	const struct vx_key *k;
	struct vx_list *l;
};

static int name_word(char *w, void *acc, struct vx_err *err)
{
	struct names *n = acc;
	unsigned i;

	if (parse_name(w, "context", err) < 0)
		return -1;
	for (i = 0; i < n->l->n; i++)
		if (strcmp(n->l->v[i], w) == 0)
			return vx_fail(err, EINVAL, "'%s' is named twice", w);
	return p_list(n->k, w, n->l, err);
}

/* Context names ("db cache"). */
static int p_names(const struct vx_key *k, const char *v, void *dst, struct vx_err *err)
{
	struct names n = { .k = k, .l = dst };

	if (each_word(v, name_word, &n, err) < 0)
		return -1;
	return n.l->n ? 0 : vx_fail(err, EINVAL, "empty list");
}

/* A size; unlike limits, "max" means nothing here (leave the key out for no quota). */
static int p_disk(const struct vx_key *k, const char *v, void *dst, struct vx_err *err)
{
	if (strcmp(v, "max") == 0)
		return vx_fail(err, EINVAL, "invalid disk 'max': give a size like 8G, or leave it "
			       "unset for no quota");
	return p_limit_size(k, v, dst, err);
}

/* An absolute path without "." or ".." components, doubled or trailing slashes. */
static bool clean_path(const char *p, size_t n)
{
	size_t i, start = 1;

	if (n < 2 || p[0] != '/' || p[n - 1] == '/')
		return n == 1 && p[0] == '/';
	for (i = 1; i <= n; i++) {
		if (i < n && p[i] != '/')
			continue;
		if (i == start || (i - start == 1 && p[start] == '.') ||
		    (i - start == 2 && p[start] == '.' && p[start + 1] == '.'))
			return false;
		start = i + 1;
	}
	return true;
}

/* HOSTPATH:CTXPATH[:ro|rw]; the host side is checked again when the context starts. */
static int p_bind(const struct vx_key *k, const char *v, void *dst, struct vx_err *err)
{
	const char *c1 = strchr(v, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	size_t hl = c1 ? (size_t)(c1 - v) : 0, cl = c1 ? (c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1)) : 0;

	if (!c1 || (c2 && strcmp(c2 + 1, "ro") != 0 && strcmp(c2 + 1, "rw") != 0))
		return vx_fail(err, EINVAL, "invalid bind '%s': use HOSTPATH:CTXPATH[:ro|rw]", v);
	if (!clean_path(v, hl) || hl == 1)
		return vx_fail(err, EINVAL, "invalid bind '%s': the host path must be absolute, "
			       "without '.' or '..', and not /", v);
	if (!clean_path(c1 + 1, cl) || cl == 1)
		return vx_fail(err, EINVAL, "invalid bind '%s': the path inside must be absolute, "
			       "without '.' or '..', and not /", v);
	if (hl >= PATH_MAX / 2 || cl >= PATH_MAX / 2)
		return vx_fail(err, ENAMETOOLONG, "invalid bind '%s': path too long", v);
	{
		static const char *const kernel[] = { "/proc", "/sys", "/dev" };
		unsigned i;

		for (i = 0; i < 3; i++) {
			size_t n = strlen(kernel[i]);

			if (strncmp(c1 + 1, kernel[i], n) == 0 && (c1[1 + n] == '/' || c1[1 + n] == ':' ||
								   c1[1 + n] == '\0'))
				return vx_fail(err, EINVAL, "invalid bind '%s': %s inside is vctx's",
					       v, kernel[i]);
		}
	}
	return p_list(k, v, dst, err);
}

/* started, notify, or tcp:PORT. */
static int p_ready(const struct vx_key *k, const char *v, void *dst, struct vx_err *err)
{
	uint64_t port;

	(void)k;
	if (strcmp(v, "started") != 0 && strcmp(v, "notify") != 0 &&
	    (strncmp(v, "tcp:", 4) != 0 || parse_u64(v + 4, 1, 65535, &port, NULL) < 0))
		return vx_fail(err, EINVAL, "invalid ready '%s': use started, notify or tcp:PORT", v);
	strcpy(dst, v);
	return 0;
}

const struct vx_key vx_keys[] = {
	{ "context", "template", p_name, F(template), NULL, 0, 0, VX_KEY_REQUIRED | VX_KEY_OWN,
	  "template the root file system comes from" },
	{ "context", "hostname", p_hostname, F(hostname), NULL, 0, 0, VX_KEY_OWN,
	  "host name inside (default: the context's name)" },
	{ "context", "init", p_command, F(init), NULL, 0, 0, 0,
	  "program run as pid 1, with arguments (default: the template's)" },
	{ "context", "stop-signal", p_signal, F(stop_signal), NULL, 0, 0, 0,
	  "signal that asks init to shut down (default: the template's)" },
	{ "context", "stop-timeout", p_duration, F(stop_timeout_ms), "30", 0, 3600000, 0,
	  "time init has to shut down before everything is killed" },
	{ "context", "start-timeout", p_duration, F(start_timeout_ms), "60", 1000, 3600000, 0,
	  "time a start may take until the context counts as up" },
	{ "context", "id-base", p_u64, F(id_base), NULL, 65536, 0xffffffffull - 65536,
	  VX_KEY_REQUIRED | VX_KEY_INTERNAL | VX_KEY_OWN,
	  "first host uid/gid of the context's 65536 (allocated by create)" },
	{ "context", "userns", p_bool, F(userns), "yes", 0, 0, 0,
	  "run in a user namespace (no: root inside is root on the host)" },
	{ "context", "lxcfs", p_lxcfs, F(lxcfs), "auto", 0, 0, 0,
	  "show the context's limits in /proc (meminfo, cpuinfo, uptime ...) through lxcfs: "
	  "auto, yes or no" },

	{ "limits", "memory", p_limit_size, F(memory), NULL, 4 << 20, 0, VX_KEY_LIVE,
	  "memory the context may use (RAM), or max" },
	{ "limits", "memory-swap", p_limit_size, F(memory_swap), NULL, 0, 0, VX_KEY_LIVE,
	  "swap the context may use on top of memory, or max" },
	{ "limits", "cpu-weight", p_limit_u64, F(cpu_weight), NULL, 1, 10000, VX_KEY_LIVE,
	  "share of CPU time under contention, 1 to 10000 (100 is the default share)" },
	{ "limits", "cpu-max", p_cpu_max, F(cpu_max), NULL, 0, 0, VX_KEY_LIVE,
	  "CPU time cap: 50% of one CPU, 1.5 CPUs, or max" },
	{ "limits", "cpus", p_cpus, F(cpus), NULL, 0, 0, VX_KEY_LIVE,
	  "the CPUs the context may run on, e.g. 0-3,5" },
	{ "limits", "pids", p_limit_u64, F(pids), "4096", 1, 4194304, VX_KEY_LIVE,
	  "how many processes and threads the context may have, or max" },
	{ "limits", "io-weight", p_limit_u64, F(io_weight), NULL, 1, 10000, VX_KEY_LIVE,
	  "share of disk time under contention, 1 to 10000 (100 is the default share)" },
	{ "limits", "nofile", p_rlimit, F(rl_nofile), NULL, 0, 1u << 30, 0,
	  "open files per process, SOFT[:HARD] (default 1024:524288)" },
	{ "limits", "nproc", p_rlimit, F(rl_nproc), NULL, 0, 1u << 30, 0,
	  "processes of one user of the context, SOFT[:HARD] (default: the kernel's)" },
	{ "limits", "memlock", p_rlimit, F(rl_memlock), NULL, 1, 0, 0,
	  "locked memory per process, SOFT[:HARD] sizes (default 8M)" },
	{ "limits", "stack", p_rlimit, F(rl_stack), NULL, 1, 0, 0,
	  "stack size per process, SOFT[:HARD] sizes (default 8M:unlimited)" },
	{ "limits", "core", p_rlimit, F(rl_core), NULL, 1, 0, 0,
	  "core dump size, SOFT[:HARD] sizes (default 0:unlimited)" },

	{ "network", "mode", p_mode, F(net_mode), NULL, 0, 0, 0,
	  "routed, bridge, macvlan or none (default: routed with addresses, else none)" },
	{ "network", "link", p_ifname, F(net_link), NULL, 0, 0, 0,
	  "the host's uplink (default: the interface of the host's default route)" },
	{ "network", "address", p_addr, F(address), NULL, 0, 0, VX_KEY_REPEAT | VX_KEY_OWN,
	  "an address of the context with its prefix length; repeatable" },
	{ "network", "bridge", p_ifname, F(net_bridge), NULL, 0, 0, 0,
	  "the bridge the context joins (bridge mode)" },
	{ "network", "gateway", p_host, F(gateway), NULL, 0, 0, VX_KEY_REPEAT,
	  "default gateway, one per address family (bridge and macvlan modes)" },
	{ "network", "mtu", p_u64, F(mtu), NULL, 68, 65535, 0, "MTU of the context's link" },
	{ "network", "nameserver", p_host, F(nameserver), NULL, 0, 0, VX_KEY_REPEAT,
	  "a name server written into the context's /etc/resolv.conf at start; repeatable" },

	{ "boot", "onboot", p_bool, F(onboot), "no", 0, 0, 0,
	  "start the context with 'vctx autostart' (at boot)" },
	{ "boot", "boot-order", p_u64, F(boot_order), "100", 0, 1000000, 0,
	  "lower starts first among contexts that are ready to start" },
	{ "boot", "after", p_names, F(after), NULL, 0, 0, 0,
	  "contexts that must be up before this one starts" },
	{ "boot", "group", p_name, F(group), NULL, 0, 0, 0,
	  "a group 'vctx autostart --group' selects" },
	{ "boot", "ready", p_ready, F(ready), "started", 0, 0, 0,
	  "when the context counts as up: started, notify (READY=1) or tcp:PORT" },

	{ "storage", "disk", p_disk, F(disk), NULL, 16 << 20, 0, 0,
	  "size of the context's own file system (a sparse image), e.g. 8G; unset: no quota" },
	{ "storage", "bind", p_bind, F(bind), NULL, 0, 0, VX_KEY_REPEAT,
	  "HOSTPATH:CTXPATH[:ro|rw] a host directory or file mounted inside; repeatable" },

	{ "log", "syslog", p_syslog, F(syslog), "host", 0, 0, 0,
	  "who serves the context's /dev/log: host (relayed, stamped) or guest (its own)" },
	{ "log", "log-rate", p_u64, F(log_rate), "200", 1, 1000000, 0,
	  "syslog messages a second the context may send before they are dropped" },
	{ "log", "log-burst", p_u64, F(log_burst), "1000", 1, 1000000, 0,
	  "syslog messages the context may send at once above the rate" },
	{ "log", "log-size", p_limit_size, F(log_size), "4M", 4096, 0, 0,
	  "size of the context's syslog file before it is rotated" },
	{ "log", "console-escape", p_escape, F(console_escape), "^a q", 0, 0, 0,
	  "the keys that detach from the console" },

	{ "security", "cap-drop", p_caps, F(cap_drop), NULL, 0, 0, 0,
	  "capabilities to take away on top of the default policy" },
	{ "security", "cap-keep", p_caps, F(cap_keep), NULL, 0, 0, 0,
	  "capabilities of the default drop list to keep (e.g. net_raw)" },
	{ "security", "seccomp", p_seccomp, F(seccomp), "default", 0, 0, 0,
	  "system call filter: default, none, or a file listing calls to refuse" },
	{ "security", "devices", p_devices, F(devices), NULL, 0, 0, 0,
	  "optional devices the context may use besides the standard ones: tun, fuse" },
	{ "security", "io-uring", p_bool, F(io_uring), "no", 0, 0, 0,
	  "let the context use io_uring (refused by the default filter)" },
	{ "security", "sync", p_sync, F(sync), "context", 0, 0, 0,
	  "what sync(2) inside writes back: context (its own file systems) or host (all)" },
};
const unsigned vx_nkeys = ARRAY_SIZE(vx_keys);

const struct vx_key *conf_key(const char *name)
{
	unsigned i;

	for (i = 0; i < vx_nkeys; i++)
		if (strcmp(vx_keys[i].name, name) == 0)
			return &vx_keys[i];
	return NULL;
}

/* --- loading ----------------------------------------------------------------------------- */

struct load {
	const char *file;
	struct vx_conf *conf;
	unsigned seen[sizeof(vx_keys) / sizeof(vx_keys[0])];	/* line of first occurrence */
	const unsigned *skip;	/* defaults.conf: keys the context's own file sets */
	bool site;		/* reading defaults.conf */
};

static int load_line(const struct ini_line *l, void *user, struct vx_err *err)
{
	struct load *ld = user;
	const struct vx_key *k;
	unsigned i;

	if (l->type == INI_SECTION) {
		for (i = 0; i < vx_nkeys; i++)
			if (strcmp(vx_keys[i].section, l->section) == 0)
				return 0;
		return vx_fail(err, EINVAL, "%s:%u: unknown section [%s]", ld->file, l->lineno,
			       l->section);
	}
	if (l->type != INI_KEY)
		return 0;
	k = conf_key(l->key);
	if (!k)
		return vx_fail(err, EINVAL, "%s:%u: unknown key '%s'", ld->file, l->lineno, l->key);
	if (strcmp(k->section, l->section) != 0)
		return vx_fail(err, EINVAL, "%s:%u: key '%s' belongs in [%s], not [%s]", ld->file,
			       l->lineno, l->key, k->section, l->section);
	i = k - vx_keys;
	if (ld->site && (k->flags & VX_KEY_OWN))
		return vx_fail(err, EINVAL, "%s:%u: '%s' is one context's own: it cannot be a site "
			       "default", ld->file, l->lineno, l->key);
	if (ld->skip && ld->skip[i])
		return 0;	/* the context sets it: its values replace the default's */
	if (ld->seen[i] && !(k->flags & VX_KEY_REPEAT))
		return vx_fail(err, EINVAL, "%s:%u: key '%s' set twice (first on line %u)",
			       ld->file, l->lineno, l->key, ld->seen[i]);
	if (!ld->seen[i])
		ld->seen[i] = l->lineno;
	if (k->parse(k, l->value, FIELD(ld->conf, k), err) < 0)
		return vx_prefix(err, "%s:%u: %s", ld->file, l->lineno, k->name);
	return 0;
}

static int apply_defaults(struct vx_conf *conf, struct vx_err *err)
{
	unsigned i;

	for (i = 0; i < vx_nkeys; i++) {
		const struct vx_key *k = &vx_keys[i];

		if (k->def && k->parse(k, k->def, FIELD(conf, k), err) < 0)
			return vx_prefix(err, "default of %s", k->name);
	}
	return 0;
}

const char *conf_defaults_path(char *buf, size_t len)
{
	/* No prefix set up (unit tests, a library user): no site defaults, never the host's. */
	if (!vx_paths.etc[0] || xsnprintf(buf, len, "%s/defaults.conf", vx_paths.etc) < 0)
		buf[0] = '\0';
	return buf;
}

/* The keys a config text sets (line of the first occurrence), syntax aside. */
static int seen_line(const struct ini_line *l, void *user, struct vx_err *err)
{
	unsigned *seen = user;
	const struct vx_key *k;

	(void)err;
	if (l->type == INI_KEY && (k = conf_key(l->key)) && !seen[k - vx_keys])
		seen[k - vx_keys] = l->lineno;
	return 0;
}

/* defaults.conf under the context's own keys: read, checked like a config, skipped where the
 * context has its own.  A missing file is no defaults; an unreadable or bad one an error. */
static int load_site(const char *file, const char *text, struct vx_conf *conf,
		     struct vx_err *err)
{
	unsigned own[sizeof(vx_keys) / sizeof(vx_keys[0])] = { 0 };
	char path[PATH_MAX];
	_cleanup_free_ char *site = NULL;
	struct load ld = { .conf = conf, .skip = own, .site = true };

	if (strncmp(text, CONF_EFFECTIVE_MARK, strlen(CONF_EFFECTIVE_MARK)) == 0 ||
	    !*conf_defaults_path(path, sizeof(path)) || access(path, F_OK) < 0)
		return 0;
	site = read_text(path, 1 << 20, err);
	if (!site)
		return -1;
	if (ini_scan(file, text, seen_line, own, err) < 0)
		return -1;
	ld.file = path;
	return ini_scan(path, site, load_line, &ld, err);
}

int conf_parse(const char *file, const char *text, const char *name, struct vx_conf *conf,
	       struct vx_err *err)
{
	struct load ld = { .file = file, .conf = conf };
	unsigned i;

	memset(conf, 0, sizeof(*conf));
	snprintf(conf->name, sizeof(conf->name), "%s", name);
	snprintf(conf->file, sizeof(conf->file), "%s", file);
	if (apply_defaults(conf, err) < 0 || load_site(file, text, conf, err) < 0 ||
	    ini_scan(file, text, load_line, &ld, err) < 0)
		goto fail;
	for (i = 0; i < vx_nkeys; i++) {
		if ((vx_keys[i].flags & VX_KEY_REQUIRED) && !ld.seen[i]) {
			vx_fail(err, EINVAL, "%s: required key '%s' is missing from [%s]", file,
				vx_keys[i].name, vx_keys[i].section);
			goto fail;
		}
	}
	if (conf->hostname[0] == '\0')
		snprintf(conf->hostname, sizeof(conf->hostname), "%s", name);
	if (conf_validate(conf, err) < 0) {
		vx_prefix(err, "%s", file);
		goto fail;
	}
	return 0;
fail:
	conf_free(conf);
	return -1;
}

int conf_load_file(const char *path, const char *name, struct vx_conf *conf, struct vx_err *err)
{
	_cleanup_free_ char *text = read_text(path, 1 << 20, err);

	if (!text)
		return -1;
	return conf_parse(path, text, name, conf, err);
}

int conf_check_value(const char *key, const char *value, struct vx_err *err)
{
	const struct vx_key *k = conf_key(key);
	struct vx_conf scratch;
	int r;

	if (!k)
		return vx_fail(err, EINVAL, "unknown key '%s' (see vctx.conf(5))", key);
	memset(&scratch, 0, sizeof(scratch));
	r = k->parse(k, value, FIELD(&scratch, k), err);
	conf_free(&scratch);
	return r < 0 ? vx_prefix(err, "%s", key) : 0;
}

void conf_free(struct vx_conf *conf)
{
	unsigned i;

	for (i = 0; i < vx_nkeys; i++) {
		const struct vx_key *k = &vx_keys[i];
		struct vx_list *l;

		if (k->parse != p_list && k->parse != p_names && k->parse != p_bind)
			continue;
		l = (struct vx_list *)FIELD(conf, k);
		while (l->n)
			free(l->v[--l->n]);
	}
}

static unsigned online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned)n : 1;
}

static int validate_network(const struct vx_conf *c, struct vx_err *err)
{
	const char *mode = conf_net_mode(c);
	unsigned i, v4 = 0, v6 = 0;

	if (strcmp(mode, "none") == 0 && c->address.n)
		return vx_fail(err, EINVAL, "mode none cannot have addresses");
	if (strcmp(mode, "bridge") == 0 && !c->net_bridge[0])
		return vx_fail(err, EINVAL, "mode bridge needs 'bridge' (the bridge to join)");
	if (strcmp(mode, "bridge") != 0 && c->net_bridge[0])
		return vx_fail(err, EINVAL, "'bridge' is only for mode bridge");
	if (strcmp(mode, "routed") == 0 && c->gateway.n)
		return vx_fail(err, EINVAL, "routed contexts route through the host: 'gateway' is "
			       "for the bridge and macvlan modes");
	for (i = 0; i < c->address.n; i++) {
		int j = addr_list_find(&c->address, &c->address.v[i]);

		if (j >= 0 && (unsigned)j < i) {
			char a[VX_ADDR_STR];

			addr_fmt(&c->address.v[i], false, a, sizeof(a));
			return vx_fail(err, EEXIST, "address %s is given twice", a);
		}
	}
	for (i = 0; i < c->gateway.n; i++)
		c->gateway.v[i].family == AF_INET6 ? v6++ : v4++;
	if (v4 > 1 || v6 > 1)
		return vx_fail(err, EINVAL, "one gateway per address family");
	return 0;
}

uid_t conf_root_uid(const struct vx_conf *c)
{
	return c->userns ? (uid_t)c->id_base : 0;
}

const char *conf_net_mode(const struct vx_conf *c)
{
	if (c->net_mode[0])
		return c->net_mode;
	return c->address.n ? "routed" : "none";
}

/* cap-keep keeps what the default policy drops, and nothing cap-drop drops. */
static int validate_caps(const struct vx_conf *c, struct vx_err *err)
{
	int cap;

	for (cap = 0; cap < 64; cap++) {
		uint64_t bit = 1ull << cap;
		const char *name;

		if (!(c->cap_keep & bit) || ((VX_CAPS_DEFAULT_DROP & bit) && !(c->cap_drop & bit)))
			continue;
		name = capng_capability_to_name(cap);
		return vx_fail(err, EINVAL, "cap-keep: %s %s", name ? name : "?",
			       c->cap_drop & bit ? "is in cap-drop too" :
			       "is not dropped by the default policy: there is nothing to keep");
	}
	return 0;
}

int conf_validate(const struct vx_conf *conf, struct vx_err *err)
{
	if (validate_network(conf, err) < 0 || validate_caps(conf, err) < 0)
		return -1;
	if (conf->cpu_max.set && !conf->cpu_max.max &&
	    conf->cpu_max.v > (uint64_t)online_cpus() * 1000000)
		return vx_fail(err, ERANGE, "cpu-max %.2f CPUs is more than the %u this host has",
			       conf->cpu_max.v / 1e6, online_cpus());
	if (conf->memory_swap.set && !conf->memory.set)
		return vx_fail(err, EINVAL, "memory-swap needs a memory limit too");
	if (conf->id_base && conf->id_base % VX_IDS_PER_CONTEXT)
		return vx_fail(err, EINVAL, "id-base %llu is not a multiple of %u",
			       (unsigned long long)conf->id_base, VX_IDS_PER_CONTEXT);
	return 0;
}
