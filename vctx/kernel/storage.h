/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * storage.h — a context's writable layer and the host space it shares.
 *
 * Without `disk`, the writable layer is PREFIX/var/lib/vctx/contexts/NAME/{upper,work}.  With
 * `disk = SIZE` it lives in a sparse ext4 image, contexts/NAME/disk.img, made at create with
 * mkfs.ext4 and attached at start through the loop ioctls (LOOP_CTL_GET_FREE, LOOP_CONFIGURE
 * with autoclear) in the supervisor's own mount namespace, mounted at contexts/NAME/disk; the
 * host sees no mount.  The image takes only the space written; a full image is ENOSPC inside
 * that context alone.  It grows offline (`vctx set NAME disk=16G`) with resize2fs.
 *
 * `bind = HOST:CTX[:ro|rw]` mounts a host directory or file inside (read-only ones idmapped
 * so that their owners read the same inside; writable ones plain, so what the tenant writes
 * is owned by its own ids); the host path is opened without following any symlink and may
 * not lie in vctx's own storage (another context's layer, a template).
 *
 * Every operation that writes a copy (snapshot, clone, restore, import) writes it under a
 * ".tmp-" name in the same directory and renames it into place last; what a killed command
 * leaves is removed by the next one that takes the context's lock.
 */
#ifndef VX_STORAGE_H
#define VX_STORAGE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/conf.h"
#include "core/err.h"

struct vx_disk {
	int loopfd;		/* the attached loop device, -1: none */
	bool mounted;
	char mnt[PATH_MAX];
};

/* The writable layer of a new context (a directory, or a fresh image of conf->disk). */
int storage_create(const char *name, const struct vx_conf *conf, struct vx_err *err);

/* In the supervisor's mount namespace: attach and mount the image (when conf->disk is set)
 * and say where upper and work are (each PATH_MAX). */
void storage_init(struct vx_disk *d);
int storage_attach(const char *name, const struct vx_conf *conf, struct vx_disk *d,
		   char *upper, char *work, struct vx_err *err);
void storage_detach(struct vx_disk *d);

/* `vctx set disk=`: the context is stopped; grow the image (never shrink), or move its
 * files onto a new image or off it.  After a move both layouts exist until storage_settle
 * removes the one the saved config does not name (disk: whether it has an image). */
int storage_resize(const char *name, const struct vx_conf *old, const struct vx_conf *new,
		   struct vx_err *err);
void storage_settle(const char *name, bool disk);

/* The same for a running context, in its supervisor: the image file grows, the loop device
 * learns its new size (LOOP_SET_CAPACITY) and ext4 grows online (EXT4_IOC_RESIZE_FS). */
int storage_grow_online(const char *name, struct vx_disk *d, uint64_t bytes, struct vx_err *err);

/* Sparse images are promises: a note (1) when those on the contexts' file system may still
 * take more than it has free. */
int storage_overcommit(char *note, size_t len);

/* The image's size in bytes (0 if the context has none), and what it takes on the host. */
uint64_t storage_image_size(const char *name, uint64_t *allocated);

/* One bind entry: the host path opened with flags (O_PATH, or O_RDONLY for a file system's
 * syncfs; no symlink followed, outside vctx's storage), the path inside, and whether it is
 * read-only. */
int storage_bind_open(const char *spec, int flags, char *ctxpath, size_t len, bool *ro,
		      struct vx_err *err);
/* All of a config's binds can be opened (create and set check them early). */
int storage_check_binds(const struct vx_conf *conf, struct vx_err *err);

/* A destroy takes the config away first, under the name this makes
 * (ETC/.destroying/NAME.conf): the context is then gone for every command.
 * storage_destroy_rest removes its storage and logs, then that file; storage_destroy_finish
 * does so when such a file is left (a killed destroy).  Call both with the context's lock
 * held.  The file is moved into a directory of its own, so that its removal at the end
 * leaves ETC, whose stamp the registry's index keeps (regindex.h), as the destroy's note
 * said it was.  storage_destroy_begin makes that directory and the name. */
int storage_destroy_mark(char *buf, size_t len, const char *name);
int storage_destroy_begin(char *buf, size_t len, const char *name, struct vx_err *err);
int storage_destroy_rest(const char *name, struct vx_err *err);
void storage_destroy_finish(const char *name);

/* Remove what killed commands left (".tmp-*") in the context's directory and its snapshots.
 * Call with the context's lock held. */
void storage_sweep(const char *name);

/* Remove the entries of dir whose names start with prefix; with SWEEP_DEAD_PID only those
 * whose prefix is followed by "PID-" of a process that is gone (what killed clones, imports
 * and exports left), with SWEEP_FILES_ONLY only regular files. */
#define SWEEP_DEAD_PID 0x1
#define SWEEP_FILES_ONLY 0x2
void storage_sweep_dir(const char *dir, const char *prefix, unsigned flags);

/* Copy a writable layer (dir: "upper" tree, or "disk.img" sparse file) from src_dir to
 * dst_dir (which exists).  Sparse-aware; owners, modes, xattrs (overlay whiteouts) kept.
 * COPY_LIVE: the context runs, and a file that vanishes or changes under the copy is no
 * error (an export's first pass: kernel/layersync.h copies whatever it missed). */
#define COPY_LIVE 0x1
struct proc_watch;
/* w (may be NULL): told the bytes copied so far, about twice a second. */
int storage_copy_layer(const char *src_dir, const char *dst_dir, unsigned flags,
		       const struct proc_watch *w, struct vx_err *err);

/* Move every file owner in the layer under dir from one id range to another (clone, import).
 * An image is mounted in a private mount namespace for it. */
int storage_shift(const char *dir, uint64_t from, uint64_t to, struct vx_err *err);

#endif
