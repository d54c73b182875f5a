// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops/attach.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/state.h"
#include "ops/handle.h"
#include "ops/tty.h"
#include "supervisor/ctl.h"

int attach_console(const char *name, const char *escape, struct vx_err *err)
{
	struct vx_handle h;
	struct ctl_req req = { .op = CTL_CONSOLE };
	char keys[8];
	int fd, r;

	/* The keys of the config it runs on: a NAME.conf with a typo does not lock one out. */
	if (handle_open(&h, name, H_RUNCONF, err) < 0)
		return -1;
	snprintf(keys, sizeof(keys), "%s", escape ? escape : h.conf.console_escape);
	escape = keys;
	if (h.warning[0])
		fprintf(stderr, "vctx: %s: warning: %s\r\n", name, h.warning);
	r = h.st.supervised && h.st.state != VX_STOPPED;
	if (!r)
		vx_fail(err, ESRCH, "%s is not running%s", name,
			h.st.init_alive ? " under its supervisor" : "");
	handle_close(&h);
	if (!r || conf_check_value("console-escape", escape, err) < 0)
		return -1;
	fd = ctl_call(name, &req, NULL, 0, err);
	if (fd < 0)
		return -1;
	r = attach_relay(name, fd, escape, err);
	close(fd);
	return r < 0 ? -1 : 0;
}

int attach_relay(const char *name, int fd, const char *escape, struct vx_err *err)
{
	struct tty_relay rl = { .peer = fd, .pidfd = -1, .prefix = escape[1] & 0x1f,
				.detach = escape[3] };
	int r;

	if (isatty(2))
		fprintf(stderr, "[attached to the console of %s: %s to detach]\r\n", name, escape);
	r = tty_run(&rl, err);
	if (isatty(2))
		fprintf(stderr, "\r\n[%s from the console of %s]\r\n",
			r == 1 ? "detached" : r == 2 ? "signalled: detached" : "the context stopped; away",
			name);
	return r;
}

