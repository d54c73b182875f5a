// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * floor — the least a fully isolated start-to-exit can cost: the system calls vctx makes to
 * start a context, made directly, once, with nothing around them (no config, no supervisor,
 * no state, no log relay, no console).  `make bench` puts vctx beside it.
 *
 *   floor TEMPLATE_ROOTFS WORKDIR N ADDRESS [hold]
 *
 * With "hold", the context's one process sleeps instead of exiting, and floor leaves it
 * running (its pid on standard output, its cgroups in place): `make bench` measures what the
 * kernel keeps for a context with no manager around it at all.
 *
 * cgroups (every v1 hierarchy as vctx, with memory and pids limits and the device list, the
 * tasks files written by the child; a delegated cgroup2 directory; written for this project's
 * hybrid test machine),
 * clone3 with user, pid, uts, ipc, net and cgroup namespaces and a pidfd, uid/gid maps of
 * 65536 ids, a veth pair with ADDRESS inside and a host route, an overlay root whose lower
 * layer is an idmapped mount of the template, /proc and /sys with vctx's masks and read-only
 * parts, the context's cgroup2, a /dev tmpfs with its nodes bound from the host, devpts,
 * pivot_root, the capability bounding set, a seccomp deny
 * list, exec of /bin/true, wait, and the cgroups removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/addr.h"
#include "vnet/nl.h"
#include "core/sys.h"
#include "vnet/vnet.h"

#define BASE 2000000000u

static void die(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void put(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, s, strlen(s)) < 0)
		die(path);
	close(fd);
}

/* Every v1 hierarchy, as vctx (it uses them all: limits, the device list, the freezer), and a
 * delegated directory in the cgroup2 mount of a hybrid host. */
static const char *v1[] = { "cpuset", "cpu", "cpuacct", "blkio", "memory", "devices", "freezer",
			    "pids" };
#define NV1 (sizeof(v1) / sizeof(*v1))
static char cgdir[NV1 + 1][384];
static int tasks[NV1] = { -1, -1, -1, -1, -1, -1, -1, -1 };
static unsigned ncg;

static void cgroups(int n)
{
	static const char *allow[] = { "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm",
				       "c 1:9 rwm", "c 5:0 rwm", "c 5:2 rwm", "c 136:* rwm" };
	char p[512];
	struct stat st;

	for (unsigned i = 0; i < NV1; i++) {
		snprintf(p, sizeof(p), "/sys/fs/cgroup/%s/floor", v1[i]);
		if (stat(p, &st) < 0) {
			if (mkdir(p, 0755) < 0)
				continue;	/* no such hierarchy */
			if (strcmp(v1[i], "cpuset") == 0) {
				char v[256];

				for (int k = 0; k < 2; k++) {
					const char *f = k ? "cpuset.mems" : "cpuset.cpus";
					int fd;
					ssize_t len;

					snprintf(p, sizeof(p), "/sys/fs/cgroup/cpuset/%s", f);
					fd = open(p, O_RDONLY | O_CLOEXEC);
					len = fd < 0 ? -1 : read(fd, v, sizeof(v) - 1);
					if (len <= 0)
						die(p);
					v[len] = 0;
					close(fd);
					snprintf(p, sizeof(p), "/sys/fs/cgroup/cpuset/floor/%s", f);
					put(p, v);
				}
				put("/sys/fs/cgroup/cpuset/floor/cgroup.clone_children", "1");
			}
		}
		snprintf(cgdir[ncg], sizeof(cgdir[ncg]), "/sys/fs/cgroup/%s/floor/%d", v1[i], n);
		if (mkdir(cgdir[ncg], 0755) < 0 && errno != EEXIST)
			die(cgdir[ncg]);
		if (strcmp(v1[i], "memory") == 0) {
			snprintf(p, sizeof(p), "%s/memory.limit_in_bytes", cgdir[ncg]);
			put(p, "67108864");
		} else if (strcmp(v1[i], "pids") == 0) {
			snprintf(p, sizeof(p), "%s/pids.max", cgdir[ncg]);
			put(p, "100");
		} else if (strcmp(v1[i], "devices") == 0) {
			snprintf(p, sizeof(p), "%s/devices.deny", cgdir[ncg]);
			put(p, "a");
			snprintf(p, sizeof(p), "%s/devices.allow", cgdir[ncg]);
			for (unsigned k = 0; k < sizeof(allow) / sizeof(*allow); k++)
				put(p, allow[k]);
		}
		snprintf(p, sizeof(p), "%s/tasks", cgdir[ncg]);
		tasks[ncg] = open(p, O_WRONLY | O_CLOEXEC);
		if (tasks[ncg] < 0)
			die(p);
		ncg++;
	}
	if (stat("/sys/fs/cgroup/unified", &st) == 0) {
		mkdir("/sys/fs/cgroup/unified/floor", 0755);
		snprintf(cgdir[NV1], sizeof(cgdir[NV1]), "/sys/fs/cgroup/unified/floor/%d", n);
		if (mkdir(cgdir[NV1], 0755) < 0)
			die(cgdir[NV1]);
		snprintf(p, sizeof(p), "%s/cgroup.procs", cgdir[NV1]);
		if (chown(cgdir[NV1], BASE, BASE) < 0 || chown(p, BASE, BASE) < 0)
			die("delegate");
	}
}

