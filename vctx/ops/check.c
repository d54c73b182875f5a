// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops/check.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/paths.h"
#include "core/sys.h"
#include "core/util.h"
#include "kernel/cgroup.h"
#include "kernel/lxcfs.h"
#include "kernel/proc.h"
#include "kernel/sysfilter.h"
#include "vnet/filter.h"
#include "vnet/nl.h"
#include "vnet/vnet.h"

#define DETAIL CHECK_DETAIL


/* --- helpers -------------------------------------------------------------------------------- */

static void detailf(char *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void detailf(char *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d, DETAIL, fmt, ap);
	va_end(ap);
}

/* A private mount namespace: nothing mounted in it reaches the host. */
static int private_mounts(char *detail)
{
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		detailf(detail, "private mount namespace: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* dir, or the nearest of its parents that exists (the prefix may not be made yet). */
static void existing(const char *dir, char *buf, size_t len)
{
	struct stat st;
	char *slash;

	snprintf(buf, len, "%s", dir[0] ? dir : "/");
	while (stat(buf, &st) < 0 || !S_ISDIR(st.st_mode)) {
		slash = strrchr(buf, '/');
		if (!slash || slash == buf) {
			snprintf(buf, len, "/");
			return;
		}
		*slash = '\0';
	}
}

static const char *fs_name(long type)
{
	switch ((unsigned long)type) {
	case 0xEF53: return "ext4";
	case 0x58465342: return "xfs";
	case 0x9123683E: return "btrfs";
	case 0x01021994: return "tmpfs";
	case 0x794c7630: return "overlay";
	case 0x2fc12fc1: return "zfs";
	case 0xF2F52010: return "f2fs";
	case 0x6969: return "nfs";
	default: return "another file system";
	}
}

/* --- probes --------------------------------------------------------------------------------- */

static int p_kernel(const struct check_feature *f, char *detail)
{
	struct utsname u;
	unsigned maj = 0, min = 0;

	(void)f;
	uname(&u);
	sscanf(u.release, "%u.%u", &maj, &min);
	detailf(detail, "%s (5.12 or later needed)", u.release);
	return maj > 5 || (maj == 5 && min >= 12) ? 0 : -1;
}

/* A probe run in a child of its own (its namespaces and mounts die with it); its detail
 * comes back whether it passed or not. */
static int probe_in_child(int (*fn)(void *arg, void *out, struct vx_err *err), const void *f,
			  char *detail)
{
	struct vx_err e = { 0 };

	detail[0] = '\0';
	if (proc_call(fn, (void *)f, detail, DETAIL, 0, &e) == 0)
		return 0;
	if (!detail[0])
		snprintf(detail, DETAIL, "%.*s", DETAIL - 1, e.msg);
	return -1;
}

static int ns_child(void *arg, void *out, struct vx_err *err)
{
	char *detail = out;
	const struct check_feature *f = arg;

	(void)err;
	if (unshare(f->arg) < 0) {
		detailf(detail, "unshare: %s",
			errno == ENOSPC ? "the limit on namespaces is reached" : strerror(errno));
		return -1;
	}
	return 0;
}

static int p_ns(const struct check_feature *f, char *detail)
{
	char path[96], max[32] = "";
	int r = probe_in_child(ns_child, f, detail);

	snprintf(path, sizeof(path), "/proc/sys/user/max_%s_namespaces", f->sarg);
	if (read_file_at(AT_FDCWD, path, max, sizeof(max)) > 0) {
		size_t n = strlen(detail);

		strstrip(max);
		snprintf(detail + n, DETAIL - n, "%smax %s", n ? "; " : "", max);
		if (strcmp(max, "0") == 0)
			r = -1;
	}
	return r;
}

static int p_clone3(const struct check_feature *f, char *detail)
{
	struct vx_clone_args args = { .flags = CLONE_PIDFD, .exit_signal = SIGCHLD };
	int pidfd = -1, self;
	siginfo_t si = { 0 };
	pid_t pid;

	(void)f;
	args.pidfd = (uint64_t)(uintptr_t)&pidfd;
	fflush(NULL);
	pid = vx_clone3(&args);
	if (pid == 0)
		_exit(0);
	if (pid < 0) {
		detailf(detail, "clone3: %s", strerror(errno));
		return -1;
	}
	if (waitid(P_PIDFD, pidfd, &si, WEXITED) < 0) {
		detailf(detail, "waitid on a pidfd: %s", strerror(errno));
		waitpid(pid, NULL, 0);
		close(pidfd);
		return -1;
	}
	close(pidfd);
	self = vx_pidfd_open(getpid());
	if (self < 0 || vx_pidfd_send_signal(self, 0) < 0) {
		detailf(detail, "pidfd_open: %s", strerror(errno));
		if (self >= 0)
			close(self);
		return -1;
	}
	close(self);
	detailf(detail, "clone3 with CLONE_PIDFD, pidfd_open, pidfd_send_signal");
	return 0;
}

static int p_openat2(const struct check_feature *f, char *detail)
{
	int fd = vx_openat2(AT_FDCWD, "/", O_PATH | O_CLOEXEC, RESOLVE_NO_SYMLINKS);

	(void)f;
	if (fd < 0) {
		detailf(detail, "openat2: %s", strerror(errno));
		return -1;
	}
	close(fd);
	detailf(detail, "with RESOLVE_ flags");
	return 0;
}

static int overlay_child(void *arg, void *out, struct vx_err *err)
{
	char *detail = out;
	char base[PATH_MAX], dir[PATH_MAX + 32], opts[4 * PATH_MAX];
	const char *sub[] = { "l", "u", "w", "m" };
	int r = -1;
	unsigned i;

	(void)arg;
	(void)err;
	existing(vx_paths.contexts, base, sizeof(base));
	if (private_mounts(detail) < 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s/.vctx-check.XXXXXX", strcmp(base, "/") ? base : "");
	if (!mkdtemp(dir)) {
		detailf(detail, "cannot make a directory in %s: %s", base, strerror(errno));
		return -1;
	}
	for (i = 0; i < ARRAY_SIZE(sub); i++) {
		snprintf(opts, sizeof(opts), "%s/%s", dir, sub[i]);
		mkdir(opts, 0700);
	}
	snprintf(opts, sizeof(opts), "lowerdir=%s/l,upperdir=%s/u,workdir=%s/w", dir, dir, dir);
	{
		char m[PATH_MAX + 40];

		snprintf(m, sizeof(m), "%s/m", dir);
		if (mount("overlay", m, "overlay", 0, opts) == 0) {
			struct statfs sf;

			r = 0;
			statfs(base, &sf);
			detailf(detail, "upper layers on %s (%s)", base, fs_name(sf.f_type));
			umount2(m, MNT_DETACH);
		} else {
			detailf(detail, "mount overlay with its upper layer on %s: %s", base,
				strerror(errno));
		}
	}
	/* The work directory gets a "work" directory of its own. */
	snprintf(opts, sizeof(opts), "%s/w/work", dir);
	rmdir(opts);
	for (i = 0; i < ARRAY_SIZE(sub); i++) {
		snprintf(opts, sizeof(opts), "%s/%s", dir, sub[i]);
		rmdir(opts);
	}
	rmdir(dir);
	return r;
}

static int p_overlay(const struct check_feature *f, char *detail)
{
	return probe_in_child(overlay_child, f, detail);
}

/* A user namespace with a mapping, held by a child that waits on a pipe; its ns fd. */
static int userns_fd(pid_t *pid, int *hold, char *detail)
{
	struct vx_clone_args args = { .flags = CLONE_NEWUSER, .exit_signal = SIGCHLD };
	char path[64], map[64];
	int fds[2], fd;
	char c;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	*pid = vx_clone3(&args);
	if (*pid == 0) {
		close(fds[1]);
		(void)!read(fds[0], &c, 1);
		_exit(0);
	}
	close(fds[0]);
	if (*pid < 0) {
		detailf(detail, "clone3 a user namespace: %s", strerror(errno));
		close(fds[1]);
		return -1;
	}
	*hold = fds[1];
	snprintf(map, sizeof(map), "0 %u 65536\n", 2000000000u);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)*pid);
	if (write_file_at(AT_FDCWD, path, map) < 0) {
		detailf(detail, "uid_map: %s", strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)*pid);
	if (write_file_at(AT_FDCWD, path, map) < 0) {
		detailf(detail, "gid_map: %s", strerror(errno));
		return -1;
	}
	fd = vx_ns_open(*pid, "user");
	if (fd < 0)
		detailf(detail, "the user namespace of %d: %s", (int)*pid, strerror(errno));
	return fd;
}

static int idmap_child(void *arg, void *out, struct vx_err *err)
{
	char *detail = out;
	struct vx_mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP };
	char dir[PATH_MAX];
	int ns, hold = -1, tree;
	struct statfs sf;
	pid_t pid = -1;

	(void)arg;
	(void)err;
	existing(vx_paths.templates, dir, sizeof(dir));
	if (private_mounts(detail) < 0)
		return -1;
	ns = userns_fd(&pid, &hold, detail);
	if (ns < 0)
		return -1;
	statfs(dir, &sf);
	tree = vx_open_tree(AT_FDCWD, dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0) {
		detailf(detail, "open_tree %s: %s", dir, strerror(errno));
		return -1;
	}
	attr.userns_fd = ns;
	if (vx_mount_setattr(tree, "", AT_EMPTY_PATH, &attr) < 0) {
		detailf(detail, "idmapped mount of %s (%s): %s", dir, fs_name(sf.f_type),
			strerror(errno));
		return -1;
	}
	detailf(detail, "templates on %s (%s)", dir, fs_name(sf.f_type));
	return 0;
}

