// SPDX-License-Identifier: GPL-2.0-only
/*
 * inputaudit: consumers come and go; the handles follow.
 *
 * A device is captured only while a consumer is attached to the tracepoint,
 * the level is not "off" and the device is enabled.  Otherwise its handle
 * is closed: the input core does not call inputaudit for it, nothing of its
 * input is looked at or counted, and a device nobody else uses is not kept
 * open.
 *
 * Two things follow each change of those conditions:
 *   - at once, under each device's event lock: capture stops (what was
 *     gathered goes to the consumer, then the event path ignores the
 *     device) or is allowed to start;
 *   - later, in a worker: the handle is opened or closed.  Opening runs a
 *     driver's open(), closing waits for an RCU grace period: neither is
 *     done under the tracepoint's mutex (global to all tracepoints), nor
 *     under inputaudit_devices_lock (which the status files take), nor in
 *     a task that a pending signal can interrupt (input_open_device()
 *     takes the device's mutex interruptibly).
 * Opening is also done at once, in the task that made it due, where that
 * task is not the tracepoint's: connect() (a device attached while a
 * consumer is there is captured from its first frame), and the writes of
 * "level" and "enabled" that allow capture (capture runs when they
 * return).  If a pending signal of that task interrupts an open, the
 * worker opens the device instead.
 * The worker opens a handle only once the consumer's probe is live, and
 * announces the device (identity.c) before its capture starts, so the
 * consumer receives the identity of every device before anything else
 * about it, and no frame is seen while its records could not be received.
 *
 * A failed open is tried again after 250 ms, then after twice as long each
 * time, up to a minute (the monitor queues the retries); each new error
 * is logged once.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/error-injection.h>
#include <linux/input.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "internal.h"

#define INPUTAUDIT_OPEN_BACKOFF_MIN_MS	250
#define INPUTAUDIT_OPEN_BACKOFF_MAX_MS	60000

/*
 * Whether a consumer is attached, as the tracepoint's callbacks say: set
 * before the first probe goes live, cleared before the last one goes.
 * Written under tracepoints_mutex; read with READ_ONCE().
 */
static bool inputaudit_consumer_wanted;

/*
 * Devices whose handle is open and whose capture has started, for the
 * status file's open=: a reader that sees a device counted knows its input
 * is recorded from then on (counting at the open left a window in which
 * input was ignored; under TCG, with the other vCPU waiting, it was seen).
 */
static atomic_t inputaudit_nopen = ATOMIC_INIT(0);

/* Devices whose handle state is to be brought in line. */
static DEFINE_SPINLOCK(inputaudit_sync_lock);
static LIST_HEAD(inputaudit_sync_list);	/* inputaudit_sync_lock */

static void inputaudit_sync_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(inputaudit_sync_work, inputaudit_sync_fn);
static bool inputaudit_sync_run(void);

/**
 * inputaudit_want_capture() - should a device be captured now
 * @iad: the device
 *
 * Context: any; the answer can change at once, so callers that act on it
 * re-check under the device's event lock.
 * Return: true if a consumer is attached, the level is not "off" and the
 * device is enabled.
 */
bool inputaudit_want_capture(const struct inputaudit_dev *iad)
{
	return READ_ONCE(inputaudit_consumer_wanted) &&
	       READ_ONCE(inputaudit_level) != INPUTAUDIT_LEVEL_OFF &&
	       READ_ONCE(iad->enabled);
}

/**
 * inputaudit_capture_start() - let the event path look at a device
 * @iad: the device, its handle open
 *
 * Only once the device is announced: its identity precedes its records.
 * Whoever stops capture first clears the conditions and then stops each
 * device under its event lock, so a start that raced with it sees them
 * cleared here.  A frame starts afresh.
 *
 * Context: @iad's dev->event_lock held, IRQs off.
 */
void inputaudit_capture_start(struct inputaudit_dev *iad)
{
	if (iad->capturing || !inputaudit_want_capture(iad))
		return;
	inputaudit_announce(iad);
	if (iad->announce)
		return;		/* the probe is not live yet: later */
	iad->frame = INPUTAUDIT_FRAME_NONE;
	iad->motion_events = 0;
	iad->blind_looked_ns = inputaudit_now();
	iad->capturing = true;
}

