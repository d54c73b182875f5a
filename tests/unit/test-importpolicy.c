// SPDX-License-Identifier: GPL-2.0-or-later
/* A hostile archive: what each entry may be, and the config keys this host decides. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/importpolicy.h"
#include "unit.h"

#define LO 1114112u

static int check(struct import_entry *e, bool *fixed)
{
	struct import_range r = { .lo = LO };
	struct vx_err err;

	return importpolicy_entry(e, &r, fixed, &err);
}

static void parts(void **state)
{
	struct import_entry e = { .type = S_IFREG, .uid = LO, .gid = LO, .mode = 0644 };
	bool fixed;

	(void)state;
	e.path = "meta";
	assert_int_equal(check(&e, &fixed), PART_META);
	e.path = "./context.conf";
	assert_int_equal(check(&e, &fixed), PART_CONF);
	e.path = "upper/etc/passwd";
	assert_int_equal(check(&e, &fixed), PART_LAYER);
	e.path = "disk.img";
	assert_int_equal(check(&e, &fixed), PART_LAYER);
	e.path = "template/rootfs/bin/sh";
	e.uid = e.gid = 0;
	assert_int_equal(check(&e, &fixed), PART_TEMPLATE);
	assert_false(fixed);
	/* Out of the tree, or no part of an export. */
	e.path = "/etc/cron.d/evil";
	assert_int_equal(check(&e, &fixed), -1);
	e.path = "upper/../../etc/passwd";
	assert_int_equal(check(&e, &fixed), -1);
	e.path = "..";
	assert_int_equal(check(&e, &fixed), -1);
	e.path = "evil";
	assert_int_equal(check(&e, &fixed), -1);
	e.path = "uppers/x";
	assert_int_equal(check(&e, &fixed), -1);
	/* Snapshots (export --with-snapshots): valid names, their layer and config only. */
	e.uid = e.gid = LO;
	e.path = "snapshots/";
	e.type = S_IFDIR;
	assert_int_equal(check(&e, &fixed), PART_LAYER);
	e.path = "snapshots/before-upgrade/upper/etc/passwd";
	e.type = S_IFREG;
	assert_int_equal(check(&e, &fixed), PART_LAYER);
	e.path = "snapshots/s1/vctx.conf";
	assert_int_equal(check(&e, &fixed), PART_LAYER);
	e.path = "snapshots/Bad_Name/upper/x";
	assert_int_equal(check(&e, &fixed), -1);
	e.path = "snapshots/s1/evil";
	assert_int_equal(check(&e, &fixed), -1);
	e.path = "snapshots/s1/disk.img";
	e.type = S_IFLNK;
	assert_int_equal(check(&e, &fixed), -1);
	/* meta is a plain file. */
	e.path = "meta";
	e.type = S_IFLNK;
	assert_int_equal(check(&e, &fixed), -1);
}

static void devices(void **state)
{
	struct import_entry e = { .path = "upper/etc/gone", .type = S_IFCHR, .uid = LO,
				  .gid = LO };
	bool fixed;

	(void)state;
	assert_int_equal(check(&e, &fixed), PART_LAYER);	/* a whiteout */
	e.minor = 3;
	e.major = 1;
	e.path = "upper/tmp/null";
	assert_int_equal(check(&e, &fixed), -1);
	e.type = S_IFBLK;
	e.major = 8;
	assert_int_equal(check(&e, &fixed), -1);
	e.path = "template/rootfs/dev/sda";
	e.uid = e.gid = 0;
	assert_int_equal(check(&e, &fixed), PART_SKIP);
	e.type = S_IFCHR;
	e.major = e.minor = 0;
	assert_int_equal(check(&e, &fixed), PART_SKIP);	/* no whiteouts in a template */
}

