// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/limitmap.h"

#include <stdio.h>
#include <string.h>


typedef bool (*fmt_fn)(const struct vx_conf *c, bool v2, char *buf, size_t len);

static bool fmt_bytes(const struct vx_limit *l, bool v2, char *buf, size_t len)
{
	if (!l->set)
		return false;
	if (l->max)
		snprintf(buf, len, v2 ? "max" : "-1");
	else
		snprintf(buf, len, "%llu", (unsigned long long)l->v);
	return true;
}

static bool fmt_memory(const struct vx_conf *c, bool v2, char *buf, size_t len)
{
	return fmt_bytes(&c->memory, v2, buf, len);
}

/* v2 limits swap alone; v1 limits memory and swap together. */
static bool fmt_swap(const struct vx_conf *c, bool v2, char *buf, size_t len)
{
	struct vx_limit sum = c->memory_swap;

	if (!v2 && sum.set && !sum.max) {
		if (c->memory.max)
			sum.max = true;
		else
			sum.v += c->memory.v;
	}
	return fmt_bytes(&sum, v2, buf, len);
}

static bool fmt_cpu_weight(const struct vx_conf *c, bool v2, char *buf, size_t len)
{
	uint64_t w = c->cpu_weight.max ? 10000 : c->cpu_weight.v;

	if (!c->cpu_weight.set)
		return false;
	if (!v2) {
		w = w * 1024 / 100;
		w = w < 2 ? 2 : w > 262144 ? 262144 : w;
	}
	snprintf(buf, len, "%llu", (unsigned long long)w);
	return true;
}

static bool fmt_cpu_max(const struct vx_conf *c, bool v2, char *buf, size_t len)
{
	unsigned long long quota = c->cpu_max.v * VX_CPU_PERIOD_US / 1000000;

	if (!c->cpu_max.set)
		return false;
	if (v2 && c->cpu_max.max)
		snprintf(buf, len, "max %u", VX_CPU_PERIOD_US);
	else if (v2)
		snprintf(buf, len, "%llu %u", quota, VX_CPU_PERIOD_US);
	else if (c->cpu_max.max)
		snprintf(buf, len, "-1");
	else
		snprintf(buf, len, "%llu", quota);
	return true;
}

static bool fmt_cpus(const struct vx_conf *c, bool v2, char *buf, size_t len)
{
	(void)v2;
	if (!c->cpus[0])
		return false;
	snprintf(buf, len, "%s", c->cpus);
	return true;
}

static bool fmt_pids(const struct vx_conf *c, bool v2, char *buf, size_t len)
{
	(void)v2;
	if (!c->pids.set)
		return false;
	if (c->pids.max)
		snprintf(buf, len, "max");
	else
		snprintf(buf, len, "%llu", (unsigned long long)c->pids.v);
	return true;
}

static bool fmt_io_weight(const struct vx_conf *c, bool v2, char *buf, size_t len)
{
	uint64_t w = c->io_weight.max ? 10000 : c->io_weight.v;

	if (!c->io_weight.set)
		return false;
	if (v2) {
		snprintf(buf, len, "default %llu", (unsigned long long)w);
	} else {
		w *= 5;
		snprintf(buf, len, "%llu", (unsigned long long)(w < 10 ? 10 : w > 1000 ? 1000 : w));
	}
	return true;
}

static const struct {
	const char *key;
	const char *v2_ctrl, *v2_file, *v1_ctrl, *v1_file;
	fmt_fn fmt;
} rows[] = {
	{ "memory", "memory", "memory.max", "memory", "memory.limit_in_bytes", fmt_memory },
	{ "memory-swap", "memory", "memory.swap.max", "memory", "memory.memsw.limit_in_bytes",
	  fmt_swap },
	{ "cpu-weight", "cpu", "cpu.weight", "cpu", "cpu.shares", fmt_cpu_weight },
	{ "cpu-max", "cpu", "cpu.max", "cpu", "cpu.cfs_quota_us", fmt_cpu_max },
	{ "cpus", "cpuset", "cpuset.cpus", "cpuset", "cpuset.cpus", fmt_cpus },
	{ "pids", "pids", "pids.max", "pids", "pids.max", fmt_pids },
	{ "io-weight", "io", "io.weight", "blkio", "blkio.weight", fmt_io_weight },
};

static int translate(const struct vx_conf *conf, bool v2, const char *only,
		     struct cg_setting *out, unsigned max)
{
	unsigned i, n = 0;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]) && n < max; i++) {
		struct cg_setting *s = &out[n];

		if (only && strcmp(only, rows[i].key) != 0)
			continue;
		if (!rows[i].fmt(conf, v2, s->value, sizeof(s->value)))
			continue;
		s->key = rows[i].key;
		s->ctrl = v2 ? rows[i].v2_ctrl : rows[i].v1_ctrl;
		s->file = v2 ? rows[i].v2_file : rows[i].v1_file;
		n++;
	}
	return n;
}

int limitmap_translate(const struct vx_conf *conf, bool v2, struct cg_setting *out, unsigned max)
{
	return translate(conf, v2, NULL, out, max);
}

int limitmap_translate_key(const struct vx_conf *conf, bool v2, const char *key,
			 struct cg_setting *out, unsigned max)
{
	return translate(conf, v2, key, out, max);
}

void limitmap_neutral(struct vx_conf *conf)
{
	struct vx_limit *unlimited[] = { &conf->memory, &conf->cpu_max, &conf->pids };
	struct vx_limit *weights[] = { &conf->cpu_weight, &conf->io_weight };
	unsigned i;

	for (i = 0; i < sizeof(unlimited) / sizeof(unlimited[0]); i++)
		if (!unlimited[i]->set)
			*unlimited[i] = (struct vx_limit){ .set = true, .max = true };
	if (!conf->memory_swap.set)
		conf->memory_swap = (struct vx_limit){ .set = true, .max = true };
	for (i = 0; i < sizeof(weights) / sizeof(weights[0]); i++)
		if (!weights[i]->set)
			*weights[i] = (struct vx_limit){ .set = true, .v = 100 };
}
