// SPDX-License-Identifier: GPL-2.0-only
/*
 * inputaudit: the input handler.  Attaches to keyboards, pointers, touch
 * devices and switches, present and hotplugged, real and virtual.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/input.h>
#include <linux/lockdep.h>
#include <linux/mod_devicetable.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/ktime.h>
#include <linux/uidgid.h>

#include "compat.h"
#include "internal.h"

/* Every attached device, for the window worker and sysfs. */
DEFINE_MUTEX(inputaudit_devices_lock);
LIST_HEAD(inputaudit_devices);	/* protected by inputaudit_devices_lock */
static unsigned int inputaudit_ndevices; /* inputaudit_devices_lock */
/* Counters of devices already removed, inputaudit_devices_lock. */
static struct inputaudit_counters inputaudit_retired;

/*
 * Whether the handles are open.  They are open only while a consumer is
 * attached to the tracepoint: with nobody to receive records the input
 * core skips the handles (one test of handle->open per frame) instead of
 * calling inputaudit for every frame.  Under inputaudit_devices_lock.
 */
static bool inputaudit_capturing;

/* Device ids only grow, so an id is never reused while loaded. */
static atomic_t inputaudit_next_id = ATOMIC_INIT(0);

/*
 * The task inside input_register_handler() while it connects the devices
 * that existed before the module was loaded: current is then insmod, not
 * the process that created the device.  Set only around registration.
 */
static struct task_struct *inputaudit_registrar;

static u16 inputaudit_caps(struct input_dev *dev)
{
	u16 caps = 0;
	int code;

	if (test_bit(EV_KEY, dev->evbit)) {
		/* Any ordinary key below the button range. */
		code = find_next_bit(dev->keybit, BTN_MISC, KEY_ESC);
		if (code < BTN_MISC)
			caps |= INPUTAUDIT_DEV_KEYBOARD;
		if (test_bit(BTN_LEFT, dev->keybit))
			caps |= INPUTAUDIT_DEV_POINTER;
	}
	if (test_bit(EV_REL, dev->evbit))
		caps |= INPUTAUDIT_DEV_POINTER;
	if (test_bit(EV_ABS, dev->evbit))
		caps |= INPUTAUDIT_DEV_TOUCH;
	if (test_bit(EV_SW, dev->evbit))
		caps |= INPUTAUDIT_DEV_SWITCH;
	return caps;
}

/* Remember the process that registered the device, if one did. */
static void inputaudit_set_creator(struct inputaudit_dev *iad)
{
	iad->creator_pid = INPUTAUDIT_NO_CREATOR;
	iad->creator_uid = INPUTAUDIT_NO_CREATOR;
	if (current == READ_ONCE(inputaudit_registrar) ||
	    (current->flags & PF_KTHREAD))
		return;

	iad->caps |= INPUTAUDIT_DEV_CREATOR;
	iad->creator_pid = task_tgid_nr(current);
	iad->creator_uid = from_kuid_munged(&init_user_ns, current_uid());
	get_task_comm(iad->creator_comm, current);
}

/*
 * The name, in up to INPUTAUDIT_NAME_CHUNKS records, so that the daemon can
 * match device rules on it without reading sysfs (it runs unprivileged).
 * Context: preemption disabled, as inputaudit_emit_dev().
 */
static void inputaudit_emit_name(struct inputaudit_dev *iad)
{
	const char *name = iad->handle.dev->name ?: "";
	size_t len = strlen(name), off;
	u64 w[INPUTAUDIT_NAME_CHUNK / sizeof(u64)];
	u16 flags;
	int i;

	for (i = 0; i < INPUTAUDIT_NAME_CHUNKS; i++) {
		off = i * INPUTAUDIT_NAME_CHUNK;
		memset(w, 0, sizeof(w));
		if (off < len)
			memcpy(w, name + off,
			       min_t(size_t, len - off, INPUTAUDIT_NAME_CHUNK));
		flags = i;
		if (len <= off + INPUTAUDIT_NAME_CHUNK)
			flags |= INPUTAUDIT_NAME_LAST;
		else if (i == INPUTAUDIT_NAME_CHUNKS - 1)
			flags |= INPUTAUDIT_NAME_LAST | INPUTAUDIT_NAME_TRUNCATED;
		inputaudit_emit_dev(iad, INPUTAUDIT_REC_DEV_NAME, flags,
				    le64_to_cpu((__force __le64)w[0]),
				    le64_to_cpu((__force __le64)w[1]),
				    le64_to_cpu((__force __le64)w[2]),
				    le64_to_cpu((__force __le64)w[3]));
		if (flags & INPUTAUDIT_NAME_LAST)
			break;
	}
}