static void owners(void **state)
{
	struct import_entry e = { .path = "upper/usr/bin/su", .type = S_IFREG, .uid = LO,
				  .gid = LO, .mode = 04755 };
	bool fixed;

	(void)state;
	assert_int_equal(check(&e, &fixed), PART_LAYER);
	assert_false(fixed);
	assert_int_equal(e.mode, 04755);			/* setuid to its own root */
	e.uid = 0;						/* setuid to host root */
	assert_int_equal(check(&e, &fixed), PART_LAYER);
	assert_true(fixed);
	assert_int_equal(e.uid, LO + 65534);
	assert_int_equal(e.mode, 0755);
	e.uid = LO + 65536;					/* the next context's */
	e.gid = LO;
	e.mode = 02755;
	assert_int_equal(check(&e, &fixed), PART_LAYER);
	assert_true(fixed);
	assert_int_equal(e.uid, LO + 65534);
	assert_int_equal(e.mode, 0755);
	/* A template's owners are 0..65535 (mapped at start). */
	e.path = "template/rootfs/usr/bin/passwd";
	e.uid = 0;
	e.gid = 70000;
	e.mode = 04755;
	assert_int_equal(check(&e, &fixed), PART_TEMPLATE);
	assert_true(fixed);
	assert_int_equal(e.gid, 65534);
	assert_int_equal(e.mode, 0755);
}

static void links(void **state)
{
	struct import_entry e = { .path = "upper/a", .type = S_IFREG, .uid = LO, .gid = LO,
				  .hardlink = "upper/b" };
	bool fixed;

	(void)state;
	assert_int_equal(check(&e, &fixed), PART_LAYER);
	e.hardlink = "template/rootfs/etc/shadow";
	assert_int_equal(check(&e, &fixed), -1);
	e.hardlink = "upper/../../../etc/shadow";
	assert_int_equal(check(&e, &fixed), -1);
}

static void xattrs(void **state)
{
	(void)state;
	assert_true(importpolicy_xattr_ok(PART_LAYER, "trusted.overlay.opaque"));
	assert_false(importpolicy_xattr_ok(PART_TEMPLATE, "trusted.overlay.opaque"));
	assert_false(importpolicy_xattr_ok(PART_LAYER, "trusted.evil"));
	assert_false(importpolicy_xattr_ok(PART_LAYER, "security.selinux"));
	assert_true(importpolicy_xattr_ok(PART_LAYER, "security.capability"));
	assert_true(importpolicy_xattr_ok(PART_TEMPLATE, "system.posix_acl_access"));
	assert_true(importpolicy_xattr_ok(PART_LAYER, "user.mime_type"));
}

static void conf(void **state)
{
	const char *text = "# from elsewhere\n[context]\ntemplate = busybox\nuserns = no\n"
			   "[network]\nmode = bridge\nbridge = br9\nlink = eth7\n"
			   "address = 198.51.100.7/24\ngateway = 198.51.100.1\n"
			   "[security]\nseccomp = none\ncap-keep = sys_module\ncap-drop = net_admin\n"
			   "devices = tun\nio-uring = yes\n[storage]\nbind = /:/host\n"
			   "[limits]\nmemory = 256M\n";
	char dropped[256];
	struct vx_err err;
	char *out;

	(void)state;
	out = importpolicy_conf_filter(text, dropped, sizeof(dropped), &err);
	assert_non_null(out);
	assert_string_equal(dropped, "userns, seccomp, cap-keep, devices, io-uring, bind, link, "
				     "bridge, mode, gateway");
	assert_null(strstr(out, "userns"));
	assert_null(strstr(out, "bind"));
	assert_null(strstr(out, "seccomp"));
	assert_non_null(strstr(out, "cap-drop = net_admin"));	/* only ever takes more away */
	assert_non_null(strstr(out, "address = 198.51.100.7/24"));
	assert_non_null(strstr(out, "memory = 256M"));
	assert_non_null(strstr(out, "# from elsewhere"));
	free(out);
	/* The defaults said out loud are not "dropped". */
	out = importpolicy_conf_filter("[context]\nuserns = yes\n[security]\nseccomp = default\n",
				 dropped, sizeof(dropped), &err);
	assert_non_null(out);
	assert_string_equal(dropped, "");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parts),  cmocka_unit_test(devices), cmocka_unit_test(owners),
		cmocka_unit_test(links),  cmocka_unit_test(xattrs),  cmocka_unit_test(conf),
	};

	RUN(tests);
}