/**
 * inputaudit_capture_stop() - stop looking at a device; send what is due
 * @iad: the device
 *
 * A frame cut short counts as seen.  Staged event records, the pending
 * suppressed count, the current activity window and an open blind span go
 * to the consumer now (it may be leaving: its probe is still live), and
 * from here on the event path ignores the device.
 *
 * Context: @iad's dev->event_lock held, IRQs off.
 */
void inputaudit_capture_stop(struct inputaudit_dev *iad)
{
	if (!iad->capturing)
		return;
	iad->capturing = false;
	inputaudit_capture_end(iad);
}

/* Queue a device for the worker; a queued device holds a reference. */
static void inputaudit_sync_queue(struct inputaudit_dev *iad)
{
	unsigned long flags;

	spin_lock_irqsave(&inputaudit_sync_lock, flags);
	if (list_empty(&iad->sync_node)) {
		inputaudit_dev_get(iad);
		list_add_tail(&iad->sync_node, &inputaudit_sync_list);
	}
	spin_unlock_irqrestore(&inputaudit_sync_lock, flags);
}

static struct inputaudit_dev *inputaudit_sync_pop(void)
{
	struct inputaudit_dev *iad;
	unsigned long flags;

	spin_lock_irqsave(&inputaudit_sync_lock, flags);
	iad = list_first_entry_or_null(&inputaudit_sync_list,
				       struct inputaudit_dev, sync_node);
	if (iad)
		list_del_init(&iad->sync_node);
	spin_unlock_irqrestore(&inputaudit_sync_lock, flags);
	return iad;	/* with the queue's reference */
}

/**
 * inputaudit_sync_dev() - bring one device's handle in line, soon
 * @iad: the device
 *
 * Context: process context.
 */
void inputaudit_sync_dev(struct inputaudit_dev *iad)
{
	inputaudit_sync_queue(iad);
	mod_delayed_work(system_wq, &inputaudit_sync_work, 0);
}

/* Context: process context; takes inputaudit_devices_lock. */
static void inputaudit_sync_queue_all(void)
{
	struct inputaudit_dev *iad;

	mutex_lock(&inputaudit_devices_lock);
	list_for_each_entry(iad, &inputaudit_devices, node)
		inputaudit_sync_queue(iad);
	mutex_unlock(&inputaudit_devices_lock);
}

/**
 * inputaudit_sync_all() - bring every handle in line
 * @now: in the calling task (to open them), else in the worker (to close
 *	them: capture has stopped already, the rest can wait)
 *
 * After the level left or entered "off".
 *
 * Context: process context; takes inputaudit_devices_lock, then, with
 * @now, each device's open_lock in turn.
 */
void inputaudit_sync_all(bool now)
{
	inputaudit_sync_queue_all();
	if (!now || !inputaudit_sync_run())
		mod_delayed_work(system_wq, &inputaudit_sync_work, 1);
}

/**
 * inputaudit_sync_retry() - try a failed open again if its time has come
 * @iad: the device
 *
 * Context: process context (the monitor), inputaudit_devices_lock held.
 */
void inputaudit_sync_retry(struct inputaudit_dev *iad)
{
	lockdep_assert_held(&inputaudit_devices_lock);
	if (READ_ONCE(iad->open_error) &&
	    time_after_eq(jiffies, READ_ONCE(iad->open_retry_at)))
		inputaudit_sync_dev(iad);
}

/*
 * input_open_device() by another name, so that fault injection can make it
 * fail (CONFIG_FUNCTION_ERROR_INJECTION: /sys/kernel/debug/fail_function)
 * and the retry and back-off can be tested: no driver here fails on cue.
 */
static noinline int inputaudit_open_device(struct input_handle *handle)
{
	return input_open_device(handle);
}
ALLOW_ERROR_INJECTION(inputaudit_open_device, ERRNO);

/* Context: process context, @iad's open_lock held. */
static void inputaudit_open_failed(struct inputaudit_dev *iad, int error)
{
	unsigned int backoff;

	if (error == -ENODEV)	/* going away: disconnect follows */
		return;
	backoff = iad->open_error ? min(iad->open_backoff_ms * 2,
					(unsigned int)INPUTAUDIT_OPEN_BACKOFF_MAX_MS) :
				    INPUTAUDIT_OPEN_BACKOFF_MIN_MS;
	if (error != iad->open_error)
		pr_warn("device %u: open failed (%d), retrying with back-off\n",
			iad->id, error);
	iad->open_error = error;
	iad->open_backoff_ms = backoff;
	WRITE_ONCE(iad->open_retry_at,
		   jiffies + msecs_to_jiffies(backoff));
}

