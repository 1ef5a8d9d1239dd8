// SPDX-License-Identifier: GPL-2.0-only
/*
 * Linux 6.2: timer_shutdown_sync() stops a timer for good (it cannot be
 * armed again).  Debian's 6.1 has it too, backported: that is why this is
 * a test on the headers and not on the version.
 */
#include <linux/timer.h>

static int inputaudit_conftest_fn(struct timer_list *t)
{
	return timer_shutdown_sync(t);
}

int (*inputaudit_conftest)(struct timer_list *t) = inputaudit_conftest_fn;
