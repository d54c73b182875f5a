// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops/freeze.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/state.h"
#include "core/util.h"
#include "supervisor/ctl.h"

/* A running context is frozen by its supervisor for as long as *fd stays open; a stopped one
 * needs nothing (*fd = -1). */
int freeze_context(const char *name, int *fd, struct vx_err *err)
{
	struct ctl_req req = { .op = CTL_FREEZE };
	struct vx_runstate st;
	bool supervised, alive;
	enum vx_state state;

	*fd = -1;
	if (state_probe(name, &st, err) < 0)
		return -1;
	supervised = st.supervised;
	alive = st.init_alive;
	state = st.state;
	state_free(&st);
	if (!supervised && alive)
		return vx_fail(err, EBUSY, "%s runs without its supervisor: stop it first", name);
	if (!supervised)
		return 0;
	if (state != VX_RUNNING)
		return vx_fail(err, EBUSY, "%s is %s: try again", name, state_str(state));
	*fd = ctl_call(name, &req, NULL, 0, err);
	return *fd < 0 ? -1 : 0;
}

void freeze_thaw(int *fd)
{
	if (*fd < 0)
		return;
	write_full(*fd, "thaw\n", 5);
	close(*fd);
	*fd = -1;
}
