// SPDX-License-Identifier: GPL-2.0-only
/*
 * Control for the feature tests (kmod/Kbuild): compiles on every kernel.
 * If it does not, the tests' compiler command is wrong, and their "no"
 * answers would mean nothing, so the build stops.
 */
#include <linux/input.h>
#include <linux/module.h>
#include <linux/timer.h>
#include <linux/tracepoint.h>

static int inputaudit_conftest_fn(void)
{
	return 0;
}

int (*inputaudit_conftest)(void) = inputaudit_conftest_fn;
