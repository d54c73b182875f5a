// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fake-loader — stands in for a tenant's dynamic loader in the binfmt_misc test: put at
 * /lib64/ld-linux-x86-64.so.2 inside a context, it is what runs when host code that is
 * dynamically linked is started inside with the tenant's loader.  It says so and exits.  No
 * libc: the kernel starts it as an ELF interpreter, with the host program's auxiliary vector.
 */
static long sys3(long n, long a, long b, long c)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return r;
}

void _start(void)
{
	static const char msg[] = "the tenant's loader runs host code\n";

	sys3(1 /* write */, 1, (long)msg, sizeof(msg) - 1);
	sys3(60 /* exit */, 0, 0, 0);
	for (;;)
		;
}
