// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/devices.h"
#include "core/limitmap.h"
#include "core/parse.h"
#include "core/paths.h"
#include "core/util.h"
#include "kernel/proc.h"

/* What the host offers, found once per process. */
struct hier {
	char ctrl[32];		/* its first controller in /proc/cgroups, which names it */
	char ctrls[256];	/* its mount's options: its controllers among them */
	char mnt[VX_CG_MNT];
};

static struct {
	bool done;
	enum vx_cg_layout layout;
	char v2mnt[VX_CG_MNT];
	char v2ctrls[256];	/* controllers available in the cgroup2 hierarchy */
	unsigned nv1;
	struct hier v1[VX_CG_MAX_V1];
} host;

const char *cg_layout_name(enum vx_cg_layout l)
{
	static const char *names[] = { "none", "v1", "hybrid", "v2" };

	return names[l];
}

/* Is word one of the words of list, which seps separate?  (A mount's options are
 * comma-separated, cgroup2's controller files blank-separated.) */
static bool has_word(const char *list, const char *word, const char *seps)
{
	size_t n = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word))) {
		if ((p == list || strchr(seps, p[-1])) && (!p[n] || strchr(seps, p[n])))
			return true;
		p += n;
	}
	return false;
}

/* The next field of a line (runs of spaces and tabs between) into out: where it ends; NULL
 * when there is none, or it does not fit in n bytes (a mount point cut short would name
 * another path).  By hand: sscanf was most of this reading's time, and it runs at every
 * start. */
static const char *next_field(const char *p, char *out, size_t n)
{
	size_t k = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == '\n')
		return NULL;
	for (; *p && *p != ' ' && *p != '\t' && *p != '\n'; p++) {
		if (k + 1 >= n)
			return NULL;
		out[k++] = *p;
	}
	out[k] = '\0';
	return p;
}

/* The next field as a number (decimal, it fits an int); NULL when it is not. */
static const char *next_int(const char *p, int *v)
{
	char f[16];
	uint64_t u;

	if (!(p = next_field(p, f, sizeof(f))) || parse_u64(f, 0, INT_MAX, &u, NULL) < 0)
		return NULL;
	*v = (int)u;
	return p;
}

/* The hierarchies, from one read of mountinfo: the first cgroup2 mount, and the v1 ones in
 * the order of /proc/cgroups: one per hierarchy id that has an enabled controller, at the
 * "cgroup" mount of its whole hierarchy (root "/") whose options name that controller; a
 * named hierarchy without controllers (name=systemd) is none.  Read here rather than through
 * libcgroup, whose cgroup_init() clears a table of some 800 KB at every start and stop
 * (vctx/kernel/README.md). */
static void find_mounts(void)
{
	_cleanup_fclose_ FILE *cg = fopen("/proc/cgroups", "re");
	_cleanup_fclose_ FILE *mi = NULL;
	struct { char mnt[VX_CG_MNT], opts[256]; } m[VX_CG_MAX_V1 + 8];
	unsigned nm = 0, i;
	int seen[64] = { 0 }, hid, num, enabled, fields;
	char name[32], line[4096];

	if (!(mi = fopen("/proc/self/mountinfo", "re")))
		return;
	while (fgets(line, sizeof(line), mi) && nm < ARRAY_SIZE(m)) {
		char root[VX_CG_MNT], fstype[64], src[256], skip[32], *sep = strstr(line, " - ");
		const char *p = line;
		unsigned f;

		/* ID PARENT MAJ:MIN ROOT MOUNT-POINT ... - TYPE SOURCE OPTIONS */
		for (f = 0; f < 3 && p; f++)
			p = next_field(p, skip, sizeof(skip));
		if (!sep || !p || !(p = next_field(p, root, sizeof(root))) ||
		    !next_field(p, m[nm].mnt, sizeof(m[nm].mnt)) || strchr(m[nm].mnt, '\\') ||
		    !(p = next_field(sep + 3, fstype, sizeof(fstype))))
			continue;
		fields = 1;
		if ((p = next_field(p, src, sizeof(src))) && next_field(p, m[nm].opts, sizeof(m[nm].opts)))
			fields = 3;
		if (strcmp(fstype, "cgroup2") == 0 && !host.v2mnt[0])
			snprintf(host.v2mnt, sizeof(host.v2mnt), "%s", m[nm].mnt);
		else if (strcmp(fstype, "cgroup") == 0 && fields == 3 && strcmp(root, "/") == 0)
			nm++;
	}
	/* The first line of /proc/cgroups is a header. */
	if (!cg || !fgets(line, sizeof(line), cg))
		return;
	while (fgets(line, sizeof(line), cg) && host.nv1 < VX_CG_MAX_V1) {
		const char *p = next_field(line, name, sizeof(name));

		if (!p || !(p = next_int(p, &hid)) || !(p = next_int(p, &num)) ||
		    !next_int(p, &enabled) || hid <= 0 || hid >= 64 || !enabled || seen[hid])
			continue;
		for (i = 0; i < nm && !has_word(m[i].opts, name, ","); i++)
			;
		if (i == nm)
			continue;
		seen[hid] = 1;
		snprintf(host.v1[host.nv1].ctrl, sizeof(host.v1[0].ctrl), "%s", name);
		snprintf(host.v1[host.nv1].ctrls, sizeof(host.v1[0].ctrls), "%s", m[i].opts);
		snprintf(host.v1[host.nv1].mnt, sizeof(host.v1[0].mnt), "%s", m[i].mnt);
		host.nv1++;
	}
}