static int p_idmap(const struct check_feature *f, char *detail)
{
	return probe_in_child(idmap_child, f, detail);
}

static int seccomp_child(void *arg, void *out, struct vx_err *err)
{
	char *detail = out;
	int fd;

	(void)arg;
	if (sysfilter_probe(err) < 0) {
		detailf(detail, "%s", err->msg);
		return -1;
	}
	/* sync = context, the default: a second filter whose listener the supervisor serves
	 * (Linux 5.0).  Nothing in this child calls sync(). */
	fd = sysfilter_sync_listen(err);
	if (fd < 0 && err->code == EBUSY) {
		/* The kernel has them; this process runs under a listener of its own already. */
		detailf(detail, "user notifications: in use by what runs vctx check");
		return 0;
	}
	if (fd < 0) {
		detailf(detail, "%s (user notifications, Linux 5.0; sync = host works without)",
			err->msg);
		return -1;
	}
	close(fd);
	return 0;
}

static int p_seccomp(const struct check_feature *f, char *detail)
{
	char actions[256] = "";
	int r = probe_in_child(seccomp_child, f, detail);

	if (r == 0 &&
	    read_file_at(AT_FDCWD, "/proc/sys/kernel/seccomp/actions_avail", actions,
			 sizeof(actions)) > 0) {
		strstrip(actions);
		detailf(detail, "actions: %s", actions);
		if (!strstr(actions, "kill_process") || !strstr(actions, "errno")) {
			detailf(detail, "actions: %s (kill_process and errno needed)", actions);
			r = -1;
		}
	}
	return r;
}

