// SPDX-License-Identifier: GPL-2.0-only
/*
 * inputaudit: the monitor, a worker that runs four times a second.
 *
 * - Blind time: a handle that grabs a device (EVIOCGRAB) gets all of its
 *   events and inputaudit none.  The input core has no notification for
 *   the start of a grab, so the monitor looks at each captured device's
 *   grab: a blind span starts to within one tick.  The end of a grab is
 *   notified (the handler's start() callback): a span ends when it ends,
 *   and a grab that began and ended between two looks is reported then,
 *   its duration an upper bound.
 * - Suppression reports once a flood is over, and once a second while it
 *   lasts if no frame comes to report it.
 * - The heartbeat, every heartbeat_ms while a consumer is attached, with
 *   the global counters.
 * - The report of a newly attached consumer, if the sync worker could not
 *   send it, and another try at the handles whose open failed.
 */
#include <linux/irqflags.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/time64.h>
#include <linux/ktime.h>
#include <linux/workqueue.h>

#include "internal.h"

#define INPUTAUDIT_MONITOR_MS	250
/* No frame suppressed for this long: the flood is over, report it. */
#define INPUTAUDIT_FLOOD_OVER_NS	(200 * NSEC_PER_MSEC)

static void inputaudit_monitor_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(inputaudit_monitor_work, inputaudit_monitor_fn);
static u64 inputaudit_last_heartbeat_ns;	/* the worker's own */

static void inputaudit_blind_end(struct inputaudit_dev *iad, u64 span,
				 bool bound)
{
	iad->cnt.blind_ns += span;
	iad->blind_since = 0;
	inputaudit_emit_dev(iad, INPUTAUDIT_REC_BLIND, INPUTAUDIT_BLIND_END,
			    inputaudit_coarsen(span),
			    inputaudit_coarsen(iad->cnt.blind_ns),
			    bound ? INPUTAUDIT_BLIND_BOUND : 0, 0);
}

static void inputaudit_blind_start(struct inputaudit_dev *iad, u64 now)
{
	iad->blind_since = now;
	inputaudit_emit_dev(iad, INPUTAUDIT_REC_BLIND, INPUTAUDIT_BLIND_START,
			    0, inputaudit_coarsen(iad->cnt.blind_ns), 0, 0);
}

/*
 * Notice a grab by another handle.  Only the start of a span: its end is
 * notified (inputaudit_blind_released()), for the input core calls the
 * start() of every open handle when a grab ends.
 *
 * Context: @iad's dev->event_lock held, IRQs off; @iad captured.
 */
static void inputaudit_blind_update(struct inputaudit_dev *iad, u64 now)
{
	struct input_handle *grab = rcu_access_pointer(iad->handle.dev->grab);

	if (!grab || grab == &iad->handle)
		iad->blind_looked_ns = now;
	else if (!iad->blind_since)
		inputaudit_blind_start(iad, now);
}

/**
 * inputaudit_blind_released() - another handle's grab has just ended
 * @iad: the device
 *
 * A grab the monitor saw ends now.  One it never saw began after its last
 * look and is reported as a start and an end whose duration is bounded by
 * that look, so that no grab goes unreported, however short.
 *
 * Context: @iad's dev->event_lock held, IRQs off (the handler's start()
 * callback, from input_release_device() with the device's mutex held).
 */
void inputaudit_blind_released(struct inputaudit_dev *iad)
{
	u64 now = inputaudit_now();
	bool bound = false;

	if (!iad->capturing)
		return;
	if (!iad->blind_since) {
		inputaudit_blind_start(iad, iad->blind_looked_ns);
		bound = true;
	}
	inputaudit_blind_end(iad, now - iad->blind_since, bound);
	iad->blind_looked_ns = now;
}

/**
 * inputaudit_blind_stop() - capture stops: close an open blind span
 * @iad: the device
 *
 * Context: @iad's dev->event_lock held, IRQs off.
 */
void inputaudit_blind_stop(struct inputaudit_dev *iad)
{
	if (iad->blind_since)
		inputaudit_blind_end(iad, inputaudit_now() - iad->blind_since,
				     false);
}

static void inputaudit_heartbeat(u64 now)
{
	struct inputaudit_counters sum;
	unsigned long flags;
	u64 interval = (u64)READ_ONCE(inputaudit_heartbeat_ms) * NSEC_PER_MSEC;

	if (now - inputaudit_last_heartbeat_ns < interval)
		return;
	inputaudit_last_heartbeat_ns = now;

	/* Nobody to tell: the next heartbeat carries the same totals. */
	if (!inputaudit_consumer_attached())
		return;
	inputaudit_totals(&sum);
	local_irq_save(flags);
	inputaudit_emit(INPUTAUDIT_REC_HEARTBEAT, 0, 0, sum.frames_seen,
			sum.frames_suppressed, 0,
			inputaudit_records_unconsumed());
	local_irq_restore(flags);
}

/* Context: @iad's dev->event_lock held, IRQs off (the monitor worker). */
static void inputaudit_monitor_dev(struct inputaudit_dev *iad)
{
	u64 now = inputaudit_now();

	if (!iad->capturing)
		return;
	inputaudit_blind_update(iad, now);
	/* A flood that has gone on a second, or has just ended. */
	if (iad->suppressed &&
	    (now - iad->suppressed_since >= NSEC_PER_SEC ||
	     now - iad->suppressed_last_ns >= INPUTAUDIT_FLOOD_OVER_NS))
		inputaudit_report_suppressed(iad);
}

/* Context: process context (system workqueue). */
static void inputaudit_monitor_fn(struct work_struct *work)
{
	struct inputaudit_dev *iad;

	inputaudit_consumer_report();
	mutex_lock(&inputaudit_devices_lock);
	list_for_each_entry(iad, &inputaudit_devices, node) {
		inputaudit_sync_retry(iad);
		inputaudit_dev_locked(iad, inputaudit_monitor_dev);
	}
	mutex_unlock(&inputaudit_devices_lock);
	inputaudit_heartbeat(ktime_get_ns());
	queue_delayed_work(system_wq, &inputaudit_monitor_work,
			   msecs_to_jiffies(INPUTAUDIT_MONITOR_MS));
}

/**
 * inputaudit_monitor_start() - start the monitor
 *
 * Context: process context (module init).
 */
void inputaudit_monitor_start(void)
{
	inputaudit_last_heartbeat_ns = ktime_get_ns();
	queue_delayed_work(system_wq, &inputaudit_monitor_work,
			   msecs_to_jiffies(INPUTAUDIT_MONITOR_MS));
}

/**
 * inputaudit_monitor_stop() - stop the monitor; it does not run again
 *
 * Context: process context (module exit), after the handler is gone.
 */
void inputaudit_monitor_stop(void)
{
	cancel_delayed_work_sync(&inputaudit_monitor_work);
}
