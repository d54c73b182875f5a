// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops/address.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/addr.h"
#include "core/cfgedit.h"
#include "core/conf.h"
#include "core/lock.h"
#include "core/paths.h"
#include "core/registry.h"
#include "core/state.h"
#include "core/util.h"
#include "ops/handle.h"
#include "supervisor/ctl.h"
#include "vnet/vnet.h"

static int addr_persist(const char *name, const char *canon, bool add, struct vx_err *err)
{
	char path[PATH_MAX];
	_cleanup_free_ char *text = NULL, *next = NULL;
	struct vx_conf conf;
	unsigned removed = 0;

	if (path_conf(path, sizeof(path), name) < 0)
		return vx_failsys(err, "config path");
	text = read_text(path, 1 << 20, err);
	if (!text)
		return -1;
	next = add ? cfg_add(text, "network", "address", canon, err)
		   : cfg_del(text, "network", "address", canon, &removed, err);
	if (!next || conf_parse(path, next, name, &conf, err) < 0)
		return -1;
	conf_free(&conf);
	return write_atomic(path, next, strlen(next), 0600, false, err);
}

int address_change(const char *name, const char *addr, bool add, bool wait, struct vx_err *err)
{
	_cleanup_close_ int fd = -1;
	struct vx_handle h;
	struct vx_addr a;
	char canon[64], owner[VX_NAME_MAX + 1], *have = NULL;
	struct ctl_req req = { .op = add ? CTL_ADDR_ADD : CTL_ADDR_DEL };
	unsigned i;
	int r = -1;

	if (addr_parse(addr, true, &a, err) < 0 || (add && addr_check_host(&a, err) < 0))
		return -1;
	addr_fmt(&a, true, canon, sizeof(canon));
	if (handle_open(&h, name, H_CONF | H_LOCK | (wait ? H_WAIT : 0) | H_STATE, err) < 0)
		return -1;
	for (i = 0; i < h.conf.address.n; i++)
		if (addr_same_host(h.conf.address.v[i], canon))
			have = h.conf.address.v[i];
	if (add && have) {
		vx_fail(err, EEXIST, "%s already has address %s", name, have);
		goto out;
	}
	if (!add && !have) {
		vx_fail(err, ENOENT, "%s does not have address %s", name, canon);
		goto out;
	}
	if (!add)
		snprintf(canon, sizeof(canon), "%s", have);
	if (add && registry_owner(canon, name, owner, sizeof(owner))) {
		vx_fail(err, EADDRINUSE, "address %s belongs to context %s", canon, owner);
		goto out;
	}
	if (add) {
		/* The whole network as it would be, checked against the host first. */
		struct vx_conf probe = h.conf;

		probe.address.v[probe.address.n] = canon;
		probe.address.n++;
		r = vnet_check(name, &probe, err);
		probe.address.n--;
		if (r < 0)
			goto out;
		r = -1;
	}
	if (h.st.init_alive && !h.st.supervised) {
		vx_fail(err, ESRCH, "%s runs without its supervisor: restart it first", name);
		goto out;
	}
	if (h.st.supervised) {
		if (addr_parse(canon, true, &req.addr, err) < 0)
			goto out;
		fd = ctl_call(name, &req, NULL, 0, err);
		if (fd < 0) {
			vx_prefix(err, "%s", name);
			goto out;
		}
	}
	if (addr_persist(name, canon, add, err) < 0) {
		/* Saving failed: take the live change back. */
		if (h.st.supervised) {
			struct vx_err ignored;

			close(take_fd(&fd));
			req.op = add ? CTL_ADDR_DEL : CTL_ADDR_ADD;
			fd = ctl_call(name, &req, NULL, 0, &ignored);
		}
		goto out;
	}
	r = 0;
out:
	handle_close(&h);
	return r;
}
