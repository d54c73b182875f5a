// SPDX-License-Identifier: GPL-2.0-or-later
/* vctx list [--json]
 * vctx status [--json] NAME */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"
#include "core/devices.h"
#include "core/registry.h"
#include "core/state.h"
#include "core/util.h"
#include "kernel/cgroup.h"
#include "kernel/storage.h"
#include "ops/handle.h"

struct info {
	const char *name;
	struct vx_handle h;
	struct vx_conf conf;
	struct vx_runstate st;
	bool conf_ok;
	char conf_error[VX_ERR_MSG];
	uint64_t uptime;
	struct cg_stats use;
};

/* A running context is shown with the config it runs on; why NAME.conf was not used, or
 * could not be, goes to conf_error. */
static void gather(const char *name, struct info *in)
{
	struct vx_err err;

	memset(in, 0, sizeof(*in));
	in->name = name;
	if (handle_open(&in->h, name, H_RUNCONF, &err) < 0) {
		snprintf(in->conf_error, sizeof(in->conf_error), "%s", err.msg);
		state_probe(name, &in->st, &err);
	} else {
		in->conf_ok = in->h.have_conf;
		snprintf(in->conf_error, sizeof(in->conf_error), "%s", in->h.warning);
		/* The handle keeps owning them; release() lets it free them. */
		in->conf = in->h.conf;
		in->st = in->h.st;
	}
	if (in->st.state == VX_RUNNING && in->st.started && now_realtime() >= in->st.started)
		in->uptime = now_realtime() - in->st.started;
	if (in->st.state != VX_STOPPED && in->st.cgroup[0])
		cg_stats(in->st.cgroup, &in->use, &err);
}

static void release(struct info *in)
{
	if (in->h.have_conf || in->h.have_state)
		handle_close(&in->h);
	else
		state_free(&in->st);
}

static void json_info(const struct info *in)
{
	uint64_t allocated, size = storage_image_size(in->name, &allocated);

	printf("{\"name\":");
	json_str(stdout, in->name);
	printf(",\"state\":\"%s\"", state_str(in->st.state));
	printf(",\"init_pid\":%d", in->st.state != VX_STOPPED ? (int)in->st.init : 0);
	printf(",\"supervised\":%s", in->st.supervised ? "true" : "false");
	printf(",\"template\":");
	json_str(stdout, in->conf_ok ? in->conf.template : "");
	printf(",\"hostname\":");
	json_str(stdout, in->conf_ok ? in->conf.hostname : "");
	printf(",\"id_base\":%llu", in->conf_ok ? (unsigned long long)in->conf.id_base : 0ULL);
	printf(",\"uptime\":%llu", (unsigned long long)in->uptime);
	printf(",\"memory\":{\"current\":%llu,\"peak\":%llu,\"limit\":%llu}",
	       (unsigned long long)in->use.mem_current, (unsigned long long)in->use.mem_peak,
	       (unsigned long long)in->use.mem_limit);
	printf(",\"pids\":{\"current\":%llu,\"limit\":%llu}",
	       (unsigned long long)in->use.pids_current, (unsigned long long)in->use.pids_limit);
	printf(",\"cpu_usec\":%llu,\"oom_kills\":%llu", (unsigned long long)in->use.cpu_usec,
	       (unsigned long long)in->use.oom_kills);
	printf(",\"disk\":{\"size\":%llu,\"allocated\":%llu}", (unsigned long long)size,
	       (unsigned long long)allocated);
	if (in->conf_ok) {
		char devs[64];
		unsigned i;

		printf(",\"network\":{\"mode\":\"%s\",\"addresses\":[", conf_net_mode(&in->conf));
		for (i = 0; i < in->conf.address.n; i++) {
			char a[VX_ADDR_STR];

			addr_fmt(&in->conf.address.v[i], true, a, sizeof(a));
			printf(i ? "," : "");
			json_str(stdout, a);
		}
		printf("],\"link\":");
		json_str(stdout, in->st.state != VX_STOPPED ? in->st.netdev : "");
		printf(",\"filter\":");
		json_str(stdout, in->st.state != VX_STOPPED ? in->st.filter : "");
		printf("},\"devices\":");
		json_str(stdout, dev_opt_names(in->conf.devices, devs, sizeof(devs)));
	}
	printf(",\"config_error\":");
	json_str(stdout, in->conf_error);
	printf("}");
}

/* Mode, addresses, and while it runs the host's end of its link and its source filter. */
static void print_net(const struct info *in)
{
	const char *mode = conf_net_mode(&in->conf);
	bool up = in->st.state != VX_STOPPED;
	char devs[64];
	unsigned i;

	printf("network:    %s", mode);
	if (strcmp(mode, "bridge") == 0)
		printf(" %s", in->conf.net_bridge);
	if (up && in->st.netdev[0])
		printf(" (host end %s%s%s)", in->st.netdev, in->st.uplink[0] ? ", uplink " : "",
		       in->st.uplink);
	printf("\n");
	for (i = 0; i < in->conf.address.n; i++) {
		char a[VX_ADDR_STR];

		addr_fmt(&in->conf.address.v[i], true, a, sizeof(a));
		printf("address:    %s\n", a);
	}
	if (up && in->st.filter[0])
		printf("filter:     nftables netdev %s (source MAC %s)\n", in->st.filter, in->st.mac);
	if (in->conf.devices)
		printf("devices:    %s\n", dev_opt_names(in->conf.devices, devs, sizeof(devs)));
}

