// SPDX-License-Identifier: GPL-2.0-or-later
/* zero_fill: every byte zero afterwards, whatever the alignment and length, and a page that
 * was already zero is not written (it stays the shared zero page: no memory). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/util.h"
#include "unit.h"

static void all_zero(void **state)
{
	static unsigned char buf[3 * 4096 + 64];
	size_t off, len, i;

	(void)state;
	for (off = 0; off < 9; off++) {
		for (len = 0; len < sizeof(buf) - off; len += len < 32 ? 1 : 1021) {
			memset(buf, 0xa5, sizeof(buf));
			zero_fill(buf + off, len);
			for (i = 0; i < len; i++)
				assert_int_equal(buf[off + i], 0);
			if (off)
				assert_int_equal(buf[off - 1], 0xa5);
			if (off + len < sizeof(buf))
				assert_int_equal(buf[off + len], 0xa5);
		}
	}
}

static void last_byte(void **state)
{
	unsigned char buf[4096 + 16] __attribute__((aligned(4096)));
	size_t at;

	(void)state;
	for (at = 0; at < 24; at++) {
		memset(buf, 0, sizeof(buf));
		buf[4096 - 1 - at] = 1;
		zero_fill(buf, sizeof(buf));
		assert_int_equal(buf[4096 - 1 - at], 0);
	}
}

/* The Rss of the mapping at m (KiB), from /proc/self/smaps. */
static long rss_of(const void *m)
{
	char want[32], line[256];
	FILE *f = fopen("/proc/self/smaps", "re");
	long kb = -1;
	bool in = false;

	snprintf(want, sizeof(want), "%lx-", (unsigned long)(uintptr_t)m);
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, want, strlen(want)) == 0)
			in = true;
		else if (in && sscanf(line, "Rss: %ld kB", &kb) == 1)
			break;
	}
	if (f)
		fclose(f);
	return kb;
}

/* A page of zeros is only read, never written: it takes no memory afterwards (a plain
 * memset would make it the process's own page). */
static void zero_page_untouched(void **state)
{
	long pg = sysconf(_SC_PAGESIZE);
	/* Two pages between guards, a mapping of their own (not merged with a neighbour). */
	unsigned char *g = mmap(NULL, 4 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *m = g + pg;

	(void)state;
	assert_true(g != MAP_FAILED);
	assert_int_equal(mprotect(m, 2 * pg, PROT_READ | PROT_WRITE), 0);
	m[pg] = 7;	/* the second page is dirty, the first never written */
	zero_fill(m, 2 * pg);
	assert_int_equal(m[pg], 0);
	assert_int_equal(rss_of(m), pg / 1024);
	memset(m, 0, pg);	/* the control: a write makes it resident */
	assert_int_equal(rss_of(m), 2 * pg / 1024);
	munmap(g, 4 * pg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(all_zero),
		cmocka_unit_test(last_byte),
		cmocka_unit_test(zero_page_untouched),
	};
	RUN(tests);
}
