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
	char ans[VX_ERR_MSG + 16];
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
	*fd = ctl_request(name, "freeze", ans, sizeof(ans), err);
	if (*fd < 0)
		return -1;
	if (strcmp(ans, "ok") != 0) {
		close(*fd);
		*fd = -1;
		return vx_fail(err, EBUSY, "%s", strncmp(ans, "error ", 6) == 0 ? ans + 6 : ans);
	}
	return 0;
}

void freeze_thaw(int *fd)
{
	if (*fd < 0)
		return;
	write_full(*fd, "thaw\n", 5);
	close(*fd);
	*fd = -1;
}
