/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * devices.h — the device nodes a context may use, in one table: the nodes setup_dev makes in
 * its /dev, the v1 device cgroup allow-list and the eBPF device program for cgroup2 are all
 * read from it, so the three cannot disagree.  Character devices only; never a block device.
 */
#ifndef VX_DEVICES_H
#define VX_DEVICES_H

#include <linux/bpf.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/err.h"

/* Devices a context gets only when its config asks ("devices = tun fuse"). */
enum { VX_DEV_TUN = 1u << 0, VX_DEV_FUSE = 1u << 1 };

#define VX_DEV_ANY (-1)		/* any minor */

struct vx_dev {
	const char *node;	/* path under /dev that setup_dev makes, or NULL (made elsewhere) */
	unsigned maj;
	int min;		/* or VX_DEV_ANY */
	mode_t mode;
	gid_t gid;		/* group inside the context */
	unsigned opt;		/* 0: always; else the VX_DEV_* bit that asks for it */
};

extern const struct vx_dev vx_devs[];
extern const unsigned vx_ndevs;

/* "tun", "fuse" -> VX_DEV_*, or 0 when unknown; the names of a mask, blank-separated. */
unsigned dev_opt(const char *name);
const char *dev_opt_names(unsigned opts, char *buf, size_t len);

/* Whether a context with these options may use the entry. */
int dev_wanted(const struct vx_dev *d, unsigned opts);

/* The v1 devices.allow line of an entry ("c 136:* rwm"). */
void dev_allow_line(const struct vx_dev *d, char *buf, size_t len);

/* The BPF_PROG_TYPE_CGROUP_DEVICE program that allows exactly the wanted entries (1) and
 * denies everything else (0).  Returns the number of instructions, or 0 if max is short. */
#define VX_DEV_PROG_MAX 64
size_t dev_prog(unsigned opts, struct bpf_insn *insn, size_t max);

#endif
