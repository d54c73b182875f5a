/* SPDX-License-Identifier: GPL-2.0-or-later */
/* slog.h — a line in a supervisor's log (its stderr, LOG/NAME/vctx.log), from either of its
 * programs: "TIME vctx[PID]: ...". */
#ifndef VX_SLOG_H
#define VX_SLOG_H

void slog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
