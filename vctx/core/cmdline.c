// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/cmdline.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "core/parse.h"
#include "core/util.h"

int cmdline_split(char *buf, char **argv, size_t max, struct vx_err *err)
{
	char *in = buf, *out = buf;
	size_t n = 0;

	for (;;) {
		char quote = 0;

		while (*in == ' ' || *in == '\t')
			in++;
		if (!*in)
			break;
		if (n + 1 >= max)
			return vx_fail(err, E2BIG, "command line has more than %zu words", max - 1);
		argv[n++] = out;
		for (; *in; in++) {
			if (quote == '\'') {
				if (*in == '\'')
					quote = 0;
				else
					*out++ = *in;
			} else if (quote == '"') {
				if (*in == '"')
					quote = 0;
				else if (*in == '\\' && in[1] && strchr("\"\\$`", in[1]))
					*out++ = *++in;
				else
					*out++ = *in;
			} else if (*in == '\'' || *in == '"') {
				quote = *in;
			} else if (*in == '\\' && in[1]) {
				*out++ = *++in;
			} else if (*in == ' ' || *in == '\t') {
				break;
			} else {
				*out++ = *in;
			}
		}
		if (quote)
			return vx_fail(err, EINVAL, "command line has an unterminated %c quote", quote);
		/* The word ends here; out never passes in, so this overwrites nothing unread
		 * but the blank that ended it. */
		if (*in)
			in++;
		*out++ = '\0';
	}
	argv[n] = NULL;
	if (n == 0)
		return vx_fail(err, EINVAL, "command line is empty");
	return (int)n;
}

int cmdline_program(const char *line, char *prog, size_t len, struct vx_err *err)
{
	char buf[PATH_MAX], *w[VX_CMDLINE_WORDS];
	int n;

	if (strlen(line) >= sizeof(buf))
		return vx_fail(err, ENAMETOOLONG, "command line too long");
	strcpy(buf, line);
	n = cmdline_split(buf, w, ARRAY_SIZE(w), err);
	if (n < 0)
		return -1;
	if (strlen(w[0]) >= len)
		return vx_fail(err, ENAMETOOLONG, "program name too long");
	strcpy(prog, w[0]);
	return parse_abspath(prog, err);
}
