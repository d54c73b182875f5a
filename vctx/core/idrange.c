// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/idrange.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>

#include "core/conf.h"
#include "core/paths.h"
#include "core/registry.h"
#include "core/util.h"

#define MAX_USED 8192

/* One bit for each range of VX_IDS_PER_CONTEXT ids below VX_ID_LIMIT: set where a range in use
 * overlaps it.  8 KiB, marked in one pass: sorting 1,000 ranges instead was a tenth of a
 * create's time at 1,000 contexts. */
#define SLOTS (VX_ID_LIMIT / VX_IDS_PER_CONTEXT)

int idrange_pick(const struct idrange *used, unsigned n, uint64_t *base, struct vx_err *err)
{
	uint64_t taken[(SLOTS + 63) / 64];
	uint64_t s, last, first = VX_ID_FIRST / VX_IDS_PER_CONTEXT;
	unsigned i;

	memset(taken, 0, sizeof(taken));
	for (i = 0; i < n; i++) {
		if (!used[i].count || used[i].start >= VX_ID_LIMIT)
			continue;
		last = (used[i].start + used[i].count - 1) / VX_IDS_PER_CONTEXT;
		if (last >= SLOTS || used[i].start + used[i].count < used[i].start)
			last = SLOTS - 1;
		for (s = used[i].start / VX_IDS_PER_CONTEXT; s <= last; s++)
			taken[s / 64] |= 1ull << (s % 64);
	}
	for (s = first; s < SLOTS; s++) {
		uint64_t free = ~taken[s / 64] & (~0ull << (s % 64));

		if (free) {
			s = s / 64 * 64 + (unsigned)__builtin_ctzll(free);
			break;
		}
		s = s / 64 * 64 + 63;
	}
	if (s >= SLOTS)
		return vx_fail(err, ENOSPC, "no free range of %u ids left", VX_IDS_PER_CONTEXT);
	*base = s * VX_IDS_PER_CONTEXT;
	return 0;
}

unsigned idrange_parse_subid(const char *text, struct idrange *out, unsigned max)
{
	unsigned n = 0;
	const char *line = text;

	while (line && *line && n < max) {
		unsigned long long start, count;
		const char *colon = strchr(line, ':');
		const char *nl = strchr(line, '\n');

		if (colon && (!nl || colon < nl) &&
		    sscanf(colon, ":%llu:%llu", &start, &count) == 2) {
			out[n].start = start;
			out[n].count = count;
			n++;
		}
		line = nl ? nl + 1 : NULL;
	}
	return n;
}

struct idscan {
	struct idrange *used;
	unsigned n;
};

static int add_base(const char *name, const char *value, void *user)
{
	struct idscan *s = user;
	uint64_t v;

	(void)name;
	if (s->n < MAX_USED && parse_u64(value, 0, UINT32_MAX, &v, NULL) == 0) {
		s->used[s->n].start = v;
		s->used[s->n].count = VX_IDS_PER_CONTEXT;
		s->n++;
	}
	return 0;
}

static void add_subid_file(const char *path, struct idscan *s)
{
	_cleanup_free_ char *text = read_text(path, 1 << 20, NULL);

	if (text)
		s->n += idrange_parse_subid(text, s->used + s->n, MAX_USED - s->n);
}

/* Every id-base in PREFIX/etc/vctx, even of configs that fail to parse otherwise. */
static int add_contexts(struct idscan *s, struct vx_err *err)
{
	return registry_scan("context", "id-base", add_base, s, err) < 0 ? -1 : 0;
}

bool idrange_is_free(const struct idrange *used, unsigned n, uint64_t base)
{
	unsigned i;

	if (base < VX_ID_FIRST || base % VX_IDS_PER_CONTEXT ||
	    base + VX_IDS_PER_CONTEXT > VX_ID_LIMIT)
		return false;
	for (i = 0; i < n; i++)
		if (idrange_overlaps(&used[i], base))
			return false;
	return true;
}

bool idrange_overlaps(const struct idrange *r, uint64_t base)
{
	return r->count && r->start < base + VX_IDS_PER_CONTEXT && base < r->start + r->count;
}

int idrange_lock(struct vx_err *err)
{
	char lockpath[PATH_MAX];
	int fd;

	if (xsnprintf(lockpath, sizeof(lockpath), "%s/ids.lock", vx_paths.run) < 0)
		return vx_failsys(err, "lock path");
	fd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return vx_failsys(err, "cannot open %s", lockpath);
	/* Creates and destroys are short: wait for a concurrent one rather than fail. */
	if (flock(fd, LOCK_EX) < 0) {
		close(fd);
		return vx_failsys(err, "cannot lock %s", lockpath);
	}
	return fd;
}

int idrange_allocate(uint64_t prefer, uint64_t *base, struct vx_err *err)
{
	_cleanup_free_ struct idrange *used = calloc(MAX_USED, sizeof(*used));
	_cleanup_close_ int fd = -1;
	struct idscan s = { .used = used };

	if (!used)
		return vx_fail(err, ENOMEM, "out of memory");
	fd = idrange_lock(err);
	if (fd < 0)
		return -1;
	add_subid_file("/etc/subuid", &s);
	add_subid_file("/etc/subgid", &s);
	if (add_contexts(&s, err) < 0)
		return -1;
	if (prefer && idrange_is_free(used, s.n, prefer))
		*base = prefer;
	else if (idrange_pick(used, s.n, base, err) < 0)
		return -1;
	return take_fd(&fd);
}
