// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe — a static program the tests copy into contexts to look at them from inside.
 *
 *   probe hog               allocate and touch memory 1 MiB at a time until killed
 *   probe forks N           try to start N processes; print how many started, then reap them
 *   probe spin              burn CPU until killed
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int hog(void)
{
	size_t mb = 0;

	for (;;) {
		char *p = malloc(1 << 20);

		if (!p) {
			printf("malloc failed after %zu MiB\n", mb);
			return 1;
		}
		memset(p, 0x5a, 1 << 20);
		mb++;
		if (mb % 16 == 0) {
			printf("%zu MiB\n", mb);
			fflush(stdout);
		}
	}
}

static int forks(int n)
{
	int started = 0, first_errno = 0, i, p[2];
	pid_t *kids = calloc(n, sizeof(pid_t));

	if (!kids || pipe(p) < 0)
		return 1;
	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			char c;

			close(p[1]);
			/* Wait until the parent closes the pipe. */
			_exit(read(p[0], &c, 1) < 0);
		}
		if (pid < 0) {
			if (!first_errno)
				first_errno = errno;
			continue;
		}
		kids[started++] = pid;
	}
	close(p[1]);
	for (i = 0; i < started; i++)
		waitpid(kids[i], NULL, 0);
	printf("started %d of %d%s%s\n", started, n, first_errno ? ": " : "",
	       first_errno ? strerror(first_errno) : "");
	return 0;
}

static int __attribute__((noreturn)) spin(void)
{
	volatile unsigned long x = 0;

	for (;;)
		x++;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "hog") == 0)
		return hog();
	if (argc == 3 && strcmp(argv[1], "forks") == 0)
		return forks(atoi(argv[2]));
	if (argc == 2 && strcmp(argv[1], "spin") == 0)
		return spin();
	fprintf(stderr, "usage: probe hog | forks N | spin\n");
	return 2;
}
