// SPDX-License-Identifier: GPL-2.0-or-later
/* The registry's cache of config texts: used while a file's stat matches, never after it
 * changed, ignored when damaged.  A private prefix; no root. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/paths.h"
#include "core/regcache.h"
#include "core/util.h"
#include "unit.h"

static char prefix[] = "/tmp/vctx-regcache.XXXXXX";

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A cache file holding TEXT for NAME, keyed by the config file's stat as it is now. */
static void forge(const char *name, const char *text)
{
	char conf[PATH_MAX + 64], cache[PATH_MAX + 64], buf[8192];
	struct stat st;

	snprintf(conf, sizeof(conf), "%s/%s.conf", vx_paths.etc, name);
	snprintf(cache, sizeof(cache), "%s/.registry", vx_paths.run);
	assert_int_equal(stat(conf, &st), 0);
	snprintf(buf, sizeof(buf), "vctx-registry 1\n%s %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
		 " %zu\n%s\n", name, (uint64_t)st.st_ino, (uint64_t)st.st_size,
		 (uint64_t)(st.st_mtim.tv_sec * 1000000000ull + st.st_mtim.tv_nsec),
		 (uint64_t)(st.st_ctim.tv_sec * 1000000000ull + st.st_ctim.tv_nsec), strlen(text), text);
	put(cache, buf);
}

static char *text_of(const char *name)
{
	char *names[] = { (char *)name }, **texts, *t;
	struct vx_err err;

	assert_int_equal(regcache_texts(names, 1, &texts, &err), 0);
	t = texts[0] ? strdup(texts[0]) : NULL;
	regcache_free(texts, 1);
	return t;
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
	put(conf, "[network]\naddress = 10.0.0.1/32\n");

	t = text_of("a");
	assert_string_equal(t, "[network]\naddress = 10.0.0.1/32\n");
	free(t);
	/* A file changed within the clock's granularity is not cached. */
	assert_int_not_equal(access(cache, F_OK), 0);

	/* An entry whose key matches is used (here a forged text, to see it is). */
	forge("a", "[network]\naddress = 10.9.9.9/32\n");
	t = text_of("a");
	assert_string_equal(t, "[network]\naddress = 10.9.9.9/32\n");
	free(t);

	/* Once the file changes (same size), its stat does not match: the file is read. */
	forge("a", "[network]\naddress = 10.9.9.9/32\n");
	put(conf, "[network]\naddress = 10.0.0.2/32\n");
	t = text_of("a");
	assert_string_equal(t, "[network]\naddress = 10.0.0.2/32\n");
	free(t);

	/* A damaged cache is no cache. */
	put(cache, "vctx-registry 1\na 1 2 3 4 999999\nshort\n");
	t = text_of("a");
	assert_string_equal(t, "[network]\naddress = 10.0.0.2/32\n");
	free(t);
	put(cache, "something else\n");
	t = text_of("a");
	assert_string_equal(t, "[network]\naddress = 10.0.0.2/32\n");
	free(t);

	/* A config that went away has no text. */
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
