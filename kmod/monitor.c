// SPDX-License-Identifier: GPL-2.0-only
/*
 * inputaudit: the monitor, a worker that runs four times a second.
 *
 * - Blind time: a handle that grabs a device (EVIOCGRAB) gets all of its
 *   events and inputaudit none.  The input core has no notification for a
 *   grab, so the monitor looks at each device's grab; blind start and end
 *   are therefore known to within one tick.
 * - Suppression reports once a flood is over, and once a second while it
 *   lasts if no frame comes to report it.
 * - The heartbeat, every heartbeat_ms, with the global counters.
 * - The report of a newly attached consumer, and another try at opening
 *   the handles whose open failed when it attached.
 */
#include <linux/jiffies.h>
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

/**
 * inputaudit_blind_update() - notice a grab by another handle, or its end
 * @iad: the device
 * @now: the current time, ns
 *
 * Context: @iad's dev->event_lock held, IRQs off, or the device no longer
 * delivering events (disconnect, with @iad's handle closed).
 */
void inputaudit_blind_update(struct inputaudit_dev *iad, u64 now)
{
	struct input_handle *grab = rcu_access_pointer(iad->handle.dev->grab);
	bool blind = grab && grab != &iad->handle;
	u64 span;

	if (blind && !iad->blind_since) {
		iad->blind_since = now;
		inputaudit_emit_dev(iad, INPUTAUDIT_REC_BLIND,
				    INPUTAUDIT_BLIND_START, 0,
				    inputaudit_coarsen(iad->cnt.blind_ns), 0, 0);
	} else if (!blind && iad->blind_since) {
		span = now - iad->blind_since;
		iad->cnt.blind_ns += span;
		iad->blind_since = 0;
		inputaudit_emit_dev(iad, INPUTAUDIT_REC_BLIND,
				    INPUTAUDIT_BLIND_END,
				    inputaudit_coarsen(span),
				    inputaudit_coarsen(iad->cnt.blind_ns), 0, 0);
	}
}

static void inputaudit_heartbeat(u64 now)
{
	struct inputaudit_counters sum;
	u64 interval = (u64)READ_ONCE(inputaudit_heartbeat_ms) * NSEC_PER_MSEC;

	if (now - inputaudit_last_heartbeat_ns < interval)
		return;
	inputaudit_last_heartbeat_ns = now;

	inputaudit_totals(&sum);
	preempt_disable();
	inputaudit_emit(INPUTAUDIT_REC_HEARTBEAT, 0, 0, sum.frames_seen,
			sum.frames_suppressed, sum.frames_filtered,
			inputaudit_records_unconsumed());
	preempt_enable();
}

/* Context: @iad's dev->event_lock held, IRQs off (the monitor worker). */
static void inputaudit_monitor_dev(struct inputaudit_dev *iad)
{
	u64 now = inputaudit_now();

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
	inputaudit_consumer_report();
	inputaudit_handles_retry();
	inputaudit_devices_walk(inputaudit_monitor_dev);
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