static void bind_dev(const char *root, const char *name)
{
	char src[64], dst[512];
	int fd;

	snprintf(src, sizeof(src), "/dev/%s", name);
	snprintf(dst, sizeof(dst), "%s/dev/%s", root, name);
	fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
	if (fd >= 0)
		close(fd);
	if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
		die(dst);
}

static void seccomp(void)
{
	static const char *deny[] = { "init_module", "finit_module", "delete_module", "kexec_load",
				      "open_by_handle_at", "swapon", "swapoff", "acct", "iopl",
				      "ioperm", "settimeofday", "clock_settime", "syslog", "bpf",
				      "perf_event_open", "quotactl", "fanotify_init", "userfaultfd",
				      "mbind", "set_mempolicy", "move_pages", "keyctl", "add_key" };
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);

	for (unsigned i = 0; i < sizeof(deny) / sizeof(*deny); i++)
		seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), seccomp_syscall_resolve_name(deny[i]),
				 0);
	seccomp_arch_add(ctx, SCMP_ARCH_X86);
	if (seccomp_load(ctx) < 0)
		die("seccomp");
}

/* As vctx: what a tenant must not read or write in /proc and /sys (relative to the root). */
static void bind_ro(const char *src, const char *dst, unsigned long flags)
{
	if (mount(src, dst, NULL, MS_BIND, NULL) < 0) {
		if (errno == ENOENT)
			return;
		die(dst);
	}
	if (mount(NULL, dst, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | flags, NULL) < 0)
		die(dst);
}

