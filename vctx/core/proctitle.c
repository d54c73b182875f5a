// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/proctitle.h"

#include <stdlib.h>
#include <string.h>

extern char **environ;

static char *proctitle_start;
static size_t proctitle_len;

void proctitle_init(int argc, char **argv)
{
	char *end, **env;
	int i, n;

	/* The strings are contiguous: argv's, then the environment's.  The environment moves
	 * to the heap so that its space can hold a title longer than "vctx start a". */
	if (argc < 1 || !argv[0])
		return;
	end = argv[argc - 1] + strlen(argv[argc - 1]) + 1;
	for (n = 0; environ && environ[n]; n++)
		;
	env = calloc((size_t)n + 1, sizeof(*env));
	for (i = 0; env && i < n; i++) {
		env[i] = strdup(environ[i]);
		if (!env[i])
			break;
	}
	if (env && i == n) {
		for (i = 0; i < n && environ[i] == end; i++)
			end = environ[i] + strlen(environ[i]) + 1;
		environ = env;
	}
	proctitle_start = argv[0];
	proctitle_len = (size_t)(end - argv[0]);
}

void proctitle_set(const char *title)
{
	size_t n;

	if (!proctitle_start || proctitle_len < 2)
		return;
	n = strlen(title);
	if (n > proctitle_len - 1)
		n = proctitle_len - 1;
	memset(proctitle_start, 0, proctitle_len);
	memcpy(proctitle_start, title, n);
}
