// SPDX-License-Identifier: GPL-2.0-or-later
/* vnet — list and manage contexts' addresses (see vnet(8)). */
#include <stdio.h>

int main(void)
{
	fprintf(stderr, "vnet: not yet\n");
	return 1;
}
