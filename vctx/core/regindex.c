// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/regindex.h"

#include <dirent.h>
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

#define REGINDEX_MAGIC "vctx-registry 4\n"
#define REGINDEX_MAX (64u << 20)
/* How long before its read a config must have last changed for its entry to be kept: more
 * than a tick of the clock the file system stamps times with (a jiffy, at most 10 ms). */
#define REGINDEX_SETTLED_NS 100000000ull
/* The index is written again once more than 1 in REGINDEX_SLACK configs had to be read
 * (new, changed) or has gone: rewriting it is O(configs) (~100 KB at 1,000, a new file and
 * the old one freed), reading a config ~20 us.  At 1,000 contexts a create in a loop writes
 * it once every 16 creates instead of at each. */
#define REGINDEX_SLACK 64
/* A note appends its config's record to the index (a journal after the sorted records)
 * instead of writing it all again (~100 KB at 1,000); the next note after this many appended
 * records writes it whole. */
#define REGINDEX_JOURNAL_MAX 64
/* How long the index is trusted without a stat of every config: a config rewritten in place
 * (same inode) shows in neither the directory nor a listing of it, only in its own stat. */
#define REGINDEX_HORIZON_NS (60ull * 1000000000ull)

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

/* A record's name and values point into memory its owner keeps: the index file as read, the
 * directory's listing, a config's values as read. */
struct regindex_rec {
	const char *name;
	struct regindex_stamp k;
	const char *stamp, *stamp_end;	/* k's text in the index file while not yet read */
	struct regindex_entry e;
	unsigned seq;		/* a journal record's place in the journal */
	bool gone;		/* a journal's "-NAME LEN": the config was removed */
};

/* The index's second line: the config directory's stamp when the index was written (zero
 * when it had changed within SETTLED of that: not to be trusted), and when every config was
 * last looked at with a stat (the horizon). */
struct regindex_head {
	struct regindex_stamp dir;
	uint64_t verified;
};

/* The index file as read: which file (its inode and length), and how many records were
 * appended to it since it was written whole. */
struct regindex_file {
	uint64_t ino, size;
	unsigned journal;
};

