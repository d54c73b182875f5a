// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel/unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

/*
 * libarchive is loaded when an archive is read, not linked: it brings libxml2, ICU and
 * libstdc++ along, and linked they cost every vctx command (and every supervisor) ~3 ms of
 * dynamic loading at start.  systemd loads it the same way (its libarchive-util.c).
 */
#define LIBARCHIVE "libarchive.so.13"
#define LA_SYMS(X) \
	X(archive_entry_filetype) \
	X(archive_entry_gid) \
	X(archive_entry_hardlink) \
	X(archive_entry_pathname) \
	X(archive_entry_perm) \
	X(archive_entry_rdevmajor) \
	X(archive_entry_rdevminor) \
	X(archive_entry_set_gid) \
	X(archive_entry_set_gname) \
	X(archive_entry_set_hardlink) \
	X(archive_entry_set_pathname) \
	X(archive_entry_set_perm) \
	X(archive_entry_set_uid) \
	X(archive_entry_set_uname) \
	X(archive_entry_size) \
	X(archive_entry_uid) \
	X(archive_entry_xattr_add_entry) \
	X(archive_entry_xattr_clear) \
	X(archive_entry_xattr_next) \
	X(archive_entry_xattr_reset) \
	X(archive_errno) \
	X(archive_filter_bytes) \
	X(archive_error_string) \
	X(archive_read_data) \
	X(archive_read_data_block) \
	X(archive_read_free) \
	X(archive_read_new) \
	X(archive_read_next_header) \
	X(archive_read_open_fd) \
	X(archive_read_support_filter_all) \
	X(archive_read_support_format_tar) \
	X(archive_write_close) \
	X(archive_write_data_block) \
	X(archive_write_disk_new) \
	X(archive_write_disk_set_options) \
	X(archive_write_finish_entry) \
	X(archive_write_free) \
	X(archive_write_header)

static struct {
#define LA_PTR(f) typeof(&f) f;
	LA_SYMS(LA_PTR)
} la;

