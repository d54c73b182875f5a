// SPDX-License-Identifier: GPL-2.0-or-later
/* vctx list [--json] [-o COLUMNS] [--running | --stopped] [--group GROUP] [--no-header]
 * vctx status [--json] NAME */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "core/devices.h"
#include "core/json.h"
#include "core/registry.h"
#include "core/state.h"
#include "core/util.h"
#include "kernel/cgroup.h"
#include "kernel/storage.h"
#include "ops/handle.h"
#include "ops/migrate.h"

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

static bool up(const struct info *in)
{
	return in->st.state != VX_STOPPED;
}

/* As ps(1)'s %CPU: CPU time over the time since it started (100 = one CPU). */
static double cpu_percent(const struct info *in)
{
	return in->use.cpu_usec / 1e4 / (double)(in->uptime ? in->uptime : 1);
}

/* A configured limit: bytes or a count, null when there is none. */
static void json_limit(struct json *j, const char *key, const struct vx_limit *l)
{
	json_uint(j, key, l->v, l->set && !l->max);
}

/* What the config asks for. */
static void json_limits(struct json *j, const struct vx_conf *c)
{
	json_object(j, "limits");
	json_limit(j, "memory", &c->memory);
	json_limit(j, "memory_swap", &c->memory_swap);
	json_limit(j, "pids", &c->pids);
	json_string(j, "cpus", c->cpus[0] ? c->cpus : NULL);
	json_limit(j, "disk", &c->disk);
	json_close(j);
}

/* What the kernel says while it runs (null when stopped), and the disk image. */
static void json_use(struct json *j, const struct info *in)
{
	uint64_t allocated, size = storage_image_size(in->name, &allocated);
	const struct cg_stats *u = &in->use;
	bool run = up(in);

	if (run && u->have_mem) {
		json_object(j, "memory");
		json_uint(j, "current", u->mem_current, true);
		json_uint(j, "peak", u->mem_peak, true);
		json_uint(j, "limit", u->mem_limit, u->mem_limit != 0);
		json_uint(j, "oom_kills", u->oom_kills, true);
		json_close(j);
	} else {
		json_null(j, "memory");
	}
	if (run && u->have_pids) {
		json_object(j, "pids");
		json_uint(j, "current", u->pids_current, true);
		json_uint(j, "limit", u->pids_limit, u->pids_limit != 0);
		json_close(j);
	} else {
		json_null(j, "pids");
	}
	if (run && u->have_cpu) {
		json_object(j, "cpu");
		json_uint(j, "usec", u->cpu_usec, true);
		json_double(j, "percent", cpu_percent(in), true);
		json_close(j);
	} else {
		json_null(j, "cpu");
	}
	if (size) {
		json_object(j, "disk");
		json_uint(j, "size", size, true);
		json_uint(j, "allocated", allocated, true);
		json_close(j);
	} else {
		json_null(j, "disk");
	}
}

static void json_network(struct json *j, const struct info *in)
{
	const char *mode = conf_net_mode(&in->conf);
	bool run = up(in);
	unsigned i;

	json_object(j, "network");
	json_string(j, "mode", mode);
	json_string(j, "bridge", strcmp(mode, "bridge") == 0 ? in->conf.net_bridge : NULL);
	json_array(j, "addresses");
	for (i = 0; i < in->conf.address.n; i++) {
		char a[VX_ADDR_STR];

		addr_fmt(&in->conf.address.v[i], true, a, sizeof(a));
		json_string(j, NULL, a);
	}
	json_close(j);
	json_string(j, "host_link", run && in->st.netdev[0] ? in->st.netdev : NULL);
	json_string(j, "uplink", run && in->st.uplink[0] ? in->st.uplink : NULL);
	json_string(j, "filter", run && in->st.filter[0] ? in->st.filter : NULL);
	json_close(j);
	json_array(j, "devices");
	for (i = 0; i < 32; i++) {
		char name[64];

		if ((in->conf.devices & (1u << i)) && *dev_opt_names(1u << i, name, sizeof(name)))
			json_string(j, NULL, name);
	}
	json_close(j);
}

