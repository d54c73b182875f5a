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

static bool same_address(const char *value, const void *arg)
{
	struct vx_addr v;

	return addr_parse(value, true, &v, NULL) == 0 && addr_equal(&v, arg);
}

/* The config gains the line, or loses every line of that address however it was written. */
static int address_persist(const char *name, const struct vx_addr *a, bool add,
			   struct vx_err *err)
{
	char path[PATH_MAX], text_a[VX_ADDR_STR];
	_cleanup_free_ char *text = NULL, *next = NULL;
	struct vx_conf conf;
	unsigned removed = 0;

	if (path_conf(path, sizeof(path), name) < 0)
		return vx_failsys(err, "config path");
	text = read_text(path, 1 << 20, err);
	if (!text)
		return -1;
	addr_fmt(a, true, text_a, sizeof(text_a));
	next = add ? cfg_add(text, "network", "address", text_a, err)
		   : cfg_del_if(text, "network", "address", same_address, a, &removed, err);
	if (!next || conf_parse(path, next, name, &conf, err) < 0)
		return -1;
	conf_free(&conf);
	return write_atomic(path, next, strlen(next), 0600, false, err);
}

int address_change(const char *name, const char *addr, bool add, bool wait, struct vx_err *err)
{
	_cleanup_close_ int fd = -1;
	struct vx_handle h;
	char text[VX_ADDR_STR], owner[VX_NAME_MAX + 1];
	struct ctl_req req = { .op = add ? CTL_ADDR_ADD : CTL_ADDR_DEL };
	int r = -1, have;

	/* Parsed here, at the edge; carried as a struct from now on. */
	if (addr_parse(addr, true, &req.addr, err) < 0 ||
	    (add && addr_check_host(&req.addr, err) < 0))
		return -1;
	if (handle_open(&h, name, H_CONF | H_LOCK | (wait ? H_WAIT : 0) | H_STATE, err) < 0)
		return -1;
	have = addr_list_find(&h.conf.address, &req.addr);
	if (have >= 0)
		addr_fmt(&h.conf.address.v[have], true, text, sizeof(text));
	else
		addr_fmt(&req.addr, true, text, sizeof(text));
	if (add && have >= 0) {
		vx_fail(err, EEXIST, "%s already has address %s", name, text);
		goto out;
	}
	if (!add && have < 0) {
		vx_fail(err, ENOENT, "%s does not have address %s", name, text);
		goto out;
	}
	/* Removed as configured (its prefix length). */
	if (!add)
		req.addr = h.conf.address.v[have];
	if (add && registry_owner(&req.addr, name, owner, sizeof(owner))) {
		vx_fail(err, EADDRINUSE, "address %s belongs to context %s", text, owner);
		goto out;
	}
	if (add) {
		/* The whole network as it would be, checked against the host first. */
		struct vx_conf probe = h.conf;

		if (addr_list_add(&probe.address, &req.addr, err) < 0 ||
		    vnet_check(name, &probe, err) < 0)
			goto out;
	}
	if (h.st.init_alive && !h.st.supervised) {
		vx_fail(err, ESRCH, "%s runs without its supervisor: restart it first", name);
		goto out;
	}
	if (h.st.supervised) {
		fd = ctl_call(name, &req, NULL, 0, err);
		if (fd < 0) {
			vx_prefix(err, "%s", name);
			goto out;
		}
	}
	if (address_persist(name, &req.addr, add, err) < 0) {
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
