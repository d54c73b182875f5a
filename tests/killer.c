// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * killer — fault injection: run a command and kill it with SIGKILL after a given time, as a
 * crash or an impatient admin would.  Not a wait for readiness: the point is to interrupt the
 * command wherever it happens to be.
 *
 *   killer USEC COMMAND [ARG ...]     kill after USEC microseconds
 *   killer -r MIN MAX COMMAND ...     after a random time in [MIN, MAX) microseconds
 *
 * Prints "killed after N us" or "finished with N" (the command's exit status).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long us, lo, hi;
	struct timespec ts;
	int st, i = 1;
	pid_t pid;

	if (argc > 4 && argv[1][0] == '-' && argv[1][1] == 'r') {
		lo = atol(argv[2]);
		hi = atol(argv[3]);
		clock_gettime(CLOCK_MONOTONIC, &ts);
		srandom(ts.tv_nsec ^ getpid());
		us = lo + (hi > lo ? random() % (hi - lo) : 0);
		i = 4;
	} else if (argc > 2) {
		us = atol(argv[1]);
		i = 2;
	} else {
		fprintf(stderr, "usage: killer USEC COMMAND [ARG ...] | -r MIN MAX COMMAND ...\n");
		return 2;
	}
	pid = fork();
	if (pid == 0) {
		execvp(argv[i], argv + i);
		_exit(127);
	}
	ts.tv_sec = us / 1000000;
	ts.tv_nsec = (us % 1000000) * 1000;
	nanosleep(&ts, NULL);
	if (waitpid(pid, &st, WNOHANG) == pid) {
		printf("finished with %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		return 0;
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	printf("killed after %ld us\n", us);
	return 0;
}
