// SPDX-License-Identifier: GPL-2.0-or-later
/* probe — run inside a context; reports what the context sees. */
#include <stdio.h>

int main(void)
{
	printf("probe\n");
	return 0;
}