static int p_cgroup(const struct check_feature *f, char *detail)
{
	(void)f;
	cg_summary(detail, DETAIL);
	return cg_layout() == VX_CG_NONE ? -1 : 0;
}

static int p_controller(const struct check_feature *f, char *detail)
{
	char where[DETAIL - 32];

	if (cg_controller(f->sarg, where, sizeof(where))) {
		detailf(detail, "%s", where);
		return 0;
	}
	detailf(detail, "not enabled");
	return -1;
}

static int link_child(void *arg, void *out, struct vx_err *err)
{
	char *detail = out;
	const struct check_feature *f = arg;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nl nl;
	int r = -1, idx;

	if (unshare(CLONE_NEWNET) < 0) {
		detailf(detail, "unshare a network namespace: %s", strerror(errno));
		return -1;
	}
	if (nl_open(&nl, -1, err) < 0) {
		detailf(detail, "%s", err->msg);
		return -1;
	}
	if (strcmp(f->sarg, "bridge") == 0) {
		r = nl_talk(&nl, nlmsg_link_kind(buf, "vxcheck0", "bridge", 0), err);
		/* A bridge port gets a source filter: the same nftables batch, on lo. */
		if (r == 0 && filter_probe(err) < 0)
			r = -1;
	} else {
		r = nl_talk(&nl, nlmsg_veth(buf, "vxcheck0", "vxcheck1", -1, 0, NULL), err);
		if (r == 0 && strcmp(f->sarg, "macvlan") == 0) {
			idx = nl_ifindex(&nl, "vxcheck0", err);
			r = idx > 0 ? nl_talk(&nl, nlmsg_macvlan(buf, "vxcheck2", idx, -1, 0, NULL), err)
				    : -1;
		}
	}
	if (r < 0)
		detailf(detail, "%s", err->msg);
	else
		detailf(detail, "made one in a network namespace of its own%s",
			strcmp(f->sarg, "bridge") == 0 ? ", with a port's source filter" : "");
	nl_close(&nl);
	return r;
}