/* Context: process context, @iad's open_lock held. */
static void inputaudit_handle_open(struct inputaudit_dev *iad)
{
	int error;

	if (iad->open_error && time_before(jiffies, iad->open_retry_at))
		return;		/* backing off: the monitor queues it again */
	error = inputaudit_open_device(&iad->handle);
	if (error == -EINTR || error == -ERESTARTSYS) {
		/* A signal for this task, not a failure: the worker opens it. */
		inputaudit_sync_dev(iad);
		return;
	}
	if (error) {
		inputaudit_open_failed(iad, error);
		return;
	}
	if (iad->open_error)
		pr_info("device %u: opened after failing (%d)\n", iad->id,
			iad->open_error);
	WRITE_ONCE(iad->open_error, 0);
	iad->open_backoff_ms = 0;
	iad->opened = true;
}

/* Context: process context, @iad's open_lock held. */
static void inputaudit_handle_close(struct inputaudit_dev *iad)
{
	/* Normally stopped already; this is the only stop for some paths. */
	inputaudit_dev_locked(iad, inputaudit_capture_stop);
	input_close_device(&iad->handle);
	iad->opened = false;
	if (iad->counted) {
		iad->counted = false;
		atomic_dec(&inputaudit_nopen);
	}
}

/*
 * Bring one device in line with what is wanted.  While a consumer is
 * attaching and its probe is not live yet, a device that is to be captured
 * is left queued and false returned: opening it now would see frames whose
 * records nobody would get, and its capture could not start (its
 * announcement needs the live probe).  This is checked here, for each
 * device and under its open_lock, not once before a walk of the queue: an
 * attach can come while the worker is in the middle of one (closing the
 * handles of a consumer that just left takes an RCU grace period each),
 * and the devices it queued again would then be opened without capture
 * and not queued again (vm_handles: reattach_while_closing_captures_all).
 * The attach sets "wanted" before the probe goes live and the detach
 * clears it before the probe goes: wanted and not attached is an attach
 * under way, and each of the two queues every device again.
 *
 * Context: process context: the worker, or a task that made the open due
 * (connect() with input_mutex held, a settings write with the settings
 * lock held); takes @iad's open_lock.
 * Return: false if the device was left queued for the worker.
 */
static bool inputaudit_sync_one(struct inputaudit_dev *iad)
{
	bool want, ready = true;

	mutex_lock(&iad->open_lock);
	if (iad->gone)
		goto out;
	/* Announced to the consumer whether or not it is captured. */
	inputaudit_dev_locked(iad, inputaudit_announce);
	want = inputaudit_want_capture(iad);
	if (want && !inputaudit_consumer_attached()) {
		inputaudit_sync_queue(iad);
		ready = false;
		goto out;
	}
	if (want && !iad->opened)
		inputaudit_handle_open(iad);
	if (want && iad->opened) {
		inputaudit_dev_locked(iad, inputaudit_capture_start);
		/* capturing is written under the event lock, taken and released above */
		if (READ_ONCE(iad->capturing) && !iad->counted) {
			iad->counted = true;
			atomic_inc(&inputaudit_nopen);
		}
	} else if (!want && iad->opened) {
		inputaudit_handle_close(iad);
	} else if (!want) {
		WRITE_ONCE(iad->open_error, 0);	/* nothing to retry */
	}
out:
	mutex_unlock(&iad->open_lock);
	return ready;
}

/*
 * Bring every queued device in line, in the calling task.  Returns false
 * while a consumer is attaching and its probe is not live yet (what is
 * left stays queued): the tracepoint core enables it right after the
 * first-probe callback returns.
 *
 * Context: process context, no lock held.
 */
static bool inputaudit_sync_run(void)
{
	struct inputaudit_dev *iad;
	bool ready;

	if (READ_ONCE(inputaudit_consumer_wanted) &&
	    !inputaudit_consumer_attached())
		return false;
	/* A new consumer hears first how long there was none. */
	inputaudit_consumer_report();
	while ((iad = inputaudit_sync_pop())) {
		ready = inputaudit_sync_one(iad);
		inputaudit_dev_put(iad);
		if (!ready)
			return false;	/* an attach came meanwhile */
	}
	return true;
}

