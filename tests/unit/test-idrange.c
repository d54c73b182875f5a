// SPDX-License-Identifier: GPL-2.0-or-later
/* The id-range allocator: disjoint 65536-id ranges, never below VX_ID_FIRST. */
#include <errno.h>

#include "core/conf.h"
#include "core/idrange.h"
#include "unit.h"

static void empty(void **state)
{
	uint64_t base;

	(void)state;
	assert_int_equal(idrange_pick(NULL, 0, &base, NULL), 0);
	assert_int_equal(base, VX_ID_FIRST);
}

static void skips_used(void **state)
{
	struct idrange used[] = { { VX_ID_FIRST, 65536 }, { VX_ID_FIRST + 65536, 65536 } };
	uint64_t base;

	(void)state;
	assert_int_equal(idrange_pick(used, 2, &base, NULL), 0);
	assert_int_equal(base, VX_ID_FIRST + 2 * 65536);
}

static void fills_gap(void **state)
{
	/* Out of order, with a hole at slot 1. */
	struct idrange used[] = { { VX_ID_FIRST + 2 * 65536, 65536 }, { VX_ID_FIRST, 65536 } };
	uint64_t base;

	(void)state;
	assert_int_equal(idrange_pick(used, 2, &base, NULL), 0);
	assert_int_equal(base, VX_ID_FIRST + 65536);
}

static void unaligned_subuid(void **state)
{
	/* A host subuid range that straddles two slots takes both. */
	struct idrange used[] = { { VX_ID_FIRST + 1000, 65536 } };
	uint64_t base;

	(void)state;
	assert_int_equal(idrange_pick(used, 1, &base, NULL), 0);
	assert_int_equal(base, VX_ID_FIRST + 2 * 65536);
	assert_int_equal(base % VX_IDS_PER_CONTEXT, 0);
}

static void below_first_ignored(void **state)
{
	struct idrange used[] = { { 100000, 65536 } };
	uint64_t base;

	(void)state;
	assert_int_equal(idrange_pick(used, 1, &base, NULL), 0);
	assert_int_equal(base, VX_ID_FIRST);
}

static void exhausted(void **state)
{
	struct idrange used[] = { { VX_ID_FIRST, VX_ID_LIMIT - VX_ID_FIRST } };
	struct vx_err err;
	uint64_t base;

	(void)state;
	assert_int_equal(idrange_pick(used, 1, &base, &err), -1);
	assert_int_equal(err.code, ENOSPC);
}

static void past_a_word(void **state)
{
	/* 100 slots in use, one range that runs past the limit (the top is taken, not beyond),
	 * and one that wraps: the first free slot is the 101st. */
	struct idrange used[102];
	uint64_t base;
	unsigned i;

	(void)state;
	for (i = 0; i < 100; i++)
		used[i] = (struct idrange){ VX_ID_FIRST + (uint64_t)(99 - i) * 65536, 65536 };
	used[100] = (struct idrange){ VX_ID_LIMIT - 65536, UINT64_MAX / 2 };
	used[101] = (struct idrange){ VX_ID_FIRST + 200 * 65536, UINT64_MAX };
	assert_int_equal(idrange_pick(used, 102, &base, NULL), 0);
	assert_int_equal(base, VX_ID_FIRST + 100 * 65536);
}

static void subid_text(void **state)
{
	struct idrange r[4];

	(void)state;
	assert_int_equal(idrange_parse_subid("root:100000:65536\n# x\nbad\nlxc:1000000:1000000000\n",
					     r, 4), 2);
	assert_int_equal(r[0].start, 100000);
	assert_int_equal(r[1].count, 1000000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty),	   cmocka_unit_test(skips_used),
		cmocka_unit_test(fills_gap),	   cmocka_unit_test(unaligned_subuid),
		cmocka_unit_test(below_first_ignored), cmocka_unit_test(exhausted),
		cmocka_unit_test(past_a_word),
		cmocka_unit_test(subid_text),
	};

	RUN(tests);
}
