// SPDX-License-Identifier: GPL-2.0-or-later
/* vctx.conf: the key table, file:line errors, and the comment-preserving editor. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cfgedit.h"
#include "core/conf.h"
#include "core/template.h"
#include "unit.h"

static const char *good = "# a comment\n"
			  "[context]\n"
			  "template = busybox\n"
			  "id-base = 1048576\n"
			  "stop-signal = SIGRTMIN+3\n"
			  "stop-timeout = 5s\n"
			  "init = /sbin/init --log-level=info\n";

static void parses(void **state)
{
	struct vx_conf c;
	struct vx_err err;

	(void)state;
	assert_int_equal(conf_parse("t.conf", good, "web1", &c, &err), 0);
	assert_string_equal(c.template, "busybox");
	assert_string_equal(c.hostname, "web1");	/* default: the name */
	assert_int_equal(c.id_base, 1048576);
	assert_int_equal(c.stop_timeout_ms, 5000);
	assert_true(c.userns);				/* default */
	assert_string_equal(c.init, "/sbin/init --log-level=info");
	conf_free(&c);
}

/* Each bad file must fail with its file:line and the offending word. */
static void expect_error(const char *text, const char *want)
{
	struct vx_conf c;
	struct vx_err err;

	assert_int_equal(conf_parse("t.conf", text, "web1", &c, &err), -1);
	if (!strstr(err.msg, want))
		fail_msg("error '%s' does not say '%s'", err.msg, want);
}

static void errors(void **state)
{
	(void)state;
	expect_error("[context]\ntemplate = b\nid-base = 1048576\nmemroy = 1G\n",
		     "t.conf:4: unknown key 'memroy'");
	expect_error("[context]\ntemplate = b\nid-base = 1048576\n[bogus]\n",
		     "t.conf:4: unknown section [bogus]");
	expect_error("[context]\ntemplate = b\ntemplate = c\nid-base = 1048576\n",
		     "t.conf:3: key 'template' set twice (first on line 2)");
	expect_error("[context]\ntemplate = b\nid-base = 1048576\nstop-timeout = forever\n",
		     "t.conf:4: stop-timeout: invalid duration 'forever'");
	expect_error("[context]\ntemplate = B\nid-base = 1048576\n", "t.conf:2: template");
	expect_error("[context]\nid-base = 1048576\n", "required key 'template'");
	expect_error("[context]\ntemplate = b\nid-base = 1048577\n", "not a multiple");
	expect_error("[context]\ntemplate = b\nid-base = 1048576\nthis is not ini\n",
		     "t.conf:4: syntax error");
	expect_error("template = b\n", "t.conf:1: key 'template' belongs in [context]");
	expect_error("[context]\ntemplate = b\nid-base = 1048576\nhostname = -x\n",
		     "t.conf:4: hostname: invalid hostname");
	expect_error("[context]\ntemplate = b\nid-base = 1048576\ninit = sbin/init\n",
		     "must be absolute");
	expect_error("[context]\ntemplate = b\nid-base = 1048576\n[limits]\nmemory = 3M\n",
		     "memory: 3M is too small (at least 4M)");
}

static void long_lines(void **state)
{
	/* Longer than inih's 200-byte limit: must neither split nor fail. */
	char text[1024];
	struct vx_conf c;
	struct vx_err err;

	(void)state;
	snprintf(text, sizeof(text), "# %0300d\n[context]\ntemplate = b\nid-base = 1048576\n", 0);
	assert_int_equal(conf_parse("t.conf", text, "web1", &c, &err), 0);
	conf_free(&c);
}

static void edit_keeps_comments(void **state)
{
	struct vx_err err;
	char *t;

	(void)state;
	t = cfg_set(good, "context", "stop-timeout", "9", &err);
	assert_non_null(t);
	assert_non_null(strstr(t, "# a comment\n[context]\n"));
	assert_non_null(strstr(t, "stop-timeout = 9\ninit ="));	/* replaced in place */
	assert_null(strstr(t, "5s"));
	free(t);
}

static void edit_adds(void **state)
{
	struct vx_err err;
	char *t, *u;

	(void)state;
	t = cfg_set(good, "context", "hostname", "www", &err);
	assert_non_null(strstr(t, "init = /sbin/init --log-level=info\nhostname = www\n"));
	u = cfg_set(t, "limits", "memory", "128M", &err);
	assert_non_null(strstr(u, "hostname = www\n\n[limits]\nmemory = 128M\n"));
	free(t);
	t = cfg_add(u, "limits", "memory", "1G", &err);
	assert_non_null(strstr(t, "memory = 128M\nmemory = 1G\n"));
	free(u);
	free(t);
}

static void edit_deletes(void **state)
{
	const char *text = "[network]\naddress = 192.0.2.1/24\n# keep\naddress = 192.0.2.2/24\n";
	struct vx_err err;
	unsigned n;
	char *t;

	(void)state;
	t = cfg_del(text, "network", "address", "192.0.2.1/24", &n, &err);
	assert_int_equal(n, 1);
	assert_string_equal(t, "[network]\n# keep\naddress = 192.0.2.2/24\n");
	free(t);
	t = cfg_del(text, "network", "address", NULL, &n, &err);
	assert_int_equal(n, 2);
	assert_string_equal(t, "[network]\n# keep\n");
	free(t);
}

static void template_conf(void **state)
{
	struct vx_template t;
	struct vx_err err;

	(void)state;
	memset(&t, 0, sizeof(t));
	assert_int_equal(template_parse("tc", "distribution = debian\nrelease = bookworm\n"
					"architecture = amd64\ninit = systemd\n"
					"init-path = /sbin/init\nstop-signal = SIGRTMIN+3\n",
					&t, &err), 0);
	assert_string_equal(t.init_flavour, "systemd");
	assert_int_equal(template_parse("tc", "distribution = debian\n", &t, &err), -1);
	assert_non_null(strstr(err.msg, "incomplete"));
	assert_int_equal(template_parse("tc", "colour = blue\n", &t, &err), -1);
	assert_non_null(strstr(err.msg, "tc:1: unknown key 'colour'"));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses),	      cmocka_unit_test(errors),
		cmocka_unit_test(long_lines),	      cmocka_unit_test(edit_keeps_comments),
		cmocka_unit_test(edit_adds),	      cmocka_unit_test(edit_deletes),
		cmocka_unit_test(template_conf),
	};

	/* --keys: the table, for the man page check (tests/unit/man.t). */
	if (argc == 2 && strcmp(argv[1], "--keys") == 0) {
		for (unsigned i = 0; i < vx_nkeys; i++)
			printf("%s\n", vx_keys[i].name);
		return 0;
	}
	RUN(tests);
}
