// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/regindex.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/ini.h"
#include "core/parse.h"
#include "core/paths.h"
#include "core/util.h"

#define REGINDEX_MAGIC "vctx-registry 2\n"
#define REGINDEX_MAX (64u << 20)
/* How long before its read a config must have last changed for its entry to be kept: more
 * than a tick of the clock the file system stamps times with (a jiffy, at most 10 ms). */
#define REGINDEX_SETTLED_NS 100000000ull
/* The index is written again once more than 1 in REGINDEX_SLACK configs had to be read
 * (new, changed) or has gone: rewriting it is O(configs) (~100 KB at 1,000, a new file and
 * the old one freed), reading a config ~20 us.  At 1,000 contexts a create in a loop writes
 * it once every 16 creates instead of at each. */
#define REGINDEX_SLACK 64

/* The keys the index keeps: the digit of a record is the row. */
static const struct {
	const char *section, *key;
} regindex_keys[REGINDEX_KEYS] = {
	[REGINDEX_ID_BASE] = { "context", "id-base" },
	[REGINDEX_TEMPLATE] = { "context", "template" },
	[REGINDEX_ADDRESS] = { "network", "address" },
};

struct regindex_stamp {
	uint64_t ino, size, mtime, ctime;	/* times in ns */
};

struct regindex_rec {
	char name[VX_NAME_MAX + 1];
	struct regindex_stamp k;
	struct regindex_entry e;
};

int regindex_key(const char *section, const char *key)
{
	int i;

	for (i = 0; i < REGINDEX_KEYS; i++)
		if (strcmp(regindex_keys[i].section, section) == 0 &&
		    strcmp(regindex_keys[i].key, key) == 0)
			return i;
	return -1;
}

static struct regindex_stamp regindex_stamp_of(const struct stat *st)
{
	struct regindex_stamp k = {
		.ino = st->st_ino, .size = (uint64_t)st->st_size,
		.mtime = st->st_mtim.tv_sec * 1000000000ull + st->st_mtim.tv_nsec,
		.ctime = st->st_ctim.tv_sec * 1000000000ull + st->st_ctim.tv_nsec,
	};

	return k;
}

static int regindex_path(char *buf, size_t len)
{
	return xsnprintf(buf, len, "%s/.registry", vx_paths.run);
}

/* --- a config's values ----------------------------------------------------------------------- */

static int regindex_line(const struct ini_line *l, void *user, struct vx_err *err)
{
	FILE *f = user;
	int k;

	(void)err;
	if (l->type == INI_KEY && (k = regindex_key(l->section, l->key)) >= 0) {
		fputc('0' + k, f);
		fputs(l->value, f);
		fputc('\0', f);
	}
	return 0;
}

/* The indexed values of one config's text.  A syntax error stops the scan there: what came
 * before counts (a config that does not parse still holds its id range and addresses). */
static int regindex_extract(const char *name, const char *text, struct regindex_entry *e)
{
	FILE *f;

	e->vals = NULL;
	e->len = 0;
	if (!(f = open_memstream(&e->vals, &e->len)))
		return -1;
	ini_scan(name, text, regindex_line, f, NULL);
	if (fclose(f) != 0) {
		free(e->vals);
		e->vals = NULL;
		e->len = 0;
		return -1;
	}
	return 0;
}

/* A config read through one descriptor: its values and the stamp of what was read. */
static int regindex_read_conf(int etc, const char *name, struct regindex_stamp *k,
			      struct regindex_entry *e)
{
	char file[VX_NAME_MAX + 8];
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *text = NULL;
	struct stat st;
	ssize_t got;

	snprintf(file, sizeof(file), "%s.conf", name);
	fd = openat(etc, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (1 << 20) ||
	    !(text = malloc(st.st_size + 1)) || (got = read_full(fd, text, st.st_size)) < 0)
		return -1;
	/* A NUL byte ends the text there: the config's own parse refuses such a file, and what
	 * came before still holds its id range and addresses, as before a syntax error. */
	text[got] = '\0';
	*k = regindex_stamp_of(&st);
	return regindex_extract(name, text, e);
}