/* The v1 mount point of a controller's hierarchy, NULL when the host has it in none. */
static const char *v1_mount(const char *ctrl)
{
	unsigned i;

	for (i = 0; i < host.nv1; i++)
		if (has_word(host.v1[i].ctrls, ctrl, ","))
			return host.v1[i].mnt;
	return NULL;
}

static void detect(void)
{
	if (host.done)
		return;
	host.done = true;
	find_mounts();
	if (host.v2mnt[0]) {
		char path[PATH_MAX + 32];

		snprintf(path, sizeof(path), "%s/cgroup.controllers", host.v2mnt);
		if (read_file_at(AT_FDCWD, path, host.v2ctrls, sizeof(host.v2ctrls)) < 0)
			host.v2ctrls[0] = '\0';
		strstrip(host.v2ctrls);
	}
	if (host.nv1 && host.v2mnt[0])
		host.layout = VX_CG_HYBRID;
	else if (host.nv1)
		host.layout = VX_CG_V1;
	else if (host.v2mnt[0])
		host.layout = VX_CG_V2;
	else
		host.layout = VX_CG_NONE;
}

enum vx_cg_layout cg_layout(void)
{
	detect();
	return host.layout;
}

void cg_init(struct vx_cgroup *cg)
{
	unsigned i;

	memset(cg, 0, sizeof(*cg));
	cg->v2fd = -1;
	for (i = 0; i < VX_CG_MAX_V1; i++)
		cg->tasks_fd[i] = -1;
}

void cg_close(struct vx_cgroup *cg)
{
	unsigned i;

	if (cg->v2fd >= 0)
		close(cg->v2fd);
	cg->v2fd = -1;
	for (i = 0; i < VX_CG_MAX_V1; i++) {
		if (cg->tasks_fd[i] >= 0)
			close(cg->tasks_fd[i]);
		cg->tasks_fd[i] = -1;
	}
}

/* The parent's cpuset is complete: CPUs, memory nodes and clone_children all set. */
static bool v1_cpuset_ready(const char *dir)
{
	static const char *files[] = { "cpuset.cpus", "cpuset.mems", "cgroup.clone_children" };
	char path[PATH_MAX + 128], v[256];
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (read_file_at(AT_FDCWD, path, v, sizeof(v)) < 0 || !*strstrip(v) ||
		    (i == 2 && strcmp(v, "1") != 0))
			return false;
	}
	return true;
}

/* v1 cpuset: a new cgroup starts with no CPUs and no memory nodes, and nothing can join it.
 * The parent copies the root's and sets clone_children, so each context's cgroup starts
 * with what its parent has.  Contexts starting together race to make the parent: one that
 * finds the directory made but not yet filled fills it too (the same values), or its own
 * cgroup would start empty and refuse it (ENOSPC). */
static int v1_cpuset_parent(struct vx_err *err)
{
	static const char *files[] = { "cpuset.cpus", "cpuset.mems" };
	char dir[VX_CG_PATH], path[VX_CG_PATH + 64], v[256];
	const char *mnt = v1_mount("cpuset");
	unsigned i;

	if (!mnt)
		return 0;
	snprintf(dir, sizeof(dir), "%s/%s", mnt, vx_paths.cgroup_parent);
	if (v1_cpuset_ready(dir))
		return 0;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return vx_failsys(err, "cannot create cgroup %s", dir);
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", mnt, files[i]);
		if (read_file_at(AT_FDCWD, path, v, sizeof(v)) < 0)
			return vx_failsys(err, "cannot read %s", path);
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (write_file_at(AT_FDCWD, path, strstrip(v)) < 0)
			return vx_failsys(err, "cannot write %s", path);
	}
	snprintf(path, sizeof(path), "%s/cgroup.clone_children", dir);
	if (write_file_at(AT_FDCWD, path, "1") < 0)
		return vx_failsys(err, "cannot write %s", path);
	return 0;
}

