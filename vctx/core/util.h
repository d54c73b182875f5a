/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util.h — small helpers every file uses: cleanup attributes, file I/O, strings. */
#ifndef VX_UTIL_H
#define VX_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "core/err.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void freep(void *p)
{
	free(*(void **)p);
}
static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
#define _cleanup_free_ __attribute__((cleanup(freep)))
#define _cleanup_close_ __attribute__((cleanup(closep)))
#define _cleanup_fclose_ __attribute__((cleanup(fclosep)))

/* Hand an fd out of a cleanup variable. */
static inline int take_fd(int *fd)
{
	int r = *fd;

	*fd = -1;
	return r;
}

/* snprintf that reports truncation as an error: returns 0 or -1 (ENAMETOOLONG). */
int xsnprintf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Whole-buffer I/O that retries on EINTR and short counts. */
ssize_t read_full(int fd, void *buf, size_t len);
int write_full(int fd, const void *buf, size_t len);

/* Read a small file (at most len-1 bytes) into buf, NUL-terminated; trailing newline kept. */
ssize_t read_file_at(int dirfd, const char *path, char *buf, size_t len);
/* Read a whole regular file of at most 'max' bytes into a new NUL-terminated string; symlinks
 * are not followed. */
char *read_text(const char *path, size_t max, struct vx_err *err);
/* read_text, and the file's stat as read through the same descriptor (st_size: the bytes
 * read). */
char *read_text_stat(const char *path, size_t max, struct stat *st, struct vx_err *err);
/* Copy a small text file (a config) atomically, mode 0600. */
int copy_text(const char *from, const char *to, struct vx_err *err);
/* Write a string to an existing file (sysfs, procfs, cgroupfs). */
int write_file_at(int dirfd, const char *path, const char *s);

/* Write 'data' to path atomically: temporary file in the same directory, fsync, rename.
 * With 'noreplace' an existing path is an error (EEXIST) and is left alone. */
int write_atomic(const char *path, const char *data, size_t len, mode_t mode, bool noreplace,
		 struct vx_err *err);
/* The same without fsync, for what lives in the run directory (gone at a reboot anyway):
 * atomic against a crash of the process, not of the machine. */
int write_volatile(const char *path, const char *data, size_t len, mode_t mode,
		   struct vx_err *err);

/* memset(p, 0, n), but a page that already reads all zero is not written: static storage
 * never touched stays without memory (the supervisor's state, one copy per context). */
void zero_fill(void *p, size_t n);

/* mkdir -p with the given mode for each component that is created. */
int mkdir_p(const char *path, mode_t mode);

/* Remove a tree without following symlinks or crossing mount points.  ENOENT is success. */
int rm_rf(const char *path, struct vx_err *err);

/* Monotonic and wall clocks. */
/* qsort comparator for an array of strings. */
int strcmp_ptr(const void *a, const void *b);

uint64_t now_ns(void);
uint64_t now_realtime(void);

/* Strip leading and trailing white space in place. */
char *strstrip(char *s);

/* Human-readable durations and sizes ("3m12s", "128M"). */
void fmt_duration(char *buf, size_t len, uint64_t seconds);
void fmt_size(char *buf, size_t len, uint64_t bytes);
void fmt_size_exact(char *buf, size_t len, uint64_t bytes);

/* Copy a file to stdout, through esc unless it is NULL; with follow, go on printing what is
 * appended (and what a new file of the same name holds after a rotation), waiting on
 * inotify, until interrupted. */
struct escape_stream;
int follow_file(const char *path, bool follow, struct escape_stream *esc, struct vx_err *err);

/* A JSON string: quoted, with quotes, backslashes and control characters escaped. */

/* Start time of a process in clock ticks since boot (field 22 of /proc/PID/stat); 0 if
 * the process does not exist or is a zombie.  Used with the pid to tell a process from a
 * reused pid. */
uint64_t proc_start_time(pid_t pid);

#endif
