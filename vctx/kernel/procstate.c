// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel/procstate.h"

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sys/personality.h>
#include <sys/stat.h>


/* The kernel's struct sigaction, for rt_sigaction(2): libc's sigaction() refuses the
 * real-time signals it keeps for itself (32-34), which a caller may still have ignored. */
struct ksigaction {
	unsigned long handler, flags, restorer;
	uint64_t mask;
};

void procstate_reset(void)
{
	struct ksigaction dfl = { .handler = (unsigned long)SIG_DFL };
	uint64_t none = 0;
	int sig;

	/* SIGKILL and SIGSTOP refuse, and are default anyway. */
	for (sig = 1; sig <= 64; sig++)
		syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(dfl.mask));
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof(none));
	umask(022);
	/* A caller under setarch (linux32, --addr-no-randomize) passes its personality on. */
	personality(PER_LINUX);
}