/* A config the directory lists: its name and inode. */
struct regindex_name {
	char name[VX_NAME_MAX + 1];
	uint64_t ino;
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
	fd = openat(etc, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
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

/* A record's values are "Kvalue\n" lines in the file, "Kvalue\0" in memory. */
static bool regindex_vals_ok(char *vals, size_t len)
{
	char *p = vals, *end = vals + len, *nl;

	for (; p < end; p = nl + 1) {
		if (*p < '0' || *p >= '0' + REGINDEX_KEYS || !(nl = memchr(p, '\n', end - p)))
			return false;
		*nl = '\0';
	}
	return true;
}

/* nf decimal numbers from p to end, one space between each, nothing else: into f. */
static bool regindex_nums(const char *p, const char *end, uint64_t *const *f, unsigned nf)
{
	unsigned i;

	for (i = 0; i < nf; i++) {
		uint64_t v = 0;

		if ((i && (p >= end || *p++ != ' ')) || p >= end || *p < '0' || *p > '9')
			return false;
		for (; p < end && *p >= '0' && *p <= '9'; p++) {
			if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
				return false;
			v = v * 10 + (uint64_t)(*p - '0');
		}
		*f[i] = v;
	}
	return p == end;
}

/* "NAME INO SIZE MTIME CTIME LEN", the header line of a record (nl: its end): the name, ended
 * where it stands (the space becomes a NUL), and the length.  The stamp's four numbers are
 * read only when asked for (regindex_rec_stamp): a load whose answer is the index needs
 * none of them, and they were most of its time at 1,000 contexts. */
static bool regindex_head(char *p, const char *nl, struct regindex_rec *r, uint64_t *len)
{
	char *sp = memchr(p, ' ', nl - p), *last;

	if (!sp || sp == p || sp - p > VX_NAME_MAX || !(last = memrchr(sp, ' ', nl - sp)) ||
	    last == sp || !regindex_nums(last + 1, nl, (uint64_t *const[]){ len }, 1))
		return false;
	*sp = '\0';
	r->name = p;
	r->stamp = sp + 1;
	r->stamp_end = last;
	return true;
}

/* r's stamp, read from the index file's text when it was not yet; false when it does not
 * parse, and then it is no stamp (zero: the config is looked at again). */
static bool regindex_rec_stamp(struct regindex_rec *r)
{
	struct regindex_stamp k;
	bool ok;

	if (!r->stamp)
		return true;
	ok = regindex_nums(r->stamp, r->stamp_end,
			   (uint64_t *const[]){ &k.ino, &k.size, &k.mtime, &k.ctime }, 4);
	if (!ok)
		memset(&k, 0, sizeof(k));
	r->k = k;
	r->stamp = r->stamp_end = NULL;
	return ok;
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

/* "etc INO SIZE MTIME CTIME VERIFIED", the index's second line (nl: its end): the directory's
 * stamp laid out as a record's, and in a record's length field the time of the last full
 * look. */
static bool regindex_headline(char *p, const char *nl, struct regindex_head *h)
{
	struct regindex_rec r = { 0 };

	if (!regindex_head(p, nl, &r, &h->verified) || strcmp(r.name, "etc") != 0 ||
	    !regindex_rec_stamp(&r))
		return false;
	h->dir = r.k;
	return true;
}

/* The end of the line at p (a header: at most 256 bytes), or NULL. */
static char *regindex_eol(char *p, const char *end)
{
	return memchr(p, '\n', end - p < 256 ? end - p : 256);
}

/* One record's header and values at p (its header ends at nl): into r, moved past.  Its name
 * and values stay where they are, made strings there. */
static bool regindex_rec_at(char **p, const char *nl, const char *end, struct regindex_rec *r)
{
	uint64_t len;
	size_t used = nl - *p + 1;

	if (!regindex_head(*p, nl, r, &len) || len > (uint64_t)(end - *p - used))
		return false;
	r->e.len = len;
	r->e.vals = *p + used;
	if (!regindex_vals_ok(r->e.vals, len))
		return false;
	*p += used + len;
	return true;
}

/* Room for one more record. */
static bool regindex_grow(struct regindex_rec **v, int n, int *cap)
{
	int want = *cap ? 2 * *cap : 64;
	struct regindex_rec *nv;

	if (n < *cap)
		return true;
	if (!(nv = realloc(*v, want * sizeof(**v))))
		return false;
	*v = nv;
	*cap = want;
	return true;
}

/* Journal records in name order, the later of two with the same name first (so that the
 * merge below keeps it): their place in the journal breaks the tie. */
static int regindex_jcmp(const void *a, const void *b)
{
	const struct regindex_rec *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->seq < y->seq) - (x->seq > y->seq);
}

/* The journal's records merged into v (sorted): one pass over both, the journal's record in
 * place of the one of its name, or none where its last says the config was removed.  j is
 * sorted in place.  -1 when out of memory (v untouched). */
static int regindex_merge(struct regindex_rec **v, int n, struct regindex_rec *j, int jn)
{
	struct regindex_rec *out;
	int a = 0, b = 0, m = 0;

	if (!jn)
		return n;
	if (!(out = malloc((n + jn) * sizeof(*out))))
		return -1;
	qsort(j, jn, sizeof(*j), regindex_jcmp);
	while (a < n || b < jn) {
		int c = a == n ? 1 : b == jn ? -1 : strcmp((*v)[a].name, j[b].name);
		const char *name;

		if (c < 0) {
			out[m++] = (*v)[a++];
			continue;
		}
		name = j[b].name;
		if (c == 0)
			a++;	/* replaced, or removed */
		if (!j[b].gone)
			out[m++] = j[b];
		/* Older records of the same name follow: superseded. */
		for (b++; b < jn && strcmp(j[b].name, name) == 0; b++)
			;
	}
	free(*v);
	*v = out;
	return m;
}

/* The index file's records, in name order, and its head; -1 when there is none or it does
 * not parse.  Its journal, the records appended since it was written whole ("+" a record,
 * or "-NAME LEN" for a config removed, then "=" the directory's stamp after it), is merged
 * in; it ends at the first entry that is not whole (an append cut short): the stamp before
 * that one stands, so a load that wants what it lacks looks at the directory. */
static int regindex_read(struct regindex_rec **out, struct regindex_head *h,
			 struct regindex_file *f, char **text)
{
	_cleanup_free_ char *data = NULL;
	struct regindex_rec *v = NULL, *j = NULL;
	char path[PATH_MAX], *p, *nl;
	const char *end;
	int n = 0, cap = 0, jn = 0, jcap = 0, m;
	struct stat st;

	*out = NULL;
	memset(h, 0, sizeof(*h));
	memset(f, 0, sizeof(*f));
	if (regindex_path(path, sizeof(path)) < 0 ||
	    !(data = read_text_stat(path, REGINDEX_MAX, &st, NULL)))
		return -1;
	if (strncmp(data, REGINDEX_MAGIC, strlen(REGINDEX_MAGIC)) != 0)
		goto bad;
	p = data + strlen(REGINDEX_MAGIC);
	end = data + st.st_size;
	if (!(nl = regindex_eol(p, end)) || !regindex_headline(p, nl, h))
		goto bad;
	p = nl + 1;
	while (p < end && *p != '+' && *p != '-' && *p != '=') {
		struct regindex_rec r = { 0 };

		if (!(nl = regindex_eol(p, end)) || !regindex_rec_at(&p, nl, end, &r) ||
		    (n && strcmp(v[n - 1].name, r.name) >= 0) || !regindex_grow(&v, n, &cap))
			goto bad;
		v[n++] = r;
	}
	while (p < end) {
		struct regindex_rec r = { .seq = jn };
		struct regindex_head jh;

		if (!(nl = regindex_eol(p, end)))
			break;
		if (*p == '=') {
			if (!regindex_headline(p + 1, nl, &jh))
				break;
			*h = jh;
			p = nl + 1;
			continue;
		}
		if (*p == '-') {
			/* "-NAME LEN": removed.  LEN, the name's length, tells one whole line
			 * from two run together after an append cut short. */
			char *sp = memchr(p + 1, ' ', nl - p - 1);
			uint64_t len;

			if (!sp || sp == p + 1 || sp - p - 1 > VX_NAME_MAX ||
			    !regindex_nums(sp + 1, nl, (uint64_t *const[]){ &len }, 1) ||
			    len != (uint64_t)(sp - p - 1))
				break;
			*sp = '\0';
			r.name = p + 1;
			r.gone = true;
			p = nl + 1;
		} else {
			p++;
			if (!regindex_rec_at(&p, nl, end, &r))
				break;
		}
		if (!regindex_grow(&j, jn, &jcap))
			goto bad;
		j[jn++] = r;
	}
	f->ino = st.st_ino;
	f->size = st.st_size;
	f->journal = jn;
	if ((m = regindex_merge(&v, n, j, jn)) < 0)
		goto bad;
	free(j);
	*out = v;
	*text = data;
	data = NULL;
	return m;
bad:
	free(j);
	free(v);
	memset(h, 0, sizeof(*h));
	memset(f, 0, sizeof(*f));
	return -1;
}

/* "NAME INO SIZE MTIME CTIME LEN\n" and the values as "Kvalue\n" lines, at p; the end. */
static char *regindex_put_rec(char *p, const struct regindex_rec *r)
{
	size_t i;

	p = stpcpy(p, r->name);
	*p++ = ' ';
	p = regindex_u64(p, r->k.ino);
	p = regindex_u64(p, r->k.size);
	p = regindex_u64(p, r->k.mtime);
	p = regindex_u64(p, r->k.ctime);
	p = regindex_u64(p, r->e.len);
	p[-1] = '\n';
	/* "Kvalue\0" records in memory, "Kvalue\n" lines in the file. */
	memcpy(p, r->e.vals, r->e.len);
	for (i = 0; i < r->e.len; i++)
		if (!p[i])
			p[i] = '\n';
	return p + r->e.len;
}

/* "etc INO SIZE MTIME CTIME VERIFIED\n" at p; the end. */
static char *regindex_put_head(char *p, const struct regindex_head *hd)
{
	p = stpcpy(p, "etc ");
	p = regindex_u64(p, hd->dir.ino);
	p = regindex_u64(p, hd->dir.size);
	p = regindex_u64(p, hd->dir.mtime);
	p = regindex_u64(p, hd->dir.ctime);
	p = regindex_u64(p, hd->verified);
	p[-1] = '\n';
	return p;
}

static int regindex_write(const struct regindex_head *hd, struct regindex_rec *v, int n)
{
	/* By hand into one buffer sized first: stdio was a tenth of a create's time at 1,000. */
	size_t len = strlen(REGINDEX_MAGIC) + 6 * 22;
	char path[PATH_MAX], *buf, *p;
	int j, r;

	for (j = 0; j < n; j++)
		len += VX_NAME_MAX + 6 * 22 + v[j].e.len;
	if (regindex_path(path, sizeof(path)) < 0 || !(buf = malloc(len)))
		return -1;
	p = stpcpy(buf, REGINDEX_MAGIC);
	p = regindex_put_head(p, hd);
	for (j = 0; j < n; j++) {
		regindex_rec_stamp(&v[j]);
		p = regindex_put_rec(p, &v[j]);
	}
	/* Best effort: it is a copy. */
	r = access(vx_paths.run, F_OK) == 0 ? write_volatile(path, buf, p - buf, 0600, NULL) : -1;
	free(buf);
	return r;
}

/* r (or, for a config removed, its name) and the directory's stamp after it, appended to the
 * index file f (the one this process read, unchanged since: same inode, same length) in one
 * write. */
static int regindex_append(const struct regindex_file *f, const struct regindex_head *hd,
			   const struct regindex_rec *r)
{
	char path[PATH_MAX], *buf, *p;
	_cleanup_close_ int fd = -1;
	struct stat st;
	int ret = -1;

	if (regindex_path(path, sizeof(path)) < 0 ||
	    !(buf = malloc(3 + VX_NAME_MAX + 12 * 22 + r->e.len)))
		return -1;
	p = buf;
	if (r->gone) {
		p += sprintf(p, "-%s %zu\n", r->name, strlen(r->name));
	} else {
		*p++ = '+';
		p = regindex_put_rec(p, r);
	}
	*p++ = '=';
	p = regindex_put_head(p, hd);
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd >= 0 && fstat(fd, &st) == 0 && (uint64_t)st.st_ino == f->ino &&
	    (uint64_t)st.st_size == f->size && write_full(fd, buf, p - buf) == 0)
		ret = 0;
	free(buf);
	return ret;
}

static int regindex_cmp(const void *a, const void *b)
{
	return strcmp(((const struct regindex_rec *)a)->name, ((const struct regindex_rec *)b)->name);
}

/* --- load ------------------------------------------------------------------------------------ */

/* What this process's last load saw: every config as the directory stood at stamp dir, the
 * names and values in the caller's set (alive until regindex_set_free clears this); the index
 * file's head as it was left, and which file that is while this load did not write it
 * (ino 0: written, or none); trusted when that file was the answer (the directory was as it
 * says).  regindex_note goes on from it. */
static struct {
	struct regindex_rec *v;
	int n;
	struct regindex_stamp dir;
	struct regindex_head disk;
	struct regindex_file file;
	bool trusted;
} regindex_mem;

static void regindex_mem_set(struct regindex_rec *v, int n, const struct regindex_stamp *dir,
			     const struct regindex_head *disk, const struct regindex_file *file,
			     bool trusted)
{
	free(regindex_mem.v);	/* the values are the caller's */
	regindex_mem.v = v;
	regindex_mem.n = n;
	regindex_mem.dir = *dir;
	regindex_mem.disk = *disk;
	regindex_mem.file = *file;
	regindex_mem.trusted = trusted;
}

static void regindex_mem_clear(void)
{
	regindex_mem_set(NULL, 0, &(struct regindex_stamp){ 0 }, &(struct regindex_head){ 0 },
			 &(struct regindex_file){ 0 }, false);
}

static int regindex_name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct regindex_name *)a)->name, ((const struct regindex_name *)b)->name);
}

