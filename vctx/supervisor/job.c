// SPDX-License-Identifier: GPL-2.0-or-later
#include "supervisor/job.h"

#include <string.h>

#include "core/util.h"

static void *job_thread(void *arg)
{
	struct job *j = arg;
	uint64_t t = now_ns();

	j->r = j->fn(j->arg, &j->err);
	j->ns = now_ns() - t;
	return NULL;
}

int job_begin(struct job *j, job_fn fn, void *arg, struct vx_err *err)
{
	int e;

	zero_fill(j, sizeof(*j));
	j->fn = fn;
	j->arg = arg;
	e = pthread_create(&j->thread, NULL, job_thread, j);
	if (e)
		return vx_fail(err, e, "cannot start a thread: %s", strerror(e));
	j->running = true;
	return 0;
}

int job_end(struct job *j, int r, struct vx_err *err)
{
	if (!j->running)
		return 0;
	pthread_join(j->thread, NULL);
	j->running = false;
	if (j->r < 0 && r >= 0)
		*err = j->err;
	return j->r;
}
