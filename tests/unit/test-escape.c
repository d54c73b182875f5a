// SPDX-License-Identifier: GPL-2.0-or-later
/* Tenant bytes on an admin's terminal: controls and broken UTF-8 become #ooo. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "core/escape.h"
#include "unit.h"

static const char *esc(const char *in, size_t len, unsigned flags)
{
	static char out[1024];
	size_t used;

	escape_bytes(in, len, true, flags, out, sizeof(out), &used);
	assert_int_equal(used, len);
	return out;
}

#define ESC(s, f) esc(s, sizeof(s) - 1, f)

static void controls(void **state)
{
	(void)state;
	assert_string_equal(ESC("plain text", 0), "plain text");
	assert_string_equal(ESC("a\tb", 0), "a\tb");
	assert_string_equal(ESC("\033[2Jgone", 0), "#033[2Jgone");
	assert_string_equal(ESC("bell\a bs\b del\177 cr\r nl\n", 0),
			    "bell#007 bs#010 del#177 cr#015 nl#012");
	assert_string_equal(ESC("a\nb", ESCAPE_KEEP_NL), "a\nb");
	assert_string_equal(ESC("line\r\nnext\rover", ESCAPE_KEEP_NL | ESCAPE_CRLF),
			    "line\nnext#015over");
	assert_string_equal(esc("a\0b", 3, 0), "a#000b");
}

static void utf8(void **state)
{
	(void)state;
	assert_string_equal(ESC("gr\xc3\xbc\xc3\x9f \xe2\x82\xac \xf0\x9f\x90\xa7", 0),
			    "gr\xc3\xbc\xc3\x9f \xe2\x82\xac \xf0\x9f\x90\xa7");
	/* C1 controls: raw, or encoded (U+009B is CSI to xterm). */
	assert_string_equal(ESC("\x9b" "2J", 0), "#2332J");
	assert_string_equal(ESC("\xc2\x9b" "2J", 0), "#302#2332J");
	assert_string_equal(ESC("\xc2\xa0", 0), "\xc2\xa0");
	/* Overlong, surrogate, cut off. */
	assert_string_equal(ESC("\xc0\x80", 0), "#300#200");
	assert_string_equal(ESC("\xed\xa0\x80", 0), "#355#240#200");
	assert_string_equal(ESC("x\xe2\x82", 0), "x#342#202");
}

static void bounded(void **state)
{
	char out[10];
	size_t used, n;

	(void)state;
	n = escape_bytes("\033\033\033\033", 4, true, 0, out, sizeof(out), &used);
	assert_int_equal(n, 8);
	assert_int_equal(used, 2);
	assert_string_equal(out, "#033#033");
	/* Not final: a cut sequence waits. */
	n = escape_bytes("ok\xe2\x82", 4, false, 0, out, sizeof(out), &used);
	assert_int_equal(used, 2);
	n = escape_bytes("ok\r", 3, false, ESCAPE_CRLF, out, sizeof(out), &used);
	assert_int_equal(used, 2);
}

static void stream(void **state)
{
	struct escape_stream s = { .flags = ESCAPE_KEEP_NL | ESCAPE_CRLF };
	int p[2];
	char buf[256];
	ssize_t n;

	(void)state;
	assert_int_equal(pipe(p), 0);
	/* A euro sign and a CRLF, each cut between two writes. */
	assert_int_equal(escape_write(&s, p[1], "1 \xe2", 3, false), 0);
	assert_int_equal(escape_write(&s, p[1], "\x82\xac\r", 3, false), 0);
	assert_int_equal(escape_write(&s, p[1], "\n\033", 2, false), 0);
	assert_int_equal(escape_write(&s, p[1], "\xe2", 1, true), 0);
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "1 \xe2\x82\xac\n#033#342");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(controls),
		cmocka_unit_test(utf8),
		cmocka_unit_test(bounded),
		cmocka_unit_test(stream),
	};

	RUN(tests);
}