/* The configs the directory lists (etc, read from its start), in name order: a getdents of
 * names and inodes, no stat. */
static int regindex_list(int etc, struct regindex_name **out, struct vx_err *err)
{
	struct regindex_name *v = NULL;
	int n = 0, cap = 0, fd = dup(etc);
	struct dirent *de;
	DIR *d;

	*out = NULL;
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return vx_failsys(err, "cannot read %s", vx_paths.etc);
	}
	rewinddir(d);
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		struct regindex_name *nv;

		if (l < 6 || l - 5 > VX_NAME_MAX || strcmp(de->d_name + l - 5, ".conf") != 0 ||
		    (de->d_type != DT_REG && de->d_type != DT_UNKNOWN))
			continue;
		if (n == cap) {
			nv = realloc(v, (cap = cap ? 2 * cap : 256) * sizeof(*v));
			if (!nv) {
				free(v);
				closedir(d);
				return vx_fail(err, ENOMEM, "out of memory");
			}
			v = nv;
		}
		memcpy(v[n].name, de->d_name, l - 5);
		v[n].name[l - 5] = '\0';
		v[n].ino = de->d_ino;
		if (parse_name(v[n].name, "context", NULL) == 0)
			n++;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), regindex_name_cmp);
	*out = v;
	return n;
}