/* One context, the same object in `list --json` and `status --json` (vctx(8), JSON). */
static void json_info(struct json *j, const struct info *in)
{
	bool run = up(in), conf = in->conf_ok;

	json_string(j, "name", in->name);
	json_string(j, "state", conf ? state_str(in->st.state) : "broken");
	json_string(j, "config_error", in->conf_error[0] ? in->conf_error : NULL);
	json_bool(j, "supervised", run && in->st.supervised);
	json_int(j, "init_pid", in->st.init, run);
	json_int(j, "supervisor_pid", in->st.supervisor, run && in->st.supervised);
	json_uint(j, "uptime", in->uptime, in->st.state == VX_RUNNING);
	json_string(j, "template", conf ? in->conf.template : NULL);
	json_string(j, "hostname", conf ? in->conf.hostname : NULL);
	json_string(j, "group", conf && in->conf.group[0] ? in->conf.group : NULL);
	if (conf)
		json_bool(j, "onboot", in->conf.onboot);
	else
		json_null(j, "onboot");
	json_uint(j, "id_base", conf ? in->conf.id_base : 0, conf);
	if (conf)
		json_limits(j, &in->conf);
	else
		json_null(j, "limits");
	json_use(j, in);
	if (conf) {
		json_network(j, in);
	} else {
		json_null(j, "network");
		json_null(j, "devices");
	}
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

/* --- vctx list: a table of columns ------------------------------------------------------- */

typedef void (*col_fn)(const struct info *in, char *buf, size_t len);

static void col_name(const struct info *in, char *b, size_t n)
{
	snprintf(b, n, "%s", in->name);
}

static void col_state(const struct info *in, char *b, size_t n)
{
	snprintf(b, n, "%s", in->conf_ok ? state_str(in->st.state) : "broken");
}

static void col_pid(const struct info *in, char *b, size_t n)
{
	if (up(in))
		snprintf(b, n, "%d", (int)in->st.init);
}

static void col_address(const struct info *in, char *b, size_t n)
{
	if (in->conf_ok && in->conf.address.n)
		addr_fmt(&in->conf.address.v[0], true, b, n);
}

static void col_addresses(const struct info *in, char *b, size_t n)
{
	size_t used = 0;
	unsigned i;

	for (i = 0; in->conf_ok && i < in->conf.address.n && used + 1 < n; i++) {
		char a[VX_ADDR_STR];

		addr_fmt(&in->conf.address.v[i], true, a, sizeof(a));
		used += snprintf(b + used, n - used, "%s%s", i ? "," : "", a);
	}
}

/* used/limit while it runs: "12M/256M", "12M/-" without a limit. */
static void col_memory(const struct info *in, char *b, size_t n)
{
	char cur[16], lim[16] = "-";

	if (!up(in) || !in->use.have_mem)
		return;
	fmt_size(cur, sizeof(cur), in->use.mem_current);
	if (in->use.mem_limit)
		fmt_size(lim, sizeof(lim), in->use.mem_limit);
	snprintf(b, n, "%s/%s", cur, lim);
}

static void col_cpu(const struct info *in, char *b, size_t n)
{
	if (up(in) && in->use.have_cpu)
		snprintf(b, n, "%.1f", cpu_percent(in));
}

static void col_cputime(const struct info *in, char *b, size_t n)
{
	if (up(in) && in->use.have_cpu)
		snprintf(b, n, "%.2fs", in->use.cpu_usec / 1e6);
}

static void col_pids(const struct info *in, char *b, size_t n)
{
	if (!up(in) || !in->use.have_pids)
		return;
	if (in->use.pids_limit)
		snprintf(b, n, "%llu/%llu", (unsigned long long)in->use.pids_current,
			 (unsigned long long)in->use.pids_limit);
	else
		snprintf(b, n, "%llu/-", (unsigned long long)in->use.pids_current);
}

/* A disk image's blocks on the host over its size; an overlay context has none to show. */
static void col_disk(const struct info *in, char *b, size_t n)
{
	uint64_t allocated, size = storage_image_size(in->name, &allocated);
	char u[16], s[16];

	if (!size)
		return;
	fmt_size(u, sizeof(u), allocated);
	fmt_size(s, sizeof(s), size);
	snprintf(b, n, "%s/%s", u, s);
}

static void col_uptime(const struct info *in, char *b, size_t n)
{
	if (in->st.state == VX_RUNNING)
		fmt_duration(b, n, in->uptime);
}

static void col_template(const struct info *in, char *b, size_t n)
{
	if (in->conf_ok)
		snprintf(b, n, "%s", in->conf.template);
}

static void col_group(const struct info *in, char *b, size_t n)
{
	if (in->conf_ok)
		snprintf(b, n, "%s", in->conf.group);
}

static void col_hostname(const struct info *in, char *b, size_t n)
{
	if (in->conf_ok)
		snprintf(b, n, "%s", in->conf.hostname);
}

static void col_onboot(const struct info *in, char *b, size_t n)
{
	if (in->conf_ok)
		snprintf(b, n, "%s", in->conf.onboot ? "yes" : "no");
}

static void col_ids(const struct info *in, char *b, size_t n)
{
	if (in->conf_ok)
		snprintf(b, n, "%llu", (unsigned long long)in->conf.id_base);
}

static const struct list_column {
	const char *name, *head;
	bool right;
	col_fn fn;
} list_columns[] = {
	{ "name", "NAME", false, col_name },
	{ "state", "STATE", false, col_state },
	{ "pid", "PID", true, col_pid },
	{ "address", "ADDRESS", false, col_address },
	{ "addresses", "ADDRESSES", false, col_addresses },
	{ "memory", "MEMORY", true, col_memory },
	{ "cpu", "CPU%", true, col_cpu },
	{ "cputime", "CPU-TIME", true, col_cputime },
	{ "pids", "PIDS", true, col_pids },
	{ "disk", "DISK", true, col_disk },
	{ "uptime", "UPTIME", true, col_uptime },
	{ "template", "TEMPLATE", false, col_template },
	{ "group", "GROUP", false, col_group },
	{ "hostname", "HOSTNAME", false, col_hostname },
	{ "onboot", "ONBOOT", false, col_onboot },
	{ "id-base", "ID-BASE", true, col_ids },
};

#define LIST_DEFAULT "name,state,address,memory,cpu,pids,uptime,template"
#define LIST_MAXCOLS 32
#define LIST_CELL 160

/* "name,memory,cpu" into indexes of list_columns; an unknown name is one error line. */
static int list_parse_columns(const char *spec, int *cols, struct vx_err *err)
{
	char buf[512], *save = NULL, *tok;
	int n = 0;

	if (xsnprintf(buf, sizeof(buf), "%s", spec) < 0)
		return vx_fail(err, EINVAL, "column list too long");
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned i;

		for (i = 0; i < ARRAY_SIZE(list_columns); i++)
			if (strcmp(tok, list_columns[i].name) == 0)
				break;
		if (i == ARRAY_SIZE(list_columns)) {
			char all[256];
			size_t used = 0;

			for (i = 0; i < ARRAY_SIZE(list_columns); i++)
				used += snprintf(all + used, sizeof(all) - used, "%s%s", i ? " " : "",
						 list_columns[i].name);
			return vx_fail(err, EINVAL, "unknown column '%s' (columns: %s)", tok, all);
		}
		if (n == LIST_MAXCOLS)
			return vx_fail(err, EINVAL, "more than %d columns", LIST_MAXCOLS);
		cols[n++] = (int)i;
	}
	if (!n)
		return vx_fail(err, EINVAL, "no columns given");
	return n;
}

