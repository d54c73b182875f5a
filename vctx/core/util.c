// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "core/escape.h"

int xsnprintf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

ssize_t read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, (char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

int write_full(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, (const char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		done += n;
	}
	return 0;
}

ssize_t read_file_at(int dirfd, const char *path, char *buf, size_t len)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read_full(fd, buf, len - 1);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

char *read_text(const char *path, size_t max, struct vx_err *err)
{
	return read_text_stat(path, max, NULL, err);
}

char *read_text_stat(const char *path, size_t max, struct stat *stp, struct vx_err *err)
{
	/* O_NONBLOCK: a FIFO in a file's place (a tenant's /etc/hosts) opens at once and is
	 * refused below, where an open(2) would wait for a writer that never comes. */
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	char *text;
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) < 0) {
		vx_failsys(err, "cannot read %s", path);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
		vx_fail(err, EINVAL, "%s: not a regular file of at most %zu bytes", path, max);
		return NULL;
	}
	text = malloc(st.st_size + 1);
	if (!text) {
		vx_fail(err, ENOMEM, "out of memory");
		return NULL;
	}
	n = read_full(fd, text, st.st_size);
	if (n < 0) {
		vx_failsys(err, "cannot read %s", path);
		free(text);
		return NULL;
	}
	text[n] = '\0';
	/* A text file with a NUL byte would be read as cut short there: say where it is. */
	if (strlen(text) != (size_t)n) {
		const char *p;
		unsigned line = 1;

		for (p = text; *p; p++)
			line += *p == '\n';
		vx_fail(err, EINVAL, "%s:%u: a NUL byte", path, line);
		free(text);
		return NULL;
	}
	if (stp) {
		*stp = st;
		stp->st_size = n;	/* what was read, should the file have changed meanwhile */
	}
	return text;
}

int write_file_at(int dirfd, const char *path, const char *s)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	size_t len = strlen(s);
	ssize_t n;

	if (fd < 0)
		return -1;
	/* One write(2): kernel interface files act on each write separately. */
	n = write(fd, s, len);
	if (n < 0)
		return -1;
	if ((size_t)n != len) {
		errno = EIO;
		return -1;
	}
	return 0;
}

static int replace_file(const char *path, const char *data, size_t len, mode_t mode,
			bool noreplace, bool sync, struct vx_err *err)
{
	char tmp[4096];
	_cleanup_close_ int fd = -1;

	if (xsnprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) < 0)
		return vx_failsys(err, "%s", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return vx_failsys(err, "cannot create %s", tmp);
	if (write_full(fd, data, len) < 0 || (sync && fsync(fd) < 0)) {
		vx_failsys(err, "cannot write %s", tmp);
		unlink(tmp);
		return -1;
	}
	if (noreplace) {
		/* link(2) fails with EEXIST instead of replacing: nobody's file is clobbered. */
		if (link(tmp, path) < 0) {
			vx_failsys(err, "cannot create %s", path);
			unlink(tmp);
			return -1;
		}
		unlink(tmp);
		return 0;
	}
	if (rename(tmp, path) < 0) {
		vx_failsys(err, "cannot replace %s", path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

int write_atomic(const char *path, const char *data, size_t len, mode_t mode, bool noreplace,
		 struct vx_err *err)
{
	return replace_file(path, data, len, mode, noreplace, true, err);
}

int write_volatile(const char *path, const char *data, size_t len, mode_t mode,
		   struct vx_err *err)
{
	return replace_file(path, data, len, mode, false, false, err);
}

/* Whether len bytes at c are all zero: eight at a time where they are aligned (a start
 * looks at ~100 KiB of the supervisor's state this way; byte by byte that was ~35 us). */
static bool zero_fill_zero(const unsigned char *c, size_t len)
{
	typedef uint64_t __attribute__((may_alias)) word;
	const word *w;

	for (; len && ((uintptr_t)c & 7); len--)
		if (*c++)
			return false;
	for (w = (const word *)c; len >= 8; len -= 8)
		if (*w++)
			return false;
	for (c = (const unsigned char *)w; len; len--)
		if (*c++)
			return false;
	return true;
}

void zero_fill(void *p, size_t n)
{
	unsigned char *c = p, *end = c + n;

	while (c < end) {
		/* To the next page boundary, or the end. */
		unsigned char *next = (unsigned char *)(((uintptr_t)c | 4095) + 1);
		size_t len = (size_t)((next < end ? next : end) - c);

		if (!zero_fill_zero(c, len))
			memset(c, 0, len);
		c += len;
	}
}

int mkdir_p(const char *path, mode_t mode)
{
	char buf[4096];
	char *p;

	if (xsnprintf(buf, sizeof(buf), "%s", path) < 0)
		return -1;
	/* Mostly it is there already: one call, not one per component (every command makes
	 * sure of five such directories). */
	if (mkdir(buf, mode) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -1;
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		return rmdir(path) < 0 && errno != ENOENT ? -1 : 0;
	if (type == FTW_DNR) {
		/* A directory we could not read (mode 000): open it up and retry once. */
		if (chmod(path, 0700) == 0 && nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS |
						   FTW_MOUNT) == 0)
			return 0;
		return -1;
	}
	return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

int rm_rf(const char *path, struct vx_err *err)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return vx_failsys(err, "cannot remove %s", path);
	}
	/* FTW_PHYS: never follow a symlink a tenant left behind; FTW_MOUNT: never descend
	 * into something mounted below. */
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0)
		return vx_failsys(err, "cannot remove %s", path);
	return 0;
}

int strcmp_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

uint64_t now_realtime(void)
{
	return (uint64_t)time(NULL);
}

char *strstrip(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' ||
			   end[-1] == '\r'))
		*--end = '\0';
	return s;
}