static bool regindex_settled(const struct regindex_stamp *k, uint64_t now)
{
	return k->mtime + REGINDEX_SETTLED_NS < now && k->ctime + REGINDEX_SETTLED_NS < now;
}

/* Room for n names and values in s, and for n values of its own. */
static int regindex_set_alloc(struct regindex_set *s, int n, bool own, struct vx_err *err)
{
	s->names = calloc(n ? n : 1, sizeof(*s->names));
	s->e = calloc(n ? n : 1, sizeof(*s->e));
	s->own = own ? calloc(n ? n : 1, sizeof(*s->own)) : NULL;
	if (!s->names || !s->e || (own && !s->own))
		return vx_fail(err, ENOMEM, "out of memory");
	return 0;
}

void regindex_set_free(struct regindex_set *s)
{
	int i;

	/* What this process's last load saw points into s. */
	regindex_mem_clear();
	for (i = 0; s->own && i < s->n; i++)
		free(s->own[i]);
	free(s->own);
	free(s->names);
	free(s->e);
	free(s->data);
	free(s->list);
	memset(s, 0, sizeof(*s));
}

int regindex_load(struct regindex_set *s, struct vx_err *err)
{
	struct regindex_rec *old = NULL, *keep = NULL;
	struct regindex_name *list = NULL;
	struct regindex_head head, now_head = { 0 };
	struct regindex_file idx;
	struct regindex_stamp dir;
	_cleanup_close_ int etc = -1;
	struct timespec now_ts;
	uint64_t now;
	int nold, n, nkeep = 0, nfresh = 0, named = 0, i;
	bool full, changed;
	struct stat st;

	memset(s, 0, sizeof(*s));
	regindex_mem_clear();
	/* The time before any stat: what changed since may not be kept (see SETTLED). */
	clock_gettime(CLOCK_REALTIME_COARSE, &now_ts);
	now = now_ts.tv_sec * 1000000000ull + now_ts.tv_nsec;
	etc = open(vx_paths.etc, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (etc < 0 || fstat(etc, &st) < 0)
		return errno == ENOENT ? 0 : vx_failsys(err, "cannot read %s", vx_paths.etc);
	dir = regindex_stamp_of(&st);
	/* The records' names and values stay in the file's text, which s keeps. */
	nold = regindex_read(&old, &head, &idx, &s->data);
	/* A stat of every config once the index is older than the horizon (or has none)... */
	full = nold < 0 || !head.verified || now < head.verified ||
	       now - head.verified > REGINDEX_HORIZON_NS;
	/* ...else, while no config was added, removed or replaced since it was written, the
	 * index is the answer: no listing, no stat. */
	if (!full && head.dir.ino && memcmp(&head.dir, &dir, sizeof(dir)) == 0) {
		if (regindex_set_alloc(s, nold, false, err) < 0)
			goto fail;
		for (i = 0; i < nold; i++) {
			s->names[i] = old[i].name;
			s->e[i] = old[i].e;
		}
		s->n = nold;
		regindex_mem_set(old, nold, &dir, &head, &idx, true);
		return nold;
	}
	if (nold < 0)
		nold = 0;
	n = regindex_list(etc, &list, err);
	if (n < 0)
		goto fail;
	s->list = list;
	keep = calloc(n ? n : 1, sizeof(*keep));
	if (!keep) {
		vx_fail(err, ENOMEM, "out of memory");
		goto fail;
	}
	if (regindex_set_alloc(s, n, true, err) < 0)
		goto fail;
	s->n = n;
	for (i = 0; i < n; i++) {
		struct regindex_rec want = { .name = list[i].name }, *hit;
		char file[VX_NAME_MAX + 8];
		bool fresh = true, same;

		s->names[i] = list[i].name;
		hit = nold ? bsearch(&want, old, nold, sizeof(*old), regindex_cmp) : NULL;
		if (hit) {
			named++;
			regindex_rec_stamp(hit);
		}
		if (full) {
			/* Every config's stat: a change in place shows only here. */
			snprintf(file, sizeof(file), "%s.conf", list[i].name);
			if (fstatat(etc, file, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
				continue;
			want.k = regindex_stamp_of(&st);
			same = hit && memcmp(&hit->k, &want.k, sizeof(want.k)) == 0;
		} else {
			/* A config replaced (as editors, sed -i and vctx write one) has a new inode. */
			same = hit && hit->k.ino == list[i].ino;
			if (same)
				want.k = hit->k;
		}
		if (same) {
			s->e[i] = hit->e;	/* in the file's text */
			fresh = false;
		} else if (regindex_read_conf(etc, list[i].name, &want.k, &s->e[i]) < 0) {
			continue;
		} else {
			s->own[i] = s->e[i].vals;
		}
		/* Its stamp is kept only when it had settled before it was looked at; else its
		 * inode alone stands for it (a stat of every config reads it again).  Every
		 * config has a record: the index may be the whole answer. */
		if (!regindex_settled(&want.k, now))
			want.k.size = want.k.mtime = want.k.ctime = 0;
		want.e = s->e[i];
		keep[nkeep++] = want;
		nfresh += fresh;
	}
	/* Written again when enough of it is missing or stale (see SLACK), after a stat of every
	 * config, or when it can say the directory is as it was (once that has settled). */
	if (regindex_settled(&dir, now))
		now_head.dir = dir;
	now_head.verified = full ? now : head.verified;
	changed = full || (nfresh + (nold - named)) * REGINDEX_SLACK > n ||
		  memcmp(&now_head.dir, &head.dir, sizeof(dir)) != 0;
	if (changed && regindex_write(&now_head, keep, nkeep) == 0) {
		head = now_head;
		memset(&idx, 0, sizeof(idx));
	}
	free(old);
	regindex_mem_set(keep, nkeep, &dir, &head, &idx, false);
	return n;
fail:
	free(old);
	free(keep);
	regindex_set_free(s);
	return -1;
}

/* The index file's head alone. */
static int regindex_read_head(struct regindex_head *h)
{
	char path[PATH_MAX], buf[256], *nl;
	_cleanup_close_ int fd = -1;
	ssize_t n;
	size_t m = strlen(REGINDEX_MAGIC);

	if (regindex_path(path, sizeof(path)) < 0 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)) < 0 ||
	    (n = read(fd, buf, sizeof(buf) - 1)) < (ssize_t)m)
		return -1;
	buf[n] = '\0';
	if (strncmp(buf, REGINDEX_MAGIC, m) != 0 || !(nl = strchr(buf + m, '\n')) ||
	    !regindex_headline(buf + m, nl, h))
		return -1;
	return 0;
}

/* The index file is still the one this process's load left: the same inode and length when
 * it read that file, else (it wrote one) the same head. */
static bool regindex_unchanged(void)
{
	const struct regindex_file *f = &regindex_mem.file;
	struct regindex_head disk;
	char path[PATH_MAX];
	struct stat st;

	if (!f->ino)
		return regindex_read_head(&disk) == 0 &&
		       memcmp(&disk, &regindex_mem.disk, sizeof(disk)) == 0;
	return regindex_path(path, sizeof(path)) == 0 && lstat(path, &st) == 0 &&
	       (uint64_t)st.st_ino == f->ino && (uint64_t)st.st_size == f->size;
}

void regindex_note(const char *name)
{
	struct regindex_rec *v = NULL, want = { 0 };
	struct regindex_head head;
	_cleanup_close_ int etc = -1;
	int n = regindex_mem.n, at, same, k;
	bool gone;
	struct stat st;

	/* Only on top of what this process loaded, and only while the index file is still the
	 * one it left (another command's rewrite replaces it): else the next load looks at the
	 * directory. */
	if (!regindex_mem.dir.ino || strlen(name) > VX_NAME_MAX || !regindex_unchanged() ||
	    (etc = open(vx_paths.etc, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0 || fstat(etc, &st) < 0)
		goto out;
	want.name = name;
	/* A config that is gone has no record. */
	gone = regindex_read_conf(etc, name, &want.k, &want.e) < 0;
	/* Its inode stands for it (a listing compares that); no stat can until it settles. */
	want.k.size = want.k.mtime = want.k.ctime = 0;
	head.dir = regindex_stamp_of(&st);
	head.verified = regindex_mem.disk.verified;
	/* Where the index was the load's answer, the record (or that the config is gone) and the
	 * new stamp are appended: a few hundred bytes, not the whole index again. */
	want.gone = gone;
	if (regindex_mem.trusted && regindex_mem.file.journal < REGINDEX_JOURNAL_MAX &&
	    regindex_append(&regindex_mem.file, &head, &want) == 0)
		goto done;
	if (!(v = calloc(n + 1, sizeof(*v))))
		goto done;
	for (at = 0; at < n && strcmp(regindex_mem.v[at].name, name) < 0; at++)
		;
	same = at < n && strcmp(regindex_mem.v[at].name, name) == 0;
	memcpy(v, regindex_mem.v, at * sizeof(*v));
	k = at;
	if (!gone)
		v[k++] = want;
	memcpy(v + k, regindex_mem.v + at + same, (n - at - same) * sizeof(*v));
	k += n - at - same;
	regindex_write(&head, v, k);
done:
	/* Once: what was loaded is no longer the file's. */
	regindex_mem_clear();
	free(want.e.vals);
out:
	free(v);
}

int regindex_values(const char *name, const char *text, struct regindex_entry *e)
{
	return regindex_extract(name, text, e);
}

void regindex_drop(void)
{
	char path[PATH_MAX];

	if (regindex_path(path, sizeof(path)) == 0)
		unlink(path);
}

