// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sysfilter-gen — run by make: compiles the default system call filter in its four forms
 * (io_uring allowed or not, net_raw kept or not) with libseccomp and writes them as C, for
 * vctx to carry instead of compiling them at every start (sysrules.h).  A BPF program for
 * the kernel depends on the architecture and the rules, not on the machine it runs on; the
 * unit test test-sysfilter checks that what vctx carries is what libseccomp compiles.
 *
 *   sysfilter-gen > vctx/kernel/sysfilter-default.inc
 */
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernel/sysrules.h"

int main(void)
{
	const struct scmp_version *v = seccomp_version();
	struct vx_err err = { 0 };
	struct vx_bpf b[4], sync;
	unsigned i, k;

	printf("/* Written by vctx/kernel/sysfilter-gen with libseccomp %u.%u.%u; do not edit. */\n",
	       v->major, v->minor, v->micro);
	printf("struct sysfilter_form {\n\tunsigned short len;\n\tconst struct sock_filter *insns;\n};\n");
	for (i = 0; i < 4; i++) {
		if (sysrules_compile("default", i & 2, i & 1, &b[i], &err) < 0) {
			fprintf(stderr, "sysfilter-gen: %s\n", err.msg);
			return 1;
		}
		printf("\nstatic const struct sock_filter sysfilter_default_%u[%u] = {\n", i, b[i].len);
		for (k = 0; k < b[i].len; k++)
			printf("\t{ 0x%04x, %u, %u, 0x%08x },\n", b[i].insns[k].code, b[i].insns[k].jt,
			       b[i].insns[k].jf, b[i].insns[k].k);
		printf("};\n");
	}
	printf("\nstatic const struct sysfilter_form sysfilter_default[4] = {\n");
	for (i = 0; i < 4; i++)
		printf("\t{ %u, sysfilter_default_%u },\n", b[i].len, i);
	printf("};\n");
	if (sysrules_sync(&sync, &err) < 0) {
		fprintf(stderr, "sysfilter-gen: %s\n", err.msg);
		return 1;
	}
	printf("\nstatic const struct sock_filter sysfilter_sync_insns[%u] = {\n", sync.len);
	for (k = 0; k < sync.len; k++)
		printf("\t{ 0x%04x, %u, %u, 0x%08x },\n", sync.insns[k].code, sync.insns[k].jt,
		       sync.insns[k].jf, sync.insns[k].k);
	printf("};\n\nstatic const struct sysfilter_form sysfilter_sync = { %u, sysfilter_sync_insns };\n",
	       sync.len);
	free(sync.insns);
	for (i = 0; i < 4; i++)
		free(b[i].insns);
	return ferror(stdout) ? 1 : 0;
}
