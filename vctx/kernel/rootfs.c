// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rootfs.c — assemble a context's root file system in the supervisor's mount namespace.
 *
 * Runs in the mount helper (see spawn.h): host credentials, the supervisor's private mount
 * namespace M0, and the context's net, ipc and cgroup namespaces, so that sysfs, mqueue and
 * cgroup2 mounted here show the context's own objects.  Its procfs is the context's pid
 * namespace's: made beforehand for that namespace where the kernel can (pidns=), else
 * mounted here with the helper inside that namespace.  Because these mounts are
 * made outside the context's user namespace, the copy init gets is locked: masks stay.
 *
 * The tree below the overlay belongs to the tenant.  Every path in it is opened with
 * openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) and mounted on through /proc/self/fd, so no
 * symlink planted in a context can point a mount at the host.
 */
#include "kernel/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "core/devices.h"
#include "core/paths.h"
#include "core/sys.h"
#include "core/util.h"
#include "kernel/lxcfs.h"
#include "kernel/storage.h"

#define RES (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS)

static char *fdpath(char buf[32], int fd)
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
	return buf;
}

/* Open a directory below root, creating the last component if it is missing. */
static int open_dir(int root, const char *rel, struct vx_err *err)
{
	int fd = vx_openat2(root, rel, O_PATH | O_DIRECTORY | O_CLOEXEC, RES);

	if (fd < 0 && errno == ENOENT) {
		char parent[PATH_MAX];
		const char *slash = strrchr(rel, '/');
		_cleanup_close_ int pfd = -1;

		snprintf(parent, sizeof(parent), "%.*s", slash ? (int)(slash - rel) : 1,
			 slash ? rel : ".");
		pfd = vx_openat2(root, parent, O_PATH | O_DIRECTORY | O_CLOEXEC, RES);
		if (pfd < 0 || (mkdirat(pfd, slash ? slash + 1 : rel, 0755) < 0 && errno != EEXIST))
			return vx_failsys(err, "cannot create /%s in the context", rel);
		fd = vx_openat2(root, rel, O_PATH | O_DIRECTORY | O_CLOEXEC, RES);
	}
	if (fd < 0)
		return vx_failsys(err, "/%s in the context is not a directory", rel);
	return fd;
}

static int mount_at(int root, const char *rel, const char *src, const char *type,
		    unsigned long flags, const char *data, struct vx_err *err)
{
	_cleanup_close_ int fd = open_dir(root, rel, err);
	char p[32];

	if (fd < 0)
		return -1;
	if (mount(src, fdpath(p, fd), type, flags, data) < 0)
		return vx_failsys(err, "cannot mount %s on /%s", type ? type : src, rel);
	return 0;
}

/* Bind 'src' (an O_PATH fd) onto the existing object at root/rel, then remount it read-only
 * with 'flags' (a plain bind copies the source mount's flags, nodev included). */
static int bind_ro(int srcfd, int root, const char *rel, bool dir, unsigned long flags,
		   struct vx_err *err)
{
	_cleanup_close_ int fd = vx_openat2(root, rel, O_PATH | O_CLOEXEC | (dir ? O_DIRECTORY : 0),
					    RES);
	char s[32], d[32];

	if (fd < 0)
		return errno == ENOENT ? 0 : vx_failsys(err, "cannot open /%s", rel);
	if (mount(fdpath(s, srcfd), fdpath(d, fd), NULL, MS_BIND, NULL) < 0)
		return vx_failsys(err, "cannot bind over /%s", rel);
	/* Reopen: the path now leads to the new mount. */
	close(fd);
	fd = vx_openat2(root, rel, O_PATH | O_CLOEXEC, RES);
	if (fd < 0 || mount(NULL, fdpath(d, fd), NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | flags,
			    NULL) < 0)
		return vx_failsys(err, "cannot make /%s read-only", rel);
	return 0;
}

/* Make an existing directory (or file) read-only by binding it onto itself. */
static int self_ro(int root, const char *rel, bool dir, struct vx_err *err)
{
	_cleanup_close_ int fd = vx_openat2(root, rel, O_PATH | O_CLOEXEC | (dir ? O_DIRECTORY : 0),
					    RES);

	if (fd < 0)
		return errno == ENOENT ? 0 : vx_failsys(err, "cannot open /%s", rel);
	return bind_ro(fd, root, rel, dir, MS_NOSUID | MS_NODEV | MS_NOEXEC, err);
}