static bool v2_has(const char *ctrl)
{
	return has_word(host.v2ctrls, ctrl, " ");
}

/* On a v2 host, a controller reaches the context's directory only when every ancestor
 * enables it in cgroup.subtree_control: the root's and the parent's, for each controller
 * vctx uses that the host offers. */
static int v2_enable(struct vx_err *err)
{
	static const char *wanted[] = { "cpuset", "cpu", "io", "memory", "pids" };
	char file[VX_CG_PATH + 64], have[256], plus[40];
	unsigned d, i;

	for (d = 0; d < 2; d++) {
		if (d == 0)
			snprintf(file, sizeof(file), "%s/cgroup.subtree_control", host.v2mnt);
		else
			snprintf(file, sizeof(file), "%s/%s/cgroup.subtree_control", host.v2mnt,
				 vx_paths.cgroup_parent);
		if (read_file_at(AT_FDCWD, file, have, sizeof(have)) < 0)
			return vx_failsys(err, "cannot read %s", file);
		for (i = 0; i < ARRAY_SIZE(wanted); i++) {
			if (!v2_has(wanted[i]) || has_word(have, wanted[i], " \n"))
				continue;
			snprintf(plus, sizeof(plus), "+%s", wanted[i]);
			if (write_file_at(AT_FDCWD, file, plus) < 0)
				return vx_failsys(err, "cannot enable the %s controller in %s", wanted[i],
						  file);
		}
	}
	return 0;
}

/* The context's cgroup2 directory: on v2 hosts where the limits go, on hybrid hosts for the
 * guest's systemd (the cgroup2 hierarchy usually has no controllers there).  On v2 the
 * parent enables the controllers first, so that the directory has their files. */
static int v2_dir(struct vx_cgroup *cg, struct vx_err *err)
{
	char parent[PATH_MAX + 64];

	snprintf(parent, sizeof(parent), "%s/%s", host.v2mnt, vx_paths.cgroup_parent);
	if (mkdir(parent, 0755) < 0 && errno != EEXIST)
		return vx_failsys(err, "cannot create cgroup %s", parent);
	if (host.layout == VX_CG_V2 && v2_enable(err) < 0)
		return -1;
	if (mkdir(cg->v2dir, 0755) < 0)
		return vx_failsys(err, "cannot create cgroup %s", cg->v2dir);
	return 0;
}

/* mkdir of a context's directory in a v1 hierarchy (mnt), its parent made only when missing:
 * most starts find the parent there, and a failed mkdir of it costs a lookup apiece. */
static int v1_mkdir(const char *mnt, const char *dir, struct vx_err *err)
{
	char parent[VX_CG_PATH];

	if (mkdir(dir, 0755) == 0)
		return 0;
	if (errno == ENOENT) {
		snprintf(parent, sizeof(parent), "%s/%s", mnt, vx_paths.cgroup_parent);
		if (mkdir(parent, 0755) < 0 && errno != EEXIST)
			return vx_failsys(err, "cannot create cgroup %s", parent);
		if (mkdir(dir, 0755) == 0)
			return 0;
	}
	return vx_failsys(err, "cannot create cgroup %s", dir);
}

/* The context's directory in every v1 hierarchy (the parent first where it is missing). */
static int v1_dirs(const struct vx_cgroup *cg, struct vx_err *err)
{
	unsigned i;

	for (i = 0; i < host.nv1; i++)
		if (v1_mkdir(host.v1[i].mnt, cg->v1dir[i], err) < 0)
			return -1;
	return 0;
}

/* The context's directory in every hierarchy. */
static int make_all(struct vx_cgroup *cg, struct vx_err *err)
{
	if (v1_dirs(cg, err) < 0)
		return -1;
	if ((host.layout == VX_CG_HYBRID || host.layout == VX_CG_V2) && v2_dir(cg, err) < 0)
		return -1;
	return 0;
}

/* The context's root manages its own subtree (systemd inside needs that); the limits of the
 * directory itself stay owned by the host, so the context cannot raise them. */
static int delegate(const struct vx_cgroup *cg, uid_t uid, gid_t gid, struct vx_err *err)
{
	static const char *files[] = { "", "cgroup.procs", "cgroup.threads",
				       "cgroup.subtree_control" };
	char path[PATH_MAX + 64];
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", cg->v2dir, files[i]);
		if (chown(path, uid, gid) < 0 && errno != ENOENT)
			return vx_failsys(err, "cannot delegate %s", path);
	}
	return 0;
}

