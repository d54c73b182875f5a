// SPDX-License-Identifier: GPL-2.0-or-later
#include "procstate.h"

#include <signal.h>
#include <stddef.h>
#include <sys/personality.h>
#include <sys/stat.h>

void procstate_reset(void)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;
	int sig;

	/* SIGKILL and SIGSTOP refuse; the real-time signals glibc keeps for itself are not
	 * reachable through sigaction() and are default anyway. */
	for (sig = 1; sig < _NSIG; sig++)
		sigaction(sig, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	umask(022);
	/* A caller under setarch (linux32, --addr-no-randomize) passes its personality on. */
	personality(PER_LINUX);
}
