// SPDX-License-Identifier: GPL-2.0-or-later
/* The registry's index of config values: the answer while the configs' directory is as it
 * was; else used for a config whose inode is the same (or, at a stat of every config, whose
 * stat matches), never after it was replaced; ignored when damaged.  A private prefix; no
 * root. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/paths.h"
#include "core/regindex.h"
#include "core/registry.h"
#include "core/util.h"
#include "unit.h"

static char prefix[] = "/tmp/vctx-regindex.XXXXXX";

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A private prefix of its own for a test, made and set as vctx's. */
static void fresh_prefix(void)
{
	struct vx_err err;

	strcpy(prefix, "/tmp/vctx-regindex.XXXXXX");
	assert_non_null(mkdtemp(prefix));
	assert_int_equal(paths_init(prefix, &err), 0);
	assert_int_equal(paths_mkdirs(&err), 0);
}

/* TEXT added at the end of the index file. */
static void append_index(const char *text)
{
	char cache[PATH_MAX + 64];
	FILE *f;

	snprintf(cache, sizeof(cache), "%s/.registry", vx_paths.run);
	f = fopen(cache, "a");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The index file's head: the directory's stamp (zero: not to be trusted) and when every
 * config was last looked at (0: never, so the next load stats them all). */
static char head[256];

static void head_set(bool dir_now, uint64_t verified)
{
	struct stat st;

	assert_int_equal(stat(vx_paths.etc, &st), 0);
	if (dir_now)
		snprintf(head, sizeof(head),
			 "vctx-registry 4\netc %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
			 " %" PRIu64 "\n",
			 (uint64_t)st.st_ino, (uint64_t)st.st_size,
			 (uint64_t)(st.st_mtim.tv_sec * 1000000000ull + st.st_mtim.tv_nsec),
			 (uint64_t)(st.st_ctim.tv_sec * 1000000000ull + st.st_ctim.tv_nsec),
			 verified);
	else
		snprintf(head, sizeof(head), "vctx-registry 4\netc 0 0 0 0 %" PRIu64 "\n",
			 verified);
}

static uint64_t now_ns_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* An index holding VALS ("Kvalue\n" records) for NAME, keyed by the config file's stat as
 * it is now, under the head last set (none set: a full look next). */
static void forge(const char *name, const char *vals)
{
	char conf[PATH_MAX + 64], cache[PATH_MAX + 64], buf[8192];
	struct stat st;

	snprintf(conf, sizeof(conf), "%s/%s.conf", vx_paths.etc, name);
	snprintf(cache, sizeof(cache), "%s/.registry", vx_paths.run);
	assert_int_equal(stat(conf, &st), 0);
	snprintf(buf, sizeof(buf), "%s%s %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %zu\n%s",
		 head[0] ? head : "vctx-registry 4\netc 0 0 0 0 0\n", name, (uint64_t)st.st_ino,
		 (uint64_t)st.st_size,
		 (uint64_t)(st.st_mtim.tv_sec * 1000000000ull + st.st_mtim.tv_nsec),
		 (uint64_t)(st.st_ctim.tv_sec * 1000000000ull + st.st_ctim.tv_nsec), strlen(vals),
		 vals);
	put(cache, buf);
}

/* The config's indexed values as "Kvalue\n" records; NULL when it has none to give. */
static char *text_of(const char *name)
{
	struct regindex_set s;
	struct regindex_entry *e;
	struct vx_err err;
	char *t = NULL;
	int n, i;
	size_t k;

	n = regindex_load(&s, &err);
	assert_true(n >= 0);
	e = s.e;
	for (i = 0; i < n; i++) {
		if (strcmp(s.names[i], name) != 0 || !e[i].vals)
			continue;
		t = calloc(1, e[i].len + 1);
		assert_non_null(t);
		for (k = 0; k < e[i].len; k++)
			t[k] = e[i].vals[k] ? e[i].vals[k] : '\n';
	}
	regindex_set_free(&s);
	return t;
}

/* The config's indexed values are WANT. */
static void expect(const char *name, const char *want)
{
	char *t = text_of(name);

	assert_non_null(t);
	assert_string_equal(t, want);
	free(t);
}

/* Wait until the config has settled: its ctime (which no call can set back) more than the
 * index's 100 ms behind the clock the index reads. */
static void settle(const char *path)
{
	struct timespec now, pause = { 0, 10000000 };
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	for (;;) {
		clock_gettime(CLOCK_REALTIME_COARSE, &now);
		if ((now.tv_sec - st.st_ctim.tv_sec) * 1000000000ll + now.tv_nsec -
			    st.st_ctim.tv_nsec >
		    150000000ll)
			break;
		nanosleep(&pause, NULL);
	}
}

/* The index file has a record of NAME. */
static bool indexed(const char *name)
{
	char cache[PATH_MAX + 64], want[64];
	struct vx_err err;
	char *text;
	bool r;

	snprintf(cache, sizeof(cache), "%s/.registry", vx_paths.run);
	snprintf(want, sizeof(want), "\n%s ", name);
	text = read_text(cache, 1 << 20, &err);
	r = text && strstr(text, want);
	free(text);
	return r;
}

static void age_index(uint64_t verified);

/* The index's record of NAME carries the file's stat (not its inode alone). */
static bool stamped(const char *name)
{
	char cache[PATH_MAX + 64], want[64];
	unsigned long long ino, size = 0;
	struct vx_err err;
	char *text, *p;

	snprintf(cache, sizeof(cache), "%s/.registry", vx_paths.run);
	snprintf(want, sizeof(want), "\n%s ", name);
	text = read_text(cache, 1 << 20, &err);
	p = text ? strstr(text, want) : NULL;
	if (p)
		sscanf(p + strlen(want), "%llu %llu", &ino, &size);
	free(text);
	return size != 0;
}

static void cache(void **state)
{
	char conf[PATH_MAX + 64], cache[PATH_MAX + 64], tmp[PATH_MAX + 64];
	struct vx_err err;

	(void)state;
	fresh_prefix();
	snprintf(conf, sizeof(conf), "%s/a.conf", vx_paths.etc);
	snprintf(cache, sizeof(cache), "%s/.registry", vx_paths.run);
	put(conf, "[context]\ntemplate = t\nid-base = 65536\nmemory = 1G\n"
		  "[network]\naddress = 10.0.0.1/32\naddress = 2001:db8::1/128\n");

	/* Only the indexed keys, in the config's order. */
	expect("a", "1t\n065536\n210.0.0.1/32\n22001:db8::1/128\n");
	/* A file changed within the clock's granularity is kept by its inode alone... */
	assert_true(indexed("a"));
	assert_false(stamped("a"));
	/* ...and with its stat once it has settled, at the next stat of every config. */
	settle(conf);
	age_index(1);
	free(text_of("a"));
	assert_true(stamped("a"));

	/* An entry whose key matches is used (here forged values, to see it is). */
	put(conf, "[network]\naddress = 10.0.0.1/32\n");
	settle(conf);
	forge("a", "210.9.9.9/32\n");
	expect("a", "210.9.9.9/32\n");

	/* Once the file changes (same size), its stat does not match: the file is read. */
	forge("a", "210.9.9.9/32\n");
	put(conf, "[network]\naddress = 10.0.0.2/32\n");
	expect("a", "210.0.0.2/32\n");

	/* A damaged index is no index: a length past the end, a record of no key. */
	settle(conf);
	forge("a", "210.9.9.9/32\n");
	put(cache, "vctx-registry 4\netc 0 0 0 0 0\na 1 2 3 4 999999\n2short\n");
	expect("a", "210.0.0.2/32\n");
	forge("a", "910.9.9.9/32\n");
	expect("a", "210.0.0.2/32\n");
	put(cache, "something else\n");
	expect("a", "210.0.0.2/32\n");

	/* A syntax error ends a config's values there: what came before counts.  (Written as
	 * editors do, into a new file put in its place.) */
	snprintf(tmp, sizeof(tmp), "%s/.a.tmp", vx_paths.etc);
	put(tmp, "[context]\nid-base = 131072\n[network\naddress = 10.0.0.3/32\n");
	assert_int_equal(rename(tmp, conf), 0);
	expect("a", "0131072\n");

	/* A config that went away has no values. */
	unlink(conf);
	assert_null(text_of("a"));
	assert_int_equal(rm_rf(prefix, &err), 0);
}

/* NAME's config (at CONF), settled and looked at, then rewritten in place with TEXT. */
static void rewrite_in_place(const char *conf, const char *name, const char *text)
{
	settle(conf);
	settle(vx_paths.etc);
	free(text_of(name));
	put(conf, text);
}

/* The index file with its head's last full look set to VERIFIED, the rest as it is. */
static void age_index(uint64_t verified)
{
	char cache[PATH_MAX + 64], *text, *line2, *rest, buf[1 << 16];
	uint64_t ino, size, mt, ct, old;
	struct vx_err err;

	snprintf(cache, sizeof(cache), "%s/.registry", vx_paths.run);
	text = read_text(cache, 1 << 20, &err);
	assert_non_null(text);
	line2 = strchr(text, '\n') + 1;
	rest = strchr(line2, '\n') + 1;
	assert_int_equal(sscanf(line2,
				"etc %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64,
				&ino, &size, &mt, &ct, &old),
			 5);
	snprintf(buf, sizeof(buf),
		 "vctx-registry 4\netc %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
		 "\n%s",
		 ino, size, mt, ct, verified, rest);
	put(cache, buf);
	free(text);
}

static int count(const char *name, const char *value, void *user)
{
	(void)name;
	(void)value;
	(*(int *)user)++;
	return 0;
}

static void trust(void **state)
{
	int k = 0;
	char conf[PATH_MAX + 64], tmp[PATH_MAX + 64], cache[PATH_MAX + 64], *idx;
	char dir[64];
	struct vx_err err;
	struct stat st;

	(void)state;
	fresh_prefix();
	snprintf(conf, sizeof(conf), "%s/a.conf", vx_paths.etc);
	snprintf(tmp, sizeof(tmp), "%s/.a.tmp", vx_paths.etc);
	snprintf(cache, sizeof(cache), "%s/.registry", vx_paths.run);
	put(conf, "[network]\naddress = 10.0.0.1/32\n");
	settle(conf);
	settle(vx_paths.etc);
	free(text_of("a"));

	/* While the directory is as it was, the index is the answer: forged values show that
	 * no config was read. */
	head_set(true, now_ns_real());
	forge("a", "210.9.9.9/32\n");
	expect("a", "210.9.9.9/32\n");
	/* Control: the directory does not stand as it did, so the config itself is listed. */
	head_set(false, now_ns_real());
	forge("a", "210.9.9.9/32\n");
	put(tmp, "[network]\naddress = 10.0.0.2/32\n");
	assert_int_equal(rename(tmp, conf), 0);
	/* A config replaced (as editors, sed -i and vctx write one) has a new inode: seen. */
	expect("a", "210.0.0.2/32\n");

	/* Rewritten in place it keeps its inode: the index answers for it until its horizon... */
	rewrite_in_place(conf, "a", "[network]\naddress = 10.0.0.3/32\n");
	expect("a", "210.0.0.2/32\n");
	/* ...after which every config is looked at with a stat again. */
	age_index(now_ns_real() - 61000000000ull);
	expect("a", "210.0.0.3/32\n");

	/* A config this process wrote after its load is noted: the index holds it and the
	 * directory's new stamp, so the next load lists nothing. */
	registry_hold(); /* as create does: the values stay lent out until the note */
	assert_int_equal(registry_scan("network", "address", count, &k, &err), 0);
	snprintf(conf, sizeof(conf), "%s/b.conf", vx_paths.etc);
	put(conf, "[network]\naddress = 10.0.0.4/32\n");
	regindex_note("b");
	registry_release();
	idx = read_text(cache, 1 << 20, &err);
	assert_non_null(idx);
	assert_non_null(strstr(idx, "\n210.0.0.4/32\n"));
	assert_int_equal(stat(vx_paths.etc, &st), 0);
	snprintf(dir, sizeof(dir), "\netc %" PRIu64 " ", (uint64_t)st.st_ino);
	assert_non_null(strstr(idx, dir));
	free(idx);
	expect("b", "210.0.0.4/32\n");

	/* A context that starts from a config rewritten in place: the index that holds other
	 * values for it is dropped, so the next look is at every config. */
	rewrite_in_place(conf, "b", "[network]\naddress = 10.0.0.5/32\n");
	expect("b", "210.0.0.4/32\n"); /* within the minute */
	registry_hold();
	registry_own("b", "[network]\naddress = 10.0.0.5/32\n");
	registry_release();
	expect("b", "210.0.0.5/32\n");
	/* Control: a start from the config as indexed keeps the index. */
	settle(conf);
	free(text_of("b"));
	registry_hold();
	registry_own("b", "[network]\naddress = 10.0.0.5/32\n");
	registry_release();
	assert_true(indexed("b"));
	assert_int_equal(rm_rf(prefix, &err), 0);
}

/* The index file's inode, and how many records were appended to it ("+" and "-" lines). */
static unsigned journal_of(uint64_t *ino)
{
	char cache[PATH_MAX + 64], *text, *p;
	struct vx_err err;
	struct stat st;
	unsigned n = 0;

	snprintf(cache, sizeof(cache), "%s/.registry", vx_paths.run);
	assert_int_equal(stat(cache, &st), 0);
	*ino = st.st_ino;
	text = read_text(cache, 1 << 20, &err);
	assert_non_null(text);
	for (p = text; (p = strchr(p, '\n')); p++)
		n += p[1] == '+' || p[1] == '-';
	free(text);
	return n;
}

/* Create's steps for config NAME: a load under the hold, the config written, the note. */
static void create_noted(const char *name, const char *text)
{
	char conf[PATH_MAX + 64];
	struct vx_err err;
	int k = 0;

	registry_hold();
	assert_int_equal(registry_scan("network", "address", count, &k, &err), 0);
	snprintf(conf, sizeof(conf), "%s/%s.conf", vx_paths.etc, name);
	put(conf, text);
	regindex_note(name);
	registry_release();
}

/* A fresh prefix with the configs a (10.0.0.1) and, of two, b (10.0.0.2), settled, and the
 * index written whole over them with the directory's stamp, no journal yet: its inode. */
static uint64_t indexed_prefix(int configs)
{
	char conf[PATH_MAX + 64], text[64];
	uint64_t ino;
	int i;

	fresh_prefix();
	for (i = 0; i < configs; i++) {
		snprintf(conf, sizeof(conf), "%s/%c.conf", vx_paths.etc, 'a' + i);
		snprintf(text, sizeof(text), "[network]\naddress = 10.0.0.%d/32\n", i + 1);
		put(conf, text);
	}
	settle(conf);
	settle(vx_paths.etc);
	free(text_of("a"));
	assert_int_equal(journal_of(&ino), 0);
	return ino;
}

static void journal(void **state)
{
	char conf[PATH_MAX + 64], name[16], text[64], rec[512];
	uint64_t ino, ino2;
	struct stat st;
	struct vx_err err;
	int i;

	(void)state;
	ino = indexed_prefix(1);
	snprintf(conf, sizeof(conf), "%s/a.conf", vx_paths.etc);

	/* A create on top of an index that was the answer appends to it: the same file, one
	 * record more, and the answer of the next load. */
	create_noted("b", "[network]\naddress = 10.0.0.2/32\n");
	assert_int_equal(journal_of(&ino2), 1);
	assert_true(ino2 == ino);
	expect("b", "210.0.0.2/32\n");
	expect("a", "210.0.0.1/32\n");

	/* An appended record stands for its config (forged values show it is the one read)... */
	assert_int_equal(stat(conf, &st), 0);
	snprintf(rec, sizeof(rec), "+a %" PRIu64 " 0 0 0 13\n210.7.7.7/32\n", (uint64_t)st.st_ino);
	append_index(rec);
	expect("a", "210.7.7.7/32\n");
	/* ...but not one cut short, as by a write that did not finish: ignored. */
	snprintf(rec, sizeof(rec), "+a %" PRIu64 " 0 0 0 13\n210.8.8", (uint64_t)st.st_ino);
	append_index(rec);
	expect("a", "210.7.7.7/32\n");

	/* Another program's config, put in place after the last note: the directory's stamp
	 * no longer matches, so the directory is listed and it is seen. */
	settle(vx_paths.etc);
	snprintf(conf, sizeof(conf), "%s/c.conf", vx_paths.etc);
	put(conf, "[network]\naddress = 10.0.0.3/32\n");
	expect("c", "210.0.0.3/32\n");

	/* Once the journal holds REGINDEX_JOURNAL_MAX (64) records, the next note writes the
	 * index whole again. */
	settle(vx_paths.etc);
	free(text_of("a"));
	ino = 0;
	for (i = 0; i < 64; i++) {
		snprintf(name, sizeof(name), "j%d", i);
		snprintf(text, sizeof(text), "[network]\naddress = 10.1.0.%d/32\n", i);
		create_noted(name, text);
	}
	assert_int_equal(journal_of(&ino), 64);
	create_noted("k", "[network]\naddress = 10.2.0.1/32\n");
	assert_int_equal(journal_of(&ino2), 0);
	assert_true(ino2 != ino);
	expect("j63", "210.1.0.63/32\n");
	expect("k", "210.2.0.1/32\n");
	assert_int_equal(rm_rf(prefix, &err), 0);
}

/* Destroy's steps for config NAME: a load under the hold (how many others), the config
 * removed, the note. */
static int destroy_noted(const char *name)
{
	char conf[PATH_MAX + 64];
	int others;

	registry_hold();
	others = registry_others(name, NULL);
	snprintf(conf, sizeof(conf), "%s/%s.conf", vx_paths.etc, name);
	assert_int_equal(unlink(conf), 0);
	regindex_note(name);
	registry_release();
	return others;
}

/* The load's names. */
static int names_of(char *buf, size_t len)
{
	struct regindex_set s;
	struct vx_err err;
	size_t at = 0;
	int n, i;

	n = regindex_load(&s, &err);
	assert_true(n >= 0);
	buf[0] = '\0';
	for (i = 0; i < n; i++)
		at += snprintf(buf + at, len - at, "%s ", s.names[i]);
	regindex_set_free(&s);
	return n;
}

static void removal(void **state)
{
	char conf[PATH_MAX + 64], rec[512], names[256];
	uint64_t ino, ino2;
	struct stat st;
	struct vx_err err;

	(void)state;
	ino = indexed_prefix(2);

	/* A destroy on top of an index that was the answer appends that the config is gone: the
	 * same file, and the next load's answer without the removed one. */
	assert_int_equal(destroy_noted("b"), 1);
	assert_int_equal(journal_of(&ino2), 1);
	assert_true(ino2 == ino);
	/* It is the answer, not a listing: a record forged after it stands for a. */
	snprintf(conf, sizeof(conf), "%s/a.conf", vx_paths.etc);
	assert_int_equal(stat(conf, &st), 0);
	snprintf(rec, sizeof(rec), "+a %" PRIu64 " 0 0 0 13\n210.7.7.7/32\n", (uint64_t)st.st_ino);
	append_index(rec);
	assert_int_equal(names_of(names, sizeof(names)), 1);
	assert_string_equal(names, "a ");
	expect("a", "210.7.7.7/32\n");

	/* A config made again after its removal is back (its record follows the removal). */
	settle(vx_paths.etc);
	free(text_of("a"));
	create_noted("b", "[network]\naddress = 10.0.0.9/32\n");
	assert_int_equal(names_of(names, sizeof(names)), 2);
	expect("b", "210.0.0.9/32\n");

	/* A removal cut short ("-" without its line's end) is ignored, as a record is. */
	append_index("-a");
	assert_int_equal(names_of(names, sizeof(names)), 2);
	expect("a", "210.7.7.7/32\n");

	/* The last context: none other. */
	settle(vx_paths.etc);
	free(text_of("a"));
	assert_int_equal(destroy_noted("b"), 1);
	assert_int_equal(destroy_noted("a"), 0);
	assert_int_equal(names_of(names, sizeof(names)), 0);
	assert_int_equal(rm_rf(prefix, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cache),
		cmocka_unit_test(trust),
		cmocka_unit_test(journal),
		cmocka_unit_test(removal),
	};
	RUN(tests);
}
