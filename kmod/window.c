// SPDX-License-Identifier: GPL-2.0-only
/*
 * inputaudit: the activity window.  Every window_ms a worker sends one
 * summary for each device that had activity in the window.
 */
#include <linux/jiffies.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "internal.h"

static void inputaudit_window_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(inputaudit_window_work, inputaudit_window_fn);

static void inputaudit_window_arm(void)
{
	queue_delayed_work(system_wq, &inputaudit_window_work,
			   msecs_to_jiffies(READ_ONCE(inputaudit_window_ms)));
}

/* Context: process context (system workqueue). */
static void inputaudit_window_fn(struct work_struct *work)
{
	inputaudit_devices_walk(inputaudit_flush_activity);
	inputaudit_window_arm();
}

/**
 * inputaudit_window_start() - start sending activity summaries
 *
 * Context: process context (module init).
 */
void inputaudit_window_start(void)
{
	inputaudit_window_arm();
}

/**
 * inputaudit_window_reschedule() - apply a new window length now
 *
 * Context: process context (a parameter write).
 */
void inputaudit_window_reschedule(void)
{
	mod_delayed_work(system_wq, &inputaudit_window_work,
			 msecs_to_jiffies(READ_ONCE(inputaudit_window_ms)));
}

/**
 * inputaudit_window_stop() - stop the worker; it does not run again
 *
 * Context: process context (module exit), after the handler is gone.
 */
void inputaudit_window_stop(void)
{
	cancel_delayed_work_sync(&inputaudit_window_work);
}