static int open_fds(struct vx_cgroup *cg, struct vx_err *err)
{
	char path[PATH_MAX + 16];
	unsigned i;

	if (cg->v2dir[0]) {
		cg->v2fd = open(cg->v2dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cg->v2fd < 0)
			return vx_failsys(err, "cannot open cgroup %s", cg->v2dir);
	}
	for (i = 0; i < cg->nv1; i++) {
		snprintf(path, sizeof(path), "%s/tasks", cg->v1dir[i]);
		cg->tasks_fd[i] = open(path, O_WRONLY | O_CLOEXEC);
		if (cg->tasks_fd[i] < 0)
			return vx_failsys(err, "cannot open %s", path);
	}
	return 0;
}

static int fill_dirs(struct vx_cgroup *cg, const char *name, struct vx_err *err)
{
	unsigned i;

	if (xsnprintf(cg->path, sizeof(cg->path), "%s/%s", vx_paths.cgroup_parent, name) < 0)
		return vx_failsys(err, "cgroup path");
	cg->layout = host.layout;
	if (host.v2mnt[0])
		snprintf(cg->v2dir, sizeof(cg->v2dir), "%s/%s", host.v2mnt, cg->path);
	for (i = 0; i < host.nv1; i++)
		snprintf(cg->v1dir[i], sizeof(cg->v1dir[i]), "%s/%s", host.v1[i].mnt, cg->path);
	cg->nv1 = host.nv1;
	return 0;
}

/* --- what the host has (vctx check) ------------------------------------------------------ */

void cg_summary(char *buf, size_t len)
{
	size_t off;
	unsigned i;

	detect();
	off = snprintf(buf, len, "%s", cg_layout_name(host.layout));
	if (host.nv1 && off < len) {
		off += snprintf(buf + off, len - off, "; v1:");
		for (i = 0; i < host.nv1 && off < len; i++)
			off += snprintf(buf + off, len - off, " %s", host.v1[i].ctrl);
	}
	if (host.v2mnt[0] && off < len)
		snprintf(buf + off, len - off, "; cgroup2 at %s with %s", host.v2mnt,
			 host.v2ctrls[0] ? host.v2ctrls : "no controllers");
}

bool cg_controller(const char *ctrl, char *where, size_t len)
{
	const char *v1 = strcmp(ctrl, "io") == 0 ? "blkio" : ctrl, *mp;

	detect();
	if (host.layout == VX_CG_V2) {
		snprintf(where, len, "cgroup2 %s", host.v2mnt);
		return v2_has(ctrl);
	}
	if (!(mp = v1_mount(v1)))
		return false;
	snprintf(where, len, "v1 %s", mp);
	return true;
}

/* --- freezing ------------------------------------------------------------------------------ */