static int p_link(const struct check_feature *f, char *detail)
{
	return probe_in_child(link_child, f, detail);
}

static int p_loop(const struct check_feature *f, char *detail)
{
	int fd = open("/dev/loop-control", O_RDWR | O_CLOEXEC), n;

	(void)f;
	if (fd < 0) {
		detailf(detail, "/dev/loop-control: %s", strerror(errno));
		return -1;
	}
	n = ioctl(fd, LOOP_CTL_GET_FREE);
	close(fd);
	if (n < 0) {
		detailf(detail, "LOOP_CTL_GET_FREE: %s", strerror(errno));
		return -1;
	}
	detailf(detail, "/dev/loop-control (/dev/loop%d free)", n);
	return 0;
}

static int p_lxcfs(const struct check_feature *f, char *detail)
{
	struct vx_err err;
	int r = lxcfs_probe(&err);

	(void)f;
	if (r > 0)
		detailf(detail, "serving at %s", vx_paths.lxcfs);
	else if (r < 0)
		detailf(detail, "%s", err.msg);
	else
		detailf(detail, "not running at %s (apt-get install lxcfs)", vx_paths.lxcfs);
	return r > 0 ? 0 : -1;
}

static int p_devprog(const struct check_feature *f, char *detail)
{
	struct vx_err err;
	int fd = cg_device_prog(0, &err);

	(void)f;
	if (fd < 0) {
		detailf(detail, "%s", err.msg);
		return -1;
	}
	close(fd);
	detailf(detail, "BPF_PROG_TYPE_CGROUP_DEVICE loads");
	return 0;
}

/* --- the table ------------------------------------------------------------------------------ */