static void inputaudit_emit_added(struct inputaudit_dev *iad)
{
	const struct input_id *id = &iad->handle.dev->id;
	u64 comm[2] = { 0, 0 };

	BUILD_BUG_ON(sizeof(comm) != TASK_COMM_LEN);
	memcpy(comm, iad->creator_comm, TASK_COMM_LEN);

	preempt_disable();
	inputaudit_emit_name(iad);
	inputaudit_emit_dev(iad, INPUTAUDIT_REC_DEV_ADDED, iad->caps,
			    INPUTAUDIT_IDENT(id->bustype, id->vendor,
					     id->product, id->version),
			    (u64)iad->creator_uid << 32 | iad->creator_pid,
			    le64_to_cpu((__force __le64)comm[0]),
			    le64_to_cpu((__force __le64)comm[1]));
	preempt_enable();
}

static void inputaudit_add_counters(struct inputaudit_counters *sum,
				    const struct inputaudit_counters *c)
{
	sum->frames_seen += READ_ONCE(c->frames_seen);
	sum->frames_emitted += READ_ONCE(c->frames_emitted);
	sum->frames_suppressed += READ_ONCE(c->frames_suppressed);
	sum->frames_filtered += READ_ONCE(c->frames_filtered);
	sum->blind_ns += READ_ONCE(c->blind_ns);
}

/*
 * The final reports and the removed record, once no event, no worker and
 * no sysfs reader can reach the device any more, so no lock is needed;
 * then its counters join the totals of removed devices.
 */
static void inputaudit_retire(struct inputaudit_dev *iad)
{
	preempt_disable();
	inputaudit_blind_update(iad, inputaudit_now());
	inputaudit_report_suppressed(iad);
	inputaudit_flush_activity(iad);
	inputaudit_emit_dev(iad, INPUTAUDIT_REC_DEV_REMOVED, 0,
			    iad->cnt.frames_seen, iad->records, 0, 0);
	preempt_enable();

	mutex_lock(&inputaudit_devices_lock);
	inputaudit_add_counters(&inputaudit_retired, &iad->cnt);
	mutex_unlock(&inputaudit_devices_lock);
}

/*
 * Open or close @iad's handle as inputaudit_capturing says.  An open that
 * fails (the device is going away, or its driver's open() failed) is tried
 * again by the monitor every tick (logged once per error).  A frame cut
 * short by the close counts as seen.
 *
 * Context: process context, inputaudit_devices_lock held.
 */
static void inputaudit_handle_sync(struct inputaudit_dev *iad)
{
	int error;

	lockdep_assert_held(&inputaudit_devices_lock);
	if (inputaudit_capturing && !iad->opened) {
		error = input_open_device(&iad->handle);
		if (!error)
			iad->opened = true;
		else if (error != -ENODEV && error != iad->open_error)
			pr_warn("device %u: open failed (%d), retrying\n",
				iad->id, error);
		iad->open_error = error;
	} else if (!inputaudit_capturing && iad->opened) {
		input_close_device(&iad->handle);
		iad->opened = false;
		inputaudit_dev_locked(iad, inputaudit_capture_closed);
	}
}

/* Context: process context, inputaudit_devices_lock held. */
static void inputaudit_handles_sync(void)
{
	struct inputaudit_dev *iad;

	list_for_each_entry(iad, &inputaudit_devices, node)
		inputaudit_handle_sync(iad);
}

static void inputaudit_handles_set(bool capturing)
{
	mutex_lock(&inputaudit_devices_lock);
	inputaudit_capturing = capturing;
	inputaudit_handles_sync();
	mutex_unlock(&inputaudit_devices_lock);
}

/**
 * inputaudit_handles_open() - a consumer attaches: open every handle
 *
 * The tracepoint's callback for its first probe: when the attach returns,
 * every device is captured.
 *
 * Context: process context, tracepoints_mutex held by the tracepoint core.
 * Return: 0; a device whose open failed is tried again later.
 */
int inputaudit_handles_open(void)
{
	inputaudit_handles_set(true);
	return 0;
}

/**
 * inputaudit_handles_close() - the last consumer went: close every handle
 *
 * The tracepoint's callback for its last probe going away.
 *
 * Context: process context, tracepoints_mutex held by the tracepoint core.
 */
void inputaudit_handles_close(void)
{
	inputaudit_handles_set(false);
}

/**
 * inputaudit_handles_retry() - try again the opens that failed
 *
 * Context: process context (the monitor worker).
 */
void inputaudit_handles_retry(void)
{
	mutex_lock(&inputaudit_devices_lock);
	inputaudit_handles_sync();
	mutex_unlock(&inputaudit_devices_lock);
}

/* Takes the device off the list the workers and sysfs walk; closes it. */
static void inputaudit_remove(struct inputaudit_dev *iad)
{
	mutex_lock(&inputaudit_devices_lock);
	list_del(&iad->node);
	inputaudit_ndevices--;
	if (iad->opened) {
		input_close_device(&iad->handle);
		iad->opened = false;
	}
	mutex_unlock(&inputaudit_devices_lock);
}

/*
 * Context: process context, input_mutex held by the input core (device or
 * handler registration).
 */
