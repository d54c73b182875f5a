// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel/layersync.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "kernel/proc.h"

/* nftw has no user pointer: one sync at a time per process. */
static struct {
	const char *src, *dst;
	size_t srclen, dstlen;
	struct timespec since;
	FILE *list;
	unsigned long changed;
	int err;
	char at[PATH_MAX];	/* where it failed */
} ls;

/* Stop the walk: what failed, where. */
static int layersync_stop(int code, const char *path)
{
	ls.err = code ? code : EIO;
	snprintf(ls.at, sizeof(ls.at), "%s", path);
	return 1;
}

static bool layersync_newer(const struct stat *st)
{
	return st->st_ctim.tv_sec > ls.since.tv_sec ||
	       (st->st_ctim.tv_sec == ls.since.tv_sec && st->st_ctim.tv_nsec >= ls.since.tv_nsec);
}

/* The copy's entries the layer no longer has, or has as another type, go (children first). */
static int layersync_prune(const char *path, const struct stat *st, int type, struct FTW *f)
{
	char src[PATH_MAX];
	struct stat s;

	(void)type;
	if (f->level == 0)
		return 0;
	if (xsnprintf(src, sizeof(src), "%s%s", ls.src, path + ls.dstlen) < 0)
		return layersync_stop(ENAMETOOLONG, path);
	if (lstat(src, &s) == 0 && (s.st_mode & S_IFMT) == (st->st_mode & S_IFMT))
		return 0;
	if (S_ISDIR(st->st_mode) ? rm_rf(path, NULL) < 0 : unlink(path) < 0)
		return layersync_stop(errno, path);
	return 0;
}

/* What changed since the first copy is listed (NUL-separated, relative); a changed file's
 * stale copy is removed so that its new one (or a hard link) takes its place. */
static int layersync_collect(const char *path, const struct stat *st, int type, struct FTW *f)
{
	char dst[PATH_MAX];
	struct stat d;
	bool missing;

	(void)type;
	if (f->level == 0)
		return 0;
	if (xsnprintf(dst, sizeof(dst), "%s%s", ls.dst, path + ls.srclen) < 0)
		return layersync_stop(ENAMETOOLONG, path);
	missing = lstat(dst, &d) < 0;
	/* Unchanged since the first pass began, and copied whole by it. */
	if (!missing && !layersync_newer(st) && (S_ISDIR(st->st_mode) ||
	    (d.st_size == st->st_size && d.st_mtim.tv_sec == st->st_mtim.tv_sec &&
	     d.st_mtim.tv_nsec == st->st_mtim.tv_nsec)))
		return 0;
	if (!missing && !S_ISDIR(st->st_mode) && unlink(dst) < 0)
		return layersync_stop(errno, dst);
	fprintf(ls.list, "%s%c", path + ls.srclen + 1, '\0');
	ls.changed++;
	return 0;
}

static int layersync_tree(const char *src, const char *dst, const char *scratch,
			  struct vx_err *err)
{
	char list[PATH_MAX], delta[PATH_MAX];
	int r;

