/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * inputaudit: every difference between the kernels it is built for lives
 * here and nowhere else.  Each one is decided by a compile test on the
 * headers of the kernel being built for (kmod/conftest/, run by
 * kmod/Kbuild into conftest.h), never by LINUX_VERSION_CODE: distribution
 * kernels backport such changes (Debian's 6.1 has timer_shutdown_sync()).
 * The kernel version a change first appeared in is noted for the reader.
 */
#ifndef _INPUTAUDIT_COMPAT_H
#define _INPUTAUDIT_COMPAT_H

#include <linux/input.h>
#include <linux/timer.h>

#include "conftest.h"
#include "internal.h"

/*
 * Linux 6.16: DECLARE_TRACE(x) names the tracepoint x_tp, with
 * trace_x_tp() and trace_x_tp_enabled(); a raw_tp BPF program attaches to
 * "inputaudit_record_tp" there (INPUTAUDIT_TP_NAME_SUFFIXED; the daemon
 * tries both names).  record.c calls these two and nothing else.
 */
#ifdef INPUTAUDIT_HAVE_TRACEPOINT_TP_SUFFIX
#define inputaudit_trace_record(...)	trace_inputaudit_record_tp(__VA_ARGS__)
#define inputaudit_trace_record_enabled() trace_inputaudit_record_tp_enabled()
#else
#define inputaudit_trace_record(...)	trace_inputaudit_record(__VA_ARGS__)
#define inputaudit_trace_record_enabled() trace_inputaudit_record_enabled()
#endif

/*
 * Linux 6.14: a module_attribute's show() and store() take a const
 * pointer to it.  settings.c declares theirs with this qualifier.
 */
#ifdef INPUTAUDIT_HAVE_MODULE_ATTRIBUTE_CONST
#define INPUTAUDIT_MATTR_CONST	const
#else
#define INPUTAUDIT_MATTR_CONST
#endif

/*
 * Linux 6.11: input_handler.events() returns the number of values passed
 * on to later handlers, and its values are not const.  inputaudit never
 * filters, so it passes every value on.  Used by handler.c only.
 */
#ifdef INPUTAUDIT_HAVE_INPUT_EVENTS_COUNT
static inline unsigned int inputaudit_events(struct input_handle *handle,
					     struct input_value *vals,
					     unsigned int count)
{
	inputaudit_capture(handle->private, vals, count);
	return count;
}
#else
static inline void inputaudit_events(struct input_handle *handle,
				     const struct input_value *vals,
				     unsigned int count)
{
	inputaudit_capture(handle->private, vals, count);
}
#endif

/*
 * Linux 6.13: input_handler.passive_observer.  Where the kernel has it,
 * inputaudit is a passive observer: opening its handle of a device
 * neither opens the device nor powers it up, so the auditor never wakes
 * hardware nobody else uses, and sees a device's events while someone
 * else has it open (or while it reports unopened, as uinput and uhid
 * devices do).  Without it, inputaudit's handle counts as a user of the
 * device like any reader of /dev/input/event*: the device is opened (a
 * USB device polled, a touchpad powered) while a consumer is attached.
 */
#ifdef INPUTAUDIT_HAVE_INPUT_PASSIVE_OBSERVER
#define INPUTAUDIT_PASSIVE_OBSERVER	.passive_observer = true,
#define INPUTAUDIT_IS_PASSIVE_OBSERVER	true
#else
#define INPUTAUDIT_PASSIVE_OBSERVER
#define INPUTAUDIT_IS_PASSIVE_OBSERVER	false
#endif

/*
 * Linux 6.2 (and Debian's 6.1, backported): timer_shutdown_sync() stops
 * a timer for good, so nothing can arm it again.  Without it,
 * del_timer_sync(), which every kernel lacking it has.
 */
#ifdef INPUTAUDIT_HAVE_TIMER_SHUTDOWN_SYNC
#define inputaudit_timer_shutdown_sync(t)	timer_shutdown_sync(t)
#else
#define inputaudit_timer_shutdown_sync(t)	del_timer_sync(t)
#endif

#endif /* _INPUTAUDIT_COMPAT_H */
