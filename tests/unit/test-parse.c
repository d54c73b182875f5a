// SPDX-License-Identifier: GPL-2.0-or-later
/* Strict parsers: every value that crosses a boundary goes through one of these. */
#include <signal.h>
#include <string.h>

#include "core/parse.h"
#include "unit.h"

static void names(void **state)
{
	struct vx_err err;

	(void)state;
	assert_int_equal(parse_name("web1", "context", &err), 0);
	assert_int_equal(parse_name("a", "context", &err), 0);
	assert_int_equal(parse_name("0-x", "context", &err), 0);
	assert_int_equal(parse_name("abcdefghijabcdefghijabcdefghij12", "context", &err), 0);
	assert_int_equal(parse_name("abcdefghijabcdefghijabcdefghij123", "context", &err), -1);
	assert_non_null(strstr(err.msg, "longer than 32"));
	assert_int_equal(parse_name("../x", "context", &err), -1);
	assert_non_null(strstr(err.msg, "'../x'"));
	assert_int_equal(parse_name("Web", "context", &err), -1);
	assert_int_equal(parse_name("-web", "context", &err), -1);
	assert_int_equal(parse_name("", "context", &err), -1);
	assert_int_equal(parse_name("a b", "context", &err), -1);
	assert_int_equal(parse_name("a.b", "context", &err), -1);
	assert_int_equal(parse_name("web_1", "context", &err), -1);
	assert_int_equal(parse_name("defaults", "context", &err), -1);
	assert_non_null(strstr(err.msg, "site's defaults"));
	assert_int_equal(parse_name("defaults", "template", &err), 0);
}

static void sizes(void **state)
{
	struct vx_err err;
	uint64_t v;

	(void)state;
	assert_int_equal(parse_size("4096", &v, &err), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(parse_size("128M", &v, &err), 0);
	assert_int_equal(v, 128ull << 20);
	assert_int_equal(parse_size("8g", &v, &err), 0);
	assert_int_equal(v, 8ull << 30);
	assert_int_equal(parse_size("1T", &v, &err), 0);
	assert_int_equal(v, 1ull << 40);
	assert_int_equal(parse_size("512K", &v, &err), 0);
	assert_int_equal(v, 512ull << 10);
	assert_int_equal(parse_size("12Q", &v, &err), -1);
	assert_non_null(strstr(err.msg, "unknown unit 'Q'"));
	assert_int_equal(parse_size("-1", &v, &err), -1);
	assert_int_equal(parse_size("", &v, &err), -1);
	assert_int_equal(parse_size("64MB", &v, &err), 0);
	assert_int_equal(v, 64ull << 20);
	assert_int_equal(parse_size("64MiB", &v, &err), 0);
	assert_int_equal(v, 64ull << 20);
	assert_int_equal(parse_size("2gib", &v, &err), 0);
	assert_int_equal(v, 2ull << 30);
	assert_int_equal(parse_size("4096B", &v, &err), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(parse_size("1MBB", &v, &err), -1);
	assert_int_equal(parse_size("1Mi", &v, &err), -1);
	assert_int_equal(parse_size("1iB", &v, &err), -1);
	assert_int_equal(parse_size("1.5G", &v, &err), -1);
	assert_int_equal(parse_size("99999999999999999999", &v, &err), -1);
	assert_int_equal(parse_size("17179869184T", &v, &err), -1);
}

static void numbers(void **state)
{
	struct vx_err err;
	uint64_t v;

	(void)state;
	assert_int_equal(parse_u64("10", 1, 10, &v, &err), 0);
	assert_int_equal(v, 10);
	assert_int_equal(parse_u64("11", 1, 10, &v, &err), -1);
	assert_non_null(strstr(err.msg, "out of range"));
	assert_int_equal(parse_u64("0", 1, 10, &v, &err), -1);
	assert_int_equal(parse_u64("-1", 0, 10, &v, &err), -1);
	assert_int_equal(parse_u64("1x", 0, 10, &v, &err), -1);
	assert_int_equal(parse_u64(" 1", 0, 10, &v, &err), -1);
}

static void bools(void **state)
{
	struct vx_err err;
	bool b;

	(void)state;
	assert_int_equal(parse_bool("yes", &b, &err), 0);
	assert_true(b);
	assert_int_equal(parse_bool("off", &b, &err), 0);
	assert_false(b);
	assert_int_equal(parse_bool("Yes", &b, &err), -1);
	assert_int_equal(parse_bool("y", &b, &err), -1);
}

static void signals(void **state)
{
	struct vx_err err;
	char buf[32];
	int s;

	(void)state;
	assert_int_equal(parse_signal("SIGTERM", &s, &err), 0);
	assert_int_equal(s, SIGTERM);
	assert_int_equal(parse_signal("USR2", &s, &err), 0);
	assert_int_equal(s, SIGUSR2);
	assert_int_equal(parse_signal("15", &s, &err), 0);
	assert_int_equal(s, 15);
	assert_int_equal(parse_signal("SIGRTMIN+3", &s, &err), 0);
	assert_int_equal(s, SIGRTMIN + 3);
	assert_string_equal(parse_signal_name(s, buf, sizeof(buf)), "SIGRTMIN+3");
	assert_string_equal(parse_signal_name(SIGPWR, buf, sizeof(buf)), "SIGPWR");
	assert_int_equal(parse_signal("SIGFOO", &s, &err), -1);
	assert_int_equal(parse_signal("0", &s, &err), -1);
	assert_int_equal(parse_signal("RTMIN+99", &s, &err), -1);
}

static void durations(void **state)
{
	struct vx_err err;
	uint64_t ms;

	(void)state;
	assert_int_equal(parse_duration("30", &ms, &err), 0);
	assert_int_equal(ms, 30000);
	assert_int_equal(parse_duration("500ms", &ms, &err), 0);
	assert_int_equal(ms, 500);
	assert_int_equal(parse_duration("2m", &ms, &err), 0);
	assert_int_equal(ms, 120000);
	assert_int_equal(parse_duration("1h", &ms, &err), 0);
	assert_int_equal(parse_duration("1d", &ms, &err), -1);
	assert_int_equal(parse_duration("s", &ms, &err), -1);
}

static void hostnames_and_paths(void **state)
{
	struct vx_err err;

	(void)state;
	assert_int_equal(parse_hostname("web1.example.org", &err), 0);
	assert_int_equal(parse_hostname("-web", &err), -1);
	assert_int_equal(parse_hostname("web..org", &err), -1);
	assert_int_equal(parse_hostname("web_1", &err), -1);
	assert_int_equal(parse_abspath("/sbin/init", &err), 0);
	assert_int_equal(parse_abspath("sbin/init", &err), -1);
	assert_int_equal(parse_abspath("/a/../b", &err), -1);
	assert_int_equal(parse_abspath("/a/..", &err), -1);
	assert_int_equal(parse_abspath("/a/..b", &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),   cmocka_unit_test(sizes),   cmocka_unit_test(numbers),
		cmocka_unit_test(bools),   cmocka_unit_test(signals), cmocka_unit_test(durations),
		cmocka_unit_test(hostnames_and_paths),
	};

	RUN(tests);
}