/**
 * inputaudit_sync_now() - bring a device's handle in line at once
 * @iad: the device (just attached, or just enabled)
 *
 * Context: process context (connect with input_mutex held, or a write of
 * "enabled"), no open_lock held.
 */
void inputaudit_sync_now(struct inputaudit_dev *iad)
{
	inputaudit_consumer_report();
	if (!inputaudit_sync_one(iad))	/* an attach is under way */
		queue_delayed_work(system_wq, &inputaudit_sync_work, 1);
}

/* Context: process context (system workqueue). */
static void inputaudit_sync_fn(struct work_struct *work)
{
	if (!inputaudit_sync_run())
		queue_delayed_work(system_wq, &inputaudit_sync_work, 1);
}

/* Context: @iad's dev->event_lock held, IRQs off. */
static void inputaudit_mark_present(struct inputaudit_dev *iad)
{
	iad->announce = INPUTAUDIT_ANNOUNCE_PRESENT;
}

/**
 * inputaudit_consumer_attach() - the first consumer is attaching
 *
 * The tracepoint's first-probe callback.  Every device is to be announced
 * to the consumer as present, and captured: the worker does both once the
 * probe is live.  Capture starts within milliseconds of the attach.
 *
 * Context: process context, tracepoints_mutex held by the tracepoint core;
 * takes inputaudit_devices_lock and each dev->event_lock.
 * Return: 0.
 */
int inputaudit_consumer_attach(void)
{
	inputaudit_consumer_came();
	WRITE_ONCE(inputaudit_consumer_wanted, true);
	inputaudit_devices_walk(inputaudit_mark_present);
	inputaudit_sync_queue_all();
	mod_delayed_work(system_wq, &inputaudit_sync_work, 1);
	return 0;
}

/**
 * inputaudit_consumer_detach() - the last consumer is detaching
 *
 * The tracepoint's last-probe callback, called while that probe is still
 * live: each device stops being captured now, and what it had gathered
 * (the current window's activity, suppressed counts, staged event records)
 * reaches the departing consumer.  The worker closes the handles.
 *
 * Context: process context, tracepoints_mutex held by the tracepoint core;
 * takes inputaudit_devices_lock and each dev->event_lock.
 */
void inputaudit_consumer_detach(void)
{
	WRITE_ONCE(inputaudit_consumer_wanted, false);
	inputaudit_devices_walk(inputaudit_capture_stop);
	inputaudit_consumer_went();
	inputaudit_sync_queue_all();
	mod_delayed_work(system_wq, &inputaudit_sync_work, 0);
}

/**
 * inputaudit_sync_close() - disconnect: close the handle for good
 * @iad: the device
 *
 * What the device gathered goes to the consumer; the handle is not opened
 * again, and the worker forgets the device.
 *
 * Context: process context (disconnect), input_mutex held; takes @iad's
 * open_lock, then the device's mutex.
 */
void inputaudit_sync_close(struct inputaudit_dev *iad)
{
	unsigned long flags;

	mutex_lock(&iad->open_lock);
	iad->gone = true;
	if (iad->opened)
		inputaudit_handle_close(iad);
	mutex_unlock(&iad->open_lock);

	spin_lock_irqsave(&inputaudit_sync_lock, flags);
	if (!list_empty(&iad->sync_node)) {
		list_del_init(&iad->sync_node);
		/* not the last reference: disconnect still holds its own */
		inputaudit_dev_put(iad);
	}
	spin_unlock_irqrestore(&inputaudit_sync_lock, flags);
}

/**
 * inputaudit_open_count() - how many devices are captured
 *
 * Context: any.
 * Return: the number of devices whose handle is open and whose capture has
 * started (input from then on is recorded).
 */
unsigned int inputaudit_open_count(void)
{
	return atomic_read(&inputaudit_nopen);
}

/**
 * inputaudit_sync_stop() - stop the worker; it does not run again
 *
 * Context: process context (module exit), after the handler is gone.
 */
void inputaudit_sync_stop(void)
{
	cancel_delayed_work_sync(&inputaudit_sync_work);
}