/* Bind a directory onto itself with the mount flags 'flags' (a bind starts with its source's):
 * a directory below a read-only one made writable again, or one with other flags than the
 * file system it is part of. */
static int self_bind(int root, const char *rel, unsigned long flags, struct vx_err *err)
{
	_cleanup_close_ int fd = vx_openat2(root, rel, O_PATH | O_DIRECTORY | O_CLOEXEC, RES);
	char p[32];

	if (fd < 0)
		return errno == ENOENT ? 0 : vx_failsys(err, "cannot open /%s", rel);
	if (mount(fdpath(p, fd), fdpath(p, fd), NULL, MS_BIND, NULL) < 0)
		return vx_failsys(err, "cannot bind /%s", rel);
	close(fd);
	fd = vx_openat2(root, rel, O_PATH | O_DIRECTORY | O_CLOEXEC, RES);
	if (fd < 0 || mount(NULL, fdpath(p, fd), NULL, MS_BIND | MS_REMOUNT | flags, NULL) < 0)
		return vx_failsys(err, "cannot set the mount flags of /%s", rel);
	return 0;
}

/* The masks of a context: every one is the same empty directory of its /dev tmpfs
 * (setup_dev), bound read-only; the first is bound from there, the others are clones of that
 * mount.  A file system of their own would cost each context a superblock: its memory, a
 * shrinker whose id widens every memory cgroup's shrinker map on the host, and a step of
 * every sync() on the host (kernel-notes/mounts.md). */
struct masks {
	int src;	/* the empty directory, in the tmpfs as staged */
	int first;	/* the first mask, once bound; -1 until then */
};

