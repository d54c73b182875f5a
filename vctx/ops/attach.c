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

int attach_console(const char *name, const char *escape, struct attach *a, struct vx_err *err)
{
	struct ctl_req req = { .op = CTL_CONSOLE };
	struct vx_handle h;
	bool up;

	memset(a, 0, sizeof(*a));
	a->fd = -1;
	if (handle_open(&h, name, H_RUNCONF, err) < 0)
		return -1;
	snprintf(a->escape, sizeof(a->escape), "%s", escape ? escape : h.conf.console_escape);
	snprintf(a->warning, sizeof(a->warning), "%s", h.warning);
	up = h.st.supervised && h.st.state != VX_STOPPED;
	if (!up)
		vx_fail(err, ESRCH, "%s is not running%s", name,
			h.st.init_alive ? " under its supervisor" : "");
	handle_close(&h);
	if (!up || conf_check_value("console-escape", a->escape, err) < 0)
		return -1;
	a->fd = ctl_call(name, &req, NULL, 0, err);
	return a->fd < 0 ? -1 : 0;
}

int attach_relay(int fd, const char *escape, struct vx_err *err)
{
	struct tty_relay rl = { .peer = fd, .pidfd = -1, .prefix = escape[1] & 0x1f,
				.detach = escape[3] };

	return tty_run(&rl, err);
}