enum list_filter { LIST_ALL, LIST_RUNNING, LIST_STOPPED };

static bool list_wanted(const struct info *in, enum list_filter f, const char *group)
{
	if (f == LIST_RUNNING && in->st.state != VX_RUNNING)
		return false;
	if (f == LIST_STOPPED && in->st.state != VX_STOPPED)
		return false;
	return !group || (in->conf_ok && strcmp(in->conf.group, group) == 0);
}

/* Every cell first, so each column is as wide as its widest; "-" where nothing applies. */
#define CELL(cells, r, c, ncols) ((cells) + ((size_t)(r) * (ncols) + (c)) * LIST_CELL)

static void list_print(const char *cells, int rows, const int *cols, int ncols, bool header)
{
	int width[LIST_MAXCOLS], r, c;

	for (c = 0; c < ncols; c++) {
		width[c] = header ? (int)strlen(list_columns[cols[c]].head) : 1;
		for (r = 0; r < rows; r++)
			if ((int)strlen(CELL(cells, r, c, ncols)) > width[c])
				width[c] = (int)strlen(CELL(cells, r, c, ncols));
	}
	for (r = header ? -1 : 0; r < rows; r++) {
		for (c = 0; c < ncols; c++) {
			const char *v = r < 0 ? list_columns[cols[c]].head : CELL(cells, r, c, ncols);
			bool last = c == ncols - 1;

			if (!*v)
				v = "-";
			if (list_columns[cols[c]].right)
				printf("%s%*s", c ? "  " : "", width[c], v);
			else
				printf("%s%-*s", c ? "  " : "", last ? 0 : width[c], v);
		}
		printf("\n");
	}
}

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'j' },
					      { "output", required_argument, NULL, 'o' },
					      { "running", no_argument, NULL, 'r' },
					      { "stopped", no_argument, NULL, 's' },
					      { "group", required_argument, NULL, 'g' },
					      { "no-header", no_argument, NULL, 'H' },
					      { NULL, 0, NULL, 0 } };
	const char *spec = LIST_DEFAULT, *group = NULL;
	enum list_filter filter = LIST_ALL;
	bool json = false, header = true;
	char *cells = NULL;
	int cols[LIST_MAXCOLS], ncols, n, i, o, rows = 0;
	struct json j;
	struct vx_err err;
	char **names;

	while ((o = cmd_getopt(argc, argv, "o:", opts, NULL)) != -1) {
		switch (o) {
		case 'j': json = true; break;
		case 'o': spec = optarg; break;
		case 'r': filter = LIST_RUNNING; break;
		case 's': filter = LIST_STOPPED; break;
		case 'g': group = optarg; break;
		case 'H': header = false; break;
		default: return cmd_usage("list");
		}
	}
	if (optind != argc)
		return cmd_usage("list");
	ncols = list_parse_columns(spec, cols, &err);
	if (ncols < 0)
		return cmd_fail(&err);
	if (group && parse_name(group, "group", &err) < 0)
		return cmd_fail(&err);
	n = registry_names(&names, &err);
	if (n < 0)
		return cmd_fail(&err);
	if (!json && n) {
		cells = calloc((size_t)n * ncols, LIST_CELL);
		if (!cells) {
			registry_names_free(names, n);
			vx_fail(&err, ENOMEM, "out of memory");
			return cmd_fail(&err);
		}
	}
	if (json) {
		json_begin(&j, stdout);
		json_array(&j, "contexts");
	}
	for (i = 0; i < n; i++) {
		struct info in;
		int c;

		gather(names[i], &in);
		if (list_wanted(&in, filter, group)) {
			if (json) {
				json_object(&j, NULL);
				json_info(&j, &in);
				json_close(&j);
			} else {
				for (c = 0; c < ncols; c++)
					list_columns[cols[c]].fn(&in, CELL(cells, rows, c, ncols),
								 LIST_CELL);
				rows++;
			}
		}
		if (up(&in) && !in.st.supervised)
			fprintf(stderr, "vctx: %s: no supervisor: 'vctx stop %s' cleans up\n", in.name,
				in.name);
		release(&in);
	}
	if (json)
		json_finish(&j);
	else
		list_print(cells, rows, cols, ncols, header);
	free(cells);
	registry_names_free(names, n);
	return 0;
}

int cmd_status(int argc, char **argv)
{
	bool json = false;
	struct info in;
	char up[32] = "-", host[256], phase[16];
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
		struct json j;

		json_begin(&j, stdout);
		json_info(&j, &in);
		json_finish(&j);
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
		if (migrate_pending(in.name, host, sizeof(host), phase, sizeof(phase)))
			printf("migration:  to %s, %s (vctx migrate --recover %s finishes it)\n",
			       host, phase, in.name);
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
