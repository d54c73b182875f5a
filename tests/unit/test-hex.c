// SPDX-License-Identifier: GPL-2.0-or-later
/* A config through a remote shell's command line: hex there and back, bad digits refused. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "unit.h"

static void round_trip(void **state)
{
	const char text[] = "[context]\ntemplate = busybox\n# 'quoted' \"$(rm -rf /)\" `x` ;|&\n\xc3\xa9\xff";
	char *h, *back;

	(void)state;
	h = hex_encode(text, sizeof(text) - 1);
	assert_non_null(h);
	assert_int_equal(strspn(h, "0123456789abcdef"), strlen(h));
	assert_int_equal(strlen(h), 2 * (sizeof(text) - 1));
	back = hex_decode(h);
	assert_non_null(back);
	assert_string_equal(back, text);
	free(h);
	free(back);
	h = hex_encode("", 0);
	assert_string_equal(h, "");
	back = hex_decode(h);
	assert_string_equal(back, "");
	free(h);
	free(back);
	back = hex_decode("4A4b");
	assert_string_equal(back, "JK");
	free(back);
}

static void refused(void **state)
{
	static const char *bad[] = { "4", "4g", "zz", "41 42", "4100", "00", "41-2" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		assert_null(hex_decode(bad[i]));
		assert_int_equal(errno, EINVAL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(refused),
	};
	RUN(tests);
}
