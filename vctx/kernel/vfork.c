// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel/vfork.h"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__x86_64__)
/*
 * long vfork_clone3(struct vx_clone_args *args, size_t size, int (*fn)(void *), void *arg)
 *
 * clone3 returns in the child on the new stack, where no C frame can return to: the
 * child calls fn from here and exits with its value.  rdi and rsi are already clone3's
 * arguments; fn and arg move to r8 and r9, which the system call leaves alone.
 */
__asm__(".text\n"
	".globl vfork_clone3\n"
	".type vfork_clone3, @function\n"
	"vfork_clone3:\n"
	"	mov %rdx, %r8\n"
	"	mov %rcx, %r9\n"
	"	mov $435, %eax\n"	/* SYS_clone3 */
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jnz 1f\n"
	"	xor %ebp, %ebp\n"
	"	mov %r9, %rdi\n"
	"	call *%r8\n"
	"	mov %eax, %edi\n"
	"	mov $60, %eax\n"	/* SYS_exit */
	"	syscall\n"
	"	hlt\n"
	"1:	ret\n"
	".size vfork_clone3, .-vfork_clone3\n");
long vfork_clone3(struct vx_clone_args *args, size_t size, int (*fn)(void *), void *arg);

/* The child's stack: 256 KiB above a guard page, made once per process (a vctx command
 * runs one such child, or a few). */
#define VFORK_STACK (256u << 10)

static char *vfork_stack(void)
{
	static char *stack;
	long page = sysconf(_SC_PAGESIZE);
	char *p;

	if (stack)
		return stack;
	p = mmap(NULL, VFORK_STACK + page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p, page, PROT_NONE) < 0) {
		munmap(p, VFORK_STACK + page);
		return NULL;
	}
	stack = p + page;
	return stack;
}

pid_t vfork_run(struct vx_clone_args *args, int (*fn)(void *), void *arg)
{
	char *stack = vfork_stack();
	long r;

	if (!stack)
		return -1;
	args->flags |= CLONE_VM | CLONE_VFORK;
	args->stack = (uint64_t)(uintptr_t)stack;
	args->stack_size = VFORK_STACK;
	r = vfork_clone3(args, sizeof(*args), fn, arg);
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return (pid_t)r;
}

#else

pid_t vfork_run(struct vx_clone_args *args, int (*fn)(void *), void *arg)
{
	pid_t pid;

	args->flags |= CLONE_VFORK;
	pid = vx_clone3(args);
	if (pid == 0)
		_exit(fn(arg));
	return pid;
}

#endif
