/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * inputaudit: every kernel-version difference lives here and nowhere else.
 * Included once, by handler.c.  Version tests are unavoidable in a module
 * built out of tree for several kernels.
 */
#ifndef _INPUTAUDIT_COMPAT_H
#define _INPUTAUDIT_COMPAT_H

#include <linux/input.h>
#include <linux/version.h>

#include "internal.h"

/*
 * Linux 6.11 changed input_handler.events: it gained a return value (the
 * number of values passed on to later handlers) and lost the const on the
 * values.  inputaudit never filters, so it passes every value on.
 */
#if KERNEL_VERSION(6, 11, 0) <= LINUX_VERSION_CODE
static unsigned int inputaudit_events(struct input_handle *handle,
				      struct input_value *vals,
				      unsigned int count)
{
	inputaudit_capture(handle->private, vals, count);
	return count;
}
#else
static void inputaudit_events(struct input_handle *handle,
			      const struct input_value *vals,
			      unsigned int count)
{
	inputaudit_capture(handle->private, vals, count);
}
#endif

/*
 * Linux 6.13 added input_handler.passive_observer: opening a handle of a
 * passive observer does not power up an idle device.  Neither Debian 6.1
 * nor 6.12 has it; where a kernel does, inputaudit is a passive observer.
 */
#if KERNEL_VERSION(6, 13, 0) <= LINUX_VERSION_CODE
#define INPUTAUDIT_PASSIVE_OBSERVER	.passive_observer = true,
#else
#define INPUTAUDIT_PASSIVE_OBSERVER
#endif

/*
 * Linux 6.2 added timer_shutdown_sync(): the timer cannot be armed again.
 * del_timer_sync() is what 6.1 has (and what later kernels dropped).
 */
#if KERNEL_VERSION(6, 2, 0) <= LINUX_VERSION_CODE
#define inputaudit_timer_shutdown_sync(t)	timer_shutdown_sync(t)
#else
#define inputaudit_timer_shutdown_sync(t)	del_timer_sync(t)
#endif

#endif /* _INPUTAUDIT_COMPAT_H */