/* --- the file -------------------------------------------------------------------------------- */

static void regindex_recs_free(struct regindex_rec *v, int n)
{
	while (n > 0)
		free(v[--n].e.vals);
	free(v);
}

/* A record's values are "Kvalue\n" lines in the file, "Kvalue\0" in memory. */
static bool regindex_vals_ok(char *vals, size_t len)
{
	size_t i, start = 0;

	for (i = 0; i < len; i++) {
		if (vals[i] != '\n')
			continue;
		if (vals[start] < '0' || vals[start] >= '0' + REGINDEX_KEYS)
			return false;
		vals[i] = '\0';
		start = i + 1;
	}
	return start == len;
}

/* "NAME INO SIZE MTIME CTIME LEN", the header line of a record (nl: its end), every field
 * there and nothing more.  By hand: sscanf was a tenth of a create's time at 1,000. */
static bool regindex_head(const char *p, const char *nl, struct regindex_rec *r, uint64_t *len)
{
	uint64_t *f[] = { &r->k.ino, &r->k.size, &r->k.mtime, &r->k.ctime, len };
	const char *sp = memchr(p, ' ', nl - p);
	unsigned i;

	if (!sp || sp == p || sp - p > VX_NAME_MAX)
		return false;
	memcpy(r->name, p, sp - p);
	r->name[sp - p] = '\0';
	p = sp;
	for (i = 0; i < ARRAY_SIZE(f); i++) {
		uint64_t v = 0;

		if (p >= nl || *p++ != ' ' || p >= nl || *p < '0' || *p > '9')
			return false;
		for (; p < nl && *p >= '0' && *p <= '9'; p++) {
			if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
				return false;
			v = v * 10 + (uint64_t)(*p - '0');
		}
		*f[i] = v;
	}
	return p == nl;
}

