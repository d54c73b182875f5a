// SPDX-License-Identifier: GPL-2.0-or-later
/* The device table and the eBPF device program built from it.  The program is run here by a
 * small interpreter of the instructions dev_prog emits, so what it allows is checked without
 * root or a kernel; tests/root/04-security.t checks the kernel agrees. */
#include <string.h>

#include "unit.h"

#include "core/conf.h"
#include "core/devices.h"

/* Run prog on one access: 1 allowed, 0 denied, -1 an instruction it should not contain. */
static int run(const struct bpf_insn *p, size_t n, unsigned type, unsigned maj, unsigned min)
{
	struct bpf_cgroup_dev_ctx ctx = {
		.access_type = (BPF_DEVCG_ACC_READ << 16) | type, .major = maj, .minor = min
	};
	uint64_t r[11] = { 0 };
	size_t pc = 0, steps = 0;

	while (pc < n && steps++ < 1000) {
		const struct bpf_insn *i = &p[pc++];

		switch (i->code) {
		case BPF_LDX | BPF_MEM | BPF_W:
			assert_int_equal(i->src_reg, BPF_REG_1);
			assert_true(i->off >= 0 && (size_t)i->off + 4 <= sizeof(ctx));
			r[i->dst_reg] = *(uint32_t *)((char *)&ctx + i->off);
			break;
		case BPF_ALU64 | BPF_AND | BPF_K:
			r[i->dst_reg] &= (uint32_t)i->imm;
			break;
		case BPF_ALU64 | BPF_MOV | BPF_K:
			r[i->dst_reg] = (uint32_t)i->imm;
			break;
		case BPF_JMP | BPF_JNE | BPF_K:
			if (r[i->dst_reg] != (uint64_t)(uint32_t)i->imm)
				pc += i->off;
			break;
		case BPF_JMP | BPF_EXIT:
			return (int)r[0];
		default:
			return -1;
		}
	}
	return -1;
}

static int allowed(unsigned opts, unsigned type, unsigned maj, unsigned min)
{
	struct bpf_insn p[VX_DEV_PROG_MAX];
	size_t n = dev_prog(opts, p, VX_DEV_PROG_MAX);

	assert_true(n > 0);
	return run(p, n, type, maj, min);
}

static void standard_nodes(void **state)
{
	(void)state;
	assert_int_equal(allowed(0, BPF_DEVCG_DEV_CHAR, 1, 3), 1);	/* null */
	assert_int_equal(allowed(0, BPF_DEVCG_DEV_CHAR, 1, 9), 1);	/* urandom */
	assert_int_equal(allowed(0, BPF_DEVCG_DEV_CHAR, 5, 2), 1);	/* ptmx */
	assert_int_equal(allowed(0, BPF_DEVCG_DEV_CHAR, 136, 0), 1);	/* pts */
	assert_int_equal(allowed(0, BPF_DEVCG_DEV_CHAR, 136, 4095), 1);
	assert_int_equal(allowed(0, BPF_DEVCG_DEV_CHAR, 1, 1), 0);	/* mem */
	assert_int_equal(allowed(0, BPF_DEVCG_DEV_CHAR, 1, 11), 0);	/* kmsg */
	assert_int_equal(allowed(0, BPF_DEVCG_DEV_CHAR, 10, 200), 0);	/* tun, not asked */
	assert_int_equal(allowed(0, BPF_DEVCG_DEV_CHAR, 4, 0), 0);	/* tty0 */
	assert_int_equal(allowed(0, BPF_DEVCG_DEV_CHAR, 3, 3), 0);	/* minor of another */
}

static void no_block_device(void **state)
{
	(void)state;
	/* Not even one with the major and minor of an allowed character device. */
	assert_int_equal(allowed(0, BPF_DEVCG_DEV_BLOCK, 1, 3), 0);
	assert_int_equal(allowed(VX_DEV_TUN | VX_DEV_FUSE, BPF_DEVCG_DEV_BLOCK, 8, 0), 0);
	assert_int_equal(allowed(VX_DEV_TUN | VX_DEV_FUSE, BPF_DEVCG_DEV_BLOCK, 10, 200), 0);
}

static void optional_nodes(void **state)
{
	(void)state;
	assert_int_equal(allowed(VX_DEV_TUN, BPF_DEVCG_DEV_CHAR, 10, 200), 1);
	assert_int_equal(allowed(VX_DEV_TUN, BPF_DEVCG_DEV_CHAR, 10, 229), 0);
	assert_int_equal(allowed(VX_DEV_FUSE, BPF_DEVCG_DEV_CHAR, 10, 229), 1);
	assert_int_equal(allowed(VX_DEV_FUSE, BPF_DEVCG_DEV_CHAR, 10, 237), 0); /* loop-control */
	assert_int_equal(allowed(VX_DEV_TUN | VX_DEV_FUSE, BPF_DEVCG_DEV_CHAR, 1, 3), 1);
}

static void allow_lines(void **state)
{
	char buf[32], names[32];
	unsigned i, n = 0;

	(void)state;
	for (i = 0; i < vx_ndevs; i++)
		if (dev_wanted(&vx_devs[i], 0)) {
			dev_allow_line(&vx_devs[i], buf, sizeof(buf));
			assert_int_equal(buf[0], 'c');
			n++;
		}
	assert_int_equal(n, 9);
	dev_allow_line(&vx_devs[8], buf, sizeof(buf));
	assert_string_equal(buf, "c 136:* rwm");
	assert_string_equal(dev_opt_names(VX_DEV_TUN | VX_DEV_FUSE, names, sizeof(names)),
			    "tun fuse");
	assert_int_equal(dev_opt("tun"), VX_DEV_TUN);
	assert_int_equal(dev_opt("sda"), 0);
	assert_int_equal(dev_prog(0, (struct bpf_insn[4]){ 0 }, 4), 0);	/* too short */
}

static void config_key(void **state)
{
	struct vx_err err;

	(void)state;
	assert_int_equal(conf_check_value("devices", "tun fuse", &err), 0);
	assert_int_equal(conf_check_value("devices", "tun,fuse", &err), 0);
	assert_int_equal(conf_check_value("devices", "", &err), 0);
	assert_int_equal(conf_check_value("devices", "sda", &err), -1);
	assert_string_equal(err.msg, "devices: unknown device 'sda': use tun or fuse");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(standard_nodes), cmocka_unit_test(no_block_device),
		cmocka_unit_test(optional_nodes), cmocka_unit_test(allow_lines),
		cmocka_unit_test(config_key),
	};

	RUN(tests);
}
