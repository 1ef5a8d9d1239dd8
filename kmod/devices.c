// SPDX-License-Identifier: GPL-2.0-only
/*
 * inputaudit: the list of attached devices, their ids and the frame
 * accounting over all of them.
 *
 * A device's counters are in exactly one of two places at every moment a
 * reader can look (under inputaudit_devices_lock): on the list, or, from
 * the moment it leaves the list, in the totals of removed devices.  Each
 * device is read under its event lock, so every sum is a sum of
 * consistent snapshots: monotonic, and seen = emitted + suppressed.
 */
#include <linux/atomic.h>
#include <linux/input.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>

#include "internal.h"

DEFINE_MUTEX(inputaudit_devices_lock);	/* the list and inputaudit_retired */
LIST_HEAD(inputaudit_devices);	/* protected by inputaudit_devices_lock */
/* Read without the lock by the world-readable status file. */
static atomic_t inputaudit_ndevices = ATOMIC_INIT(0);
/* Counters of devices already removed, inputaudit_devices_lock. */
static struct inputaudit_counters inputaudit_retired;

/*
 * Device ids, allocated cyclically over the whole u32 space (0 is never
 * used): an id is not reused before the space wraps, and never while the
 * device that has it is attached.  The xarray has its own lock.
 */
static DEFINE_XARRAY_ALLOC1(inputaudit_ids);
static u32 inputaudit_next_id;

static void inputaudit_add_counters(struct inputaudit_counters *sum,
				    const struct inputaudit_counters *c)
{
	sum->frames_seen += c->frames_seen;
	sum->frames_emitted += c->frames_emitted;
	sum->frames_suppressed += c->frames_suppressed;
	sum->blind_ns += c->blind_ns;
}

/**
 * inputaudit_id_alloc() - give a device its id
 * @iad: the device
 *
 * Context: process context (connect).
 * Return: 0 or a negative errno (no id left: 4 billion attached devices).
 */
int inputaudit_id_alloc(struct inputaudit_dev *iad)
{
	int ret;

	ret = xa_alloc_cyclic(&inputaudit_ids, &iad->id, iad,
			      XA_LIMIT(1, U32_MAX), &inputaudit_next_id,
			      GFP_KERNEL);
	return ret < 0 ? ret : 0;
}

/**
 * inputaudit_devices_add() - put a device on the list
 * @iad: the device, registered with the input core
 *
 * Context: process context (connect); takes inputaudit_devices_lock.
 */
void inputaudit_devices_add(struct inputaudit_dev *iad)
{
	mutex_lock(&inputaudit_devices_lock);
	list_add_tail(&iad->node, &inputaudit_devices);
	atomic_inc(&inputaudit_ndevices);
	mutex_unlock(&inputaudit_devices_lock);
	inputaudit_ratelimit_update(inputaudit_device_count());
}

/**
 * inputaudit_devices_del() - take a device off the list; keep its counts
 * @iad: the device, whose handle is closed: its counters are final
 *
 * Its counters join the totals of removed devices in the same step, so
 * the global sums never go back.
 *
 * Context: process context (disconnect); takes inputaudit_devices_lock.
 */
void inputaudit_devices_del(struct inputaudit_dev *iad)
{
	mutex_lock(&inputaudit_devices_lock);
	list_del(&iad->node);
	inputaudit_add_counters(&inputaudit_retired, &iad->cnt);
	atomic_dec(&inputaudit_ndevices);
	mutex_unlock(&inputaudit_devices_lock);
	inputaudit_ratelimit_update(inputaudit_device_count());
}

/**
 * inputaudit_id_free() - release a device's id
 * @iad: the device, off the list and sent its last record
 *
 * Context: process context (disconnect, or connect unwinding).
 */
void inputaudit_id_free(struct inputaudit_dev *iad)
{
	xa_erase(&inputaudit_ids, iad->id);
}

/**
 * inputaudit_device_count() - how many devices are attached
 *
 * Context: any.
 * Return: the number of attached devices.
 */
unsigned int inputaudit_device_count(void)
{
	return atomic_read(&inputaudit_ndevices);
}

/**
 * inputaudit_dev_locked() - call @fn for a device under its event lock
 * @iad: the device
 * @fn: what to do; called with @iad's dev->event_lock held, IRQs off
 *
 * Context: process or softirq context, dev->event_lock not held; takes it.
 */
void inputaudit_dev_locked(struct inputaudit_dev *iad,
			   void (*fn)(struct inputaudit_dev *iad))
{
	spinlock_t *event_lock = &iad->handle.dev->event_lock;
	unsigned long flags;

	spin_lock_irqsave(event_lock, flags);
	fn(iad);
	spin_unlock_irqrestore(event_lock, flags);
}

/**
 * inputaudit_devices_walk() - call @fn for every device, under its lock
 * @fn: what to do; called with the device's dev->event_lock held, IRQs off
 *
 * Context: process context; takes inputaudit_devices_lock, then each
 * dev->event_lock.
 */
void inputaudit_devices_walk(void (*fn)(struct inputaudit_dev *iad))
{
	struct inputaudit_dev *iad;

	mutex_lock(&inputaudit_devices_lock);
	list_for_each_entry(iad, &inputaudit_devices, node)
		inputaudit_dev_locked(iad, fn);
	mutex_unlock(&inputaudit_devices_lock);
}

/**
 * inputaudit_dev_counters() - a consistent snapshot of one device
 * @iad: the device
 * @cnt: its frame accounting, blind time up to now included
 * @act: its current window's activity, or NULL
 * @records: records emitted for it, or NULL
 *
 * Context: process context, dev->event_lock not held; takes it.
 */
void inputaudit_dev_counters(struct inputaudit_dev *iad,
			     struct inputaudit_counters *cnt,
			     struct inputaudit_activity *act, u64 *records)
{
	spinlock_t *event_lock = &iad->handle.dev->event_lock;
	unsigned long flags;

	spin_lock_irqsave(event_lock, flags);
	*cnt = iad->cnt;
	if (iad->blind_since)
		cnt->blind_ns += inputaudit_now() - iad->blind_since;
	if (act)
		*act = iad->act;
	if (records)
		*records = iad->records;
	spin_unlock_irqrestore(event_lock, flags);
}

/**
 * inputaudit_totals() - frame accounting over all devices, ever
 * @sum: the sums, of present and removed devices
 *
 * Context: process context; takes inputaudit_devices_lock and each
 * dev->event_lock.  Monotonic from one call to the next, and each call's
 * sums satisfy seen = emitted + suppressed.
 */
void inputaudit_totals(struct inputaudit_counters *sum)
{
	struct inputaudit_counters cnt;
	struct inputaudit_dev *iad;

	mutex_lock(&inputaudit_devices_lock);
	*sum = inputaudit_retired;
	list_for_each_entry(iad, &inputaudit_devices, node) {
		inputaudit_dev_counters(iad, &cnt, NULL, NULL);
		inputaudit_add_counters(sum, &cnt);
	}
	mutex_unlock(&inputaudit_devices_lock);
}