static int inputaudit_connect(struct input_handler *handler,
			      struct input_dev *dev,
			      const struct input_device_id *id)
{
	struct inputaudit_dev *iad;
	int error;

	iad = kzalloc(sizeof(*iad), GFP_KERNEL);
	if (!iad)
		return -ENOMEM;

	iad->id = atomic_inc_return(&inputaudit_next_id);
	iad->caps = inputaudit_caps(dev);
	iad->mt_touch = test_bit(EV_ABS, dev->evbit) &&
			test_bit(ABS_MT_TRACKING_ID, dev->absbit);
	iad->enabled = true;
	inputaudit_set_creator(iad);
	timer_setup(&iad->stage_timer, inputaudit_stage_timer, 0);

	iad->handle.dev = dev;
	iad->handle.handler = handler;
	iad->handle.name = KBUILD_MODNAME;
	iad->handle.private = iad;

	/* From here on, inputaudit_dev_put() frees iad. */
	error = inputaudit_dev_sysfs_add(iad);
	if (error)
		goto err_put_iad;

	error = input_register_handle(&iad->handle);
	if (error)
		goto err_del_sysfs;

	/*
	 * No event reaches the handle before it is opened, so the added
	 * record precedes every record of the device.
	 */
	inputaudit_emit_added(iad);

	mutex_lock(&inputaudit_devices_lock);
	list_add_tail(&iad->node, &inputaudit_devices);
	inputaudit_ndevices++;
	inputaudit_handle_sync(iad);
	mutex_unlock(&inputaudit_devices_lock);
	return 0;

err_del_sysfs:
	inputaudit_dev_sysfs_del(iad);
err_put_iad:
	inputaudit_dev_put(iad);
	return error;
}

/*
 * Context: process context, input_mutex held by the input core (device or
 * handler unregistration).
 */
static void inputaudit_disconnect(struct input_handle *handle)
{
	struct inputaudit_dev *iad = handle->private;

	inputaudit_remove(iad);
	input_unregister_handle(handle);
	/* No event comes any more, so nothing arms it again. */
	inputaudit_timer_shutdown_sync(&iad->stage_timer);
	inputaudit_dev_sysfs_del(iad);
	inputaudit_retire(iad);
	inputaudit_dev_put(iad);
}

static const struct input_device_id inputaudit_ids[] = {
	{
		.flags = INPUT_DEVICE_ID_MATCH_EVBIT,
		.evbit = { BIT_MASK(EV_KEY) },
	},
	{
		.flags = INPUT_DEVICE_ID_MATCH_EVBIT,
		.evbit = { BIT_MASK(EV_REL) },
	},
	{
		.flags = INPUT_DEVICE_ID_MATCH_EVBIT,
		.evbit = { BIT_MASK(EV_ABS) },
	},
	{
		.flags = INPUT_DEVICE_ID_MATCH_EVBIT,
		.evbit = { BIT_MASK(EV_SW) },
	},
	{ },	/* Terminating entry */
};

MODULE_DEVICE_TABLE(input, inputaudit_ids);

static struct input_handler inputaudit_handler = {
	.events		= inputaudit_events,
	.connect	= inputaudit_connect,
	.disconnect	= inputaudit_disconnect,
	.name		= KBUILD_MODNAME,
	.id_table	= inputaudit_ids,
	INPUTAUDIT_PASSIVE_OBSERVER
};

/**
 * inputaudit_handler_register() - attach to present and future devices
 *
 * Context: process context (module init).
 * Return: 0 or a negative errno.
 */
int inputaudit_handler_register(void)
{
	int error;

	WRITE_ONCE(inputaudit_registrar, current);
	error = input_register_handler(&inputaudit_handler);
	WRITE_ONCE(inputaudit_registrar, NULL);
	return error;
}

/**
 * inputaudit_handler_unregister() - detach from every device
 *
 * Context: process context (module exit).
 */
void inputaudit_handler_unregister(void)
{
	input_unregister_handler(&inputaudit_handler);
}

/**
 * inputaudit_device_count() - how many devices are attached
 *
 * Context: process context; takes inputaudit_devices_lock.
 * Return: the number of attached devices.
 */
unsigned int inputaudit_device_count(void)
{
	unsigned int n;

	mutex_lock(&inputaudit_devices_lock);
	n = inputaudit_ndevices;
	mutex_unlock(&inputaudit_devices_lock);
	return n;
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
 * inputaudit_totals() - frame accounting over all devices, ever
 * @sum: the sums, of present and removed devices
 *
 * Context: process context; takes inputaudit_devices_lock.  Each counter
 * is read atomically but the set is not a snapshot.
 */
void inputaudit_totals(struct inputaudit_counters *sum)
{
	struct inputaudit_dev *iad;

	mutex_lock(&inputaudit_devices_lock);
	*sum = inputaudit_retired;
	list_for_each_entry(iad, &inputaudit_devices, node)
		inputaudit_add_counters(sum, &iad->cnt);
	mutex_unlock(&inputaudit_devices_lock);
}
