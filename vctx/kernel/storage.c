// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel/storage.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/fs.h>
#include <linux/loop.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "core/paths.h"
#include "core/sys.h"
#include "core/template.h"
#include "core/util.h"
#include "kernel/proc.h"

#define IMAGE "disk.img"

/* --- create ---------------------------------------------------------------------------------- */

static int make_image(const char *img, uint64_t size, struct vx_err *err)
{
	/* 4K blocks and an inode per 16K whatever the size (mke2fs would make a small image
	 * of 1K blocks and spend an eighth of it on inode tables); nothing reserved for root:
	 * df inside shows nearly all of it. */
	char *mkfs[] = { "mkfs.ext4", "-q", "-F", "-T", "default", "-i", "16384", "-m", "0", "-E",
			 "lazy_itable_init=1,lazy_journal_init=1", (char *)img, NULL };
	int fd = open(img, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return vx_failsys(err, "cannot create %s", img);
	/* Sparse: the image takes only what is written. */
	if (ftruncate(fd, size) < 0) {
		close(fd);
		return vx_failsys(err, "cannot size %s", img);
	}
	close(fd);
	return proc_run(mkfs, 0, err);
}

int storage_create(const char *name, const struct vx_conf *conf, struct vx_err *err)
{
	char dir[PATH_MAX], upper[PATH_MAX], work[PATH_MAX], img[PATH_MAX], mnt[PATH_MAX];
	uid_t owner = conf_root_uid(conf);

	if (path_ctxdir(dir, sizeof(dir), name, NULL) < 0 ||
	    path_ctxdir(upper, sizeof(upper), name, "upper") < 0 ||
	    path_ctxdir(work, sizeof(work), name, "work") < 0 ||
	    path_ctxdir(img, sizeof(img), name, IMAGE) < 0 ||
	    path_ctxdir(mnt, sizeof(mnt), name, "disk") < 0)
		return vx_failsys(err, "context path");
	/* A directory without a config is what a killed create leaves: start over. */
	if (rm_rf(dir, err) < 0)
		return -1;
	if (mkdir(dir, 0700) < 0)
		return vx_failsys(err, "cannot create %s", dir);
	if (conf->disk.set) {
		if (mkdir(mnt, 0700) < 0)
			return vx_failsys(err, "cannot create %s", mnt);
		return make_image(img, conf->disk.v, err);
	}
	if (mkdir(upper, 0755) < 0 || mkdir(work, 0700) < 0)
		return vx_failsys(err, "cannot create %s", upper);
	/* The upper layer's root is the context's "/": its root owns it. */
	if (chown(upper, owner, owner) < 0)
		return vx_failsys(err, "cannot chown %s", upper);
	return 0;
}

/* --- attach ---------------------------------------------------------------------------------- */

void storage_init(struct vx_disk *d)
{
	memset(d, 0, sizeof(*d));
	d->loopfd = -1;
}

/* A free loop device configured on the image, autoclear: it goes away with its last user. */
static int loop_attach(const char *img, int imgfd, char *dev, size_t len, struct vx_err *err)
{
	_cleanup_close_ int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	struct loop_config cfg;
	int tries, n, fd;

	if (ctl < 0)
		return vx_failsys(err, "cannot open /dev/loop-control");
	for (tries = 0; tries < 64; tries++) {
		n = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (n < 0)
			return vx_failsys(err, "no free loop device");
		snprintf(dev, len, "/dev/loop%d", n);
		fd = open(dev, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return vx_failsys(err, "cannot open %s", dev);
		memset(&cfg, 0, sizeof(cfg));
		cfg.fd = imgfd;
		cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR;
		snprintf((char *)cfg.info.lo_file_name, sizeof(cfg.info.lo_file_name), "%s", img);
		if (ioctl(fd, LOOP_CONFIGURE, &cfg) == 0)
			return fd;
		close(fd);
		/* Another process took it between GET_FREE and CONFIGURE: the next one. */
		if (errno != EBUSY)
			return vx_failsys(err, "cannot attach %s to %s", img, dev);
	}
	return vx_fail(err, EBUSY, "cannot find a free loop device for %s", img);
}

static int mount_image(const char *img, const char *mnt, struct vx_disk *d, struct vx_err *err)
{
	_cleanup_close_ int imgfd = open(img, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	char dev[32];
	struct stat st;

	if (imgfd < 0 || fstat(imgfd, &st) < 0)
		return vx_failsys(err, "cannot open the disk image %s", img);
	if (!S_ISREG(st.st_mode))
		return vx_fail(err, EINVAL, "%s is not a disk image", img);
	d->loopfd = loop_attach(img, imgfd, dev, sizeof(dev), err);
	if (d->loopfd < 0)
		return -1;
	/* discard: what the context deletes is punched out of the image (it stays sparse). */
	if (mount(dev, mnt, "ext4", MS_NOSUID | MS_NODEV, "errors=remount-ro,discard") < 0) {
		vx_failsys(err, "cannot mount the disk image %s", img);
		storage_detach(d);
		return -1;
	}
	snprintf(d->mnt, sizeof(d->mnt), "%s", mnt);
	d->mounted = true;
	return 0;
}

/* A directory in the image's root, made if missing (a fresh image has none). */
static int layer_dir(const char *mnt, const char *sub, mode_t mode, uid_t owner, char *out,
		     struct vx_err *err)
{
	if (xsnprintf(out, PATH_MAX, "%s/%s", mnt, sub) < 0)
		return vx_fail(err, ENAMETOOLONG, "path too long");
	if (mkdir(out, mode) == 0) {
		if (chown(out, owner, owner) < 0)
			return vx_failsys(err, "cannot chown %s", out);
	} else if (errno != EEXIST) {
		return vx_failsys(err, "cannot create %s", out);
	}
	return 0;
}

int storage_attach(const char *name, const struct vx_conf *conf, struct vx_disk *d,
		   char *upper, char *work, struct vx_err *err)
{
	char img[PATH_MAX], mnt[PATH_MAX];
	struct stat st;

	if (path_ctxdir(img, sizeof(img), name, IMAGE) < 0 ||
	    path_ctxdir(mnt, sizeof(mnt), name, "disk") < 0)
		return vx_failsys(err, "context path");
	/* Both layouts: a move onto or off an image (storage_resize) was interrupted, and
	 * the config says which one is whole. */
	if (lstat(img, &st) == 0 && path_ctxdir(upper, PATH_MAX, name, "upper") == 0 &&
	    lstat(upper, &st) == 0)
		storage_settle(name, conf->disk.set);
	if (!conf->disk.set) {
		if (lstat(img, &st) == 0)
			return vx_fail(err, EINVAL, "%s has a disk image but no 'disk' in its config",
				       name);
		if (path_ctxdir(upper, PATH_MAX, name, "upper") < 0 ||
		    path_ctxdir(work, PATH_MAX, name, "work") < 0)
			return vx_failsys(err, "context path");
		return 0;
	}
	if (mkdir(mnt, 0700) < 0 && errno != EEXIST)
		return vx_failsys(err, "cannot create %s", mnt);
	if (mount_image(img, mnt, d, err) < 0)
		return -1;
	if (layer_dir(mnt, "upper", 0755, conf_root_uid(conf), upper, err) < 0 ||
	    layer_dir(mnt, "work", 0700, 0, work, err) < 0) {
		storage_detach(d);
		return -1;
	}
	return 0;
}

void storage_detach(struct vx_disk *d)
{
	if (d->mounted && umount2(d->mnt, 0) < 0)
		umount2(d->mnt, MNT_DETACH);
	d->mounted = false;
	if (d->loopfd >= 0) {
		ioctl(d->loopfd, LOOP_CLR_FD, 0);
		close(d->loopfd);
	}
	d->loopfd = -1;
}

/* --- resize ---------------------------------------------------------------------------------- */

uint64_t storage_image_size(const char *name, uint64_t *allocated)
{
	char img[PATH_MAX];
	struct stat st;

	if (allocated)
		*allocated = 0;
	if (path_ctxdir(img, sizeof(img), name, IMAGE) < 0 || lstat(img, &st) < 0 ||
	    !S_ISREG(st.st_mode))
		return 0;
	if (allocated)
		*allocated = (uint64_t)st.st_blocks * 512;
	return st.st_size;
}

int storage_overcommit(char *note, size_t len)
{
	char img[PATH_MAX + 300], free_s[16], more[16];
	uint64_t promised = 0, avail;
	struct dirent *de;
	struct statvfs vs;
	struct stat st;
	DIR *d;

	note[0] = '\0';
	if (statvfs(vx_paths.contexts, &vs) < 0 || !(d = opendir(vx_paths.contexts)))
		return 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(img, sizeof(img), "%s/%s/%s", vx_paths.contexts, de->d_name, IMAGE);
		/* What each image may still take: its size less what it holds already. */
		if (lstat(img, &st) == 0 && S_ISREG(st.st_mode) &&
		    (uint64_t)st.st_size > (uint64_t)st.st_blocks * 512)
			promised += st.st_size - (uint64_t)st.st_blocks * 512;
	}
	closedir(d);
	avail = (uint64_t)vs.f_bavail * vs.f_frsize;
	if (promised <= avail)
		return 0;
	fmt_size(free_s, sizeof(free_s), avail);
	fmt_size(more, sizeof(more), promised);
	snprintf(note, len, "the disk images on %s may still take %s, more than its %s free: a "
		 "context that fills its disk would fill the host (see vctx.conf(5), disk)",
		 vx_paths.contexts, more, free_s);
	return 1;
}

/* --- work on a stopped context's image -------------------------------------------------------- */

struct image_job {
	const char *img, *mnt;
	int (*fn)(const char *mnt, const void *arg, struct vx_err *err);
	const void *arg;
};

/* In a child, in a mount namespace of its own (private before the first mount), so the host
 * never sees the mount: the image mounted on mnt, then fn. */
static int image_child(void *arg, void *out, struct vx_err *err)
{
	const struct image_job *j = arg;
	struct vx_disk d;
	int r = -1;

	(void)out;
	storage_init(&d);
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		vx_failsys(err, "private mount namespace");
	else if (mount_image(j->img, j->mnt, &d, err) == 0)
		r = j->fn(j->mnt, j->arg, err);
	storage_detach(&d);
	return r;
}

static int with_image(const char *img, const char *mnt,
		      int (*fn)(const char *mnt, const void *arg, struct vx_err *err),
		      const void *arg, struct vx_err *err)
{
	struct image_job j = { .img = img, .mnt = mnt, .fn = fn, .arg = arg };

	return proc_call(image_child, &j, NULL, 0, 0, err);
}

/* --- adding or removing the image of a stopped context -------------------------------------- */

/* The files move between the context's directory and its image in a copy; the old layout is
 * removed only once the config says which one is the context's (storage_settle), so a
 * failure anywhere leaves the context as it was. */
struct move_args {
	const char *from, *to;
};

/* One tree copied to the other whole (mnt: the image, holding one of them). */
static int move_layer(const char *mnt, const void *arg, struct vx_err *err)
{
	const struct move_args *a = arg;
	/* Owners, modes, xattrs (overlayfs' markers, ACLs, file capabilities), whiteouts,
	 * hard links, holes; -T: to names the copy itself. */
	char *cp[] = { "cp", "-a", "-T", "--sparse=always", (char *)a->from, (char *)a->to, NULL };
	char work[PATH_MAX];

	if (proc_run(cp, 0, err) < 0)
		return -1;
	return layer_dir(mnt, "work", 0700, 0, work, err);
}

static int disk_add(const char *name, const struct vx_conf *conf, struct vx_err *err)
{
	char dir[PATH_MAX], img[PATH_MAX], tmp[PATH_MAX], mnt[PATH_MAX], upper[PATH_MAX];
	char to[PATH_MAX + 8], a[32], b[32];
	struct move_args m = { .from = upper, .to = to };
	uint64_t need;

	if (path_ctxdir(dir, sizeof(dir), name, NULL) < 0 ||
	    path_ctxdir(img, sizeof(img), name, IMAGE) < 0 ||
	    path_ctxdir(tmp, sizeof(tmp), name, ".tmp-" IMAGE) < 0 ||
	    path_ctxdir(mnt, sizeof(mnt), name, "disk") < 0 ||
	    path_ctxdir(upper, sizeof(upper), name, "upper") < 0)
		return vx_failsys(err, "context path");
	snprintf(to, sizeof(to), "%s/upper", mnt);
	/* Room for the files, the journal and the inode tables. */
	need = template_tree_size(upper);
	if (need + need / 8 + conf->disk.v / 32 + (2 << 20) > conf->disk.v) {
		fmt_size(a, sizeof(a), conf->disk.v);
		fmt_size(b, sizeof(b), need);
		return vx_fail(err, ENOSPC, "disk: %s is too small for the %s of files %s has", a,
			       b, name);
	}
	unlink(tmp);
	if (mkdir(mnt, 0700) < 0 && errno != EEXIST) {
		vx_failsys(err, "cannot create %s", mnt);
		goto fail;
	}
	if (make_image(tmp, conf->disk.v, err) < 0 || with_image(tmp, mnt, move_layer, &m, err) < 0)
		goto fail;
	if (rename(tmp, img) < 0) {
		vx_failsys(err, "cannot put %s in place", img);
		goto fail;
	}
	return 0;
fail:
	unlink(tmp);
	rmdir(mnt);
	return vx_prefix(err, "disk: cannot move %s onto a disk image", name);
}

static int disk_remove(const char *name, struct vx_err *err)
{
	char img[PATH_MAX], mnt[PATH_MAX], upper[PATH_MAX], work[PATH_MAX], tmp[PATH_MAX];
	char from[PATH_MAX + 8];
	struct move_args m = { .from = from, .to = tmp };

	if (path_ctxdir(img, sizeof(img), name, IMAGE) < 0 ||
	    path_ctxdir(mnt, sizeof(mnt), name, "disk") < 0 ||
	    path_ctxdir(upper, sizeof(upper), name, "upper") < 0 ||
	    path_ctxdir(work, sizeof(work), name, "work") < 0 ||
	    path_ctxdir(tmp, sizeof(tmp), name, ".tmp-upper") < 0)
		return vx_failsys(err, "context path");
	snprintf(from, sizeof(from), "%s/upper", mnt);
	if (rm_rf(tmp, err) < 0)
		return -1;
	if (mkdir(mnt, 0700) < 0 && errno != EEXIST)
		return vx_failsys(err, "cannot create %s", mnt);
	if (with_image(img, mnt, move_layer, &m, err) < 0)
		goto fail;
	/* A leftover of an earlier attempt would be in the way. */
	if (rm_rf(upper, err) < 0 || rm_rf(work, err) < 0)
		goto fail;
	if (rename(tmp, upper) < 0 || mkdir(work, 0700) < 0) {
		vx_failsys(err, "cannot put %s in place", upper);
		rm_rf(upper, NULL);
		rm_rf(work, NULL);
		goto fail;
	}
	return 0;
fail:
	rm_rf(tmp, NULL);
	return vx_prefix(err, "disk: cannot move %s off its disk image", name);
}

void storage_settle(const char *name, bool disk)
{
	char a[PATH_MAX], b[PATH_MAX];

	if (disk) {
		if (path_ctxdir(a, sizeof(a), name, "upper") == 0)
			rm_rf(a, NULL);
		if (path_ctxdir(b, sizeof(b), name, "work") == 0)
			rm_rf(b, NULL);
	} else {
		if (path_ctxdir(a, sizeof(a), name, IMAGE) == 0)
			unlink(a);
		if (path_ctxdir(b, sizeof(b), name, "disk") == 0)
			rmdir(b);
	}
}

int storage_resize(const char *name, const struct vx_conf *old, const struct vx_conf *new,
		   struct vx_err *err)
{
	char img[PATH_MAX], a[32], b[32], size[32];
	char *fsck[] = { "e2fsck", "-f", "-p", img, NULL };
	char *resize[] = { "resize2fs", img, size, NULL };
	uint64_t cur = storage_image_size(name, NULL);
	int fd;

	if (!old->disk.set && !new->disk.set)
		return 0;
	if (!cur != !new->disk.set)
		return new->disk.set ? disk_add(name, new, err) : disk_remove(name, err);
	if (new->disk.v == cur)
		return 0;
	fmt_size(a, sizeof(a), new->disk.v);
	fmt_size(b, sizeof(b), cur);
	if (new->disk.v < cur)
		return vx_fail(err, EINVAL, "disk: %s is smaller than the image (%s): it can only grow",
			       a, b);
	if (path_ctxdir(img, sizeof(img), name, IMAGE) < 0)
		return vx_failsys(err, "context path");
	/* resize2fs wants whole file system blocks. */
	snprintf(size, sizeof(size), "%lluK", (unsigned long long)(new->disk.v >> 12) << 2);
	fd = open(img, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || ftruncate(fd, (off_t)(new->disk.v >> 12) << 12) < 0) {
		if (fd >= 0)
			close(fd);
		return vx_failsys(err, "cannot grow %s", img);
	}
	/* e2fsck -p exits 1 when it fixed something harmless.  Until resize2fs runs, the file
	 * system is as it was: a failure puts the file back to its size. */
	if (proc_run(fsck, 1, err) < 0) {
		(void)!ftruncate(fd, cur);
		close(fd);
		return vx_prefix(err, "disk: cannot grow the image of %s", name);
	}
	close(fd);
	if (proc_run(resize, 0, err) < 0)
		return vx_prefix(err, "disk: cannot grow the image of %s", name);
	return 0;
}

#ifndef EXT4_IOC_RESIZE_FS
#define EXT4_IOC_RESIZE_FS _IOW('f', 16, uint64_t)
#endif

int storage_grow_online(const char *name, struct vx_disk *d, uint64_t bytes, struct vx_err *err)
{
	char img[PATH_MAX], a[32], b[32];
	uint64_t cur = storage_image_size(name, NULL), blocks;
	_cleanup_close_ int fd = -1, mnt = -1;
	struct statfs sf;

	if (!d->mounted || d->loopfd < 0)
		return vx_fail(err, EINVAL, "disk: %s has no disk image attached", name);
	bytes = bytes >> 12 << 12;
	fmt_size(a, sizeof(a), bytes);
	fmt_size(b, sizeof(b), cur);
	if (bytes < cur)
		return vx_fail(err, EINVAL, "disk: %s is smaller than the image (%s): it can only grow",
			       a, b);
	if (bytes == cur)
		return 0;
	if (path_ctxdir(img, sizeof(img), name, IMAGE) < 0)
		return vx_failsys(err, "context path");
	mnt = open(d->mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mnt < 0 || fstatfs(mnt, &sf) < 0)
		return vx_failsys(err, "cannot open %s", d->mnt);
	fd = open(img, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || ftruncate(fd, bytes) < 0)
		return vx_failsys(err, "cannot grow %s", img);
	blocks = bytes / sf.f_bsize;
	if (ioctl(d->loopfd, LOOP_SET_CAPACITY, 0) == 0 &&
	    ioctl(mnt, EXT4_IOC_RESIZE_FS, &blocks) == 0)
		return 0;
	/* Nothing changes on failure: the file system still has its old size, so the image and
	 * the loop device go back to it. */
	vx_failsys(err, errno == EPERM ? "disk: growing a running context's disk needs "
				 "CAP_SYS_RESOURCE, which this host's root lacks: stop %s first"
				 : "disk: %s cannot grow online", name);
	if (ftruncate(fd, cur) == 0)
		ioctl(d->loopfd, LOOP_SET_CAPACITY, 0);
	return -1;
}

/* --- binds ----------------------------------------------------------------------------------- */

/* Is a inside b (or b itself)? */
static bool path_within(const char *a, const char *b)
{
	size_t n = strlen(b);

	while (n > 1 && b[n - 1] == '/')
		n--;
	return strncmp(a, b, n) == 0 && (a[n] == '/' || a[n] == '\0');
}

int storage_bind_open(const char *spec, int flags, char *ctxpath, size_t len, bool *ro,
		      struct vx_err *err)
{
	const char *c1 = strchr(spec, ':'), *c2 = strchr(c1 + 1, ':');
	const char *const own[] = { vx_paths.contexts, vx_paths.templates, vx_paths.run,
				    vx_paths.etc };
	char host[PATH_MAX];
	unsigned i;
	int fd;

	snprintf(host, sizeof(host), "%.*s", (int)(c1 - spec), spec);
	snprintf(ctxpath, len, "%.*s", c2 ? (int)(c2 - c1 - 1) : (int)strlen(c1 + 1), c1 + 1);
	*ro = c2 && strcmp(c2 + 1, "ro") == 0;
	/* vctx's own storage is never shared, nor anything that holds it. */
	for (i = 0; i < ARRAY_SIZE(own); i++)
		if (path_within(host, own[i]) || path_within(own[i], host))
			return vx_fail(err, EPERM, "bind %s: %s holds vctx's own storage (%s)", spec,
				       host, own[i]);
	fd = vx_openat2(AT_FDCWD, host, flags | O_CLOEXEC, RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
	if (fd < 0 && errno == ELOOP)
		return vx_fail(err, ELOOP, "bind %s: %s has a symlink in it; give the real path",
			       spec, host);
	if (fd < 0)
		return vx_failsys(err, "bind %s: %s", spec, host);
	return fd;
}

int storage_check_binds(const struct vx_conf *conf, struct vx_err *err)
{
	char ctx[PATH_MAX];
	unsigned i;
	bool ro;

	for (i = 0; i < conf->bind.n; i++) {
		int fd = storage_bind_open(conf->bind.v[i], O_PATH, ctx, sizeof(ctx), &ro, err);

		if (fd < 0)
			return -1;
		close(fd);
	}
	return 0;
}

/* --- leftovers ------------------------------------------------------------------------------- */

int storage_destroy_mark(char *buf, size_t len, const char *name)
{
	return xsnprintf(buf, len, "%s/.destroying/%s.conf", vx_paths.etc, name);
}

/* Where an earlier vctx moved the config: ETC itself. */
static int storage_destroy_mark_old(char *buf, size_t len, const char *name)
{
	return xsnprintf(buf, len, "%s/.%s.conf.destroy", vx_paths.etc, name);
}

int storage_destroy_begin(char *buf, size_t len, const char *name, struct vx_err *err)
{
	char dir[PATH_MAX];

	if (xsnprintf(dir, sizeof(dir), "%s/.destroying", vx_paths.etc) < 0 ||
	    storage_destroy_mark(buf, len, name) < 0)
		return vx_fail(err, ENAMETOOLONG, "path too long");
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return vx_failsys(err, "cannot create %s", dir);
	return 0;
}

int storage_destroy_rest(const char *name, struct vx_err *err)
{
	char gone[PATH_MAX], old[PATH_MAX], dir[PATH_MAX], log[PATH_MAX];

	if (path_ctxdir(dir, sizeof(dir), name, NULL) < 0 ||
	    path_logdir(log, sizeof(log), name, NULL) < 0 ||
	    storage_destroy_mark(gone, sizeof(gone), name) < 0 ||
	    storage_destroy_mark_old(old, sizeof(old), name) < 0)
		return vx_fail(err, ENAMETOOLONG, "path too long");
	if (rm_rf(dir, err) < 0)
		return -1;
	rm_rf(log, NULL);
	if (unlink(gone) < 0 && errno != ENOENT)
		return vx_failsys(err, "cannot remove %s", gone);
	if (unlink(old) < 0 && errno != ENOENT)
		return vx_failsys(err, "cannot remove %s", old);
	return 0;
}

void storage_destroy_finish(const char *name)
{
	char gone[PATH_MAX], old[PATH_MAX];

	if (storage_destroy_mark(gone, sizeof(gone), name) == 0 &&
	    storage_destroy_mark_old(old, sizeof(old), name) == 0 &&
	    (access(gone, F_OK) == 0 || access(old, F_OK) == 0))
		storage_destroy_rest(name, NULL);
}

void storage_sweep_dir(const char *dir, const char *prefix, unsigned flags)
{
	DIR *d = opendir(dir);
	size_t n = strlen(prefix);
	struct dirent *de;
	char path[PATH_MAX];
	struct stat st;
	int pid;

	while (d && (de = readdir(d))) {
		if (strncmp(de->d_name, prefix, n) != 0)
			continue;
		if ((flags & SWEEP_DEAD_PID) &&
		    (sscanf(de->d_name + n, "%d-", &pid) != 1 || pid <= 0 || kill(pid, 0) == 0 ||
		     errno != ESRCH))
			continue;
		if (xsnprintf(path, sizeof(path), "%s/%s", dir, de->d_name) < 0 ||
		    lstat(path, &st) < 0 || ((flags & SWEEP_FILES_ONLY) && !S_ISREG(st.st_mode)))
			continue;
		rm_rf(path, NULL);
	}
	if (d)
		closedir(d);
}

void storage_sweep(const char *name)
{
	char dir[PATH_MAX];

	if (path_ctxdir(dir, sizeof(dir), name, NULL) == 0)
		storage_sweep_dir(dir, ".tmp-", 0);
	if (path_ctxdir(dir, sizeof(dir), name, "snapshots") == 0)
		storage_sweep_dir(dir, ".tmp-", 0);
}

/* --- copies ---------------------------------------------------------------------------------- */

/* Data only where the source has data: holes stay holes; a reflink when the file system can. */
static int copy_sparse(const char *src, const char *dst, const struct proc_watch *w,
		       struct vx_err *err)
{
	_cleanup_close_ int in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), out = -1;
	uint64_t start = now_ns(), last = start, done = 0;
	struct stat st;
	off_t off = 0;

	if (in < 0 || fstat(in, &st) < 0)
		return vx_failsys(err, "cannot read %s", src);
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (out < 0)
		return vx_failsys(err, "cannot create %s", dst);
	if (ioctl(out, FICLONE, in) == 0)
		return 0;
	if (ftruncate(out, st.st_size) < 0)
		return vx_failsys(err, "cannot size %s", dst);
	while (off < st.st_size) {
		off_t data = lseek(in, off, SEEK_DATA), hole, o;

		if (data < 0 && errno == ENXIO)
			break;
		hole = data < 0 ? -1 : lseek(in, data, SEEK_HOLE);
		if (data < 0 || hole < 0)
			return vx_failsys(err, "cannot read %s", src);
		o = data;
		while (data < hole) {
			ssize_t n = copy_file_range(in, &data, out, &o,
						    hole - data < (1 << 26) ? hole - data : (1 << 26), 0);

			if (n <= 0)
				return vx_failsys(err, "cannot copy %s", src);
			done += n;
			if (w && w->fn && now_ns() - last >= 500000000ull) {
				last = now_ns();
				w->fn(done, (last - start) / 1e9, w->user);
			}
		}
		off = hole;
	}
	if (fsync(out) < 0)
		return vx_failsys(err, "cannot write %s", dst);
	return 0;
}

/* A running context's tree can change under cp, which walks it by path: a directory swapped
 * for a symlink to / mid-copy would have cp read the host's files into the copy (and the
 * archive).  So the live copy runs chrooted in a private mount namespace whose root holds only
 * the layer (read-only, /src), the copy (/dst), /dev/null and the host's /usr read-only for cp
 * itself: whatever a symlink names resolves in there. */
struct live_copy {
	const char *src, *dst, *jail;
	const struct proc_watch *w;
};

static int live_bind(const char *from, const char *jail, const char *name, unsigned long ro,
		     struct vx_err *err)
{
	char to[PATH_MAX];

	if (xsnprintf(to, sizeof(to), "%s/%s", jail, name) < 0)
		return vx_fail(err, ENAMETOOLONG, "path too long");
	if (strcmp(name, "dev/null") == 0 ? (close(open(to, O_CREAT | O_WRONLY | O_CLOEXEC, 0600)),
					      0)
					   : mkdir(to, 0755))
		return vx_failsys(err, "cannot make %s", to);
	if (mount(from, to, NULL, MS_BIND | MS_REC, NULL) < 0 ||
	    (ro && mount(NULL, to, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | ro, NULL) < 0))
		return vx_failsys(err, "cannot bind %s", from);
	return 0;
}

static int live_copy_child(void *arg, void *out, struct vx_err *err)
{
	const struct live_copy *c = arg;
	static const char *const links[][2] = { { "bin", "usr/bin" }, { "sbin", "usr/sbin" },
						{ "lib", "usr/lib" }, { "lib64", "usr/lib64" } };
	char *cp[] = { "cp", "-a", "--sparse=always", "--reflink=auto", "/src/upper", "/dst",
		       NULL };
	char dev[PATH_MAX];
	unsigned i;

	(void)out;
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("vctx-copy", c->jail, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700") < 0)
		return vx_failsys(err, "cannot make the copy's own root");
	snprintf(dev, sizeof(dev), "%s/dev", c->jail);
	if (mkdir(dev, 0755) < 0 || live_bind("/dev/null", c->jail, "dev/null", 0, err) < 0 ||
	    live_bind("/usr", c->jail, "usr", MS_NOSUID | MS_NODEV, err) < 0 ||
	    live_bind(c->src, c->jail, "src", MS_NOSUID | MS_NODEV | MS_NOEXEC, err) < 0 ||
	    live_bind(c->dst, c->jail, "dst", 0, err) < 0)
		return -1;
	for (i = 0; i < ARRAY_SIZE(links); i++) {
		char from[16], at[PATH_MAX];
		struct stat st;

		snprintf(from, sizeof(from), "/%s", links[i][0]);
		snprintf(at, sizeof(at), "%s/%s", c->jail, links[i][0]);
		/* A merged /usr: the same links; an old layout: its directories, read-only. */
		if (lstat(from, &st) == 0 && S_ISLNK(st.st_mode) ? symlink(links[i][1], at) < 0
		    : lstat(from, &st) == 0 && live_bind(from, c->jail, links[i][0],
							 MS_NOSUID | MS_NODEV, err) < 0)
			return vx_failsys(err, "cannot make %s", at);
	}
	if (chroot(c->jail) < 0 || chdir("/") < 0)
		return vx_failsys(err, "cannot enter the copy's own root");
	/* cp's status 1 is "some file could not be copied": files come and go in a running
	 * context, and the second pass (kernel/layersync.h) copies what cp missed. */
	return proc_run_watch(cp, 1, c->w, err);
}

int storage_copy_layer(const char *src_dir, const char *dst_dir, unsigned flags,
		       const struct proc_watch *w, struct vx_err *err)
{
	char src[PATH_MAX], dst[PATH_MAX];
	struct stat st;

	if (xsnprintf(src, sizeof(src), "%s/%s", src_dir, IMAGE) < 0 ||
	    xsnprintf(dst, sizeof(dst), "%s/%s", dst_dir, IMAGE) < 0)
		return vx_fail(err, ENAMETOOLONG, "path too long");
	if (lstat(src, &st) == 0)
		return copy_sparse(src, dst, w, err);
	if (xsnprintf(src, sizeof(src), "%s/upper", src_dir) < 0)
		return vx_fail(err, ENAMETOOLONG, "path too long");
	if (flags & COPY_LIVE) {
		char jail[PATH_MAX];
		struct live_copy c = { .src = src_dir, .dst = dst_dir, .jail = jail, .w = w };
		int r;

		if (xsnprintf(jail, sizeof(jail), "%s.root", dst_dir) < 0)
			return vx_fail(err, ENAMETOOLONG, "path too long");
		if (mkdir(jail, 0700) < 0 && errno != EEXIST)
			return vx_failsys(err, "cannot create %s", jail);
		r = proc_call(live_copy_child, &c, NULL, 0, 0, err);
		rmdir(jail);
		return r;
	}
	{
		/* Owners, modes, times, xattrs (overlayfs' whiteouts and opaque markers are
		 * device nodes and trusted.* xattrs), hard links, holes; never a symlink followed.
		 * The context is frozen or stopped: nothing changes under the walk. */
		char *cp[] = { "cp", "-a", "--sparse=always", "--reflink=auto", src,
			       (char *)dst_dir, NULL };

		return proc_run_watch(cp, 0, w, err);
	}
}

/* --- shifting owners ------------------------------------------------------------------------- */

static uint64_t shift_from, shift_to;
static int shift_errno;

#define VFS_CAP_V3 0x03000000

static uint32_t shifted(uint32_t id)
{
	return id >= shift_from && id < shift_from + 65536 ? id - shift_from + shift_to : id;
}

/* A POSIX ACL's named users and groups move too: the xattr is a version word, then entries
 * of tag (16 bits), permissions (16) and id (32); only ACL_USER and ACL_GROUP carry an id. */
#define ACL_XATTR_VERSION 2
#define ACL_TAG_USER 0x02
#define ACL_TAG_GROUP 0x08

static int shift_acl(const char *path, const char *name)
{
	unsigned char buf[4096];
	ssize_t n = lgetxattr(path, name, buf, sizeof(buf));
	uint32_t version, id;
	uint16_t tag;
	bool changed = false;
	ssize_t off;

	if (n < 4)
		return 0;
	memcpy(&version, buf, 4);
	if (version != ACL_XATTR_VERSION || (n - 4) % 8)
		return 0;
	for (off = 4; off + 8 <= n; off += 8) {
		memcpy(&tag, buf + off, 2);
		if (tag != ACL_TAG_USER && tag != ACL_TAG_GROUP)
			continue;
		memcpy(&id, buf + off + 4, 4);
		if (shifted(id) != id) {
			id = shifted(id);
			memcpy(buf + off + 4, &id, 4);
			changed = true;
		}
	}
	if (changed && lsetxattr(path, name, buf, n, 0) < 0) {
		shift_errno = errno;
		return -1;
	}
	return 0;
}

static int shift_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	unsigned char cap[64];
	ssize_t caplen = -1;
	uid_t u = shifted(st->st_uid);
	gid_t g = shifted(st->st_gid);

	(void)flag;
	(void)ftw;
	if (!S_ISLNK(st->st_mode) && (shift_acl(path, "system.posix_acl_access") < 0 ||
				      (S_ISDIR(st->st_mode) &&
				       shift_acl(path, "system.posix_acl_default") < 0)))
		return -1;
	if (u == st->st_uid && g == st->st_gid)
		return 0;
	/* chown drops set-id bits and file capabilities: keep them, with a v3 capability's
	 * root id moved along. */
	if (S_ISREG(st->st_mode))
		caplen = lgetxattr(path, "security.capability", cap, sizeof(cap));
	if (lchown(path, u, g) < 0) {
		shift_errno = errno;
		return -1;
	}
	if (!S_ISLNK(st->st_mode) && chmod(path, st->st_mode & 07777) < 0) {
		shift_errno = errno;
		return -1;
	}
	if (caplen >= 24) {
		uint32_t magic, root;

		memcpy(&magic, cap, 4);
		if ((magic & 0xff000000) == VFS_CAP_V3) {
			memcpy(&root, cap + 20, 4);
			root = shifted(root);
			memcpy(cap + 20, &root, 4);
		}
		lsetxattr(path, "security.capability", cap, caplen, 0);
	}
	return 0;
}

static int shift_tree(const char *dir, uint64_t from, uint64_t to, struct vx_err *err)
{
	shift_from = from;
	shift_to = to;
	shift_errno = 0;
	/* FTW_PHYS: a tenant's symlink is chowned itself, never followed. */
	if (nftw(dir, shift_one, 16, FTW_PHYS | FTW_MOUNT) != 0) {
		errno = shift_errno ? shift_errno : errno;
		return vx_failsys(err, "cannot move the owners of %s to the new id range", dir);
	}
	return 0;
}

struct shift_args {
	uint64_t from, to;
};

static int shift_in(const char *mnt, const void *arg, struct vx_err *err)
{
	const struct shift_args *a = arg;

	return shift_tree(mnt, a->from, a->to, err);
}

int storage_shift(const char *dir, uint64_t from, uint64_t to, struct vx_err *err)
{
	char img[PATH_MAX], mnt[PATH_MAX], upper[PATH_MAX];
	struct shift_args a = { .from = from, .to = to };
	struct stat st;
	int r;

	if (from == to)
		return 0;
	if (xsnprintf(img, sizeof(img), "%s/%s", dir, IMAGE) < 0 ||
	    xsnprintf(mnt, sizeof(mnt), "%s/.tmp-shift", dir) < 0 ||
	    xsnprintf(upper, sizeof(upper), "%s/upper", dir) < 0)
		return vx_fail(err, ENAMETOOLONG, "path too long");
	if (lstat(img, &st) < 0)
		return shift_tree(upper, from, to, err);
	if (mkdir(mnt, 0700) < 0 && errno != EEXIST)
		return vx_failsys(err, "cannot create %s", mnt);
	r = with_image(img, mnt, shift_in, &a, err);
	rmdir(mnt);
	return r;
}