/* Wait until 'file' holds 'want' (cgroup.events is pollable; freezer.state is re-read). */
static int wait_contains(const char *file, const char *want, struct vx_err *err)
{
	uint64_t end = now_ns() + 5000000000ull;
	char buf[512];

	for (;;) {
		_cleanup_close_ int fd = open(file, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
		struct pollfd p = { .fd = fd, .events = POLLPRI };

		if (n < 0)
			return vx_failsys(err, "cannot read %s", file);
		buf[n] = '\0';
		if (strstr(buf, want))
			return 0;
		if (now_ns() > end)
			return vx_fail(err, ETIMEDOUT, "%s: not '%s' after 5 seconds", file, want);
		poll(&p, 1, 10);
	}
}

int cg_freeze(const char *v2dir, const char *path, bool freeze, struct vx_err *err)
{
	char file[PATH_MAX + 64];
	const char *mp;
	struct stat st;

	detect();
	/* The cgroup2 freezer (5.2) needs no controller, so it also serves hybrid hosts. */
	if (v2dir && v2dir[0] && snprintf(file, sizeof(file), "%s/cgroup.freeze", v2dir) > 0 &&
	    stat(file, &st) == 0) {
		if (write_file_at(AT_FDCWD, file, freeze ? "1" : "0") < 0)
			return vx_failsys(err, "cannot write %s", file);
		snprintf(file, sizeof(file), "%s/cgroup.events", v2dir);
		return wait_contains(file, freeze ? "frozen 1" : "frozen 0", err);
	}
	if (!(mp = v1_mount("freezer")))
		return vx_fail(err, ENOTSUP, "the host has no cgroup freezer");
	snprintf(file, sizeof(file), "%s/%s/freezer.state", mp, path);
	if (write_file_at(AT_FDCWD, file, freeze ? "FROZEN" : "THAWED") < 0)
		return vx_failsys(err, "cannot write %s", file);
	return wait_contains(file, freeze ? "FROZEN" : "THAWED", err);
}

/* --- limits -------------------------------------------------------------------------------- */

static bool v2_limits(void)
{
	return host.layout == VX_CG_V2;
}

/* Where a controller's files for cgroup 'path' are; "" if the host lacks the controller. */
static void ctrl_dir(const char *ctrl, const char *path, char *buf, size_t len)
{
	const char *mp;

	buf[0] = '\0';
	if (v2_limits()) {
		if (v2_has(ctrl))
			snprintf(buf, len, "%s/%s", host.v2mnt, path);
		return;
	}
	if ((mp = v1_mount(ctrl)))
		snprintf(buf, len, "%s/%s", mp, path);
}

/* A limit the host cannot enforce is an error, never a silent no-op. */
/* "max", "max 100000", "-1": the setting asks for no limit. */
static bool unlimited(const struct cg_setting *s)
{
	return strncmp(s->value, "max", 3) == 0 || strcmp(s->value, "-1") == 0;
}

/* 0: the setting can be written; 1: it can be left out (no limit, and no controller to
 * hold one); -1: it cannot be had here. */
static int check_setting(const char *path, const struct cg_setting *s, struct vx_err *err)
{
	char dir[VX_CG_PATH], file[VX_CG_PATH + 64];

	ctrl_dir(s->ctrl, path, dir, sizeof(dir));
	if (!dir[0] && unlimited(s))
		return 1;
	if (!dir[0])
		return vx_fail(err, ENOTSUP, "limit '%s' needs the %s controller, which this host "
			       "does not offer (cgroup %s; set %s=max to do without)", s->key,
			       s->ctrl, cg_layout_name(host.layout), s->key);
	snprintf(file, sizeof(file), "%s/%s", dir, s->file);
	if (access(file, F_OK) < 0)
		return vx_fail(err, ENOTSUP, "limit '%s' needs %s of the %s controller, which this "
			       "host does not offer%s", s->key, s->file, s->ctrl,
			       strcmp(s->ctrl, "blkio") == 0 || strcmp(s->ctrl, "io") == 0
				       ? " (it needs an I/O scheduler with weights, such as BFQ)"
			       : strstr(s->file, "swap") ? " (swap accounting is off)" : "");
	return 0;
}

static int write_setting(const char *path, const struct cg_setting *s, struct vx_err *err)
{
	char dir[VX_CG_PATH], file[VX_CG_PATH + 64];

	ctrl_dir(s->ctrl, path, dir, sizeof(dir));
	if (!dir[0])
		return vx_fail(err, ENOTSUP, "the host has no %s controller", s->ctrl);
	snprintf(file, sizeof(file), "%s/%s", dir, s->file);
	if (write_file_at(AT_FDCWD, file, s->value) < 0)
		return vx_failsys(err, "cannot set %s to %s (%s)", s->key, s->value, s->file);
	return 0;
}

static int apply(const char *path, const struct cg_setting *s, unsigned n, struct vx_err *err)
{
	bool retry[16] = { false }, skip[16] = { false };
	unsigned i;
	int r;

	for (i = 0; i < n; i++) {
		r = check_setting(path, &s[i], err);
		if (r < 0)
			return -1;
		skip[i] = r == 1;
	}
	/* v1 wants memory.limit <= memory.memsw.limit after every single write: whichever of
	 * the two fails first is written again after the other. */
	for (i = 0; i < n; i++)
		if (!skip[i] && write_setting(path, &s[i], NULL) < 0)
			retry[i] = true;
	for (i = 0; i < n; i++)
		if (retry[i] && write_setting(path, &s[i], err) < 0)
			return -1;
	return 0;
}

/* The devices a context may use (devices.c), as a v1 device cgroup allow-list: 1 when it is
 * set, 0 when the host has no v1 devices controller.  The kernel takes one rule per write,
 * so the allow-list is written through one descriptor, a rule at a time. */
static int v1_devices(const char *path, unsigned opts, struct vx_err *err)
{
	struct cg_setting s = { .key = "devices", .ctrl = "devices", .file = "devices.deny" };
	char dir[VX_CG_PATH], file[VX_CG_PATH + 64];
	_cleanup_close_ int fd = -1;
	unsigned i;

	if (v2_limits() || !v1_mount("devices"))
		return 0;
	snprintf(s.value, sizeof(s.value), "a");
	if (write_setting(path, &s, err) < 0)
		return -1;
	ctrl_dir("devices", path, dir, sizeof(dir));
	snprintf(file, sizeof(file), "%s/devices.allow", dir);
	fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return vx_failsys(err, "cannot open %s", file);
	for (i = 0; i < vx_ndevs; i++) {
		if (!dev_wanted(&vx_devs[i], opts))
			continue;
		dev_allow_line(&vx_devs[i], s.value, sizeof(s.value));
		if (write(fd, s.value, strlen(s.value)) != (ssize_t)strlen(s.value))
			return vx_failsys(err, "cannot set devices to %s (devices.allow)", s.value);
	}
	return 1;
}

/* A device program is the same for every context with the same device options; loading one
 * costs the kernel's verifier ~0.2 ms of each start.  A program already loaded (by a context
 * that runs still) is found by its id, kept in RUN/.devprog-HASH with the hash of the
 * instructions vctx builds now (so a newer vctx never takes an older list), and is taken only
 * if the kernel's tag for it (a hash of its instructions) is the one kept beside it. */
static uint64_t devprog_hash(const struct bpf_insn *insn, unsigned n)
{
	const unsigned char *p = (const unsigned char *)insn;
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < n * sizeof(*insn); i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

static int devprog_info(int fd, struct bpf_prog_info *info)
{
	union bpf_attr a;

	memset(info, 0, sizeof(*info));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = fd;
	a.info.info_len = sizeof(*info);
	a.info.info = (uintptr_t)info;
	return syscall(SYS_bpf, BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a));
}

static int devprog_cached(const char *path)
{
	_cleanup_free_ char *text = read_text(path, 256, NULL);
	unsigned long long id, tag;
	struct bpf_prog_info info;
	union bpf_attr a;
	int fd;

	if (!text || sscanf(text, "%llu %llx", &id, &tag) != 2 || id > UINT32_MAX)
		return -1;
	memset(&a, 0, sizeof(a));
	a.prog_id = (uint32_t)id;
	fd = syscall(SYS_bpf, BPF_PROG_GET_FD_BY_ID, &a, sizeof(a));
	if (fd < 0)
		return -1;
	/* The tag as devprog_keep wrote it: its 8 bytes read as one number. */
	if (devprog_info(fd, &info) < 0 || info.type != BPF_PROG_TYPE_CGROUP_DEVICE ||
	    memcmp(info.tag, &tag, sizeof(info.tag)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void devprog_keep(int fd, const char *path)
{
	struct bpf_prog_info info;
	unsigned long long tag = 0;
	char line[64];

	if (devprog_info(fd, &info) < 0)
		return;
	memcpy(&tag, info.tag, sizeof(info.tag));
	snprintf(line, sizeof(line), "%u %llx\n", info.id, tag);
	write_volatile(path, line, strlen(line), 0600, NULL);	/* best effort */
}

/* The same list as an eBPF device program on the cgroup2 directory: the only device control
 * cgroup2 has.  Attached with BPF_F_ALLOW_MULTI, so a program further down cannot widen it
 * (every program on the way must allow an access); the cgroup keeps the program alive and
 * frees it with the directory.  A context cannot detach it: bpf() needs CAP_BPF and
 * CAP_NET_ADMIN of the host and is refused by the seccomp policy. */
int cg_device_prog(unsigned opts, struct vx_err *err)
{
	struct bpf_insn insn[VX_DEV_PROG_MAX];
	char path[PATH_MAX];
	union bpf_attr a;
	bool named;
	int prog;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insn_cnt = dev_prog(opts, insn, ARRAY_SIZE(insn));
	a.insns = (uintptr_t)insn;
	a.license = (uintptr_t)"GPL";
	named = xsnprintf(path, sizeof(path), "%s/.devprog-%016llx", vx_paths.run,
			  (unsigned long long)devprog_hash(insn, a.insn_cnt)) == 0;
	if (named && (prog = devprog_cached(path)) >= 0)
		return prog;
	prog = syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	if (prog < 0)
		return vx_failsys(err, "cannot load the device program");
	if (named)
		devprog_keep(prog, path);
	return prog;
}

static int v2_devices(int cgfd, unsigned opts, struct vx_err *err)
{
	_cleanup_close_ int prog = cg_device_prog(opts, err);
	union bpf_attr a;

	if (prog < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.target_fd = cgfd;
	a.attach_bpf_fd = prog;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (syscall(SYS_bpf, BPF_PROG_ATTACH, &a, sizeof(a)) < 0)
		return vx_failsys(err, "cannot attach the device program");
	return 0;
}

/* Device control on every hierarchy that has it.  Where v1's devices controller already
 * holds the list, the cgroup2 program is a second lock and a kernel without it is no error;
 * on a pure v2 host it is the only one, and the start fails without it. */
int cg_devices(const struct vx_cgroup *cg, unsigned opts, struct vx_err *err)
{
	_cleanup_close_ int v2fd = -1;
	int v1;

	detect();
	v1 = v1_devices(cg->path, opts, err);
	if (v1 < 0)
		return -1;
	if (!cg->v2dir[0])
		return 0;
	v2fd = open(cg->v2dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (v2fd < 0)
		return vx_failsys(err, "cannot open cgroup %s", cg->v2dir);
	if (v2_devices(v2fd, opts, v1 ? NULL : err) == 0 || v1)
		return 0;
	return vx_prefix(err, "no device control for the context (the kernel needs "
			 "CONFIG_CGROUP_BPF)");
}

int cg_set_limits(const char *path, const struct vx_conf *conf, const char *key,
		  struct vx_err *err)
{
	struct cg_setting s[16];
	int n;

	detect();
	n = key ? limitmap_translate_key(conf, v2_limits(), key, s, 16)
		: limitmap_translate(conf, v2_limits(), s, 16);
	return apply(path, s, n, err);
}

/* A cgroup file of a controller's hierarchy, whole; -1 when it is missing or empty. */
static int read_value(const char *ctrl, const char *path, const char *file, char *buf,
		      size_t len)
{
	char dir[VX_CG_PATH], f[VX_CG_PATH + 64];

	buf[0] = '\0';
	ctrl_dir(ctrl, path, dir, sizeof(dir));
	if (!dir[0])
		return -1;
	snprintf(f, sizeof(f), "%s/%s", dir, file);
	if (read_file_at(AT_FDCWD, f, buf, len) < 0)
		buf[0] = '\0';
	return buf[0] ? 0 : -1;
}

static uint64_t num(const char *s)
{
	return strncmp(s, "max", 3) == 0 ? 0 : strtoull(s, NULL, 10);
}

/* "key value" lines: the value of key, or 0. */
static uint64_t field(const char *text, const char *key)
{
	size_t n = strlen(key);
	const char *p = text;

	while ((p = strstr(p, key))) {
		if ((p == text || p[-1] == '\n') && p[n] == ' ')
			return strtoull(p + n + 1, NULL, 10);
		p += n;
	}
	return 0;
}

/* Bytes read and written, summed over devices: io.stat's "MAJ:MIN rbytes=N wbytes=N ..."
 * lines (an empty file when nothing was read or written). */
static void io_sum(const char *text, uint64_t *rd, uint64_t *wr)
{
	const char *p;

	*rd = *wr = 0;
	for (p = text; (p = strstr(p, "bytes=")); p += 6) {
		if (p > text && p[-1] == 'r' && (p - 1 == text || p[-2] == ' '))
			*rd += strtoull(p + 6, NULL, 10);
		else if (p > text && p[-1] == 'w' && (p - 1 == text || p[-2] == ' '))
			*wr += strtoull(p + 6, NULL, 10);
	}
}

int cg_stats(const char *path, struct cg_stats *st, struct vx_err *err)
{
	bool v2;
	char b[2048], io[8192];

	(void)err;	/* what cannot be read is left out (have_*) */
	memset(st, 0, sizeof(*st));
	detect();
	v2 = v2_limits();
	if (read_value("memory", path, v2 ? "memory.current" : "memory.usage_in_bytes", b,
		       sizeof(b)) == 0) {
		st->have_mem = true;
		st->mem_current = num(b);
		if (read_value("memory", path, v2 ? "memory.peak" : "memory.max_usage_in_bytes", b,
			       sizeof(b)) == 0)
			st->mem_peak = num(b);
		if (read_value("memory", path, v2 ? "memory.max" : "memory.limit_in_bytes", b,
			       sizeof(b)) == 0)
			st->mem_limit = num(b) >= (1ull << 62) ? 0 : num(b);
		if (read_value("memory", path, v2 ? "memory.events" : "memory.oom_control", b,
			       sizeof(b)) == 0)
			st->oom_kills = field(b, "oom_kill");
	}
	if (read_value("pids", path, "pids.current", b, sizeof(b)) == 0) {
		st->have_pids = true;
		st->pids_current = num(b);
		if (read_value("pids", path, "pids.max", b, sizeof(b)) == 0)
			st->pids_limit = num(b);
	}
	if (v2 && read_value("cpu", path, "cpu.stat", b, sizeof(b)) == 0) {
		st->have_cpu = true;
		st->cpu_usec = field(b, "usage_usec");
	} else if (!v2 && read_value("cpuacct", path, "cpuacct.usage", b, sizeof(b)) == 0) {
		st->have_cpu = true;
		st->cpu_usec = num(b) / 1000;
	}
	/* cgroup v1's blkio counts only what passes its throttle layer (here: nothing, even
	 * for direct I/O), so a v1 host shows no I/O rather than a wrong 0. */
	if (v2 && v2_has("io")) {
		st->have_io = true;
		if (read_value("io", path, "io.stat", io, sizeof(io)) == 0)
			io_sum(io, &st->io_rbytes, &st->io_wbytes);
	}
	return 0;
}

int cg_create(const char *name, const struct vx_conf *conf, struct vx_cgroup *cg,
	      struct vx_err *err)
{
	int r;

	detect();
	if (host.layout == VX_CG_NONE)
		return vx_fail(err, ENOENT, "no cgroup hierarchy is mounted");
	if (fill_dirs(cg, name, err) < 0)
		return -1;
	if (v1_cpuset_parent(err) < 0)
		return -1;
	/* Leftovers of a killed supervisor make mkdir fail (and would carry old limits): they
	 * go, and the directories are made again.  Looking for them first would cost every
	 * start a failed rmdir in each hierarchy. */
	r = make_all(cg, err);
	if (r < 0 && err->code == EEXIST) {
		cg_destroy(cg->path, NULL);
		r = make_all(cg, err);
	}
	if (r < 0)
		goto fail;
	if (cg_set_limits(cg->path, conf, NULL, err) < 0)
		goto fail;
	if (cg->v2dir[0] && conf->userns &&
	    delegate(cg, conf->id_base, conf->id_base, err) < 0)
		goto fail;
	if (open_fds(cg, err) < 0)
		goto fail;
	return 0;
fail:
	cg_close(cg);
	cg_destroy(cg->path, NULL);
	return -1;
}

int cg_open_join(const char *v2dir, const struct vx_list *v1dirs, struct vx_cgroup *cg,
		 struct vx_err *err)
{
	unsigned i;

	cg_init(cg);
	snprintf(cg->v2dir, sizeof(cg->v2dir), "%s", v2dir);
	for (i = 0; i < v1dirs->n && i < VX_CG_MAX_V1; i++)
		snprintf(cg->v1dir[i], sizeof(cg->v1dir[i]), "%s", v1dirs->v[i]);
	cg->nv1 = i;
	if (open_fds(cg, err) < 0) {
		cg_close(cg);
		return -1;
	}
	return 0;
}

int cg_join_self(struct vx_cgroup *cg, struct vx_err *err)
{
	unsigned i;

	for (i = 0; i < cg->nv1; i++) {
		/* "0" into tasks moves the calling thread without the threadgroup lock that a
		 * write into cgroup.procs takes (and its RCU grace period). */
		if (write(cg->tasks_fd[i], "0", 1) != 1)
			return vx_failsys(err, "cannot join cgroup %s", cg->v1dir[i]);
		close(cg->tasks_fd[i]);
		cg->tasks_fd[i] = -1;
	}
	return 0;
}

/* Remove a directory and everything the guest created below it, deepest first.  Most
 * have nothing below them: one rmdir, and a look inside only when it is refused. */
static int rmdir_tree(const char *dir)
{
	struct dirent *de;
	int r = 0;
	DIR *d;

	if (rmdir(dir) == 0 || errno == ENOENT)
		return 0;
	if (errno != EBUSY && errno != ENOTEMPTY)
		return -1;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d))) {
		char sub[PATH_MAX];

		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (xsnprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name) < 0 || rmdir_tree(sub) < 0)
			r = -1;
	}
	closedir(d);
	if (rmdir(dir) < 0 && errno != ENOENT)
		r = -1;
	return r;
}

void cg_remove_parent(const char *parent)
{
	char dir[VX_CG_PATH + 260];
	unsigned i;

	detect();
	if (!parent[0])
		return;
	/* Only when empty: rmdir refuses a cgroup with children. */
	for (i = 0; i < host.nv1; i++) {
		snprintf(dir, sizeof(dir), "%s/%s", host.v1[i].mnt, parent);
		rmdir(dir);
	}
	if (host.layout == VX_CG_HYBRID || host.layout == VX_CG_V2) {
		snprintf(dir, sizeof(dir), "%s/%s", host.v2mnt, parent);
		rmdir(dir);
	}
}

int cg_destroy(const char *path, struct vx_err *err)
{
	char dir[VX_CG_PATH + 260];
	unsigned i;
	int r = 0;

	if (!path[0])
		return 0;
	detect();
	/* The guest may have made sub-cgroups (in its delegated v2 subtree); its processes are
	 * gone before this runs, so each directory goes, deepest first. */
	for (i = 0; i < host.nv1; i++) {
		snprintf(dir, sizeof(dir), "%s/%s", host.v1[i].mnt, path);
		if (rmdir_tree(dir) < 0 && r == 0)
			r = vx_failsys(err, "cannot remove cgroup %s", dir);
	}
	if (host.layout == VX_CG_HYBRID || host.layout == VX_CG_V2) {
		snprintf(dir, sizeof(dir), "%s/%s", host.v2mnt, path);
		if (rmdir_tree(dir) < 0 && r == 0)
			r = vx_failsys(err, "cannot remove cgroup %s", dir);
	}
	return r;
}
