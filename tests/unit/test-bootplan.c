// SPDX-License-Identifier: GPL-2.0-or-later
/* The boot plan: dependency order, boot-order, cycles, failures skipping
 * dependents. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bootplan.h"
#include "unit.h"

#define N 8

static struct boot_node nodes[N];
static struct boot_plan plan = { .v = nodes };

/* "name order dep dep ..." per node. */
static void make(const char *const *spec, unsigned n)
{
	memset(nodes, 0, sizeof(nodes));
	plan.n = n;
	for (unsigned i = 0; i < n; i++) {
		char buf[256], *tok, *save;

		snprintf(buf, sizeof(buf), "%s", spec[i]);
		tok = strtok_r(buf, " ", &save);
		snprintf(nodes[i].name, sizeof(nodes[i].name), "%s", tok);
		nodes[i].order = strtoull(strtok_r(NULL, " ", &save), NULL, 10);
	}
	for (unsigned i = 0; i < n; i++) {
		char buf[256], *tok, *save;

		snprintf(buf, sizeof(buf), "%s", spec[i]);
		strtok_r(buf, " ", &save);
		strtok_r(NULL, " ", &save);
		while ((tok = strtok_r(NULL, " ", &save)))
			for (unsigned j = 0; j < n; j++)
				if (strcmp(nodes[j].name, tok) == 0)
					nodes[i].deps[nodes[i].ndeps++] = j;
	}
}

static const char *next_name(bool reverse)
{
	int i = bootplan_next(&plan, reverse);

	return i < 0 ? "-" : nodes[i].name;
}

/* Run the plan to the end one at a time; the order as "a b c". */
static void sequence(bool reverse, char *out, size_t len)
{
	int i;

	out[0] = '\0';
	while ((i = bootplan_next(&plan, reverse)) >= 0) {
		nodes[i].state = B_DONE;
		snprintf(out + strlen(out), len - strlen(out), "%s%s", out[0] ? " " : "",
			 nodes[i].name);
	}
}

static void deps_then_order(void **state)
{
	const char *spec[] = { "web 10 db", "db 50", "cache 20", "front 5 web cache" };
	char seq[256];

	(void)state;
	make(spec, 4);
	/* front has the lowest order but waits for web, which waits for db. */
	sequence(false, seq, sizeof(seq));
	assert_string_equal(seq, "cache db web front");
}

static void parallel_ready(void **state)
{
	const char *spec[] = { "a 1", "b 1", "c 1 a" };

	(void)state;
	make(spec, 3);
	assert_string_equal(next_name(false), "a");
	nodes[0].state = B_BUSY;
	/* b does not wait for a; c does. */
	assert_string_equal(next_name(false), "b");
	nodes[1].state = B_BUSY;
	assert_string_equal(next_name(false), "-");
	assert_true(bootplan_pending(&plan));
	nodes[0].state = B_DONE;
	assert_string_equal(next_name(false), "c");
}

static void stop_reverse(void **state)
{
	const char *spec[] = { "web 10 db", "db 50", "cache 20", "front 5 web cache" };
	char seq[256];

	(void)state;
	make(spec, 4);
	/* Dependents first; among free ones the highest order first. */
	sequence(true, seq, sizeof(seq));
	assert_string_equal(seq, "front cache web db");
}

static void stop_waits_for_busy_dependent(void **state)
{
	const char *spec[] = { "db 1", "web 1 db" };

	(void)state;
	make(spec, 2);
	nodes[1].state = B_BUSY;
	assert_string_equal(next_name(true), "-");
	nodes[1].state = B_FAILED; /* could not be stopped: db still goes */
	assert_string_equal(next_name(true), "db");
}

static void cycle(void **state)
{
	const char *spec[] = { "x 1", "a 1 c", "b 1 a", "c 1 b", "d 1 a" };
	char buf[256] = "";

	(void)state;
	make(spec, 5);
	assert_true(bootplan_cycle(&plan, buf, sizeof(buf)));
	assert_string_equal(buf, "a -> c -> b -> a");

	const char *ok[] = { "a 1", "b 1 a", "c 1 a b" };

	make(ok, 3);
	assert_false(bootplan_cycle(&plan, buf, sizeof(buf)));
}

static void self_cycle(void **state)
{
	const char *spec[] = { "a 1 a" };
	char buf[64] = "";

	(void)state;
	make(spec, 1);
	assert_true(bootplan_cycle(&plan, buf, sizeof(buf)));
	assert_string_equal(buf, "a -> a");
}

static void failure_skips_dependents(void **state)
{
	const char *spec[] = { "db 1", "web 1 db", "front 1 web", "other 1" };

	(void)state;
	make(spec, 4);
	bootplan_fail(&plan, 0, "boom");
	assert_int_equal(nodes[0].state, B_FAILED);
	assert_string_equal(nodes[0].why, "boom");
	assert_int_equal(nodes[1].state, B_SKIPPED);
	assert_string_equal(nodes[1].why, "depends on db, which failed");
	assert_int_equal(nodes[2].state, B_SKIPPED);
	assert_string_equal(nodes[2].why, "depends on web, which was skipped");
	assert_int_equal(nodes[3].state, B_WAIT);
	assert_string_equal(next_name(false), "other");
	nodes[3].state = B_DONE;
	assert_false(bootplan_pending(&plan));
}

static void skip_propagates(void **state)
{
	const char *spec[] = { "a 1", "b 1 a" };

	(void)state;
	make(spec, 2);
	bootplan_skip(&plan, 0, "depends on gone, which does not exist");
	assert_int_equal(nodes[0].state, B_SKIPPED);
	assert_int_equal(nodes[1].state, B_SKIPPED);
	assert_string_equal(next_name(false), "-");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(deps_then_order),
		cmocka_unit_test(parallel_ready),
		cmocka_unit_test(stop_reverse),
		cmocka_unit_test(stop_waits_for_busy_dependent),
		cmocka_unit_test(cycle),
		cmocka_unit_test(self_cycle),
		cmocka_unit_test(failure_skips_dependents),
		cmocka_unit_test(skip_propagates),
	};

	RUN(tests);
}
