// SPDX-License-Identifier: GPL-2.0-only
/*
 * Linux 6.13: input_handler.passive_observer.  Opening a passive
 * observer's handle neither opens nor powers up the device (dev->open()
 * is not called, dev->users not counted); the handler gets whatever the
 * device reports, which a device nobody else opened usually does not.
 */
#include <linux/input.h>

struct input_handler inputaudit_conftest = {
	.passive_observer = true,
};
