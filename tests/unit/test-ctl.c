// SPDX-License-Identifier: GPL-2.0-or-later
/* The control protocol: a request of the wrong size, magic, operation or argument is refused
 * with a reason; a reply carries the supervisor's errno and message; a descriptor is kept
 * only with the request made to carry one. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kernel/fdpass.h"
#include "supervisor/ctl.h"
#include "unit.h"

static int pair[2];
static int passed;

static int setup(void **state)
{
	(void)state;
	return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair);
}

static int teardown(void **state)
{
	(void)state;
	close(pair[0]);
	close(pair[1]);
	return 0;
}

/* Send bytes as the client would and read them as the supervisor does (a new connection
 * each time: the supervisor closes one whose request it refused). */
static int served(const void *msg, size_t len, struct ctl_req *req, struct vx_err *err)
{
	teardown(NULL);
	assert_int_equal(setup(NULL), 0);
	assert_int_equal(send(pair[0], msg, len, 0), (ssize_t)len);
	return ctl_read(pair[1], req, &passed, err);
}

static void good_request(void **state)
{
	struct ctl_req in = { .magic = CTL_MAGIC, .op = CTL_STOP, .num = 1500 }, out;
	struct vx_err err;

	(void)state;
	assert_int_equal(served(&in, sizeof(in), &out, &err), 0);
	assert_int_equal(out.op, CTL_STOP);
	assert_int_equal(out.num, 1500);
	assert_string_equal(ctl_ops[out.op].name, "stop");
}

static void refused(void **state)
{
	struct ctl_req in = { .magic = CTL_MAGIC, .op = CTL_NOPS }, out;
	struct vx_err err;

	(void)state;
	/* A text line of protocol version 1. */
	assert_int_equal(served("stop 30000\n", 11, &out, &err), -1);
	assert_int_equal(err.code, EPROTO);
	assert_non_null(strstr(err.msg, "another vctx version"));
	/* Longer than a request. */
	{
		char big[sizeof(in) + 8] = { 0 };

		memcpy(big, &in, sizeof(in));
		assert_int_equal(served(big, sizeof(big), &out, &err), -1);
		assert_int_equal(err.code, EPROTO);
	}
	/* The right size, the wrong magic. */
	in.magic = 0x12345678;
	in.op = CTL_PING;
	assert_int_equal(served(&in, sizeof(in), &out, &err), -1);
	assert_int_equal(err.code, EPROTO);
	/* An operation nobody knows. */
	in.magic = CTL_MAGIC;
	in.op = CTL_NOPS;
	assert_int_equal(served(&in, sizeof(in), &out, &err), -1);
	assert_int_equal(err.code, EOPNOTSUPP);
	in.op = 0;
	assert_int_equal(served(&in, sizeof(in), &out, &err), -1);
	/* An address argument that is not one. */
	in.op = CTL_ADDR_ADD;
	in.addr.family = AF_INET;
	in.addr.prefix = 33;
	assert_int_equal(served(&in, sizeof(in), &out, &err), -1);
	assert_int_equal(err.code, EINVAL);
	in.addr.family = AF_UNIX;
	in.addr.prefix = 8;
	assert_int_equal(served(&in, sizeof(in), &out, &err), -1);
	/* The client went away: no error to answer with. */
	close(pair[0]);
	pair[0] = -1;
	assert_int_equal(ctl_read(pair[1], &out, &passed, &err), -1);
	assert_int_equal(err.code, 0);
}

/* What a request carries along, as the supervisor gets it. */
static int served_with(int op, int fd, struct vx_err *err)
{
	struct ctl_req in = { .magic = CTL_MAGIC, .op = op }, out;

	teardown(NULL);
	assert_int_equal(setup(NULL), 0);
	assert_int_equal(fdpass_send(pair[0], &in, sizeof(in), fd), 0);
	return ctl_read(pair[1], &out, &passed, err);
}

static unsigned open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	unsigned n = 0;

	while (d && readdir(d))
		n++;
	if (d)
		closedir(d);
	return n;
}

static void descriptors(void **state)
{
	struct vx_err err;
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	struct stat a, b;
	unsigned n;

	(void)state;
	assert_true(fd >= 0);
	/* The sync-listener request keeps it: the same open file, a descriptor of its own. */
	assert_int_equal(served_with(CTL_SYNC_LISTENER, fd, &err), 0);
	assert_true(passed >= 0 && passed != fd);
	assert_int_equal(fstat(passed, &a), 0);
	assert_int_equal(fstat(fd, &b), 0);
	assert_true(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	assert_true(fcntl(passed, F_GETFD) & FD_CLOEXEC);
	close(passed);
	/* Without one it is refused. */
	assert_int_equal(served_with(CTL_SYNC_LISTENER, -1, &err), -1);
	assert_int_equal(err.code, EPROTO);
	assert_int_equal(passed, -1);
	/* Any other request is served, and what came along is closed, not kept. */
	n = open_fds();
	assert_int_equal(served_with(CTL_PING, fd, &err), 0);
	assert_int_equal(passed, -1);
	assert_int_equal(open_fds(), n);
	close(fd);
}

static void replies(void **state)
{
	struct vx_err err = { 0 };
	struct ctl_reply r;

	(void)state;
	vx_fail(&err, EADDRINUSE, "address 198.51.100.7/24 belongs to context web");
	assert_int_equal(ctl_reply(pair[1], &err, NULL), 0);
	assert_int_equal(read(pair[0], &r, sizeof(r)), (ssize_t)sizeof(r));
	assert_int_equal(r.magic, CTL_MAGIC);
	assert_int_equal(r.ok, 0);
	assert_int_equal(r.err.code, EADDRINUSE);
	assert_string_equal(r.err.msg, "address 198.51.100.7/24 belongs to context web");
	assert_int_equal(ctl_reply(pair[1], NULL, "running"), 0);
	assert_int_equal(read(pair[0], &r, sizeof(r)), (ssize_t)sizeof(r));
	assert_int_equal(r.ok, 1);
	assert_string_equal(r.err.msg, "running");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(good_request, setup, teardown),
		cmocka_unit_test_setup_teardown(refused, setup, teardown),
		cmocka_unit_test_setup_teardown(descriptors, setup, teardown),
		cmocka_unit_test_setup_teardown(replies, setup, teardown),
	};

	RUN(tests);
}
