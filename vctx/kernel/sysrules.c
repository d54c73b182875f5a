// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel/sysrules.h"

#include <errno.h>
#include <stddef.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif
#ifndef IP_TRANSPARENT
#define IP_TRANSPARENT 19
#endif
#ifndef IPV6_TRANSPARENT
#define IPV6_TRANSPARENT 75
#endif

/* Refused outright: kernel and machine state that is not namespaced, and interfaces with a
 * long record of kernel bugs that no guest needs. */
static const char *const deny[] = {
	"kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
	"create_module", "query_module", "get_kernel_syms", "open_by_handle_at", "swapon",
	"swapoff", "acct", "iopl", "ioperm", "settimeofday", "stime", "clock_settime",
	"clock_settime64", "syslog", "bpf", "perf_event_open", "lookup_dcookie", "nfsservctl",
	"uselib", "ustat", "sysfs", "_sysctl", "vm86", "vm86old", "quotactl", "quotactl_fd",
	"fanotify_init", "move_pages", "migrate_pages", "mbind", "set_mempolicy",
};

/* io_uring: a second system call interface that seccomp cannot see into, and the source of a
 * long line of kernel privilege escalations (kernel-notes/security.md); allowed only when a
 * context asks (io-uring = yes). */
static const char *const deny_io_uring[] = {
	"io_uring_setup", "io_uring_enter", "io_uring_register",
};

static int deny_name(scmp_filter_ctx ctx, const char *name, bool must_exist,
		     struct vx_err *err)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR)
		return must_exist ? vx_fail(err, EINVAL, "unknown system call '%s'", name) : 0;
	if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0) < 0)
		return vx_fail(err, EINVAL, "cannot add a rule for %s", name);
	return 0;
}

/* Refused depending on their arguments. */
static int deny_args(scmp_filter_ctx ctx, bool net_raw, struct vx_err *err)
{
	int r = 0;

	/* userfaultfd only for user-mode faults (kernel faults help exploit races). */
	r |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(userfaultfd), 1,
			      SCMP_A0(SCMP_CMP_MASKED_EQ, UFFD_USER_MODE_ONLY, 0));
	/* umount2(MNT_FORCE) reaches into file systems the context shares. */
	r |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(umount2), 1,
			      SCMP_A1(SCMP_CMP_MASKED_EQ, MNT_FORCE, MNT_FORCE));
	/* Sending as any address: IP_TRANSPARENT. */
	r |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(setsockopt), 2,
			      SCMP_A1(SCMP_CMP_EQ, SOL_IP), SCMP_A2(SCMP_CMP_EQ, IP_TRANSPARENT));
	r |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(setsockopt), 2,
			      SCMP_A1(SCMP_CMP_EQ, SOL_IPV6), SCMP_A2(SCMP_CMP_EQ, IPV6_TRANSPARENT));
	/* AF_VSOCK is not namespaced: a context would talk to the hypervisor (and its guest
	 * agent) as this whole machine. */
	r |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket), 1,
			      SCMP_A0(SCMP_CMP_EQ, AF_VSOCK));
	if (!net_raw) {
		/* Raw and packet sockets, unless the context keeps net_raw. */
		r |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket), 1,
				      SCMP_A0(SCMP_CMP_EQ, AF_PACKET));
		r |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket), 2,
				      SCMP_A0(SCMP_CMP_EQ, AF_INET),
				      SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_RAW));
		r |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket), 2,
				      SCMP_A0(SCMP_CMP_EQ, AF_INET6),
				      SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_RAW));
	}
	return r ? vx_fail(err, EINVAL, "cannot add the argument rules") : 0;
}

/* An admin's list: one system call per line, '#' comments. */
static int deny_file(scmp_filter_ctx ctx, const char *path, struct vx_err *err)
{
	_cleanup_free_ char *text = read_text(path, 1 << 20, err);
	char *line, *save = NULL;
	unsigned lineno = 0;

	if (!text)
		return vx_prefix(err, "seccomp list");
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *w = strstrip(line);

		lineno++;
		if (*w == '#' || *w == '\0')
			continue;
		if (deny_name(ctx, w, true, err) < 0)
			return vx_prefix(err, "%s:%u", path, lineno);
	}
	return 0;
}

/*
 * personality() is allowed for the harmless values only: 0, PER_LINUX32, UNAME26 and both,
 * and 0xffffffff, which only asks for the current one (systemd's LockPersonality= asks).
 * That takes comparing one argument with several values, which libseccomp 2.5 cannot do;
 * these instructions go in front of its program.  BPF jumps are relative and forward, so
 * libseccomp's program is unchanged behind them.
 */
#define ARG0_LO (offsetof(struct seccomp_data, args[0]))
#define ARG0_HI (offsetof(struct seccomp_data, args[0]) + 4)
#define AUDIT_ARCH_X86_64_ 0xc000003e
#define AUDIT_ARCH_I386_ 0x40000003

