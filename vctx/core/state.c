// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/lock.h"
#include "core/paths.h"
#include "core/util.h"

static const char *names[] = { "stopped", "starting", "running", "stopping" };

const char *state_str(enum vx_state s)
{
	return s < ARRAY_SIZE(names) ? names[s] : "unknown";
}

int state_write(const char *name, const struct vx_runstate *st, struct vx_err *err)
{
	char path[PATH_MAX], buf[16384];
	size_t n = 0;
	unsigned i;

	if (path_rundir(path, sizeof(path), name, "state") < 0)
		return vx_failsys(err, "state path");
	n += snprintf(buf + n, sizeof(buf) - n,
		      "state=%s\nsupervisor=%d\ninit=%d\ninit-start=%llu\nstarted=%llu\n"
		      "id-base=%llu\nuserns=%d\ntemplate=%s\ncgroup=%s\nnetdev=%s\nuplink=%s\n",
		      state_str(st->state), (int)st->supervisor, (int)st->init,
		      (unsigned long long)st->init_start, (unsigned long long)st->started,
		      (unsigned long long)st->id_base, st->userns, st->template, st->cgroup,
		      st->netdev, st->uplink);
	if (st->syncs)
		n += snprintf(buf + n, sizeof(buf) - n, "syncs=1\n");
	if (st->cgv2[0])
		n += snprintf(buf + n, sizeof(buf) - n, "cgv2=%s\n", st->cgv2);
	for (i = 0; i < st->cgv1.n && n < sizeof(buf); i++)
		n += snprintf(buf + n, sizeof(buf) - n, "cgv1=%s\n", st->cgv1.v[i]);
	for (i = 0; i < st->proxies.n && n < sizeof(buf); i++) {
		char a[VX_ADDR_STR];

		addr_fmt(&st->proxies.v[i], true, a, sizeof(a));
		n += snprintf(buf + n, sizeof(buf) - n, "proxy=%s\n", a);
	}
	if (st->filter[0] && n < sizeof(buf))
		n += snprintf(buf + n, sizeof(buf) - n, "filter=%s\nmac=%s\n", st->filter, st->mac);
	for (i = 0; i < st->allow.n && n < sizeof(buf); i++) {
		char a[VX_ADDR_STR];

		addr_fmt(&st->allow.v[i], true, a, sizeof(a));
		n += snprintf(buf + n, sizeof(buf) - n, "allow=%s\n", a);
	}
	if (n >= sizeof(buf))
		return vx_fail(err, E2BIG, "state record too large");
	return write_volatile(path, buf, n, 0600, err);
}

int state_runconf_path(char *buf, size_t len, const char *name)
{
	return path_rundir(buf, len, name, "conf");
}

int state_write_runconf(const char *name, const char *text, struct vx_err *err)
{
	char path[PATH_MAX];

	if (state_runconf_path(path, sizeof(path), name) < 0)
		return vx_fail(err, ENAMETOOLONG, "run path too long");
	return write_volatile(path, text, strlen(text), 0600, err);
}

int state_remove(const char *name)
{
	char path[PATH_MAX];

	if (path_rundir(path, sizeof(path), name, "state") < 0)
		return -1;
	return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

static void list_add(struct vx_list *l, const char *val)
{
	if (l->n < VX_LIST_MAX && (l->v[l->n] = strdup(val)))
		l->n++;
}

/* The record's addresses are parsed as it is read (the edge); a line that is not one is
 * skipped, as any other line of a record this version does not know. */
static void addr_line(struct vx_addrs *l, const char *val)
{
	struct vx_addr a;

	if (addr_parse(val, true, &a, NULL) == 0)
		addr_list_add(l, &a, NULL);
}

static void parse_line(struct vx_runstate *st, const char *key, const char *val)
{
	unsigned long long v = strtoull(val, NULL, 10);
	unsigned i;

	if (strcmp(key, "state") == 0) {
		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (strcmp(val, names[i]) == 0)
				st->state = i;
	} else if (strcmp(key, "supervisor") == 0) {
		st->supervisor = v;
	} else if (strcmp(key, "init") == 0) {
		st->init = v;
	} else if (strcmp(key, "init-start") == 0) {
		st->init_start = v;
	} else if (strcmp(key, "started") == 0) {
		st->started = v;
	} else if (strcmp(key, "id-base") == 0) {
		st->id_base = v;
	} else if (strcmp(key, "userns") == 0) {
		st->userns = v;
	} else if (strcmp(key, "syncs") == 0) {
		st->syncs = v;
	} else if (strcmp(key, "template") == 0) {
		snprintf(st->template, sizeof(st->template), "%s", val);
	} else if (strcmp(key, "cgroup") == 0) {
		snprintf(st->cgroup, sizeof(st->cgroup), "%s", val);
	} else if (strcmp(key, "netdev") == 0) {
		snprintf(st->netdev, sizeof(st->netdev), "%s", val);
	} else if (strcmp(key, "uplink") == 0) {
		snprintf(st->uplink, sizeof(st->uplink), "%s", val);
	} else if (strcmp(key, "cgv2") == 0) {
		snprintf(st->cgv2, sizeof(st->cgv2), "%s", val);
	} else if (strcmp(key, "cgv1") == 0) {
		list_add(&st->cgv1, val);
	} else if (strcmp(key, "proxy") == 0) {
		addr_line(&st->proxies, val);
	} else if (strcmp(key, "filter") == 0) {
		snprintf(st->filter, sizeof(st->filter), "%s", val);
	} else if (strcmp(key, "mac") == 0) {
		snprintf(st->mac, sizeof(st->mac), "%s", val);
	} else if (strcmp(key, "allow") == 0) {
		addr_line(&st->allow, val);
	}
}

static int state_read(const char *name, struct vx_runstate *st, struct vx_err *err)
{
	char path[PATH_MAX];
	_cleanup_free_ char *text = NULL;
	char *line, *save = NULL;

	if (path_rundir(path, sizeof(path), name, "state") < 0)
		return vx_failsys(err, "state path");
	text = read_text(path, 1 << 16, err);
	if (!text)
		return errno == ENOENT ? 0 : -1;
	st->have_record = true;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');

		if (!eq)
			continue;
		*eq = '\0';
		parse_line(st, line, eq + 1);
	}
	return 0;
}

int state_probe(const char *name, struct vx_runstate *st, struct vx_err *err)
{
	memset(st, 0, sizeof(*st));
	if (state_read(name, st, err) < 0)
		return -1;
	st->supervised = lock_supervisor_alive(name);
	st->init_alive = st->init > 0 && st->init_start &&
			 proc_start_time(st->init) == st->init_start;
	if (!st->supervised) {
		/* Without its supervisor a context is either still running or gone. */
		st->state = st->init_alive ? VX_RUNNING : VX_STOPPED;
	}
	return 0;
}

void state_free(struct vx_runstate *st)
{
	while (st->cgv1.n)
		free(st->cgv1.v[--st->cgv1.n]);
}