void fmt_duration(char *buf, size_t len, uint64_t s)
{
	if (s < 60)
		snprintf(buf, len, "%us", (unsigned)s);
	else if (s < 3600)
		snprintf(buf, len, "%um%02us", (unsigned)(s / 60), (unsigned)(s % 60));
	else if (s < 86400)
		snprintf(buf, len, "%uh%02um", (unsigned)(s / 3600), (unsigned)(s / 60 % 60));
	else
		snprintf(buf, len, "%ud%02uh", (unsigned)(s / 86400), (unsigned)(s / 3600 % 24));
}

void fmt_size(char *buf, size_t len, uint64_t b)
{
	static const char units[] = "KMGTPE";
	double v = b;
	int i = -1;

	while (v >= 1024 && i < 5) {
		v /= 1024;
		i++;
	}
	if (i < 0)
		snprintf(buf, len, "%uB", (unsigned)b);
	else
		snprintf(buf, len, v < 10 ? "%.1f%c" : "%.0f%c", v, units[i]);
}

/* Exactly, in the largest unit that divides it: 4194304 is "4M", 1536 is "1536". */
void fmt_size_exact(char *buf, size_t len, uint64_t b)
{
	static const char units[] = "KMGTPE";
	int i = -1;

	while (b && b % 1024 == 0 && i < 5) {
		b /= 1024;
		i++;
	}
	if (i < 0)
		snprintf(buf, len, "%llu", (unsigned long long)b);
	else
		snprintf(buf, len, "%llu%c", (unsigned long long)b, units[i]);
}

uint64_t proc_start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	int field;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_file_at(AT_FDCWD, path, buf, sizeof(buf)) < 0)
		return 0;
	/* comm may hold spaces and parentheses: fields start after the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	p++;
	/* A zombie (Z) or a dying process (X) is gone, even while its entry lingers (a host
	 * without an init that reaps at once keeps zombies for a while). */
	if (p[0] == ' ' && (p[1] == 'Z' || p[1] == 'X'))
		return 0;
	for (field = 3; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, " %llu", &start) != 1)
		return 0;
	return start;
}

static int copy_out(int fd, struct escape_stream *esc)
{
	char buf[8192];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (esc ? escape_write(esc, 1, buf, n, false) < 0 : write_full(1, buf, n) < 0)
			return -1;
	return 0;
}

int follow_file(const char *path, bool follow, struct escape_stream *esc, struct vx_err *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), in = -1;
	char dir[PATH_MAX], *slash;
	struct stat a, b;

	if (fd < 0 && (!follow || errno != ENOENT))
		return errno == ENOENT ? 0 : vx_failsys(err, "cannot read %s", path);
	if (fd >= 0 && copy_out(fd, esc) < 0)
		return vx_failsys(err, "write");
	if (!follow)
		return esc && escape_write(esc, 1, "", 0, true) < 0 ? vx_failsys(err, "write") : 0;
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	in = inotify_init1(IN_CLOEXEC);
	if (in < 0 || inotify_add_watch(in, dir, IN_MODIFY | IN_CREATE | IN_MOVED_TO) < 0)
		return vx_failsys(err, "cannot watch %s", dir);
	for (;;) {
		char ev[4096];

		if (read(in, ev, sizeof(ev)) < 0 && errno != EINTR)
			return vx_failsys(err, "inotify");
		/* Rotated: what is left of the old file, then the new one. */
		if (fd < 0 || (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino != b.st_ino)) {
			if (fd >= 0) {
				copy_out(fd, esc);
				close(fd);
			}
			fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		}
		if (fd >= 0 && copy_out(fd, esc) < 0)
			return vx_failsys(err, "write");
	}
}

int copy_text(const char *from, const char *to, struct vx_err *err)
{
	_cleanup_free_ char *text = read_text(from, 1 << 20, err);

	return text ? write_atomic(to, text, strlen(text), 0600, false, err) : -1;
}