static struct check_feature features[] = {
	{ "kernel", "kernel version", true, NULL, "5.12",
	  "idmapped mounts and mount_setattr are needed to start any context", p_kernel },
	{ "userns", "user namespaces", true, "CONFIG_USER_NS", "3.8",
	  "contexts cannot start (root inside would be root on the host)", p_ns, CLONE_NEWUSER,
	  "user" },
	{ "mntns", "mount namespaces", true, "CONFIG_NAMESPACES", "2.4.19",
	  "contexts cannot start", p_ns, CLONE_NEWNS, "mnt" },
	{ "pidns", "pid namespaces", true, "CONFIG_PID_NS", "2.6.24", "contexts cannot start",
	  p_ns, CLONE_NEWPID, "pid" },
	{ "utsns", "uts namespaces", true, "CONFIG_UTS_NS", "2.6.19",
	  "contexts cannot start (no host name of their own)", p_ns, CLONE_NEWUTS, "uts" },
	{ "ipcns", "ipc namespaces", true, "CONFIG_IPC_NS", "2.6.19",
	  "contexts cannot start (shared memory would be shared with the host)", p_ns,
	  CLONE_NEWIPC, "ipc" },
	{ "netns", "network namespaces", true, "CONFIG_NET_NS", "2.6.29",
	  "contexts cannot start (no network stack of their own)", p_ns, CLONE_NEWNET, "net" },
	{ "cgroupns", "cgroup namespaces", true, "CONFIG_CGROUPS", "4.6",
	  "contexts cannot start (a guest systemd would see the host's cgroups)", p_ns,
	  CLONE_NEWCGROUP, "cgroup" },
	{ "clone3", "clone3 and pidfds", true, NULL, "5.3",
	  "contexts cannot start: the supervisor clones into namespaces with a pidfd", p_clone3 },
	{ "openat2", "openat2", true, NULL, "5.6",
	  "contexts cannot start: paths inside a context are resolved with RESOLVE_IN_ROOT",
	  p_openat2 },
	{ "overlay", "overlayfs", true, "CONFIG_OVERLAY_FS", "3.18",
	  "contexts cannot start: their root is an overlay on the template", p_overlay },
	{ "idmap", "idmapped mounts", true, NULL, "5.12 (ext4, xfs), 5.15 (btrfs), 6.3 (tmpfs)",
	  "contexts cannot start: the template is shared through an idmapped mount", p_idmap },
	{ "seccomp", "seccomp filters", true, "CONFIG_SECCOMP_FILTER", "4.14",
	  "contexts cannot start: the system call filter is part of the default policy",
	  p_seccomp },
	{ "cgroup", "cgroups", true, "CONFIG_CGROUPS", "4.5",
	  "contexts cannot start: each runs in a cgroup of its own", p_cgroup },
	{ "devprog", "cgroup2 device program", false, "CONFIG_CGROUP_BPF", "4.15",
	  "on a pure cgroup v2 host contexts cannot start: the program is their only device "
	  "control (v1 and hybrid hosts use the devices controller)", p_devprog },
	{ "memory", "cgroup memory controller", false, "CONFIG_MEMCG", "4.5",
	  "memory and memory-swap limits are refused; status shows no memory use",
	  p_controller, 0, "memory" },
	{ "pids", "cgroup pids controller", false, "CONFIG_CGROUP_PIDS", "4.5",
	  "the pids limit is refused: a fork bomb inside is not contained", p_controller, 0,
	  "pids" },
	{ "cpu", "cgroup cpu controller", false, "CONFIG_CFS_BANDWIDTH", "4.15",
	  "cpu-weight and cpu-max are refused", p_controller, 0, "cpu" },
	{ "cpuset", "cgroup cpuset controller", false, "CONFIG_CPUSETS", "5.0",
	  "the cpus limit is refused", p_controller, 0, "cpuset" },
	{ "io", "cgroup io controller", false, "CONFIG_BLK_CGROUP", "4.5",
	  "io-weight is refused", p_controller, 0, "io" },
	{ "veth", "veth links", false, "CONFIG_VETH", "2.6.24",
	  "routed networking (mode = routed) does not work", p_link, 0, "veth" },
	{ "bridge", "bridge links", false, "CONFIG_NF_TABLES_NETDEV", "4.2",
	  "bridged networking (mode = bridge, whose port carries an nftables source filter) "
	  "does not work, nor IPv6 in routed mode (the same filter's routed form)", p_link, 0,
	  "bridge" },
	{ "macvlan", "macvlan links", false, "CONFIG_MACVLAN", "2.6.23",
	  "mode = macvlan does not work", p_link, 0, "macvlan" },
	{ "loop", "loop devices", false, "CONFIG_BLK_DEV_LOOP", "5.8",
	  "disk = (a size-capped file system per context) does not work", p_loop },
	{ "lxcfs", "lxcfs", false, "CONFIG_FUSE_FS", "2.6.14",
	  "contexts see the host's memory, CPUs and uptime in /proc (free, top, uptime); "
	  "lxcfs = yes cannot start", p_lxcfs },
};

/* --- host settings: advice, not requirements ------------------------------------------------- */


