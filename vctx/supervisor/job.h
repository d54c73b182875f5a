/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * job.h — a step of a start run on a thread of its own, beside the supervisor's next steps.
 *
 * A start is mostly the kernel's work (cgroup directories, netlink, mounts), one step after
 * the other, and the machine has more than one CPU: a step that needs nothing of the ones
 * beside it runs on a thread.  The thread touches only what its step owns until job_end
 * joins it; a step that enters a namespace with setns(2) moves that thread only.
 */
#ifndef VX_JOB_H
#define VX_JOB_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

typedef int (*job_fn)(void *arg, struct vx_err *err);

struct job {
	job_fn fn;
	void *arg;
	pthread_t thread;
	bool running;		/* begun and not yet joined */
	int r;			/* what fn returned */
	uint64_t ns;		/* how long it ran */
	struct vx_err err;	/* fn's error */
};

/* Run fn(arg) on a thread; -1 with err when no thread could be made (nothing ran). */
int job_begin(struct job *j, job_fn fn, void *arg, struct vx_err *err);

/* Wait for the job; its result.  Its error becomes *err unless r (the caller's own outcome
 * meanwhile) is < 0: the first failure is the one reported.  A job never begun: 0. */
int job_end(struct job *j, int r, struct vx_err *err);

#endif
