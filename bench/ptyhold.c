// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptyhold PID... — take a copy of each process's console pty master (pidfd_getfd), say
 * "ready" and hold them until killed.  The density table's floor kills the supervisors of
 * running contexts; without a holder, the console's hang-up would end the gettys on it and
 * the floor would lack them.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int i, held = 0;

	for (i = 1; i < argc; i++) {
		int pid = atoi(argv[i]), pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
		char dir[64], link[512], target[512];
		struct dirent *e;
		DIR *d;

		snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
		d = opendir(dir);
		if (pidfd < 0 || !d) {
			fprintf(stderr, "ptyhold: %d: gone\n", pid);
			return 1;
		}
		while ((e = readdir(d))) {
			ssize_t n;

			snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
			n = readlink(link, target, sizeof(target) - 1);
			if (n <= 0)
				continue;
			target[n] = '\0';
			if (n > 5 && strcmp(target + n - 5, "/ptmx") == 0 &&
			    syscall(SYS_pidfd_getfd, pidfd, atoi(e->d_name), 0) >= 0)
				held++;
		}
		closedir(d);
		close(pidfd);
	}
	printf("ready %d\n", held);
	fflush(stdout);
	pause();
	return 0;
}
