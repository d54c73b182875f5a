/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit.h — cmocka with TAP output, so prove reads unit tests like the root ones. */
#ifndef VX_UNIT_H
#define VX_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define RUN(tests)                                                  \
	do {                                                        \
		cmocka_set_message_output(CM_OUTPUT_TAP);           \
		return cmocka_run_group_tests(tests, NULL, NULL);   \
	} while (0)

#endif
