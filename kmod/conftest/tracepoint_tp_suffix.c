// SPDX-License-Identifier: GPL-2.0-only
/*
 * Linux 6.16: DECLARE_TRACE(x) declares the tracepoint x_tp, called with
 * trace_x_tp() and tested with trace_x_tp_enabled(); its raw_tp name is
 * "x_tp".  Before, they were trace_x() and trace_x_enabled().
 */
#include <linux/tracepoint.h>

DECLARE_TRACE(inputaudit_conftest, TP_PROTO(int v), TP_ARGS(v));

static int inputaudit_conftest_fn(void)
{
	trace_inputaudit_conftest_tp(1);
	return trace_inputaudit_conftest_tp_enabled();
}

int (*inputaudit_conftest)(void) = inputaudit_conftest_fn;
