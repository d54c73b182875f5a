// SPDX-License-Identifier: GPL-2.0-or-later
/* vctx check [--json]: the report of ops/check.c, as text or JSON. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cmd.h"
#include "core/util.h"
#include "ops/check.h"

static void print_text(const struct check_report *r)
{
	unsigned i;

	printf("kernel %s (config: %s)\n", r->release,
	       r->config_from[0] ? r->config_from : "not readable");
	for (i = 0; i < r->nfeatures; i++) {
		const struct check_feature *f = &r->features[i];

		printf("  %-8s %-26s %s", f->ok ? "ok" : "MISSING", f->name, f->detail);
		if (f->config && f->value[0])
			printf("%s%s=%s", f->detail[0] ? "; " : "", f->config, f->value);
		printf("\n");
		if (!f->ok)
			printf("  %-8s %-26s without it: %s%s\n", "", "", f->breaks,
			       f->required ? " (required)" : "");
	}
	printf("host settings (advice: contexts work either way)\n");
	for (i = 0; i < r->nsettings; i++) {
		const struct check_setting *s = &r->settings[i];
		char now[48];

		snprintf(now, sizeof(now), s->known ? "%s=%ld" : "%s (absent)", s->sysctl, s->value);
		printf("  %-8s %s", s->ok ? "ok" : s->known ? "ADVISE" : "-", now);
		if (!s->ok && s->known)
			printf(": set it to %ld%s; %s", s->want, s->cmp > 0 ? " or more" : "", s->why);
		printf("\n");
	}
	printf("vctx check: %u ok, %u missing (%u required)\n",
	       r->nfeatures - r->bad_req - r->bad_opt, r->bad_req + r->bad_opt, r->bad_req);
}

static void print_json(const struct check_report *r)
{
	unsigned i;

	printf("{\"kernel\":");
	json_str(stdout, r->release);
	printf(",\"config\":");
	json_str(stdout, r->config_from);
	printf(",\"features\":[");
	for (i = 0; i < r->nfeatures; i++) {
		const struct check_feature *f = &r->features[i];

		printf("%s{\"id\":", i ? "," : "");
		json_str(stdout, f->id);
		printf(",\"name\":");
		json_str(stdout, f->name);
		printf(",\"ok\":%s,\"required\":%s,\"detail\":", f->ok ? "true" : "false",
		       f->required ? "true" : "false");
		json_str(stdout, f->detail);
		printf(",\"config\":");
		json_str(stdout, f->config ? f->config : "");
		printf(",\"config_value\":");
		json_str(stdout, f->value);
		printf(",\"since\":");
		json_str(stdout, f->since);
		printf(",\"without\":");
		json_str(stdout, f->breaks);
		printf("}");
	}
	printf("],\"settings\":[");
	for (i = 0; i < r->nsettings; i++) {
		const struct check_setting *s = &r->settings[i];

		printf("%s{\"sysctl\":", i ? "," : "");
		json_str(stdout, s->sysctl);
		if (s->known)
			printf(",\"value\":%ld", s->value);
		else
			printf(",\"value\":null");
		printf(",\"recommended\":%ld,\"ok\":%s,\"why\":", s->want,
		       s->ok ? "true" : "false");
		json_str(stdout, s->why);
		printf("}");
	}
	printf("],\"missing_required\":%u,\"missing_optional\":%u}\n", r->bad_req, r->bad_opt);
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'j' },
					      { NULL, 0, NULL, 0 } };
	static struct check_report r;
	struct vx_err err = { 0 };
	bool json = false;
	int c;

	while ((c = cmd_getopt(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'j')
			return cmd_usage("check");
		json = true;
	}
	if (optind != argc)
		return cmd_usage("check");
	if (check_run(&r, &err) < 0)
		return cmd_fail(&err);
	if (json)
		print_json(&r);
	else
		print_text(&r);
	fflush(stdout);
	return r.bad_req ? 1 : 0;
}
