// SPDX-License-Identifier: GPL-2.0-or-later
/* Command lines for init: blanks split, the shell's quotes keep, nothing expands. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "core/cmdline.h"
#include "unit.h"

static int split(const char *line, char *buf, char **argv)
{
	struct vx_err err;

	strcpy(buf, line);
	return cmdline_split(buf, argv, VX_CMDLINE_WORDS, &err);
}

static void words(void **state)
{
	char buf[PATH_MAX], *argv[VX_CMDLINE_WORDS];

	(void)state;
	assert_int_equal(split("/sbin/init", buf, argv), 1);
	assert_string_equal(argv[0], "/sbin/init");
	assert_null(argv[1]);
	assert_int_equal(split("  /bin/sh\t -c  x  ", buf, argv), 3);
	assert_string_equal(argv[1], "-c");
	assert_string_equal(argv[2], "x");
	/* jq's @sh: every word single-quoted, a quote inside as '\'' */
	assert_int_equal(split("'/bin/sh' '-c' 'echo \"hi there\"; it'\\''s $HOME'", buf, argv), 3);
	assert_string_equal(argv[0], "/bin/sh");
	assert_string_equal(argv[2], "echo \"hi there\"; it's $HOME");
	assert_int_equal(split("/bin/echo \"a \\\"b\\\" \\$c\" d\\ e '' \"\"", buf, argv), 5);
	assert_string_equal(argv[1], "a \"b\" $c");
	assert_string_equal(argv[2], "d e");
	assert_string_equal(argv[3], "");
	assert_string_equal(argv[4], "");
	assert_int_equal(split("/bin/x a'b'\"c\"d", buf, argv), 2);
	assert_string_equal(argv[1], "abcd");
}

static void refused(void **state)
{
	char buf[PATH_MAX], *argv[VX_CMDLINE_WORDS], many[1024] = "/bin/x";
	struct vx_err err;
	int i;

	(void)state;
	assert_int_equal(split("", buf, argv), -1);
	assert_int_equal(split("   ", buf, argv), -1);
	assert_int_equal(split("/bin/sh -c 'x", buf, argv), -1);
	assert_int_equal(split("/bin/sh -c \"x", buf, argv), -1);
	for (i = 0; i < VX_CMDLINE_WORDS; i++)
		strcat(many, " a");
	assert_int_equal(split(many, buf, argv), -1);
	assert_int_equal(cmdline_program("'/bin/sh' -c x", buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "/bin/sh");
	assert_int_equal(cmdline_program("sh -c x", buf, sizeof(buf), &err), -1);
	assert_int_equal(cmdline_program("'/bin/../../x'", buf, sizeof(buf), &err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(words),
		cmocka_unit_test(refused),
	};
	RUN(tests);
}
