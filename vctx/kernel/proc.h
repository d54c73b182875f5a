/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * proc.h — other processes: a program run to its end, a function run in a child of its own.
 * The one place that forks to wait for an answer.
 */
#ifndef VX_PROC_H
#define VX_PROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/err.h"

/* Run a program (argv[0] looked up in PATH) with stdin from /dev/null; an exit status above
 * maxok is a failure whose error is the program's line that tells why ("mkfs.ext4 failed:
 * ..."). */
int proc_run(char *const argv[], int maxok, struct vx_err *err);

/* The same, telling w->fn about twice a second how many bytes the program has read so far
 * (for a long copy's progress). */
struct proc_watch {
	void (*fn)(uint64_t bytes, double seconds, void *user);
	void *user;
};
int proc_run_watch(char *const argv[], int maxok, const struct proc_watch *w, struct vx_err *err);

/* Start a program whose standard output the caller reads from ps->out (a pipe), with stdin
 * from /dev/null; its standard error is kept aside (a memfd, so a chatty program never
 * blocks) for proc_finish, which waits for it and fails as proc_run does. */
struct proc_stream {
	pid_t pid;
	int out, errfd;
	int status;	/* after proc_finish: the exit status, -1 when killed by a signal */
};
int proc_start(char *const argv[], struct proc_stream *ps, struct vx_err *err);
int proc_finish(struct proc_stream *ps, const char *what, struct vx_err *err);

/* Run fn(arg, out, err) in a child process that dies with the caller (namespaces and mounts
 * it makes die with it) and holds none of its descriptors, unless flags has PROC_KEEP_FDS.
 * Its result comes back: its error as it made it (errno and message), and outlen bytes of
 * out (at most a pipe's buffer with PROC_VFORK).
 *
 * PROC_VFORK: the child borrows the caller's memory while the caller waits (vfork.h), which
 * saves copying and tearing down a copy of it.  fn must then leave what the caller goes on
 * with as it was (it may change its own namespaces, credentials and descriptors), and the
 * caller must not have a pid namespace for its children other than its own (the kernel
 * refuses to share memory across pid namespaces). */
#define PROC_KEEP_FDS 0x1
#define PROC_VFORK 0x2
int proc_call(int (*fn)(void *arg, void *out, struct vx_err *err), void *arg, void *out,
	      size_t outlen, unsigned flags, struct vx_err *err);

/* Close every descriptor from 3 up but the n in keep (-1 entries are ignored): a few
 * close_range calls, whatever the limit on descriptors. */
void proc_close_others(const int *keep, unsigned n);

#endif
