// SPDX-License-Identifier: GPL-2.0-or-later
/* A supervisor's record across its execve (supervisor/handover.h): what is written is read
 * back whole, with the /dev/log backlog in order; a record of another build, one out of
 * bounds or one cut short is refused. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "supervisor/handover.h"
#include "unit.h"

static struct sup_hand in, out;

/* Put fd's contents on descriptor 0, where the woken program reads them. */
static void as_stdin(int fd)
{
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(dup2(fd, 0), 0);
	close(fd);
}

static int record(void)
{
	int fd = memfd_create("t", 0);

	assert_true(fd >= 0);
	return fd;
}

static void round_trip(void **state)
{
	static char l1[] = "<13>one", l2[] = "<13>two, a little longer";
	struct vx_err err;
	int fd = record();

	(void)state;
	memset(&in, 0, sizeof(in));
	snprintf(in.name, sizeof(in.name), "web1");
	in.epfd = 6;
	in.pending_fd = -1;
	in.nreaders = 2;
	in.readers[1] = 42;
	in.con.ring_len = 3;
	memcpy(in.con.ring, "abc", 3);
	/* Two lines wait, the ring's head at its last slot. */
	in.log.bhead = 63;
	in.log.bn = 2;
	in.log.backlog[63] = l1;
	in.log.blen[63] = strlen(l1);
	in.log.backlog[0] = l2;
	in.log.blen[0] = strlen(l2);
	assert_int_equal(handover_write(fd, &in), 0);
	as_stdin(fd);
	assert_int_equal(handover_read(&out, &err), 0);
	assert_string_equal(out.name, "web1");
	assert_int_equal(out.epfd, 6);
	assert_int_equal(out.readers[1], 42);
	assert_memory_equal(out.con.ring, "abc", 3);
	assert_ptr_equal(out.log.name, out.name);
	assert_int_equal(out.log.blen[63], strlen(l1));
	assert_memory_equal(out.log.backlog[63], l1, strlen(l1));
	assert_memory_equal(out.log.backlog[0], l2, strlen(l2));
	free(out.log.backlog[63]);
	free(out.log.backlog[0]);
}

static void refused(void **state)
{
	struct vx_err err;
	int fd;

	(void)state;
	/* Nothing at all: vctx-supervise run by hand. */
	fd = record();
	as_stdin(fd);
	assert_int_equal(handover_read(&out, &err), -1);
	assert_non_null(strstr(err.msg, "never by hand"));
	/* Another build's record: another size. */
	memset(&in, 0, sizeof(in));
	fd = record();
	assert_int_equal(handover_write(fd, &in), 0);
	in.size = sizeof(in) - 8;
	assert_int_equal(pwrite(fd, &in, sizeof(in), 0), (ssize_t)sizeof(in));
	as_stdin(fd);
	assert_int_equal(handover_read(&out, &err), -1);
	/* Out of bounds: more readers than it can hold. */
	memset(&in, 0, sizeof(in));
	in.nreaders = HANDOVER_CLIENTS + 1;
	fd = record();
	assert_int_equal(handover_write(fd, &in), 0);
	as_stdin(fd);
	assert_int_equal(handover_read(&out, &err), -1);
	assert_non_null(strstr(err.msg, "out of bounds"));
	/* A backlog line announced and missing. */
	memset(&in, 0, sizeof(in));
	fd = record();
	assert_int_equal(handover_write(fd, &in), 0);
	in.log.bn = 1;
	assert_int_equal(pwrite(fd, &in, sizeof(in), 0), (ssize_t)sizeof(in));
	as_stdin(fd);
	assert_int_equal(handover_read(&out, &err), -1);
	assert_non_null(strstr(err.msg, "cut short"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(refused),
	};

	RUN(tests);
}