static void masks(void)
{
	static const char *files[] = { "proc/kcore", "proc/keys", "proc/timer_list",
				       "proc/sched_debug", "proc/latency_stats", "proc/kmsg",
				       "proc/kallsyms", "proc/config.gz" };
	static const char *dirs[] = { "proc/acpi", "proc/scsi", "proc/asound", "proc/driver",
				      "sys/firmware", "sys/devices/virtual/powercap",
				      "sys/kernel/debug", "sys/kernel/security", "sys/fs/bpf",
				      "sys/kernel/tracing" };
	static const char *ro[] = { "proc/sysrq-trigger", "proc/irq", "proc/bus", "proc/fs",
				    "proc/sys" };
	unsigned i;

	for (i = 0; i < sizeof(files) / sizeof(*files); i++)
		bind_ro("dev/null", files[i], MS_NOSUID | MS_NOEXEC);
	for (i = 0; i < sizeof(dirs) / sizeof(*dirs); i++)
		if (mount("mask", dirs[i], "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  "size=4k,nr_inodes=1,mode=555") < 0 && errno != ENOENT)
			die(dirs[i]);
	for (i = 0; i < sizeof(ro) / sizeof(*ro); i++)
		bind_ro(ro[i], ro[i], MS_NOSUID | MS_NODEV | MS_NOEXEC);
	if (mount("proc/sys/net", "proc/sys/net", NULL, MS_BIND, NULL) < 0 ||
	    mount(NULL, "proc/sys/net", NULL, MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NODEV |
		  MS_NOEXEC, NULL) < 0)
		die("proc/sys/net");
	if (mount("cgroup2", "sys/fs/cgroup", "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		die("cgroup2");
}

static int child(const char *stage, int go, bool hold)
{
	char c;
	int tree;

	if (read(go, &c, 1) != 1)
		return 1;
	for (unsigned i = 0; i < ncg; i++)
		if (write(tasks[i], "0", 1) != 1)
			die("tasks");
	if (chdir(stage) < 0 || unshare(CLONE_NEWCGROUP | CLONE_NEWNS) < 0)
		die("unshare");
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		die("rslave");
	if (mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		die("proc");
	if (mount("sysfs", "sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		die("sysfs");
	masks();
	/* The copied root is locked; a recursive clone of it is not, at its top (as vctx). */
	tree = vx_open_tree(AT_FDCWD, ".", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0 || vx_move_mount(tree, "", AT_FDCWD, ".", MOVE_MOUNT_F_EMPTY_PATH) < 0 ||
	    fchdir(tree) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 ||
	    umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		die("pivot_root");
	for (int cap = 0; cap <= 40; cap++)
		if (cap == 16 /* sys_module */ || cap == 17 /* sys_rawio */ || cap == 25 /* sys_time */)
			prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
	seccomp();
	if (hold)
		execl("/bin/sleep", "sleep", "1000000000", (char *)NULL);
	else
		execl("/bin/true", "true", (char *)NULL);
	die("exec");
	return 1;
}

static void network(pid_t pid, const char *address, int n)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], path[64], host[16];
	struct vx_addr a, any = { .family = AF_INET };
	struct vx_err err;
	struct nl nl, in;
	int ns, hidx, cidx;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	snprintf(host, sizeof(host), "vfl%d", n);
	ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0 || addr_parse(address, true, &a, &err) < 0 || nl_open(&nl, -1, &err) < 0 ||
	    nl_open(&in, ns, &err) < 0 ||
	    nl_talk(&nl, nlmsg_veth(buf, host, "eth0", ns, 0, NULL), &err) < 0 ||
	    (hidx = nl_ifindex(&nl, host, &err)) <= 0 ||
	    nl_talk(&nl, nlmsg_link_up(buf, hidx), &err) < 0 ||
	    (cidx = nl_ifindex(&in, "eth0", &err)) <= 0 ||
	    nl_talk(&in, nlmsg_addr(buf, RTM_NEWADDR, cidx, &a), &err) < 0 ||
	    nl_talk(&in, nlmsg_link_up(buf, cidx), &err) < 0 ||
	    nl_talk(&in, nlmsg_link_up(buf, 1), &err) < 0 ||
	    nl_talk(&in, nlmsg_route(buf, RTM_NEWROUTE, &any, cidx, NULL), &err) < 0) {
		fprintf(stderr, "floor: network: %s\n", err.msg);
		exit(1);
	}
	a.prefix = 32;
	if (nl_talk(&nl, nlmsg_route(buf, RTM_NEWROUTE, &a, hidx, NULL), &err) < 0) {
		fprintf(stderr, "floor: route: %s\n", err.msg);
		exit(1);
	}
	nl_close(&nl);
	nl_close(&in);
	close(ns);
}

static void rootfs(const char *tpl, const char *work, pid_t pid, char *stage)
{
	char lower[512], upper[512], wd[512], opts[2048], path[600];
	struct vx_mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_RDONLY };
	int tree, userns;

	snprintf(lower, sizeof(lower), "%s/lower", work);
	snprintf(upper, sizeof(upper), "%s/upper", work);
	snprintf(wd, sizeof(wd), "%s/work", work);
	snprintf(stage, 512, "%s/stage", work);
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	userns = open(path, O_RDONLY | O_CLOEXEC);
	tree = vx_open_tree(AT_FDCWD, tpl, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	attr.userns_fd = userns;
	if (userns < 0 || tree < 0 || vx_mount_setattr(tree, "", AT_EMPTY_PATH, &attr) < 0 ||
	    vx_move_mount(tree, "", AT_FDCWD, lower, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		die("idmapped template");
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, wd);
	if (mount("overlay", stage, "overlay", MS_NODEV, opts) < 0)
		die("overlay");
	umount2(lower, MNT_DETACH);
	snprintf(path, sizeof(path), "%s/dev", stage);
	if (mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=64k") < 0)
		die("dev");
	bind_dev(stage, "null");
	bind_dev(stage, "zero");
	bind_dev(stage, "full");
	bind_dev(stage, "random");
	bind_dev(stage, "urandom");
	bind_dev(stage, "tty");
	snprintf(path, sizeof(path), "%s/dev/pts", stage);
	mkdir(path, 0755);
	if (mount("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666") < 0)
		die("devpts");
	close(tree);
	close(userns);
}

int main(int argc, char **argv)
{
	struct vx_clone_args args = { .flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWUTS |
					       CLONE_NEWIPC | CLONE_NEWNET | CLONE_PIDFD,
				      .exit_signal = SIGCHLD };
	char stage[512], map[64], path[64];
	int go[2], pidfd = -1, status, n;
	siginfo_t si;
	bool hold;
	pid_t pid;

	if (argc != 5 && (argc != 6 || strcmp(argv[5], "hold") != 0)) {
		fprintf(stderr, "usage: floor TEMPLATE_ROOTFS WORKDIR N ADDRESS [hold]\n");
		return 2;
	}
	hold = argc == 6;
	n = atoi(argv[3]);
	/* Like the supervisor: a mount namespace of its own for the root it builds. */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		die("mount namespace");
	cgroups(n);
	if (pipe2(go, O_CLOEXEC) < 0)
		die("pipe");
	args.pidfd = (uint64_t)(uintptr_t)&pidfd;
	pid = vx_clone3(&args);
	if (pid < 0)
		die("clone3");
	if (pid == 0) {
		close(go[1]);
		snprintf(stage, sizeof(stage), "%s/stage", argv[2]);
		_exit(child(stage, go[0], hold));
	}
	close(go[0]);
	snprintf(map, sizeof(map), "0 %u 65536", BASE);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	put(path, map);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	put(path, map);
	network(pid, argv[4], n);
	rootfs(argv[1], argv[2], pid, stage);
	if (write(go[1], "g", 1) != 1)
		die("go");
	close(go[1]);
	if (hold) {
		printf("%d\n", (int)pid);
		return 0;
	}
	if (waitid(P_PIDFD, pidfd, &si, WEXITED) < 0)
		die("wait");
	status = si.si_status;
	umount2(stage, MNT_DETACH);
	for (unsigned i = 0; i < ncg; i++) {
		close(tasks[i]);
		if (rmdir(cgdir[i]) < 0)
			die(cgdir[i]);
	}
	if (cgdir[NV1][0] && rmdir(cgdir[NV1]) < 0)
		die(cgdir[NV1]);
	return si.si_code == CLD_EXITED ? status : 1;
}