static int la_load(struct vx_err *err)
{
	void *h;

	if (la.archive_read_new)
		return 0;
	h = dlopen(LIBARCHIVE, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return vx_fail(err, ENOENT, "cannot load %s (apt-get install libarchive13): %s",
			       LIBARCHIVE, dlerror());
#define LA_SYM(f)                                                                   \
	if (!(la.f = (typeof(&f))dlsym(h, #f)))                                     \
		return vx_fail(err, ENOSYS, "%s has no %s", LIBARCHIVE, #f);
	LA_SYMS(LA_SYM)
	return 0;
}

/* From here on every libarchive call goes through the loaded table. */
#define LA_CALL(f) (*la.f)
#define archive_entry_filetype LA_CALL(archive_entry_filetype)
#define archive_entry_gid LA_CALL(archive_entry_gid)
#define archive_entry_hardlink LA_CALL(archive_entry_hardlink)
#define archive_entry_pathname LA_CALL(archive_entry_pathname)
#define archive_entry_perm LA_CALL(archive_entry_perm)
#define archive_entry_rdevmajor LA_CALL(archive_entry_rdevmajor)
#define archive_entry_rdevminor LA_CALL(archive_entry_rdevminor)
#define archive_entry_set_gid LA_CALL(archive_entry_set_gid)
#define archive_entry_set_gname LA_CALL(archive_entry_set_gname)
#define archive_entry_set_hardlink LA_CALL(archive_entry_set_hardlink)
#define archive_entry_set_pathname LA_CALL(archive_entry_set_pathname)
#define archive_entry_set_perm LA_CALL(archive_entry_set_perm)
#define archive_entry_set_uid LA_CALL(archive_entry_set_uid)
#define archive_entry_set_uname LA_CALL(archive_entry_set_uname)
#define archive_entry_size LA_CALL(archive_entry_size)
#define archive_entry_uid LA_CALL(archive_entry_uid)
#define archive_entry_xattr_add_entry LA_CALL(archive_entry_xattr_add_entry)
#define archive_entry_xattr_clear LA_CALL(archive_entry_xattr_clear)
#define archive_entry_xattr_next LA_CALL(archive_entry_xattr_next)
#define archive_entry_xattr_reset LA_CALL(archive_entry_xattr_reset)
#define archive_errno LA_CALL(archive_errno)
#define archive_filter_bytes LA_CALL(archive_filter_bytes)
#define archive_error_string LA_CALL(archive_error_string)
#define archive_read_data LA_CALL(archive_read_data)
#define archive_read_data_block LA_CALL(archive_read_data_block)
#define archive_read_free LA_CALL(archive_read_free)
#define archive_read_new LA_CALL(archive_read_new)
#define archive_read_next_header LA_CALL(archive_read_next_header)
#define archive_read_open_fd LA_CALL(archive_read_open_fd)
#define archive_read_support_filter_all LA_CALL(archive_read_support_filter_all)
#define archive_read_support_format_tar LA_CALL(archive_read_support_format_tar)
#define archive_write_close LA_CALL(archive_write_close)
#define archive_write_data_block LA_CALL(archive_write_data_block)
#define archive_write_disk_new LA_CALL(archive_write_disk_new)
#define archive_write_disk_set_options LA_CALL(archive_write_disk_set_options)
#define archive_write_finish_entry LA_CALL(archive_write_finish_entry)
#define archive_write_free LA_CALL(archive_write_free)
#define archive_write_header LA_CALL(archive_write_header)

#define META_MAX 4096
#define CONF_MAX (1 << 20)
#define VFS_CAP_V3 0x03000000u

/* An entry's small text ("meta", "context.conf"), NUL-terminated; NULL when it is too big. */
static char *read_text_entry(struct archive *a, struct archive_entry *e, size_t max,
			     struct vx_err *err)
{
	int64_t size = archive_entry_size(e);
	char *buf;

	if (size < 0 || (uint64_t)size > max) {
		vx_fail(err, EFBIG, "%s is larger than %zu bytes", archive_entry_pathname(e), max);
		return NULL;
	}
	buf = malloc(size + 1);
	if (!buf) {
		vx_fail(err, ENOMEM, "out of memory");
		return NULL;
	}
	if (archive_read_data(a, buf, size) != size) {
		vx_fail(err, EIO, "%s: %s", archive_entry_pathname(e), archive_error_string(a));
		free(buf);
		return NULL;
	}
	buf[size] = '\0';
	if (strlen(buf) != (size_t)size) {
		vx_fail(err, EINVAL, "%s holds a NUL byte", archive_entry_pathname(e));
		free(buf);
		return NULL;
	}
	return buf;
}

/* A file capability's root id (v3) must lie in the part's range. */
static bool cap_ok(const void *v, size_t n, uint64_t lo)
{
	uint32_t magic, root;

	if (n < 4)
		return false;
	memcpy(&magic, v, 4);
	if ((magic & 0xff000000u) != VFS_CAP_V3)
		return true;
	if (n < 24)
		return false;
	memcpy(&root, (const char *)v + 20, 4);
	return root >= lo && root < lo + 65536;
}

/* Keep only the extended attributes the part may carry. */
static void filter_xattrs(struct archive_entry *e, enum import_part part, uint64_t lo)
{
	struct { char *name; void *value; size_t size; } keep[64];
	const char *name;
	const void *value;
	size_t size, n = 0, i;

	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK && n < 64) {
		if (!importpolicy_xattr_ok(part, name))
			continue;
		if (strcmp(name, "security.capability") == 0 &&
		    !cap_ok(value, size, part == PART_LAYER ? lo : 0))
			continue;
		keep[n].name = strdup(name);
		keep[n].value = malloc(size ? size : 1);
		if (!keep[n].name || !keep[n].value) {
			free(keep[n].name);
			free(keep[n].value);
			break;
		}
		memcpy(keep[n].value, value, size);
		keep[n].size = size;
		n++;
	}
	archive_entry_xattr_clear(e);
	for (i = 0; i < n; i++) {
		archive_entry_xattr_add_entry(e, keep[i].name, keep[i].value, keep[i].size);
		free(keep[i].name);
		free(keep[i].value);
	}
}

/* Progress: the archive's bytes read so far (before decompression), about twice a second. */
static struct {
	const struct unpack *in;
	uint64_t start, last;
} unpack_prog;

static void unpack_tick(struct archive *a, bool last)
{
	const struct unpack *in = unpack_prog.in;
	uint64_t now = now_ns();

	if (!in || !in->progress || (!last && now - unpack_prog.last < 500000000ull))
		return;
	unpack_prog.last = now;
	in->progress((uint64_t)archive_filter_bytes(a, -1), (now - unpack_prog.start) / 1e9,
		     in->progress_user);
}

static int copy_data(struct archive *a, struct archive *w, const char *path, struct vx_err *err)
{
	const void *buf;
	size_t size;
	la_int64_t off;
	int r;

	while ((r = archive_read_data_block(a, &buf, &size, &off)) == ARCHIVE_OK) {
		if (archive_write_data_block(w, buf, size, off) < 0)
			return vx_fail(err, archive_errno(w) ? archive_errno(w) : EIO, "%s: %s",
				       path, archive_error_string(w));
		unpack_tick(a, false);
	}
	if (r != ARCHIVE_EOF)
		return vx_fail(err, archive_errno(a) ? archive_errno(a) : EIO, "%s: %s", path,
			       archive_error_string(a));
	return 0;
}

/* One entry of the layer or the template, checked, written below the current directory. */
static int write_entry(struct archive *a, struct archive *w, struct archive_entry *e,
		       struct import_entry *ie, enum import_part part, uint64_t lo,
		       struct vx_err *err)
{
	archive_entry_set_pathname(e, importpolicy_path(ie->path));
	if (ie->hardlink)
		archive_entry_set_hardlink(e, importpolicy_path(ie->hardlink));
	archive_entry_set_uid(e, ie->uid);
	archive_entry_set_gid(e, ie->gid);
	archive_entry_set_uname(e, NULL);
	archive_entry_set_gname(e, NULL);
	archive_entry_set_perm(e, ie->mode & 07777);
	filter_xattrs(e, part, lo);
	if (archive_write_header(w, e) < ARCHIVE_WARN)
		return vx_fail(err, archive_errno(w) ? archive_errno(w) : EIO, "%s: %s", ie->path,
			       archive_error_string(w));
	if (archive_entry_size(e) > 0 && !ie->hardlink &&
	    copy_data(a, w, ie->path, err) < 0)
		return -1;
	if (archive_write_finish_entry(w) < ARCHIVE_WARN)
		return vx_fail(err, archive_errno(w) ? archive_errno(w) : EIO, "%s: %s", ie->path,
			       archive_error_string(w));
	return 0;
}

static int one_entry(struct unpack *in, struct archive *a, struct archive *w,
		     struct archive_entry *e, struct import_range *r, bool *have_meta,
		     struct vx_err *err)
{
	struct import_entry ie = {
		.path = archive_entry_pathname(e),
		.type = archive_entry_filetype(e),
		.major = archive_entry_rdevmajor(e),
		.minor = archive_entry_rdevminor(e),
		.uid = archive_entry_uid(e) < 0 ? 0 : (uint64_t)archive_entry_uid(e),
		.gid = archive_entry_gid(e) < 0 ? 0 : (uint64_t)archive_entry_gid(e),
		.mode = archive_entry_perm(e),
		.hardlink = archive_entry_hardlink(e),
	};
	bool fixed;
	int part;

	if (!ie.path)
		return vx_fail(err, EINVAL, "an entry without a name");
	/* A hard link's type is that of its target. */
	if (ie.hardlink && !ie.type)
		ie.type = S_IFREG;
	part = importpolicy_entry(&ie, r, &fixed, err);
	if (part < 0)
		return -1;
	if (!*have_meta && part != PART_META)
		return vx_fail(err, EINVAL, "'meta' is not the first entry: not a vctx export");
	switch (part) {
	case PART_META: {
		_cleanup_free_ char *text = read_text_entry(a, e, META_MAX, err);

		if (!text || *have_meta)
			return text ? vx_fail(err, EINVAL, "'meta' comes twice") : -1;
		*have_meta = true;
		return in->on_meta(in->user, text, r, err);
	}
	case PART_CONF:
		if (in->conf)
			return vx_fail(err, EINVAL, "'context.conf' comes twice");
		in->conf = read_text_entry(a, e, CONF_MAX, err);
		if (!in->conf)
			return -1;
		return in->on_conf ? in->on_conf(in->user, in->conf, err) : 0;
	case PART_SKIP:
		in->skipped++;
		return 0;
	}
	in->fixed += fixed;
	if (part == PART_TEMPLATE)
		in->template = true;
	return write_entry(a, w, e, &ie, part, r->lo, err);
}

int unpack_archive(struct unpack *in, struct vx_err *err)
{
	struct archive *a, *w;
	_cleanup_close_ int here = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct import_range r = { 0 };
	struct archive_entry *e;
	bool have_meta = false;
	int st = -1;

	if (la_load(err) < 0)
		return -1;
	a = archive_read_new();
	w = archive_write_disk_new();
	if (!a || !w || here < 0) {
		vx_fail(err, ENOMEM, "cannot set up libarchive");
		goto out;
	}
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	/* Owners by number, no path through a symlink or out of the directory, no file flags
	 * (an immutable file would stop a later destroy), holes kept. */
	archive_write_disk_set_options(w, ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM |
					  ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_XATTR |
					  ARCHIVE_EXTRACT_ACL | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
					  ARCHIVE_EXTRACT_SECURE_NODOTDOT |
					  ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS |
					  ARCHIVE_EXTRACT_NO_OVERWRITE | ARCHIVE_EXTRACT_SPARSE);
	unpack_prog.in = in;
	unpack_prog.start = unpack_prog.last = now_ns();
	if (archive_read_open_fd(a, in->fd, 1 << 16) != ARCHIVE_OK) {
		vx_fail(err, archive_errno(a) > 0 ? archive_errno(a) : EINVAL, "%s",
			archive_error_string(a));
		goto out;
	}
	if (chdir(in->dir) < 0) {
		vx_failsys(err, "cannot enter %s", in->dir);
		goto out;
	}
	for (;;) {
		int r2 = archive_read_next_header(a, &e);

		if (r2 == ARCHIVE_EOF)
			break;
		if (r2 < ARCHIVE_WARN) {
			vx_fail(err, archive_errno(a) > 0 ? archive_errno(a) : EINVAL, "%s",
				archive_error_string(a));
			goto out;
		}
		if (one_entry(in, a, w, e, &r, &have_meta, err) < 0)
			goto out;
		unpack_tick(a, false);
	}
	unpack_tick(a, true);
	if (!have_meta) {
		vx_fail(err, EINVAL, "no 'meta': not a vctx export");
		goto out;
	}
	st = archive_write_close(w) == ARCHIVE_OK ? 0
		: vx_fail(err, EIO, "%s", archive_error_string(w));
out:
	if (here >= 0 && fchdir(here) < 0 && st == 0)
		st = vx_failsys(err, "cannot return to the working directory");
	if (w)
		archive_write_free(w);
	if (a)
		archive_read_free(a);
	return st;
}
