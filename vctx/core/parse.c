// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/parse.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/escape.h"

int parse_name(const char *s, const char *what, struct vx_err *err)
{
	size_t n = strlen(s), used;
	char shown[200];
	size_t i;

	if (n == 0)
		return vx_fail(err, EINVAL, "%s name is empty", what);
	/* Shown escaped: a name with a newline or an escape sequence stays one harmless line. */
	escape_bytes(s, n < 40 ? n : 40, true, 0, shown, sizeof(shown), &used);
	if (n > VX_NAME_MAX)
		return vx_fail(err, EINVAL, "invalid %s name '%s...': longer than %d characters",
			       what, shown, VX_NAME_MAX);
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && i > 0))
			continue;
		return vx_fail(err, EINVAL,
			       "invalid %s name '%s': use lower-case letters, digits and '-', "
			       "starting with a letter or digit",
			       what, shown);
	}
	/* ETC/defaults.conf is the site's defaults, not a context's config. */
	if (strcmp(what, "context") == 0 && strcmp(s, "defaults") == 0)
		return vx_fail(err, EINVAL, "'defaults' is not a context name: defaults.conf holds "
			       "the site's defaults");
	return 0;
}

int parse_hostname(const char *s, struct vx_err *err)
{
	size_t n = strlen(s), label = 0, i;

	if (n == 0 || n > 64)
		return vx_fail(err, EINVAL, "invalid hostname '%s': must be 1 to 64 characters", s);
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				goto bad;
			label = 0;
			continue;
		}
		if (!isalnum(c) && c != '-')
			goto bad;
		if (c == '-' && label == 0)
			goto bad;
		if (++label > 63)
			goto bad;
	}
	if (label == 0 || s[n - 1] == '-')
		goto bad;
	return 0;
bad:
	return vx_fail(err, EINVAL, "invalid hostname '%s'", s);
}

int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out, struct vx_err *err)
{
	uint64_t v = 0;
	const char *p = s;

	/* Digits only, by hand: strtoull was most of a scan of 1,000 configs' id-bases. */
	if (!isdigit((unsigned char)*p))
		return vx_fail(err, EINVAL, "invalid number '%s'", s);
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return vx_fail(err, EINVAL, "invalid number '%s'", s);
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*p)
		return vx_fail(err, EINVAL, "invalid number '%s'", s);
	if (v < min || v > max)
		return vx_fail(err, ERANGE, "%s is out of range (%llu to %llu)", s,
			       (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 0;
}

int parse_size(const char *s, uint64_t *out, struct vx_err *err)
{
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return vx_fail(err, EINVAL, "invalid size '%s': expected a number with an optional "
			       "unit K, M, G or T", s);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return vx_fail(err, ERANGE, "invalid size '%s': too large", s);
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	case 'b': case 'B': end++; break;
	default:
		return vx_fail(err, EINVAL, "invalid size '%s': unknown unit '%s' (use K, M, G or T)",
			       s, end);
	}
	/* 64MB and 64MiB are 64M: every unit is a power of 1024, as in systemd and LXC. */
	if (shift && (*end == 'i' || *end == 'I') && (end[1] == 'b' || end[1] == 'B'))
		end += 2;
	else if (shift && (*end == 'b' || *end == 'B'))
		end++;
	if (*end)
		return vx_fail(err, EINVAL, "invalid size '%s': unexpected '%s' after the unit", s,
			       end);
	if (shift && v > (ULLONG_MAX >> shift))
		return vx_fail(err, ERANGE, "invalid size '%s': too large", s);
	*out = (uint64_t)v << shift;
	return 0;
}

int parse_bool(const char *s, bool *out, struct vx_err *err)
{
	static const char *yes[] = { "yes", "true", "on", "1" };
	static const char *no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return vx_fail(err, EINVAL, "invalid boolean '%s': use yes or no", s);
}

int parse_signal(const char *s, int *out, struct vx_err *err)
{
	const char *p = s;
	uint64_t v;
	int sig;

	if (isdigit((unsigned char)*p)) {
		if (parse_u64(p, 1, SIGRTMAX, &v, NULL) < 0)
			goto bad;
		*out = (int)v;
		return 0;
	}
	if (strncmp(p, "SIG", 3) == 0)
		p += 3;
	if (strncmp(p, "RTMIN", 5) == 0 || strncmp(p, "RTMAX", 5) == 0) {
		bool max = p[3] == 'A';
		int off = 0;

		if (p[5] == '+' || p[5] == '-') {
			if (parse_u64(p + 6, 0, SIGRTMAX - SIGRTMIN, &v, NULL) < 0)
				goto bad;
			off = p[5] == '+' ? (int)v : -(int)v;
		} else if (p[5]) {
			goto bad;
		}
		sig = (max ? SIGRTMAX : SIGRTMIN) + off;
		if (sig < SIGRTMIN || sig > SIGRTMAX)
			goto bad;
		*out = sig;
		return 0;
	}
	for (sig = 1; sig < SIGRTMIN; sig++) {
		const char *abbrev = sigabbrev_np(sig);

		if (abbrev && strcmp(abbrev, p) == 0) {
			*out = sig;
			return 0;
		}
	}
bad:
	return vx_fail(err, EINVAL, "invalid signal '%s'", s);
}

const char *parse_signal_name(int sig, char *buf, unsigned len)
{
	const char *abbrev = sig < SIGRTMIN ? sigabbrev_np(sig) : NULL;

	if (abbrev)
		snprintf(buf, len, "SIG%s", abbrev);
	else if (sig >= SIGRTMIN && sig <= SIGRTMAX)
		snprintf(buf, len, "SIGRTMIN+%d", sig - SIGRTMIN);
	else
		snprintf(buf, len, "%d", sig);
	return buf;
}

int parse_duration(const char *s, uint64_t *ms, struct vx_err *err)
{
	unsigned long long v;
	uint64_t mul;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		goto bad;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		goto bad;
	if (*end == '\0' || strcmp(end, "s") == 0)
		mul = 1000;
	else if (strcmp(end, "ms") == 0)
		mul = 1;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		mul = 60000;
	else if (strcmp(end, "h") == 0)
		mul = 3600000;
	else
		goto bad;
	if (v > UINT64_MAX / mul / 2)
		goto bad;
	*ms = v * mul;
	return 0;
bad:
	return vx_fail(err, EINVAL, "invalid duration '%s': use e.g. 30, 30s, 500ms or 2m", s);
}

int parse_abspath(const char *s, struct vx_err *err)
{
	const char *p;

	if (s[0] != '/')
		return vx_fail(err, EINVAL, "invalid path '%s': must be absolute", s);
	if (strlen(s) >= PATH_MAX)
		return vx_fail(err, ENAMETOOLONG, "invalid path: too long");
	for (p = s; *p; p++)
		if (iscntrl((unsigned char)*p))
			return vx_fail(err, EINVAL, "invalid path '%s': control character", s);
	for (p = s; *p; p++) {
		if (p[0] == '/' && p[1] == '.' && p[2] == '.' && (p[3] == '/' || p[3] == '\0'))
			return vx_fail(err, EINVAL, "invalid path '%s': contains '..'", s);
	}
	return 0;
}
