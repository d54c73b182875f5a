// SPDX-License-Identifier: GPL-2.0-or-later
/* The one table that turns [limits] keys into cgroup v2 and v1 files. */
#include <stdio.h>
#include <string.h>

#include "core/conf.h"
#include "core/limitmap.h"
#include "unit.h"

static const char *base = "[context]\ntemplate = b\nid-base = 1048576\n[limits]\n";

static void load(const char *limits, struct vx_conf *c)
{
	char text[512];
	struct vx_err err;

	snprintf(text, sizeof(text), "%s%s", base, limits);
	if (conf_parse("t.conf", text, "t", c, &err) < 0)
		fail_msg("%s", err.msg);
}

/* The value written for file, or NULL. */
static const char *find(const struct cg_setting *s, int n, const char *ctrl, const char *file)
{
	for (int i = 0; i < n; i++)
		if (strcmp(s[i].ctrl, ctrl) == 0 && strcmp(s[i].file, file) == 0)
			return s[i].value;
	return NULL;
}

static void v2(void **state)
{
	struct cg_setting s[16];
	struct vx_conf c;
	int n;

	(void)state;
	load("memory = 128M\nmemory-swap = 64M\ncpu-weight = 200\ncpu-max = 50%\ncpus = 0\n"
	     "pids = 100\nio-weight = 300\n", &c);
	n = limitmap_translate(&c, true, s, 16);
	assert_int_equal(n, 7);
	assert_string_equal(find(s, n, "memory", "memory.max"), "134217728");
	assert_string_equal(find(s, n, "memory", "memory.swap.max"), "67108864");
	assert_string_equal(find(s, n, "cpu", "cpu.weight"), "200");
	assert_string_equal(find(s, n, "cpu", "cpu.max"), "50000 100000");
	assert_string_equal(find(s, n, "cpuset", "cpuset.cpus"), "0");
	assert_string_equal(find(s, n, "pids", "pids.max"), "100");
	assert_string_equal(find(s, n, "io", "io.weight"), "default 300");
	conf_free(&c);
}

static void v1(void **state)
{
	struct cg_setting s[16];
	struct vx_conf c;
	int n;

	(void)state;
	load("memory = 128M\nmemory-swap = 64M\ncpu-weight = 200\ncpu-max = 1.5\n"
	     "io-weight = 300\n", &c);
	n = limitmap_translate(&c, false, s, 16);
	assert_string_equal(find(s, n, "memory", "memory.limit_in_bytes"), "134217728");
	/* v1 limits memory and swap together. */
	assert_string_equal(find(s, n, "memory", "memory.memsw.limit_in_bytes"), "201326592");
	assert_string_equal(find(s, n, "cpu", "cpu.shares"), "2048");
	assert_string_equal(find(s, n, "cpu", "cpu.cfs_quota_us"), "150000");
	assert_string_equal(find(s, n, "blkio", "blkio.weight"), "1000");
	/* The default pids limit is on. */
	assert_string_equal(find(s, n, "pids", "pids.max"), "4096");
	conf_free(&c);
}

static void unlimited(void **state)
{
	struct cg_setting s[16];
	struct vx_conf c;
	int n;

	(void)state;
	load("memory = max\ncpu-max = max\npids = max\n", &c);
	n = limitmap_translate(&c, true, s, 16);
	assert_string_equal(find(s, n, "memory", "memory.max"), "max");
	assert_string_equal(find(s, n, "cpu", "cpu.max"), "max 100000");
	assert_string_equal(find(s, n, "pids", "pids.max"), "max");
	n = limitmap_translate(&c, false, s, 16);
	assert_string_equal(find(s, n, "memory", "memory.limit_in_bytes"), "-1");
	assert_string_equal(find(s, n, "cpu", "cpu.cfs_quota_us"), "-1");
	conf_free(&c);
}

static void one_key_and_neutral(void **state)
{
	struct cg_setting s[16];
	struct vx_conf c;
	int n;

	(void)state;
	load("memory = 64M\n", &c);
	n = limitmap_translate_key(&c, true, "memory", s, 16);
	assert_int_equal(n, 1);
	assert_int_equal(limitmap_translate_key(&c, true, "cpu-max", s, 16), 0);
	limitmap_neutral(&c);
	n = limitmap_translate_key(&c, true, "cpu-max", s, 16);
	assert_string_equal(s[0].value, "max 100000");
	n = limitmap_translate_key(&c, false, "cpu-weight", s, 16);
	assert_string_equal(s[0].value, "1024");
	conf_free(&c);
}

static void bad_values(void **state)
{
	struct vx_err err;

	(void)state;
	assert_int_equal(conf_check_value("memory", "12Q", &err), -1);
	assert_int_equal(conf_check_value("memory", "1M", &err), -1);	/* below 4M */
	assert_int_equal(conf_check_value("cpu-max", "0.001", &err), -1);
	assert_int_equal(conf_check_value("cpu-max", "50", &err), 0);	/* validated per host */
	assert_int_equal(conf_check_value("cpu-max", "1.5.2", &err), -1);
	assert_int_equal(conf_check_value("cpu-weight", "0", &err), -1);
	assert_int_equal(conf_check_value("cpu-weight", "10001", &err), -1);
	assert_int_equal(conf_check_value("cpus", "0-", &err), -1);
	assert_int_equal(conf_check_value("cpus", "3-1", &err), -1);
	assert_int_equal(conf_check_value("cpus", "0,2-3", &err), 0);
	assert_int_equal(conf_check_value("pids", "-1", &err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(v2),		      cmocka_unit_test(v1),
		cmocka_unit_test(unlimited),	      cmocka_unit_test(one_key_and_neutral),
		cmocka_unit_test(bad_values),
	};

	RUN(tests);
}
