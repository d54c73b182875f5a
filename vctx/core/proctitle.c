// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/proctitle.h"

#include <stdlib.h>
#include <string.h>

extern char **environ;

static char *proctitle_start, *proctitle_argend;

void proctitle_init(int argc, char **argv)
{
	/* Only where argv lives: every command runs this, and only the supervisor sets a
	 * title. */
	if (argc < 1 || !argv[0])
		return;
	proctitle_start = argv[0];
	proctitle_argend = argv[argc - 1] + strlen(argv[argc - 1]) + 1;
}

void proctitle_set(const char *title)
{
	char *end = proctitle_argend, **env;
	size_t n, len;
	int i, k;

	if (!proctitle_start)
		return;
	/* The environment's strings follow argv's: they move to the heap, so that their space
	 * can hold a title longer than "vctx start a". */
	for (n = 0; environ && environ[n]; n++)
		;
	env = calloc(n + 1, sizeof(*env));
	for (k = 0; env && k < (int)n && (env[k] = strdup(environ[k])); k++)
		;
	if (env && k == (int)n) {
		for (i = 0; i < k && environ[i] == end; i++)
			end = environ[i] + strlen(environ[i]) + 1;
		environ = env;
	}
	len = (size_t)(end - proctitle_start);
	if (len < 2)
		return;
	n = strlen(title);
	if (n > len - 1)
		n = len - 1;
	memset(proctitle_start, 0, len);
	memcpy(proctitle_start, title, n);
}
