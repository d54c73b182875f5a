/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sys.h — the raw system calls glibc 2.36 does not wrap (or wraps behind headers that clash),
 * in one place.  Constants are defined here when the installed headers lack them.
 */
#ifndef VX_SYS_H
#define VX_SYS_H

#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>


#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

struct vx_clone_args {
	uint64_t flags;
	uint64_t pidfd;
	uint64_t child_tid;
	uint64_t parent_tid;
	uint64_t exit_signal;
	uint64_t stack;
	uint64_t stack_size;
	uint64_t tls;
	uint64_t set_tid;
	uint64_t set_tid_size;
	uint64_t cgroup;
};

/* fork-like clone3: no CLONE_VM, so the child runs on a copy of the caller's stack. */
static inline pid_t vx_clone3(struct vx_clone_args *args)
{
	return syscall(SYS_clone3, args, sizeof(*args));
}

static inline int vx_pidfd_open(pid_t pid)
{
	return syscall(SYS_pidfd_open, pid, 0);
}

static inline int vx_pidfd_send_signal(int pidfd, int sig)
{
	return syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

/* Open /proc/PID/ns/NS, e.g. "net" (pid 0: the calling thread's own); a descriptor, or -1
 * with errno.  Only for a pid that cannot have been reused: our child, or one checked by its
 * start time. */
static inline int vx_ns_open(pid_t pid, const char *ns)
{
	char path[64];

	if (pid > 0)
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns);
	else
		snprintf(path, sizeof(path), "/proc/thread-self/ns/%s", ns);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static inline int vx_pivot_root(const char *new_root, const char *put_old)
{
	return syscall(SYS_pivot_root, new_root, put_old);
}

/* --- the new mount API (Linux 5.2 .. 5.12) -------------------------------------------- */

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef MOVE_MOUNT_T_EMPTY_PATH
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#define MOUNT_ATTR_NOEXEC 0x00000008
#endif
#ifndef MOUNT_ATTR_IDMAP
#define MOUNT_ATTR_IDMAP 0x00100000
#endif

struct vx_mount_attr {
	uint64_t attr_set;
	uint64_t attr_clr;
	uint64_t propagation;
	uint64_t userns_fd;
};

static inline int vx_open_tree(int dfd, const char *path, unsigned flags)
{
	return syscall(SYS_open_tree, dfd, path, flags);
}

static inline int vx_move_mount(int from_dfd, const char *from, int to_dfd, const char *to,
				unsigned flags)
{
	return syscall(SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}

static inline int vx_mount_setattr(int dfd, const char *path, unsigned flags,
				   struct vx_mount_attr *attr)
{
	return syscall(SYS_mount_setattr, dfd, path, flags, attr, sizeof(*attr));
}

/* linux/mount.h's values (an enum there, so not redefined under its names). */
#define VX_FSOPEN_CLOEXEC 0x00000001
#define VX_FSMOUNT_CLOEXEC 0x00000001
#define VX_FSCONFIG_SET_STRING 1
#define VX_FSCONFIG_SET_FD 5
#define VX_FSCONFIG_CMD_CREATE 6

static inline int vx_fsopen(const char *fstype, unsigned flags)
{
	return syscall(SYS_fsopen, fstype, flags);
}

static inline int vx_fsconfig(int fs, unsigned cmd, const char *key, const void *value, int aux)
{
	return syscall(SYS_fsconfig, fs, cmd, key, value, aux);
}

static inline int vx_fsmount(int fs, unsigned flags, unsigned attr)
{
	return syscall(SYS_fsmount, fs, flags, attr);
}

/* --- openat2 (Linux 5.6) ---------------------------------------------------------------- */

#ifndef RESOLVE_NO_XDEV
#define RESOLVE_NO_XDEV 0x01
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_NO_SYMLINKS 0x04
#define RESOLVE_BENEATH 0x08
#define RESOLVE_IN_ROOT 0x10
#endif

struct vx_open_how {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve;
};

static inline int vx_openat2(int dirfd, const char *path, uint64_t flags, uint64_t resolve)
{
	struct vx_open_how how = { .flags = flags, .resolve = resolve };

	return syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

#endif