/* Jump offsets count from the next instruction. */
static const struct sock_filter personality_prefix[] = {
	/*  0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	/*  1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64_, 0, 2),	/* -> 2, 4 */
	/*  2 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	/*  3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 135, 3, 13),		/* -> 7, 17 */
	/*  4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386_, 0, 12),	/* -> 5, 17 */
	/*  5 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	/*  6 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 136, 0, 10),		/* -> 7, 17 */
	/*  7 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_HI),
	/*  8 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 6),			/* -> 9, 15 */
	/*  9 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LO),
	/* 10 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xffffffff, 5, 0),	/* -> 16 */
	/* 11 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0, 4, 0),		/* -> 16 */
	/* 12 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x8, 3, 0),		/* -> 16 */
	/* 13 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x20000, 2, 0),		/* -> 16 */
	/* 14 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x20008, 1, 0),		/* -> 16, 15 */
	/* 15 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	/* 16 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	/* 17: libseccomp's program follows */
};

/* Capture libseccomp's BPF into memory, after the personality check. */
static int export(scmp_filter_ctx ctx, bool prefix, struct vx_bpf *out, struct vx_err *err)
{
	_cleanup_close_ int fd = memfd_create("vctx-seccomp", MFD_CLOEXEC);
	size_t pre = prefix ? ARRAY_SIZE(personality_prefix) : 0;
	struct stat st;

	if (fd < 0 || seccomp_export_bpf(ctx, fd) < 0 || fstat(fd, &st) < 0)
		return vx_fail(err, EIO, "cannot export the seccomp filter");
	if (st.st_size == 0 || st.st_size % sizeof(struct sock_filter) ||
	    st.st_size / sizeof(struct sock_filter) + pre > BPF_MAXINSNS)
		return vx_fail(err, E2BIG, "the seccomp filter is too large");
	out->insns = malloc(pre * sizeof(struct sock_filter) + st.st_size);
	if (!out->insns)
		return vx_fail(err, ENOMEM, "out of memory");
	memcpy(out->insns, personality_prefix, pre * sizeof(struct sock_filter));
	out->len = pre + st.st_size / sizeof(struct sock_filter);
	if (pread(fd, out->insns + pre, st.st_size, 0) != st.st_size) {
		free(out->insns);
		out->insns = NULL;
		out->len = 0;
		return vx_failsys(err, "cannot read the seccomp filter");
	}
	return 0;
}

/* A filter that allows by default, for the native architecture and the compat one the kernel
 * accepts from this host (x32 is not added, so its system calls get the bad-architecture
 * action), loaded without no_new_privs; NULL with err. */
static scmp_filter_ctx start_filter(struct vx_err *err)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);

	if (!ctx) {
		vx_fail(err, ENOMEM, "libseccomp: cannot start a filter");
		return NULL;
	}
	if (seccomp_arch_add(ctx, SCMP_ARCH_X86) < 0 && seccomp_arch_native() == SCMP_ARCH_X86_64) {
		vx_fail(err, EINVAL, "libseccomp: cannot add the i386 architecture");
		seccomp_release(ctx);
		return NULL;
	}
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) < 0) {
		vx_fail(err, EINVAL, "libseccomp: cannot set the filter's attributes");
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

int sysrules_compile(const char *list, bool io_uring, bool net_raw, struct vx_bpf *out,
		     struct vx_err *err)
{
	scmp_filter_ctx ctx;
	unsigned i;
	int r = -1;

	memset(out, 0, sizeof(*out));
	ctx = start_filter(err);
	if (!ctx)
		return -1;
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(ENOSYS)) < 0) {
		vx_fail(err, EINVAL, "libseccomp: cannot set the filter's attributes");
		goto out;
	}
	/* A binary tree of system call numbers, not a list: the kernel walks the filter for
	 * every system call number when it is loaded (its cache of calls always allowed, with
	 * interrupts off), ~1,000 walks of ~170 tests as a list.  A tree is larger but each
	 * walk is ~10 tests: loading it takes a fifth of the time, at every start and exec.
	 * libseccomp before 2.5 has no tree: the list then. */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (strcmp(list, "default") == 0) {
		for (i = 0; i < ARRAY_SIZE(deny); i++)
			if (deny_name(ctx, deny[i], false, err) < 0)
				goto out;
		for (i = 0; !io_uring && i < ARRAY_SIZE(deny_io_uring); i++)
			if (deny_name(ctx, deny_io_uring[i], false, err) < 0)
				goto out;
		if (deny_args(ctx, net_raw, err) < 0)
			goto out;
	} else if (deny_file(ctx, list, err) < 0) {
		goto out;
	}
	r = export(ctx, true, out, err);
out:
	seccomp_release(ctx);
	return r;
}

int sysrules_sync(struct vx_bpf *out, struct vx_err *err)
{
	scmp_filter_ctx ctx;
	int r = -1;

	memset(out, 0, sizeof(*out));
	/* The main filter refuses x32 and anything else: this one only needs to see sync(2)
	 * where it can come from. */
	ctx = start_filter(err);
	if (!ctx)
		return -1;
	if (seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(sync), 0) < 0) {
		vx_fail(err, EINVAL, "libseccomp: cannot build the filter for sync(2)");
		goto out;
	}
	r = export(ctx, false, out, err);
out:
	seccomp_release(ctx);
	return r;
}