static void print_use(const struct cg_stats *u)
{
	char cur[16], peak[16], lim[16] = "no limit";

	if (u->have_mem) {
		fmt_size(cur, sizeof(cur), u->mem_current);
		fmt_size(peak, sizeof(peak), u->mem_peak);
		if (u->mem_limit)
			fmt_size(lim, sizeof(lim), u->mem_limit);
		printf("memory:     %s of %s (peak %s)\n", cur, lim, peak);
		printf("oom-kills:  %llu\n", (unsigned long long)u->oom_kills);
	}
	if (u->have_pids && u->pids_limit)
		printf("pids:       %llu of %llu\n", (unsigned long long)u->pids_current,
		       (unsigned long long)u->pids_limit);
	else if (u->have_pids)
		printf("pids:       %llu (no limit)\n", (unsigned long long)u->pids_current);
	if (u->have_cpu)
		printf("cpu-time:   %.2fs\n", u->cpu_usec / 1e6);
}

static int get_json(int argc, char **argv, const char *cmd, bool *json)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'j' },
					      { NULL, 0, NULL, 0 } };
	int o;

	while ((o = cmd_getopt(argc, argv, "", opts, NULL)) != -1) {
		if (o != 'j')
			return cmd_usage(cmd);
		*json = true;
	}
	return 0;
}

int cmd_list(int argc, char **argv)
{
	bool json = false;
	struct vx_err err;
	char **names;
	int n, i, r = get_json(argc, argv, "list", &json);

	if (r)
		return r;
	if (optind != argc)
		return cmd_usage("list");
	n = registry_names(&names, &err);
	if (n < 0)
		return cmd_fail(&err);
	if (json)
		printf("[");
	else
		printf("%-20s %-9s %8s %-12s %s\n", "NAME", "STATE", "INIT-PID", "TEMPLATE",
		       "UPTIME");
	for (i = 0; i < n; i++) {
		struct info in;
		char up[32] = "-";

		gather(names[i], &in);
		if (json) {
			printf(i ? "," : "");
			json_info(&in);
		} else {
			if (in.st.state == VX_RUNNING)
				fmt_duration(up, sizeof(up), in.uptime);
			printf("%-20s %-9s %8d %-12s %s%s\n", in.name,
			       in.conf_ok ? state_str(in.st.state) : "broken",
			       in.st.state != VX_STOPPED ? (int)in.st.init : 0,
			       in.conf_ok ? in.conf.template : "-", up,
			       in.st.state != VX_STOPPED && !in.st.supervised
				       ? "  (no supervisor: 'vctx stop' cleans up)" : "");
		}
		release(&in);
	}
	if (json)
		printf("]\n");
	registry_names_free(names, n);
	return 0;
}

int cmd_status(int argc, char **argv)
{
	bool json = false;
	struct info in;
	char up[32] = "-";
	uint64_t bytes, allocated;
	int r = get_json(argc, argv, "status", &json);

	if (r)
		return r;
	if (optind != argc - 1)
		return cmd_usage("status");
	gather(argv[optind], &in);
	if (!in.conf_ok) {
		fprintf(stderr, "vctx: %s\n", in.conf_error);
		release(&in);
		return 1;
	}
	cmd_warn(in.name, in.conf_error);
	if (json) {
		json_info(&in);
		printf("\n");
	} else {
		if (in.st.state == VX_RUNNING)
			fmt_duration(up, sizeof(up), in.uptime);
		printf("name:       %s\n", in.name);
		printf("state:      %s%s\n", state_str(in.st.state),
		       in.st.state != VX_STOPPED && !in.st.supervised ? " (no supervisor)" : "");
		printf("template:   %s\n", in.conf.template);
		printf("hostname:   %s\n", in.conf.hostname);
		printf("ids:        %llu-%llu\n", (unsigned long long)in.conf.id_base,
		       (unsigned long long)in.conf.id_base + VX_IDS_PER_CONTEXT - 1);
		bytes = storage_image_size(in.name, &allocated);
		if (bytes) {
			char size[16], used[16];

			fmt_size(size, sizeof(size), bytes);
			fmt_size(used, sizeof(used), allocated);
			printf("disk:       %s image, %s of it written on the host\n", size, used);
		}
		print_net(&in);
		if (in.st.state != VX_STOPPED) {
			printf("init-pid:   %d\n", (int)in.st.init);
			printf("supervisor: %d\n", (int)in.st.supervisor);
			printf("uptime:     %s\n", up);
			printf("cgroup:     %s\n", in.st.cgroup);
			print_use(&in.use);
		}
	}
	release(&in);
	return 0;
}
