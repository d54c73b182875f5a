// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/regcache.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/parse.h"
#include "core/paths.h"
#include "core/util.h"

#define REGCACHE_MAGIC "vctx-registry 1\n"
#define REGCACHE_MAX (64u << 20)

struct regcache_key {
	uint64_t ino, size, mtime, ctime;	/* times in ns */
};

struct regcache_entry {
	char name[VX_NAME_MAX + 1];
	struct regcache_key k;
	char *text;
};

static struct regcache_key regcache_key_of(const struct stat *st)
{
	struct regcache_key k = {
		.ino = st->st_ino, .size = (uint64_t)st->st_size,
		.mtime = st->st_mtim.tv_sec * 1000000000ull + st->st_mtim.tv_nsec,
		.ctime = st->st_ctim.tv_sec * 1000000000ull + st->st_ctim.tv_nsec,
	};

	return k;
}

static int regcache_path(char *buf, size_t len)
{
	return xsnprintf(buf, len, "%s/.registry", vx_paths.run);
}

/* The cache file's entries, in name order; 0 when there is none or it does not parse. */
static int regcache_read(struct regcache_entry **out)
{
	char path[PATH_MAX];
	_cleanup_free_ char *data = NULL;
	struct regcache_entry *v = NULL;
	const char *p, *end;
	int n = 0;

	*out = NULL;
	if (regcache_path(path, sizeof(path)) < 0 || !(data = read_text(path, REGCACHE_MAX, NULL)))
		return 0;
	if (strncmp(data, REGCACHE_MAGIC, strlen(REGCACHE_MAGIC)) != 0)
		return 0;
	p = data + strlen(REGCACHE_MAGIC);
	end = data + strlen(data);
	while (p < end) {
		struct regcache_entry e = { 0 }, *nv;
		const char *nl = memchr(p, '\n', end - p < 256 ? end - p : 256);
		char head[256];
		uint64_t len;
		int used = 0;

		/* sscanf on a copy of the header line: on the whole buffer glibc would measure
		 * all of it at every record. */
		if (!nl)
			goto bad;
		memcpy(head, p, nl - p);
		head[nl - p] = '\0';
		_Static_assert(VX_NAME_MAX == 32, "the %32s below");
		if (sscanf(head, "%32s %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 "%n",
			   e.name, &e.k.ino, &e.k.size, &e.k.mtime, &e.k.ctime, &len, &used) != 6 ||
		    head[used] || (used = nl - p + 1, len >= (uint64_t)(end - p - used)) ||
		    p[used + len] != '\n' ||
		    (n && strcmp(v[n - 1].name, e.name) >= 0))
			goto bad;
		e.text = strndup(p + used, len);
		nv = e.text ? realloc(v, (n + 1) * sizeof(*v)) : NULL;
		if (!nv) {
			free(e.text);
			goto bad;
		}
		v = nv;
		v[n++] = e;
		p += used + len + 1;
	}
	*out = v;
	return n;
bad:
	while (n > 0)
		free(v[--n].text);
	free(v);
	return 0;
}

static void regcache_write(const struct regcache_entry *v, int n)
{
	char path[PATH_MAX], *buf = NULL;
	size_t len = 0;
	FILE *f;
	int i;

	if (regcache_path(path, sizeof(path)) < 0 || !(f = open_memstream(&buf, &len)))
		return;
	fputs(REGCACHE_MAGIC, f);
	for (i = 0; i < n; i++)
		fprintf(f, "%s %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %zu\n%s\n", v[i].name,
			v[i].k.ino, v[i].k.size, v[i].k.mtime, v[i].k.ctime, strlen(v[i].text),
			v[i].text);
	if (fclose(f) == 0 && access(vx_paths.run, F_OK) == 0)
		write_volatile(path, buf, len, 0600, NULL);	/* best effort: it is a cache */
	free(buf);
}

static int regcache_cmp(const void *a, const void *b)
{
	return strcmp(((const struct regcache_entry *)a)->name,
		      ((const struct regcache_entry *)b)->name);
}

int regcache_texts(char *const *names, int n, char ***texts, struct vx_err *err)
{
	struct regcache_entry *old = NULL, *keep;
	_cleanup_close_ int etc = -1;
	int nold, nkeep = 0, i;
	bool changed;
	uint64_t now = (uint64_t)time(NULL) * 1000000000ull;

	*texts = calloc(n ? n : 1, sizeof(char *));
	keep = calloc(n ? n : 1, sizeof(*keep));
	if (!*texts || !keep) {
		free(*texts);
		free(keep);
		return vx_fail(err, ENOMEM, "out of memory");
	}
	nold = regcache_read(&old);
	etc = open(vx_paths.etc, O_PATH | O_DIRECTORY | O_CLOEXEC);
	for (i = 0; i < n; i++) {
		struct regcache_entry want = { 0 }, *hit;
		char file[VX_NAME_MAX + 8], path[PATH_MAX];
		struct stat st;

		snprintf(want.name, sizeof(want.name), "%s", names[i]);
		snprintf(file, sizeof(file), "%s.conf", names[i]);
		if (etc < 0 || fstatat(etc, file, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		want.k = regcache_key_of(&st);
		hit = nold ? bsearch(&want, old, nold, sizeof(*old), regcache_cmp) : NULL;
		if (hit && memcmp(&hit->k, &want.k, sizeof(want.k)) == 0) {
			(*texts)[i] = hit->text;	/* moved: old's entry gives it up */
			hit->text = NULL;
		} else if (path_conf(path, sizeof(path), names[i]) == 0) {
			(*texts)[i] = read_text(path, 1 << 20, NULL);
		}
		/* Cached only once older than the clock's granularity, and only what was read. */
		if ((*texts)[i] && want.k.mtime + 2000000000ull < now && want.k.ctime + 2000000000ull < now) {
			want.text = (*texts)[i];
			keep[nkeep++] = want;
		}
	}
	changed = nkeep != nold;
	for (i = 0; i < nkeep && !changed; i++)
		changed = strcmp(keep[i].name, old[i].name) != 0 ||
			  memcmp(&keep[i].k, &old[i].k, sizeof(keep[i].k)) != 0;
	if (changed)
		regcache_write(keep, nkeep);
	for (i = 0; i < nold; i++)
		free(old[i].text);
	free(old);
	free(keep);	/* its texts are the caller's */
	return 0;
}

void regcache_free(char **texts, int n)
{
	while (n > 0)
		free(texts[--n]);
	free(texts);
}
