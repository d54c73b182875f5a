/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rootfs.h — the context's root tree: the template and the upper layer (or disk image)
 * overlaid, /proc, /sys, /dev, /run and the binds, made read-only where they must be and
 * detached as one tree that spawn hands to init.
 */
#ifndef VX_ROOTFS_H
#define VX_ROOTFS_H

#include "core/err.h"
#include "kernel/spawn.h"

/* Run by the mount helper, in M0, in the context's net/ipc/cgroup namespaces with the
 * host's credentials; and in its pid namespace unless sp->procfs is already made. */
int rootfs_setup(const struct vx_spawn *sp, struct vx_err *err);

/* The context's devpts instance, mounted at the host path 'at' (in M0) by its supervisor, once
 * for the context's life: its console is one of its ptys (a devpts of the supervisor's own
 * would cost each context a superblock more), and each boot's /dev/pts is a bind of it. */
int rootfs_devpts(const struct vx_conf *conf, const char *at, struct vx_err *err);

/* A procfs of the pid namespace that pid is in, made from outside it (pidns=, Linux 6.18),
 * not yet attached, nosuid, nodev and noexec: its mount descriptor; -1 with errno where the
 * kernel cannot. */
int rootfs_proc_for(pid_t pid);

#endif
