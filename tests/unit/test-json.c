// SPDX-License-Identifier: GPL-2.0-or-later
/* The JSON writer: shapes, nulls, escaping of hostile strings. */
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "unit.h"

static char *doc(void (*fill)(struct json *))
{
	static char buf[4096];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	struct json j;

	json_begin(&j, f);
	fill(&j);
	json_finish(&j);
	fclose(f);
	return buf;
}

static void fill_shapes(struct json *j)
{
	json_array(j, "contexts");
	json_object(j, NULL);
	json_string(j, "name", "web1");
	json_uint(j, "init_pid", 0, false);
	json_array(j, "addresses");
	json_string(j, NULL, "203.0.113.10/24");
	json_string(j, NULL, "2001:db8::10/64");
	json_close(j);
	json_object(j, "memory");
	json_uint(j, "limit", 0, false);
	json_uint(j, "configured", 268435456, true);
	json_close(j);
	json_bool(j, "supervised", true);
	json_double(j, "cpu_percent", 1.5, true);
	json_close(j);
	json_object(j, NULL);
	json_string(j, "name", "db");
	json_array(j, "addresses");
	json_close(j);
	json_string(j, "group", NULL);
	json_int(j, "x", -3, true);
	/* json_finish closes what is still open. */
}

static void shapes(void **state)
{
	(void)state;
	assert_string_equal(doc(fill_shapes),
			    "{\"format\":1,\"contexts\":[{\"name\":\"web1\",\"init_pid\":null,"
			    "\"addresses\":[\"203.0.113.10/24\",\"2001:db8::10/64\"],"
			    "\"memory\":{\"limit\":null,\"configured\":268435456},"
			    "\"supervised\":true,\"cpu_percent\":1.500},"
			    "{\"name\":\"db\",\"addresses\":[],\"group\":null,\"x\":-3}]}\n");
}

static void fill_hostile(struct json *j)
{
	json_string(j, "quote", "a\"b\\c");
	json_string(j, "ctl", "\x1b[2J\r\x7f\t");
	json_string(j, "utf8", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	json_string(j, "broken", "\xff\xc3(\xc0\xaf\xed\xa0\x80\xe2\x82");
	json_string(j, "k\"ey", "v");
	json_double(j, "nan", 0.0 / 0.0, true);
}

static void hostile(void **state)
{
	(void)state;
	assert_string_equal(doc(fill_hostile),
			    "{\"format\":1,\"quote\":\"a\\\"b\\\\c\","
			    "\"ctl\":\"\\u001b[2J\\u000d\\u007f\\u0009\","
			    "\"utf8\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\","
			    "\"broken\":\"\\ufffd\\ufffd(\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\","
			    "\"k\\\"ey\":\"v\",\"nan\":null}\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shapes),
		cmocka_unit_test(hostile),
	};

	RUN(tests);
}