	ls.src = src;
	ls.dst = dst;
	ls.srclen = strlen(src);
	ls.dstlen = strlen(dst);
	ls.changed = 0;
	ls.err = 0;
	ls.at[0] = '\0';
	if (xsnprintf(list, sizeof(list), "%s/sync.list", scratch) < 0 ||
	    xsnprintf(delta, sizeof(delta), "%s/sync.tar", scratch) < 0)
		return vx_fail(err, ENAMETOOLONG, "path too long");
	if (nftw(dst, layersync_prune, 64, FTW_PHYS | FTW_DEPTH | FTW_MOUNT) != 0)
		return vx_fail(err, ls.err ? ls.err : EIO, "cannot bring the copy of %s up to date: "
			       "%s: %s", src, ls.at[0] ? ls.at : dst,
			       strerror(ls.err ? ls.err : errno));
	ls.list = fopen(list, "we");
	if (!ls.list)
		return vx_failsys(err, "cannot create %s", list);
	r = nftw(src, layersync_collect, 64, FTW_PHYS | FTW_MOUNT);
	if (fclose(ls.list) != 0 && r == 0)
		r = layersync_stop(errno, list);
	if (r != 0)
		return vx_fail(err, ls.err ? ls.err : EIO, "cannot bring the copy of %s up to date: "
			       "%s: %s", src, ls.at[0] ? ls.at : src,
			       strerror(ls.err ? ls.err : errno));
	if (!ls.changed)
		return 0;
	{
		/* tar keeps what cp -a keeps, and hard links among what it carries. */
		/* -C before --files-from: tar applies it to the names that follow it. */
		char *out[] = { "tar", "--create", "--file", delta, "--numeric-owner", "--xattrs",
				"--xattrs-include=*", "--sparse", "-C", (char *)src, "--null",
				"--no-recursion", "--files-from", list, NULL };
		char *in[] = { "tar", "--extract", "--file", delta, "--numeric-owner",
			       "--same-permissions", "--same-owner", "--xattrs",
			       "--xattrs-include=*", "--overwrite-dir", "-C", (char *)dst, NULL };

		r = proc_run(out, 0, err) < 0 || proc_run(in, 0, err) < 0 ? -1 : 0;
	}
	unlink(delta);
	unlink(list);
	return r;
}

/* Blocks of the image that differ are written; its holes are punched in the copy. */
static int layersync_image(const char *src, const char *dst, struct vx_err *err)
{
	_cleanup_close_ int in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_close_ int out = open(dst, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	static char a[1 << 20], b[1 << 20];
	struct stat st;
	off_t off = 0;

	if (in < 0 || out < 0 || fstat(in, &st) < 0)
		return vx_failsys(err, "cannot open %s", in < 0 ? src : dst);
	if (ftruncate(out, st.st_size) < 0)
		return vx_failsys(err, "cannot size %s", dst);
	while (off < st.st_size) {
		off_t data = lseek(in, off, SEEK_DATA), hole;

		if (data < 0 && errno == ENXIO)
			data = st.st_size;
		else if (data < 0)
			return vx_failsys(err, "cannot read %s", src);
		if (data > off && fallocate(out, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off,
					    data - off) < 0)
			return vx_failsys(err, "cannot write %s", dst);
		if (data >= st.st_size)
			break;
		hole = lseek(in, data, SEEK_HOLE);
		if (hole < 0)
			return vx_failsys(err, "cannot read %s", src);
		for (off = data; off < hole;) {
			size_t want = hole - off < (off_t)sizeof(a) ? (size_t)(hole - off) : sizeof(a);
			ssize_t n = pread(in, a, want, off), m;

			if (n <= 0)
				return vx_failsys(err, "cannot read %s", src);
			m = pread(out, b, n, off);
			if ((m != n || memcmp(a, b, n) != 0) && pwrite(out, a, n, off) != n)
				return vx_failsys(err, "cannot write %s", dst);
			off += n;
		}
	}
	if (fsync(out) < 0)
		return vx_failsys(err, "cannot write %s", dst);
	return 0;
}

int layersync_layer(const char *src_dir, const char *dst_dir, const struct timespec *since,
		    const char *scratch, struct vx_err *err)
{
	char src[PATH_MAX], dst[PATH_MAX];

	ls.since = *since;
	if (xsnprintf(src, sizeof(src), "%s/disk.img", src_dir) < 0 ||
	    xsnprintf(dst, sizeof(dst), "%s/disk.img", dst_dir) < 0)
		return vx_fail(err, ENAMETOOLONG, "path too long");
	if (access(src, F_OK) == 0)
		return layersync_image(src, dst, err);
	if (xsnprintf(src, sizeof(src), "%s/upper", src_dir) < 0 ||
	    xsnprintf(dst, sizeof(dst), "%s/upper", dst_dir) < 0)
		return vx_fail(err, ENAMETOOLONG, "path too long");
	return layersync_tree(src, dst, scratch, err);
}