/* Hide a directory under the context's empty read-only directory. */
static int mask_dir(int root, const char *rel, struct masks *m, struct vx_err *err)
{
	_cleanup_close_ int fd = vx_openat2(root, rel, O_PATH | O_DIRECTORY | O_CLOEXEC, RES);
	_cleanup_close_ int tree = -1;

	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : vx_failsys(err, "cannot open /%s",
									    rel);
	if (m->first < 0) {
		if (bind_ro(m->src, root, rel, true, MS_NOSUID | MS_NODEV | MS_NOEXEC, err) < 0)
			return -1;
		m->first = vx_openat2(root, rel, O_PATH | O_DIRECTORY | O_CLOEXEC, RES);
		if (m->first < 0)
			return vx_failsys(err, "cannot open the mask on /%s", rel);
		return 0;
	}
	tree = vx_open_tree(m->first, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tree < 0 || vx_move_mount(tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH |
				      MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return vx_failsys(err, "cannot mask /%s", rel);
	return 0;
}

/* --- the overlay root --------------------------------------------------------------------- */

/* The template, seen through the context's user namespace: files owned by host uid 0 show
 * up as the context's root (host uid id_base).  Nothing is copied or chowned. */
static int idmapped_lower(const struct vx_spawn *sp, struct vx_err *err)
{
	_cleanup_close_ int tree = -1, userns = vx_ns_open(sp->pid, "user");
	struct vx_mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_RDONLY |
						  MOUNT_ATTR_NODEV };

	if (userns < 0)
		return vx_failsys(err, "cannot open the context's user namespace");
	tree = vx_open_tree(AT_FDCWD, sp->tpl_rootfs, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return vx_failsys(err, "cannot clone the template's tree %s", sp->tpl_rootfs);
	attr.userns_fd = userns;
	if (vx_mount_setattr(tree, "", AT_EMPTY_PATH, &attr) < 0)
		return vx_failsys(err, "cannot make an idmapped mount of template '%s' (does the "
				  "file system holding it support idmapped mounts?)", sp->tpl->name);
	if (vx_move_mount(tree, "", AT_FDCWD, sp->lower, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return vx_failsys(err, "cannot attach the template at %s", sp->lower);
	return 0;
}

static int mount_overlay(const struct vx_spawn *sp, struct vx_err *err)
{
	const char *lower = sp->conf->userns ? sp->lower : sp->tpl_rootfs;
	_cleanup_close_ int l = -1, u = -1, w = -1;
	char opts[128];

	if (sp->conf->userns && idmapped_lower(sp, err) < 0)
		return -1;
	/* The layers are named by descriptor: overlayfs shows the names it was given in the
	 * context's mount table, and "/proc/self/fd/5" says nothing of the host's layout. */
	l = open(lower, O_PATH | O_DIRECTORY | O_CLOEXEC);
	u = open(sp->upper, O_PATH | O_DIRECTORY | O_CLOEXEC);
	w = open(sp->work, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (l < 0 || u < 0 || w < 0)
		return vx_failsys(err, "cannot open the layers of the overlay root");
	snprintf(opts, sizeof(opts), "lowerdir=/proc/self/fd/%d,upperdir=/proc/self/fd/%d,"
		 "workdir=/proc/self/fd/%d", l, u, w);
	/* nodev: device nodes exist only in the context's own /dev tmpfs. */
	if (mount("overlay", sp->stage, "overlay", MS_NODEV, opts) < 0)
		return vx_failsys(err, "cannot mount the overlay root (lower %s, upper %s)", lower,
				  sp->upper);
	/* overlayfs holds its own reference to the layer; the attachment point can go. */
	if (sp->conf->userns && umount2(sp->lower, MNT_DETACH) < 0)
		return vx_failsys(err, "cannot detach %s", sp->lower);
	return 0;
}

/* --- /dev --------------------------------------------------------------------------------- */

#define TTY_GID 5	/* the "tty" group of Debian and busybox alike (see devices.c) */

static const struct {
	const char *name, *target;
} devlinks[] = {
	{ "ptmx", "pts/ptmx" },		{ "fd", "/proc/self/fd" },
	{ "stdin", "/proc/self/fd/0" }, { "stdout", "/proc/self/fd/1" },
	{ "stderr", "/proc/self/fd/2" },
};

/* Bind the host file src on a new file name in the directory dirfd (shown as shown). */
static int bind_file(int dirfd, const char *shown, const char *name, const char *src, uid_t uid,
		     struct vx_err *err)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	char p[32], q[PATH_MAX + 32];

	if (fd < 0 || fchown(fd, uid, uid) < 0)
		return vx_failsys(err, "cannot create %s/%s", shown, name);
	close(fd);
	fd = openat(dirfd, name, O_PATH | O_CLOEXEC | O_NOFOLLOW);
	snprintf(q, sizeof(q), "%s", src);
	if (fd < 0 || mount(q, fdpath(p, fd), NULL, MS_BIND, NULL) < 0)
		return vx_failsys(err, "cannot bind %s on %s/%s", src, shown, name);
	return 0;
}

/* The directory of a node under /dev ("net" of "net/tun"), owned by the context's root. */
static int make_dev_dir(int dev, const char *node, uid_t uid, struct vx_err *err)
{
	char dir[32];

	snprintf(dir, sizeof(dir), "%.*s", (int)(strchr(node, '/') - node), node);
	if ((mkdirat(dev, dir, 0755) < 0 && errno != EEXIST) ||
	    fchownat(dev, dir, uid, uid, AT_SYMLINK_NOFOLLOW) < 0)
		return vx_failsys(err, "cannot create /dev/%s", dir);
	return 0;
}

int rootfs_devpts(const struct vx_conf *conf, const char *at, struct vx_err *err)
{
	char opts[128];

	snprintf(opts, sizeof(opts), "newinstance,ptmxmode=0666,mode=0620,gid=%u,max=1024",
		 conf_root_uid(conf) + TTY_GID);
	if (mkdir(at, 0700) < 0)
		return vx_failsys(err, "cannot create %s for the context's devpts", at);
	if (mount("devpts", at, "devpts", MS_NOSUID | MS_NOEXEC, opts) < 0)
		return vx_failsys(err, "cannot mount a devpts instance on %s", at);
	return 0;
}

/* The tmpfs of /dev, staged at sp->lower (free again once the overlay holds the template; in
 * M0 only) with two directories: "dev", the context's /dev, and "mask", the empty one every
 * mask is a bind of (m->src).  /dev is a bind of "dev" alone, so nothing inside reaches
 * "mask" but through the read-only masks.  rootfs_setup detaches the stage when done.
 * Returns "dev" (O_PATH), to be bound on the root's /dev. */
static int stage_dev(const struct vx_spawn *sp, struct masks *m, struct vx_err *err)
{
	uid_t uid = conf_root_uid(sp->conf);
	_cleanup_close_ int fs = -1;
	int dev;

	/* The one mount without nodev: it holds only the nodes made here, and a context
	 * cannot make device nodes of its own.  /dev/shm is a directory of it (a superblock
	 * less for each context): no size or inode limit but the tmpfs defaults, as a
	 * tmpfs of its own had; what a context writes is charged to its memory cgroup. */
	if (mount("vctx-dev", sp->lower, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=700") < 0)
		return vx_failsys(err, "cannot mount a tmpfs for /dev");
	fs = open(sp->lower, O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* mkdir applies the umask: the modes are set afterwards. */
	if (fs < 0 || mkdirat(fs, "dev", 0700) < 0 || fchownat(fs, "dev", uid, uid, 0) < 0 ||
	    fchmodat(fs, "dev", 0755, 0) < 0 || mkdirat(fs, "mask", 0500) < 0 ||
	    fchmodat(fs, "mask", 0555, 0) < 0)
		return vx_failsys(err, "cannot prepare the tmpfs for /dev");
	m->src = openat(fs, "mask", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	dev = openat(fs, "dev", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (m->src < 0 || dev < 0) {
		if (dev >= 0)
			close(dev);
		return vx_failsys(err, "cannot open the tmpfs for /dev");
	}
	return dev;
}

static int setup_dev(const struct vx_spawn *sp, int root, struct masks *m, struct vx_err *err)
{
	uid_t uid = conf_root_uid(sp->conf);
	char from[32], to[32];
	_cleanup_close_ int dev = -1, src = -1;
	unsigned i;

	src = stage_dev(sp, m, err);
	if (src < 0)
		return -1;
	dev = open_dir(root, "dev", err);
	if (dev < 0)
		return -1;
	if (mount(fdpath(from, src), fdpath(to, dev), NULL, MS_BIND, NULL) < 0)
		return vx_failsys(err, "cannot mount /dev");
	/* Reopen: the path now leads to the new mount. */
	close(dev);
	dev = vx_openat2(root, "dev", O_RDONLY | O_DIRECTORY | O_CLOEXEC, RES);
	if (dev < 0)
		return vx_failsys(err, "cannot open /dev");
	for (i = 0; i < vx_ndevs; i++) {
		const struct vx_dev *d = &vx_devs[i];

		if (!d->node || !dev_wanted(d, sp->conf->devices))
			continue;
		if (strchr(d->node, '/') && make_dev_dir(dev, d->node, uid, err) < 0)
			return -1;
		/* mknod applies the umask: set the mode the node must have afterwards. */
		if (mknodat(dev, d->node, S_IFCHR | d->mode, makedev(d->maj, d->min)) < 0 ||
		    fchmodat(dev, d->node, d->mode, 0) < 0 ||
		    fchownat(dev, d->node, uid, uid + d->gid, 0) < 0)
			return vx_failsys(err, "cannot create /dev/%s", d->node);
	}
	for (i = 0; i < ARRAY_SIZE(devlinks); i++) {
		if (symlinkat(devlinks[i].target, dev, devlinks[i].name) < 0 ||
		    fchownat(dev, devlinks[i].name, uid, uid, AT_SYMLINK_NOFOLLOW) < 0)
			return vx_failsys(err, "cannot create /dev/%s", devlinks[i].name);
	}
	if (mount_at(root, "dev/pts", sp->pts, NULL, MS_BIND, NULL, err) < 0)
		return -1;
	/* /dev/shm: a directory of /dev's tmpfs, bound onto itself with a tmpfs's flags for it
	 * (programs may run from it; a mount point, so that a guest's init mounts none). */
	if (mkdirat(dev, "shm", 0700) < 0 || fchownat(dev, "shm", uid, uid, 0) < 0 ||
	    fchmodat(dev, "shm", 01777, 0) < 0)
		return vx_failsys(err, "cannot create /dev/shm");
	if (self_bind(root, "dev/shm", MS_NOSUID | MS_NODEV, err) < 0 ||
	    mount_at(root, "dev/mqueue", "mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		     NULL, err) < 0)
		return -1;
	if (bind_file(dev, "/dev", "console", sp->console, uid, err) < 0)
		return -1;
	if (sp->logsock[0] && bind_file(dev, "/dev", "log", sp->logsock, uid, err) < 0)
		return -1;
	return 0;
}

/* --- /proc and /sys ---------------------------------------------------------------------- */

static const char *proc_masked_files[] = { "proc/kcore", "proc/keys", "proc/timer_list",
					   "proc/sched_debug", "proc/latency_stats",
					   "proc/kmsg", "proc/kallsyms", "proc/config.gz" };
static const char *proc_masked_dirs[] = { "proc/acpi", "proc/scsi", "proc/asound",
					  "proc/driver" };
static const char *proc_ro[] = { "proc/sysrq-trigger", "proc/irq", "proc/bus", "proc/fs" };
static const char *sys_masked[] = { "sys/firmware", "sys/devices/virtual/powercap",
				    "sys/kernel/debug", "sys/kernel/security",
				    "sys/fs/bpf", "sys/kernel/tracing" };

int rootfs_proc_for(pid_t pid)
{
	_cleanup_close_ int ns = vx_ns_open(pid, "pid");
	_cleanup_close_ int fs = -1;

	if (ns < 0)
		return -1;
	fs = vx_fsopen("proc", VX_FSOPEN_CLOEXEC);
	if (fs < 0 || vx_fsconfig(fs, VX_FSCONFIG_SET_STRING, "source", "proc", 0) < 0 ||
	    vx_fsconfig(fs, VX_FSCONFIG_SET_FD, "pidns", NULL, ns) < 0 ||
	    vx_fsconfig(fs, VX_FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -1;
	return vx_fsmount(fs, VX_FSMOUNT_CLOEXEC,
			  MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
}

static int mount_proc(const struct vx_spawn *sp, int root, struct vx_err *err)
{
	_cleanup_close_ int dir = -1;

	if (sp->procfs < 0)
		return mount_at(root, "proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL,
				err);
	dir = open_dir(root, "proc", err);
	if (dir < 0)
		return -1;
	if (vx_move_mount(sp->procfs, "", dir, "", MOVE_MOUNT_F_EMPTY_PATH |
			  MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return vx_failsys(err, "cannot mount proc on /proc");
	return 0;
}

static int setup_proc(const struct vx_spawn *sp, int root, struct masks *mask,
		      struct vx_err *err)
{
	_cleanup_close_ int null = -1;
	unsigned i;

	if (mount_proc(sp, root, err) < 0)
		return -1;
	null = vx_openat2(root, "dev/null", O_PATH | O_CLOEXEC, RES);
	if (null < 0)
		return vx_failsys(err, "cannot open /dev/null");
	/* A masked file reads as empty: /dev/null, so no nodev on this read-only bind. */
	for (i = 0; i < ARRAY_SIZE(proc_masked_files); i++)
		if (bind_ro(null, root, proc_masked_files[i], false, MS_NOSUID | MS_NOEXEC, err) < 0)
			return -1;
	for (i = 0; i < ARRAY_SIZE(proc_masked_dirs); i++)
		if (mask_dir(root, proc_masked_dirs[i], mask, err) < 0)
			return -1;
	for (i = 0; i < ARRAY_SIZE(proc_ro); i++)
		if (self_ro(root, proc_ro[i], i > 0, err) < 0)
			return -1;
	/* /proc/sys is read-only but for the parts the context's own namespaces own. */
	if (self_ro(root, "proc/sys", true, err) < 0 ||
	    self_bind(root, "proc/sys/net", MS_NOSUID | MS_NODEV | MS_NOEXEC, err) < 0)
		return -1;
	return 0;
}

/* lxcfs's view over /proc and /sys: each file bound read-only, locked like the masks. */
static int setup_lxcfs(int root, struct vx_err *err)
{
	unsigned i;

	for (i = 0; i < lxcfs_nfiles; i++) {
		char path[PATH_MAX + 64];
		_cleanup_close_ int fd = -1;
		bool dir = strncmp(lxcfs_files[i], "sys/", 4) == 0;

		snprintf(path, sizeof(path), "%s/%s", vx_paths.lxcfs, lxcfs_files[i]);
		fd = open(path, O_PATH | O_CLOEXEC | (dir ? O_DIRECTORY : 0));
		if (fd < 0)
			return vx_failsys(err, "lxcfs: cannot open %s", path);
		if (bind_ro(fd, root, lxcfs_files[i], dir, MS_NOSUID | MS_NODEV | MS_NOEXEC, err) < 0)
			return vx_prefix(err, "lxcfs");
	}
	return 0;
}

static int setup_sys(const struct vx_spawn *sp, int root, struct masks *mask,
		     struct vx_err *err)
{
	unsigned i;

	if (mount_at(root, "sys", "sysfs", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		     NULL, err) < 0)
		return -1;
	for (i = 0; i < ARRAY_SIZE(sys_masked); i++)
		if (mask_dir(root, sys_masked[i], mask, err) < 0)
			return -1;
	/* The context's own cgroup2 subtree (delegated to its root), seen through its cgroup
	 * namespace: what a guest systemd needs on v2 and on hybrid hosts alike. */
	if (sp->cg.v2dir[0] &&
	    mount_at(root, "sys/fs/cgroup", "cgroup2", "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		     NULL, err) < 0)
		return -1;
	return 0;
}

/* ready = notify: /run as a tmpfs of ours (a guest systemd leaves a mounted /run alone) with
 * the supervisor's notify socket at /run/host/notify. */
static int setup_notify(const struct vx_spawn *sp, int root, struct vx_err *err)
{
	uid_t uid = conf_root_uid(sp->conf);
	_cleanup_close_ int host = -1;
	char opts[96];

	snprintf(opts, sizeof(opts), "mode=755,size=20%%,uid=%u,gid=%u", uid, uid);
	if (mount_at(root, "run", "vctx-run", "tmpfs", MS_NOSUID | MS_NODEV, opts, err) < 0)
		return -1;
	host = open_dir(root, "run/host", err);
	if (host < 0)
		return -1;
	close(host);
	host = vx_openat2(root, "run/host", O_RDONLY | O_DIRECTORY | O_CLOEXEC, RES);
	if (host < 0)
		return vx_failsys(err, "cannot open /run/host");
	return bind_file(host, "/run/host", "notify", sp->notifysock, uid, err);
}

/* mkdir -p of rel below root, each new directory owned by the context's root; returns an
 * O_PATH fd of the last one. */
static int make_dirs(int root, const char *rel, uid_t uid, struct vx_err *err)
{
	char part[PATH_MAX];
	const char *p = rel;
	int fd = -1;

	for (;;) {
		const char *slash = strchr(p, '/');

		snprintf(part, sizeof(part), "%.*s", slash ? (int)(slash - rel) : (int)strlen(rel), rel);
		if (fd >= 0)
			close(fd);
		fd = vx_openat2(root, part, O_PATH | O_DIRECTORY | O_CLOEXEC, RES);
		if (fd < 0 && errno == ENOENT) {
			fd = open_dir(root, part, err);
			if (fd < 0)
				return -1;
			if (fchownat(fd, "", uid, uid, AT_EMPTY_PATH) < 0) {
				close(fd);
				return vx_failsys(err, "cannot chown /%s", part);
			}
		} else if (fd < 0) {
			return vx_failsys(err, "/%s in the context is not a directory", part);
		}
		if (!slash)
			return fd;
		p = slash + 1;
	}
}

/* The mount point of a bind: a directory, or for a file an empty file, made if missing. */
static int bind_target(int root, const char *rel, bool dir, uid_t uid, struct vx_err *err)
{
	char parent[PATH_MAX];
	const char *slash = strrchr(rel, '/');
	_cleanup_close_ int pfd = -1;
	int fd;

	if (dir)
		return make_dirs(root, rel, uid, err);
	snprintf(parent, sizeof(parent), "%.*s", slash ? (int)(slash - rel) : 0, rel);
	pfd = parent[0] ? make_dirs(root, parent, uid, err) : vx_openat2(root, ".", O_PATH |
									   O_DIRECTORY |
									   O_CLOEXEC, RES);
	if (pfd < 0)
		return -1;
	fd = vx_openat2(root, rel, O_PATH | O_CLOEXEC, RES);
	if (fd < 0 && errno == ENOENT) {
		/* An O_PATH directory serves as openat's base; O_NOFOLLOW and O_EXCL make sure
		 * nothing the tenant put there is opened instead. */
		int nf = openat(pfd, slash ? slash + 1 : rel,
				O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (nf >= 0)
			close(nf);
		fd = vx_openat2(root, rel, O_PATH | O_CLOEXEC, RES);
	}
	if (fd < 0)
		return vx_failsys(err, "cannot make /%s in the context", rel);
	return fd;
}

/* bind = HOST:CTX[:ro|rw]: a clone of the host tree (not its submounts), nosuid and nodev,
 * made outside the context's user namespace, so root inside cannot make a read-only one
 * writable.  A read-only bind is idmapped through the context's user namespace, so its
 * owners read the same inside.  A writable one never is: through an idmapped mount the
 * context's root writes as host root (setuid-root programs, file capabilities valid on the
 * host, host root's files rewritten); plain, what the tenant writes is owned by its own
 * ids, and host-owned files are nobody's to it. */
static int setup_binds(const struct vx_spawn *sp, int root, struct vx_err *err)
{
	uid_t uid = conf_root_uid(sp->conf);
	unsigned i;

	for (i = 0; i < sp->conf->bind.n; i++) {
		const char *spec = sp->conf->bind.v[i];
		struct vx_mount_attr attr = { .attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV };
		_cleanup_close_ int host = -1, tree = -1, target = -1, userns = -1;
		char ctx[PATH_MAX];
		struct stat st;
		bool ro;

		host = storage_bind_open(spec, O_PATH, ctx, sizeof(ctx), &ro, err);
		if (host < 0 || fstat(host, &st) < 0)
			return host < 0 ? -1 : vx_failsys(err, "bind %s", spec);
		if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
			return vx_fail(err, EINVAL, "bind %s: only directories and files", spec);
		tree = vx_open_tree(host, "", AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		if (tree < 0)
			return vx_failsys(err, "bind %s: cannot clone the host tree", spec);
		if (ro)
			attr.attr_set |= MOUNT_ATTR_RDONLY;
		if (sp->conf->userns && ro) {
			userns = vx_ns_open(sp->pid, "user");
			if (userns < 0)
				return vx_failsys(err, "cannot open the context's user namespace");
			attr.attr_set |= MOUNT_ATTR_IDMAP;
			attr.userns_fd = userns;
		}
		if (vx_mount_setattr(tree, "", AT_EMPTY_PATH, &attr) < 0)
			return vx_failsys(err, ro ? "bind %s: cannot make an idmapped mount of it "
					  "(does its file system support idmapped mounts?)"
					  : "bind %s: cannot set its mount flags", spec);
		target = bind_target(root, ctx + 1, S_ISDIR(st.st_mode), uid, err);
		if (target < 0)
			return vx_prefix(err, "bind %s", spec);
		if (vx_move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH |
			MOVE_MOUNT_T_EMPTY_PATH) < 0)
			return vx_failsys(err, "bind %s: cannot mount it on %s", spec, ctx);
	}
	return 0;
}

int rootfs_setup(const struct vx_spawn *sp, struct vx_err *err)
{
	_cleanup_close_ int root = -1;
	struct masks mask = { .src = -1, .first = -1 };
	int r = -1;

	if (mount_overlay(sp, err) < 0)
		return -1;
	root = open(sp->stage, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return vx_failsys(err, "cannot open %s", sp->stage);
	if (setup_binds(sp, root, err) < 0)
		return -1;
	if (setup_dev(sp, root, &mask, err) < 0 || setup_proc(sp, root, &mask, err) < 0 ||
	    setup_sys(sp, root, &mask, err) < 0 || (sp->lxcfs && setup_lxcfs(root, err) < 0))
		goto out;
	if (sp->notifysock[0] && setup_notify(sp, root, err) < 0)
		goto out;
	r = 0;
out:
	/* The binds keep the tmpfs of /dev; its stage goes (a failed start's too). */
	if (mask.src >= 0)
		close(mask.src);
	if (mask.first >= 0)
		close(mask.first);
	umount2(sp->lower, MNT_DETACH);
	return r;
}
