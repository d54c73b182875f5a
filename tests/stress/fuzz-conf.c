// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-conf — libFuzzer target for what vctx reads from admins, archives and tenants: the
 * config parser (and the editor that rewrites configs), the import policy's config filter,
 * addresses, the hosts file, the terminal escaper.  `make stress` runs it for a fixed time.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/cfgedit.h"
#include "core/conf.h"
#include "core/escape.h"
#include "core/importpolicy.h"
#include "core/resolv.h"
#include "core/addr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), out[4096], dropped[256];
	struct vx_addr a;
	struct vx_conf conf;
	struct vx_err err;
	size_t used;
	char *t;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (conf_parse("fuzz.conf", text, "fuzz", &conf, &err) == 0)
		conf_free(&conf);
	t = cfg_set(text, "limits", "memory", "64M", &err);
	free(t);
	t = importpolicy_conf_filter(text, dropped, sizeof(dropped), &err);
	free(t);
	t = resolv_hosts(text, "fuzz");
	free(t);
	resolv_servers(text, out, sizeof(out));
	escape_bytes((const char *)data, size, true, ESCAPE_KEEP_NL | ESCAPE_CRLF, out,
		     sizeof(out), &used);
	if (size < 128) {
		addr_parse(text, true, &a, &err);
		if (addr_parse(text, true, &a, &err) == 0)
			addr_check_host(&a, &err);
		parse_name(text, "context", &err);
	}
	free(text);
	return 0;
}
