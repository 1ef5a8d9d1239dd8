// SPDX-License-Identifier: GPL-2.0-only
/*
 * inputaudit: the input handler.  Attaches to keyboards, pointers, touch
 * devices and switches, present and hotplugged, real and virtual.  A
 * device's handle is registered here but opened only while the device is
 * captured (sync.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/input.h>
#include <linux/irqflags.h>
#include <linux/list.h>
#include <linux/mod_devicetable.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/timer.h>

#include "compat.h"
#include "internal.h"

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

/*
 * The device is gone from every list and no event, worker or sysfs reader
 * can reach it any more: its identity (if the consumer never had it) and
 * its removed record go out.  With no consumer attached the removed record
 * is counted as unconsumed: nobody learns that the device went.
 */
static void inputaudit_retire(struct inputaudit_dev *iad)
{
	unsigned long flags;

	local_irq_save(flags);
	inputaudit_emit_dev(iad, INPUTAUDIT_REC_DEV_REMOVED, 0,
			    iad->cnt.frames_seen, iad->records, 0, 0);
	local_irq_restore(flags);
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

	iad->handle.dev = dev;
	iad->handle.handler = handler;
	iad->handle.name = KBUILD_MODNAME;
	iad->handle.private = iad;
	iad->flags = inputaudit_caps(dev);
	iad->mt_touch = test_bit(EV_ABS, dev->evbit) &&
			test_bit(ABS_MT_TRACKING_ID, dev->absbit);
	iad->enabled = true;
	iad->announce = INPUTAUDIT_ANNOUNCE_NEW;
	INIT_LIST_HEAD(&iad->sync_node);
	mutex_init(&iad->open_lock);
	timer_setup(&iad->stage_timer, inputaudit_stage_timer, 0);
	inputaudit_origin(iad);

	error = inputaudit_id_alloc(iad);
	if (error)
		goto err_free_iad;

	/* From here on, inputaudit_dev_put() frees iad. */
	error = inputaudit_dev_sysfs_add(iad);
	if (error)
		goto err_put_iad;

	error = input_register_handle(&iad->handle);
	if (error)
		goto err_del_sysfs;

	inputaudit_devices_add(iad);
	/*
	 * With a consumer there: announced, then opened and captured from
	 * its first frame.
	 */
	inputaudit_sync_now(iad);
	return 0;

err_del_sysfs:
	inputaudit_dev_sysfs_del(iad);
err_put_iad:
	inputaudit_id_free(iad);
	inputaudit_dev_put(iad);
	return error;
err_free_iad:
	kfree(iad);
	return error;
}

/*
 * The mirror of connect: the handle closes (what the device gathered goes
 * to the consumer; its counters are final), the device leaves the list
 * with its counters, the handle is unregistered, the stage timer stops,
 * sysfs readers finish, the last record goes out, the id is freed.
 *
 * Context: process context, input_mutex held by the input core (device or
 * handler unregistration).
 */
static void inputaudit_disconnect(struct input_handle *handle)
{
	struct inputaudit_dev *iad = handle->private;

	inputaudit_sync_close(iad);
	inputaudit_devices_del(iad);
	input_unregister_handle(handle);
	/* No event comes any more, so nothing arms it again. */
	inputaudit_timer_shutdown_sync(&iad->stage_timer);
	inputaudit_dev_sysfs_del(iad);
	inputaudit_retire(iad);
	inputaudit_id_free(iad);
	inputaudit_dev_put(iad);
}

/*
 * Called by the input core when the handle is registered (nothing to do:
 * it is not open yet) and, for every open handle, when another handle's
 * grab of the device ends.
 *
 * Context: process context; for a grab, the device's mutex held.
 */
static void inputaudit_start(struct input_handle *handle)
{
	inputaudit_dev_locked(handle->private, inputaudit_blind_released);
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

/*
 * No MODULE_DEVICE_TABLE(): udev would then load the module for every
 * keyboard, and an audit module loads only when it is asked to.
 */

static struct input_handler inputaudit_handler = {
	.events		= inputaudit_events,
	.connect	= inputaudit_connect,
	.disconnect	= inputaudit_disconnect,
	.start		= inputaudit_start,
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
	return input_register_handler(&inputaudit_handler);
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
