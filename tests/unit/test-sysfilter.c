// SPDX-License-Identifier: GPL-2.0-or-later
/* The default system call filter vctx carries (compiled when it was built) is the program
 * libseccomp compiles here, in each of its four forms, and a context's options pick the
 * right form; an admin's list is compiled at the start, and a bad one refused. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/conf.h"
#include "kernel/sysfilter.h"
#include "unit.h"

static void same(const struct vx_bpf *a, const struct vx_bpf *b)
{
	assert_int_equal(a->len, b->len);
	assert_true(a->len > 17);
	assert_memory_equal(a->insns, b->insns, a->len * sizeof(*a->insns));
}

static void builtin_is_compiled(void **state)
{
	struct vx_bpf built, compiled, other;
	struct vx_err err;

	(void)state;
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(sysfilter_builtin(i & 2, i & 1, &built, &err), 0);
		assert_int_equal(sysrules_compile("default", i & 2, i & 1, &compiled, &err), 0);
		same(&built, &compiled);
		/* The forms differ: a swapped index would not go unnoticed. */
		assert_int_equal(sysfilter_builtin(!(i & 2), i & 1, &other, &err), 0);
		assert_true(other.len != built.len ||
			    memcmp(other.insns, built.insns, built.len * sizeof(*built.insns)));
		sysfilter_free(&other);
		assert_int_equal(sysfilter_builtin(i & 2, !(i & 1), &other, &err), 0);
		assert_true(other.len != built.len ||
			    memcmp(other.insns, built.insns, built.len * sizeof(*built.insns)));
		sysfilter_free(&other);
		sysfilter_free(&built);
		sysfilter_free(&compiled);
	}
	/* The filter of sync = context too: a filter of its own, without the prefix. */
	assert_int_equal(sysfilter_sync_builtin(&built, &err), 0);
	assert_int_equal(sysrules_sync(&compiled, &err), 0);
	assert_int_equal(built.len, compiled.len);
	assert_memory_equal(built.insns, compiled.insns, built.len * sizeof(*built.insns));
	assert_true(built.len > 4 && built.len < 20);
	sysfilter_free(&built);
	sysfilter_free(&compiled);
}

static void build(const char *security, struct vx_bpf *out, struct vx_err *err, int expect)
{
	char text[512];
	struct vx_conf c;

	snprintf(text, sizeof(text),
		 "[context]\ntemplate = busybox\nid-base = 1048576\n[security]\n%s", security);
	if (conf_parse("t.conf", text, "web1", &c, err) < 0)
		fail_msg("%s", err->msg);
	assert_int_equal(sysfilter_build(&c, out, err), expect);
	conf_free(&c);
}

/* A config with SECURITY gets the default filter in the form for IO_URING and NET_RAW. */
static void picks(const char *security, bool io_uring, bool net_raw)
{
	struct vx_bpf got, want;
	struct vx_err err;

	build(security, &got, &err, 0);
	assert_int_equal(sysrules_compile("default", io_uring, net_raw, &want, &err), 0);
	same(&got, &want);
	sysfilter_free(&got);
	sysfilter_free(&want);
}

static void options_pick_the_form(void **state)
{
	struct vx_bpf got;
	struct vx_err err;

	(void)state;
	picks("", false, false);
	picks("io-uring = yes\n", true, false);
	picks("cap-keep = net_raw\n", false, true);
	build("seccomp = none\n", &got, &err, 0);
	assert_int_equal(got.len, 0);
}

static void admin_list(void **state)
{
	char path[] = "/tmp/vctx-test-seccomp.XXXXXX", sec[64];
	struct vx_bpf got, dflt;
	struct vx_err err;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "# the admin's list\nacct\n", 24), 24);
	snprintf(sec, sizeof(sec), "seccomp = %s\n", path);
	build(sec, &got, &err, 0);
	assert_int_equal(sysfilter_builtin(false, false, &dflt, &err), 0);
	assert_true(got.len > 17 && got.len < dflt.len);
	sysfilter_free(&got);
	sysfilter_free(&dflt);
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(pwrite(fd, "acct\nno_such_call\n", 18, 0), 18);
	build(sec, &got, &err, -1);
	assert_non_null(strstr(err.msg, "unknown system call 'no_such_call'"));
	assert_non_null(strstr(err.msg, ":2"));
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builtin_is_compiled),
		cmocka_unit_test(options_pick_the_form),
		cmocka_unit_test(admin_list),
	};
	RUN(tests);
}
