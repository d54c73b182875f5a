// SPDX-License-Identifier: GPL-2.0-or-later
#include "attach.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "ctx.h"
#include "state.h"
#include "tty.h"

int console_attach(const char *name, const char *escape, struct vx_err *err)
{
	struct vx_runstate st;
	struct vx_conf conf;
	char ans[64];
	int fd, r;

	if (ctx_load(name, &conf, err) < 0)
		return -1;
	if (!escape)
		escape = conf.console_escape;
	conf_free(&conf);
	if (conf_check_value("console-escape", escape, err) < 0)
		return -1;
	if (state_probe(name, &st, err) < 0)
		return -1;
	r = st.supervised && st.state != VX_STOPPED;
	state_free(&st);
	if (!r)
		return vx_fail(err, ESRCH, "%s is not running%s", name,
			       st.init_alive ? " under its supervisor" : "");
	fd = ctl_request(name, "console", ans, sizeof(ans), err);
	if (fd < 0)
		return -1;
	if (strcmp(ans, "busy") == 0) {
		close(fd);
		return vx_fail(err, EBUSY, "the console of %s has a viewer already (one at a time)",
			       name);
	}
	if (isatty(2))
		fprintf(stderr, "[attached to the console of %s: %s to detach]\r\n", name, escape);
	{
		struct tty_relay rl = { .peer = fd, .pidfd = -1, .prefix = escape[1] & 0x1f,
					.detach = escape[3] };

		r = tty_run(&rl, err);
	}
	close(fd);
	if (isatty(2))
		fprintf(stderr, "\r\n[%s from the console of %s]\r\n",
			r == 1 ? "detached" : r == 2 ? "signalled: detached" : "the context stopped; away",
			name);
	return r < 0 ? -1 : 0;
}

