// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel/sysfilter.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/util.h"
#include "kernel/caps.h"

/* The default filter in its four forms, compiled by libseccomp when vctx was built: index
 * io_uring * 2 + net_raw. */
#include "kernel/sysfilter-default.inc"

int sysfilter_builtin(bool io_uring, bool net_raw, struct vx_bpf *out, struct vx_err *err)
{
	const struct sysfilter_form *f = &sysfilter_default[(io_uring ? 2 : 0) | (net_raw ? 1 : 0)];

	out->len = f->len;
	out->insns = malloc(f->len * sizeof(*f->insns));
	if (!out->insns)
		return vx_fail(err, ENOMEM, "out of memory");
	memcpy(out->insns, f->insns, f->len * sizeof(*f->insns));
	return 0;
}

int sysfilter_sync_builtin(struct vx_bpf *out, struct vx_err *err)
{
	out->len = sysfilter_sync.len;
	out->insns = malloc(sysfilter_sync.len * sizeof(*sysfilter_sync.insns));
	if (!out->insns)
		return vx_fail(err, ENOMEM, "out of memory");
	memcpy(out->insns, sysfilter_sync.insns, sysfilter_sync.len * sizeof(*sysfilter_sync.insns));
	return 0;
}

int sysfilter_build(const struct vx_conf *conf, struct vx_bpf *out, struct vx_err *err)
{
	bool net_raw = !(caps_dropped(conf) & (1ull << 13 /* CAP_NET_RAW */));

	memset(out, 0, sizeof(*out));
	if (strcmp(conf->seccomp, "none") == 0)
		return 0;
	if (strcmp(conf->seccomp, "default") == 0)
		return sysfilter_builtin(conf->io_uring, net_raw, out, err);
	return sysrules_compile(conf->seccomp, conf->io_uring, net_raw, out, err);
}

int sysfilter_save(const char *path, const struct vx_bpf *b, struct vx_err *err)
{
	return write_volatile(path, (const char *)b->insns, b->len * sizeof(*b->insns), 0600, err);
}

int sysfilter_load_file(const char *path, struct vx_bpf *out, struct vx_err *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;

	memset(out, 0, sizeof(*out));
	if (fd < 0)
		return errno == ENOENT ? 0 : vx_failsys(err, "cannot read %s", path);
	if (fstat(fd, &st) < 0 || st.st_size % sizeof(struct sock_filter) ||
	    st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return vx_fail(err, EINVAL, "%s is not a seccomp filter", path);
	out->len = st.st_size / sizeof(struct sock_filter);
	out->insns = malloc(st.st_size ? st.st_size : 1);
	if (!out->insns)
		return vx_fail(err, ENOMEM, "out of memory");
	if (read_full(fd, out->insns, st.st_size) != st.st_size) {
		sysfilter_free(out);
		return vx_failsys(err, "cannot read %s", path);
	}
	return 0;
}

void sysfilter_free(struct vx_bpf *b)
{
	free(b->insns);
	b->insns = NULL;
	b->len = 0;
}

int sysfilter_probe(struct vx_err *err)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(acct), 0) < 0) {
		if (ctx)
			seccomp_release(ctx);
		return vx_fail(err, EINVAL, "libseccomp cannot build a filter");
	}
	r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r < 0)
		return vx_fail(err, -r, "loading a filter: %s", strerror(-r));
	if (acct(NULL) == 0 || errno != EPERM)
		return vx_fail(err, ENOSYS, "the filter was loaded but does not act");
	return 0;
}

int sysfilter_apply(const struct vx_bpf *b, struct vx_err *err)
{
	struct sock_fprog prog = { .len = b->len, .filter = b->insns };

	if (!b->len)
		return 0;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return vx_failsys(err, "cannot load the seccomp filter");
	return 0;
}

int sysfilter_sync_listen(struct vx_err *err)
{
	struct sock_fprog prog = { .len = sysfilter_sync.len,
				   .filter = (struct sock_filter *)sysfilter_sync.insns };
	int fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);

	if (fd < 0)
		return vx_failsys(err, "cannot load the filter that hands sync() to the supervisor");
	return fd;
}
