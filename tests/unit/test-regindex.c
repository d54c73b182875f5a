// SPDX-License-Identifier: GPL-2.0-or-later
/* The registry's index of config values: used while a file's stat matches, never after it
 * changed, ignored when damaged.  A private prefix; no root. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/paths.h"
#include "core/regindex.h"
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

/* An index holding VALS ("Kvalue\n" records) for NAME, keyed by the config file's stat as
 * it is now. */
static void forge(const char *name, const char *vals)
{
	char conf[PATH_MAX + 64], cache[PATH_MAX + 64], buf[8192];
	struct stat st;

	snprintf(conf, sizeof(conf), "%s/%s.conf", vx_paths.etc, name);
	snprintf(cache, sizeof(cache), "%s/.registry", vx_paths.run);
	assert_int_equal(stat(conf, &st), 0);
	snprintf(buf, sizeof(buf), "vctx-registry 2\n%s %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
		 " %zu\n%s", name, (uint64_t)st.st_ino, (uint64_t)st.st_size,
		 (uint64_t)(st.st_mtim.tv_sec * 1000000000ull + st.st_mtim.tv_nsec),
		 (uint64_t)(st.st_ctim.tv_sec * 1000000000ull + st.st_ctim.tv_nsec), strlen(vals), vals);
	put(cache, buf);
}

/* The config's indexed values as "Kvalue\n" records; NULL when it has none to give. */
static char *text_of(const char *name)
{
	char *names[] = { (char *)name }, *t = NULL;
	struct regindex_entry *e;
	struct vx_err err;
	size_t i;

	assert_int_equal(regindex_load(names, 1, &e, &err), 0);
	if (e[0].vals) {
		t = calloc(1, e[0].len + 1);
		assert_non_null(t);
		for (i = 0; i < e[0].len; i++)
			t[i] = e[0].vals[i] ? e[0].vals[i] : '\n';
	}
	regindex_free(e, 1);
	return t;
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
		if ((now.tv_sec - st.st_ctim.tv_sec) * 1000000000ll + now.tv_nsec - st.st_ctim.tv_nsec >
		    150000000ll)
			break;
		nanosleep(&pause, NULL);
	}
}

static void cache(void **state)
{
	char conf[PATH_MAX + 64], cache[PATH_MAX + 64], *t;
	struct vx_err err;

	(void)state;
	assert_non_null(mkdtemp(prefix));
	assert_int_equal(paths_init(prefix, &err), 0);
	assert_int_equal(paths_mkdirs(&err), 0);
	snprintf(conf, sizeof(conf), "%s/a.conf", vx_paths.etc);
	snprintf(cache, sizeof(cache), "%s/.registry", vx_paths.run);
	put(conf, "[context]\ntemplate = t\nid-base = 65536\nmemory = 1G\n"
		  "[network]\naddress = 10.0.0.1/32\naddress = 2001:db8::1/128\n");

	/* Only the indexed keys, in the config's order. */
	t = text_of("a");
	assert_string_equal(t, "1t\n065536\n210.0.0.1/32\n22001:db8::1/128\n");
	free(t);
	/* A file changed within the clock's granularity is not kept... */
	assert_int_not_equal(access(cache, F_OK), 0);
	/* ...a settled one is. */
	settle(conf);
	free(text_of("a"));
	assert_int_equal(access(cache, F_OK), 0);

	/* An entry whose key matches is used (here forged values, to see it is). */
	put(conf, "[network]\naddress = 10.0.0.1/32\n");
	settle(conf);
	forge("a", "210.9.9.9/32\n");
	t = text_of("a");
	assert_string_equal(t, "210.9.9.9/32\n");
	free(t);

	/* Once the file changes (same size), its stat does not match: the file is read. */
	forge("a", "210.9.9.9/32\n");
	put(conf, "[network]\naddress = 10.0.0.2/32\n");
	t = text_of("a");
	assert_string_equal(t, "210.0.0.2/32\n");
	free(t);

	/* A damaged index is no index: a length past the end, a record of no key. */
	settle(conf);
	forge("a", "210.9.9.9/32\n");
	put(cache, "vctx-registry 2\na 1 2 3 4 999999\n2short\n");
	t = text_of("a");
	assert_string_equal(t, "210.0.0.2/32\n");
	free(t);
	forge("a", "910.9.9.9/32\n");
	t = text_of("a");
	assert_string_equal(t, "210.0.0.2/32\n");
	free(t);
	put(cache, "something else\n");
	t = text_of("a");
	assert_string_equal(t, "210.0.0.2/32\n");
	free(t);

	/* A syntax error ends a config's values there: what came before counts. */
	put(conf, "[context]\nid-base = 131072\n[network\naddress = 10.0.0.3/32\n");
	t = text_of("a");
	assert_string_equal(t, "0131072\n");
	free(t);

	/* A config that went away has no values. */
	unlink(conf);
	assert_null(text_of("a"));
	assert_int_equal(rm_rf(prefix, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cache),
	};
	RUN(tests);
}
