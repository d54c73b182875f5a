// SPDX-License-Identifier: GPL-2.0-or-later
/* vctx check [--json]: the report of ops/check.c, as text or JSON. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cmd.h"
#include "core/json.h"
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
	struct json j;
	unsigned i;

	json_begin(&j, stdout);
	json_string(&j, "kernel", r->release);
	json_string(&j, "config", r->config_from[0] ? r->config_from : NULL);
	json_array(&j, "features");
	for (i = 0; i < r->nfeatures; i++) {
		const struct check_feature *f = &r->features[i];

		json_object(&j, NULL);
		json_string(&j, "id", f->id);
		json_string(&j, "name", f->name);
		json_bool(&j, "ok", f->ok);
		json_bool(&j, "required", f->required);
		json_string(&j, "detail", f->detail[0] ? f->detail : NULL);
		json_string(&j, "config", f->config);
		json_string(&j, "config_value", f->value[0] ? f->value : NULL);
		json_string(&j, "since", f->since && f->since[0] ? f->since : NULL);
		json_string(&j, "without", f->breaks && f->breaks[0] ? f->breaks : NULL);
		json_close(&j);
	}
	json_close(&j);
	json_array(&j, "settings");
	for (i = 0; i < r->nsettings; i++) {
		const struct check_setting *s = &r->settings[i];

		json_object(&j, NULL);
		json_string(&j, "sysctl", s->sysctl);
		json_int(&j, "value", s->value, s->known);
		json_int(&j, "recommended", s->want, true);
		json_bool(&j, "ok", s->ok);
		json_string(&j, "why", s->why);
		json_close(&j);
	}
	json_close(&j);
	json_uint(&j, "missing_required", r->bad_req, true);
	json_uint(&j, "missing_optional", r->bad_opt, true);
	json_finish(&j);
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
