// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/devices.h"

#include <stdio.h>
#include <string.h>

#include "core/util.h"

#define TTY_GID 5	/* the "tty" group of Debian and busybox alike */

const struct vx_dev vx_devs[] = {
	{ "null", 1, 3, 0666, 0, 0 },
	{ "zero", 1, 5, 0666, 0, 0 },
	{ "full", 1, 7, 0666, 0, 0 },
	{ "random", 1, 8, 0666, 0, 0 },
	{ "urandom", 1, 9, 0666, 0, 0 },
	{ "tty", 5, 0, 0666, TTY_GID, 0 },
	{ NULL, 5, 1, 0, 0, 0 },		/* /dev/console (ours is a host pty, bound) */
	{ NULL, 5, 2, 0, 0, 0 },		/* /dev/ptmx of devpts */
	{ NULL, 136, VX_DEV_ANY, 0, 0, 0 },	/* /dev/pts/N */
	{ "net/tun", 10, 200, 0666, 0, VX_DEV_TUN },
	{ "fuse", 10, 229, 0666, 0, VX_DEV_FUSE },
};
const unsigned vx_ndevs = ARRAY_SIZE(vx_devs);

static const struct {
	const char *name;
	unsigned bit;
} opts[] = { { "tun", VX_DEV_TUN }, { "fuse", VX_DEV_FUSE } };

unsigned dev_opt(const char *name)
{
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(opts); i++)
		if (strcmp(name, opts[i].name) == 0)
			return opts[i].bit;
	return 0;
}

const char *dev_opt_names(unsigned mask, char *buf, size_t len)
{
	size_t off = 0;
	unsigned i;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(opts) && off < len; i++)
		if (mask & opts[i].bit)
			off += snprintf(buf + off, len - off, "%s%s", off ? " " : "", opts[i].name);
	return buf;
}

int dev_wanted(const struct vx_dev *d, unsigned mask)
{
	return !d->opt || (d->opt & mask);
}

void dev_allow_line(const struct vx_dev *d, char *buf, size_t len)
{
	if (d->min == VX_DEV_ANY)
		snprintf(buf, len, "c %u:* rwm", d->maj);
	else
		snprintf(buf, len, "c %u:%d rwm", d->maj, d->min);
}

/* --- the eBPF program ------------------------------------------------------------------- */

static struct bpf_insn ldx_w(int dst, int src, short off)
{
	return (struct bpf_insn){ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = dst,
				  .src_reg = src, .off = off };
}

static struct bpf_insn alu(int op, int dst, int imm)
{
	return (struct bpf_insn){ .code = BPF_ALU64 | op | BPF_K, .dst_reg = dst, .imm = imm };
}

static struct bpf_insn jne(int dst, int imm, short off)
{
	return (struct bpf_insn){ .code = BPF_JMP | BPF_JNE | BPF_K, .dst_reg = dst, .off = off,
				  .imm = imm };
}

static struct bpf_insn bexit(void)
{
	return (struct bpf_insn){ .code = BPF_JMP | BPF_EXIT };
}

/*
 *	r2 = ctx->access_type & 0xffff		the device type
 *	r3 = ctx->major; r4 = ctx->minor
 *	if r2 != CHAR goto deny
 *	for each wanted entry:
 *		if r3 != maj goto next; [if r4 != min goto next;] r0 = 1; exit
 *	deny: r0 = 0; exit
 * Every access (read, write, mknod) is allowed on an allowed node: the v1 list says "rwm"
 * too, and a context cannot mknod in its user namespace anyway.
 */
size_t dev_prog(unsigned mask, struct bpf_insn *p, size_t max)
{
	size_t n = 0, jump;
	unsigned i;

	if (max < VX_DEV_PROG_MAX)
		return 0;
	p[n++] = ldx_w(BPF_REG_2, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, access_type));
	p[n++] = alu(BPF_AND, BPF_REG_2, 0xffff);
	p[n++] = ldx_w(BPF_REG_3, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, major));
	p[n++] = ldx_w(BPF_REG_4, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, minor));
	jump = n++;
	for (i = 0; i < vx_ndevs; i++) {
		const struct vx_dev *d = &vx_devs[i];

		if (!dev_wanted(d, mask))
			continue;
		if (n + 5 > max - 2)
			return 0;
		p[n] = jne(BPF_REG_3, d->maj, d->min == VX_DEV_ANY ? 2 : 3);
		n++;
		if (d->min != VX_DEV_ANY)
			p[n++] = jne(BPF_REG_4, d->min, 2);
		p[n++] = alu(BPF_MOV, BPF_REG_0, 1);
		p[n++] = bexit();
	}
	p[jump] = jne(BPF_REG_2, BPF_DEVCG_DEV_CHAR, n - jump - 1);
	p[n++] = alu(BPF_MOV, BPF_REG_0, 0);
	p[n++] = bexit();
	return n;
}
