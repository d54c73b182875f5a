// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vnet — contexts' IP addresses as aliases of the host's uplinks (see vnet(8)).
 *
 *   vnet [--prefix DIR] list [--json]
 *   vnet [--prefix DIR] add [--wait] NAME ADDRESS/PREFIX
 *   vnet [--prefix DIR] del [--wait] NAME ADDRESS/PREFIX
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "core/json.h"
#include "core/paths.h"
#include "core/registry.h"
#include "core/state.h"
#include "core/util.h"
#include "ops/address.h"
#include "ops/handle.h"
#include "vnet/vnet.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: vnet [--prefix DIR] list [--json]\n"
		   "       vnet [--prefix DIR] add [--wait] NAME ADDRESS/PREFIX\n"
		   "       vnet [--prefix DIR] del [--wait] NAME ADDRESS/PREFIX\n");
}

static int fail(const struct vx_err *err)
{
	vx_err_print("vnet", err);
	return 1;
}

/* Where the context's addresses appear on the host: uplink, bridge, or "-". */
static void label_link(const struct vx_conf *c, const struct vx_runstate *st, char *buf,
		       size_t len)
{
	const char *mode = conf_net_mode(c);
	char up[16];

	if (strcmp(mode, "bridge") == 0)
		snprintf(buf, len, "%s", c->net_bridge);
	else if (st->uplink[0])
		snprintf(buf, len, "%s", st->uplink);
	else if (vnet_uplink(c, up, NULL) == 0)
		snprintf(buf, len, "%s", up);
	else
		snprintf(buf, len, "-");
}

static int list(bool json)
{
	struct vx_err err;
	char **names;
	struct json js;
	int n, i;
	unsigned j;

	n = registry_names(&names, &err);
	if (n < 0)
		return fail(&err);
	if (json) {
		json_begin(&js, stdout);
		json_array(&js, "addresses");
	} else
		printf("%-24s %-28s %-8s %s\n", "ALIAS", "ADDRESS", "MODE", "STATE");
	for (i = 0; i < n; i++) {
		struct vx_handle h;
		const struct vx_conf *c = &h.conf;
		char link[16], alias[64];

		if (handle_open(&h, names[i], H_RUNCONF | H_STATE, &err) < 0 || !h.have_conf) {
			handle_close(&h);
			continue;
		}
		label_link(c, &h.st, link, sizeof(link));
		snprintf(alias, sizeof(alias), "%s:%s", link, names[i]);
		for (j = 0; j < c->address.n; j++) {
			char a[VX_ADDR_STR];

			addr_fmt(&c->address.v[j], true, a, sizeof(a));
			if (json) {
				json_object(&js, NULL);
				json_string(&js, "alias", alias);
				json_string(&js, "link", link);
				json_string(&js, "context", names[i]);
				json_string(&js, "address", a);
				json_string(&js, "mode", conf_net_mode(c));
				json_string(&js, "state", state_str(h.st.state));
				json_close(&js);
			} else {
				printf("%-24s %-28s %-8s %s\n", alias, a,
				       conf_net_mode(c), state_str(h.st.state));
			}
		}
		handle_close(&h);
	}
	if (json)
		json_finish(&js);
	registry_names_free(names, n);
	return 0;
}

static int change(int argc, char **argv, bool add)
{
	static const struct option opts[] = { { "wait", no_argument, NULL, 'w' },
					      { NULL, 0, NULL, 0 } };
	struct vx_err err;
	bool wait = false;
	int o;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o != 'w') {
			usage(stderr);
			return 2;
		}
		wait = true;
	}
	if (argc - optind != 2) {
		usage(stderr);
		return 2;
	}
	if (address_change(argv[optind], argv[optind + 1], add, wait, &err) < 0)
		return fail(&err);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = { { "prefix", required_argument, NULL, 'p' },
					      { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	const char *prefix = NULL;
	struct vx_err err;
	int o;

	while ((o = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (o) {
		case 'p': prefix = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	if (paths_init(prefix, &err) < 0)
		return fail(&err);
	argc -= optind;
	argv += optind;
	optind = 0;
	if (strcmp(argv[0], "list") == 0) {
		if (argc > 2 || (argc == 2 && strcmp(argv[1], "--json") != 0)) {
			usage(stderr);
			return 2;
		}
		return list(argc == 2);
	}
	if (strcmp(argv[0], "add") == 0)
		return change(argc, argv, true);
	if (strcmp(argv[0], "del") == 0)
		return change(argc, argv, false);
	fprintf(stderr, "vnet: unknown command '%s'\n", argv[0]);
	usage(stderr);
	return 2;
}