static struct check_setting settings[] = {
	{ "kernel.dmesg_restrict", 1, 0,
	  "the kernel log (addresses, other contexts' messages) is readable by every user" },
	{ "kernel.kptr_restrict", 2, 1,
	  "kernel addresses in /proc make kernel exploits easier" },
	{ "kernel.perf_event_paranoid", 2, 1,
	  "perf events let unprivileged users observe the kernel (contexts are filtered anyway)" },
	{ "kernel.unprivileged_bpf_disabled", 1, 1,
	  "unprivileged BPF is a common kernel attack surface (contexts are filtered anyway)" },
	{ "vm.unprivileged_userfaultfd", 0, 0,
	  "userfaultfd on kernel faults helps exploit kernel races" },
	{ "kernel.io_uring_disabled", 1, 1,
	  "io_uring is open to every host process (contexts are filtered unless io-uring = yes; "
	  "1 keeps it for root and the io_uring group, 2 switches it off)" },
};

static void check_settings(void)
{
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(settings); i++) {
		struct check_setting *s = &settings[i];
		char path[128], buf[32], *p;

		snprintf(path, sizeof(path), "/proc/sys/%s", s->sysctl);
		for (p = path + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		s->known = read_file_at(AT_FDCWD, path, buf, sizeof(buf)) > 0;
		s->value = s->known ? strtol(buf, NULL, 10) : 0;
		s->ok = s->known && (s->cmp == 0 ? s->value == s->want
				     : s->cmp > 0 ? s->value >= s->want : s->value <= s->want);
	}
}

/* --- the kernel's config -------------------------------------------------------------------- */

static char *read_config(char *from, size_t len)
{
	struct utsname u;
	char path[PATH_MAX];
	size_t cap = 1 << 20, n = 0;
	char *text = malloc(cap + 1);
	FILE *f;
	bool gz = false;

	uname(&u);
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	f = fopen(path, "re");
	if (!f && access("/proc/config.gz", R_OK) == 0) {
		/* Compressed by the kernel; the one place we let gzip read for us. */
		snprintf(path, sizeof(path), "/proc/config.gz");
		f = popen("gzip -dc /proc/config.gz 2>/dev/null", "re");
		gz = true;
	}
	if (!f || !text) {
		if (f)
			gz ? pclose(f) : fclose(f);
		free(text);
		return NULL;
	}
	while (n < cap) {
		size_t k = fread(text + n, 1, cap - n, f);

		if (!k)
			break;
		n += k;
	}
	text[n] = '\0';
	gz ? pclose(f) : fclose(f);
	snprintf(from, len, "%s", path);
	return text;
}

static void config_value(const char *text, const char *opt, char *out, size_t len)
{
	char key[96];
	const char *p;

	out[0] = '\0';
	if (!text || !opt)
		return;
	snprintf(key, sizeof(key), "\n%s=", opt);
	p = strstr(text, key);
	if (p) {
		p += strlen(key);
		snprintf(out, len, "%.*s", (int)strcspn(p, "\n"), p);
		return;
	}
	snprintf(key, sizeof(key), "# %s is not set", opt);
	if (strstr(text, key))
		snprintf(out, len, "not set");
}

int check_run(struct check_report *r, struct vx_err *err)
{
	struct utsname u;
	char *config;
	unsigned i;

	(void)err;
	memset(r, 0, sizeof(*r));
	uname(&u);
	snprintf(r->release, sizeof(r->release), "%s", u.release);
	config = read_config(r->config_from, sizeof(r->config_from));
	for (i = 0; i < ARRAY_SIZE(features); i++) {
		struct check_feature *f = &features[i];

		f->detail[0] = '\0';
		f->ok = f->probe(f, f->detail) == 0;
		config_value(config, f->config, f->value, sizeof(f->value));
		if (!f->ok && f->required)
			r->bad_req++;
		else if (!f->ok)
			r->bad_opt++;
	}
	free(config);
	check_settings();
	r->features = features;
	r->nfeatures = ARRAY_SIZE(features);
	r->settings = settings;
	r->nsettings = ARRAY_SIZE(settings);
	return 0;
}