/* v in decimal at p, then a space; the end. */
static char *regindex_u64(char *p, uint64_t v)
{
	char d[24];
	int n = 0;

	do
		d[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (n)
		*p++ = d[--n];
	*p++ = ' ';
	return p;
}

/* The index file's records, in name order; 0 when there is none or it does not parse. */
static int regindex_read(struct regindex_rec **out)
{
	char path[PATH_MAX];
	_cleanup_free_ char *data = NULL;
	struct regindex_rec *v = NULL;
	const char *p, *end;
	int n = 0, cap = 0;

	*out = NULL;
	if (regindex_path(path, sizeof(path)) < 0 || !(data = read_text(path, REGINDEX_MAX, NULL)))
		return 0;
	if (strncmp(data, REGINDEX_MAGIC, strlen(REGINDEX_MAGIC)) != 0)
		return 0;
	p = data + strlen(REGINDEX_MAGIC);
	end = data + strlen(data);
	while (p < end) {
		struct regindex_rec r = { 0 };
		const char *nl = memchr(p, '\n', end - p < 256 ? end - p : 256);
		uint64_t len;
		size_t used;

		if (!nl || !regindex_head(p, nl, &r, &len) ||
		    (used = nl - p + 1, len > (uint64_t)(end - p - used)) ||
		    (n && strcmp(v[n - 1].name, r.name) >= 0))
			goto bad;
		if (n == cap) {
			struct regindex_rec *nv = realloc(v, (cap = cap ? 2 * cap : 256) * sizeof(*v));

			if (!nv)
				goto bad;
			v = nv;
		}
		r.e.len = len;
		if (!(r.e.vals = malloc(len + 1)))
			goto bad;
		memcpy(r.e.vals, p + used, len);
		r.e.vals[len] = '\0';
		v[n++] = r;
		if (!regindex_vals_ok(r.e.vals, len))
			goto bad;
		p += used + len;
	}
	*out = v;
	return n;
bad:
	regindex_recs_free(v, n);
	return 0;
}

static void regindex_write(const struct regindex_rec *v, int n)
{
	char path[PATH_MAX], *buf = NULL;
	size_t len = 0, i;
	FILE *f;
	int j;

	if (regindex_path(path, sizeof(path)) < 0 || !(f = open_memstream(&buf, &len)))
		return;
	fputs(REGINDEX_MAGIC, f);
	for (j = 0; j < n; j++) {
		char head[VX_NAME_MAX + 5 * 22], *h = head;

		h = stpcpy(h, v[j].name);
		*h++ = ' ';
		h = regindex_u64(h, v[j].k.ino);
		h = regindex_u64(h, v[j].k.size);
		h = regindex_u64(h, v[j].k.mtime);
		h = regindex_u64(h, v[j].k.ctime);
		h = regindex_u64(h, v[j].e.len);
		h[-1] = '\n';
		fwrite(head, 1, h - head, f);
		for (i = 0; i < v[j].e.len; i += strlen(v[j].e.vals + i) + 1) {
			fputs(v[j].e.vals + i, f);
			fputc('\n', f);
		}
	}
	if (fclose(f) == 0 && access(vx_paths.run, F_OK) == 0)
		write_volatile(path, buf, len, 0600, NULL);	/* best effort: it is a copy */
	free(buf);
}

static int regindex_cmp(const void *a, const void *b)
{
	return strcmp(((const struct regindex_rec *)a)->name, ((const struct regindex_rec *)b)->name);
}

/* --- load ------------------------------------------------------------------------------------ */

int regindex_load(char *const *names, int n, struct regindex_entry **out, struct vx_err *err)
{
	struct regindex_rec *old = NULL, *keep;
	struct regindex_entry *e;
	_cleanup_close_ int etc = -1;
	struct timespec now_ts;
	uint64_t now;
	int nold, nkeep = 0, nfresh = 0, named = 0, i;
	bool changed;

	/* The time before any stat: a config changed since may not be kept (see SETTLED). */
	clock_gettime(CLOCK_REALTIME_COARSE, &now_ts);
	now = now_ts.tv_sec * 1000000000ull + now_ts.tv_nsec;
	e = calloc(n ? n : 1, sizeof(*e));
	keep = calloc(n ? n : 1, sizeof(*keep));
	if (!e || !keep) {
		free(e);
		free(keep);
		return vx_fail(err, ENOMEM, "out of memory");
	}
	nold = regindex_read(&old);
	etc = open(vx_paths.etc, O_PATH | O_DIRECTORY | O_CLOEXEC);
	for (i = 0; i < n; i++) {
		struct regindex_rec want = { 0 }, *hit;
		char file[VX_NAME_MAX + 8];
		bool fresh = true;
		struct stat st;

		snprintf(want.name, sizeof(want.name), "%s", names[i]);
		snprintf(file, sizeof(file), "%s.conf", names[i]);
		if (etc < 0 || fstatat(etc, file, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		want.k = regindex_stamp_of(&st);
		hit = nold ? bsearch(&want, old, nold, sizeof(*old), regindex_cmp) : NULL;
		if (hit)
			named++;
		if (hit && memcmp(&hit->k, &want.k, sizeof(want.k)) == 0) {
			e[i] = hit->e;	/* moved: old's record gives it up */
			hit->e.vals = NULL;
			fresh = false;
		} else if (regindex_read_conf(etc, names[i], &want.k, &e[i]) < 0) {
			continue;
		}
		/* Kept only when it had settled before it was looked at. */
		if (want.k.mtime + REGINDEX_SETTLED_NS < now && want.k.ctime + REGINDEX_SETTLED_NS < now) {
			want.e = e[i];
			keep[nkeep++] = want;
			nfresh += fresh;
		}
	}
	/* Written again when enough of it is missing or stale (see SLACK); entries of configs
	 * that went away are never used meanwhile (only names asked for are looked up). */
	changed = (nfresh + (nold - named)) * REGINDEX_SLACK > n;
	if (changed)
		regindex_write(keep, nkeep);
	regindex_recs_free(old, nold);
	free(keep);	/* its values are the caller's */
	*out = e;
	return 0;
}

void regindex_free(struct regindex_entry *e, int n)
{
	while (n > 0)
		free(e[--n].vals);
	free(e);
}
