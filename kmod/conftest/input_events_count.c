// SPDX-License-Identifier: GPL-2.0-only
/*
 * Linux 6.11: input_handler.events() returns how many values it passes on
 * to later handlers, and its values are not const.
 */
#include <linux/input.h>

static unsigned int inputaudit_conftest_events(struct input_handle *handle,
					       struct input_value *vals,
					       unsigned int count)
{
	return count;
}

struct input_handler inputaudit_conftest = {
	.events = inputaudit_conftest_events,
};
