// SPDX-License-Identifier: GPL-2.0-only
/*
 * inputaudit: how a device came to be, and who made it.
 *
 * The answer comes from the device model, never from whichever task
 * happens to run connect(): that is the creator for a uinput device made
 * by its UI_DEV_CREATE, but a kernel worker for a uhid device (uhid
 * registers from a work item), and for hardware whatever process triggered
 * the probe (insmod loading usbhid, a shell writing a serio rescan).
 *
 *   - Below /dev/uhid (the device's ancestors include the uhid misc
 *     device): made through uhid, as Bluetooth LE daemons and keystroke
 *     injectors do.  The creator is the process holding the /dev/uhid file
 *     the device was made through.
 *   - Under /sys/devices/virtual: made by software.  A uinput device is
 *     recognized by the process holding the /dev/uinput file it was made
 *     through; a uinput device whose file no process holds (passed in a
 *     socket, say) by its event callback.  Anything else is the kernel's.
 *   - Anything else has a physical parent (USB, serio, I2C, platform, ...)
 *     and is hardware: no creator, ever.
 * A device made through uinput or uhid whose creator cannot be named says
 * so (INPUTAUDIT_DEV_CREATOR_UNKNOWN) rather than having none.
 *
 * The holder is found by looking through the open files of every process
 * (thread group leaders) for the misc device's file whose private data is
 * the device's: that of the task calling connect() first, which is the
 * creator for uinput.  When several processes hold it (a fork after the
 * create), the oldest is named.  This runs once per device, in connect().
 */
#include <linux/cred.h>
#include <linux/device.h>
#include <linux/fdtable.h>
#include <linux/fs.h>
#include <linux/hid.h>
#include <linux/input.h>
#include <linux/kallsyms.h>
#include <linux/kdev_t.h>
#include <linux/major.h>
#include <linux/miscdevice.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/string.h>
#include <linux/uidgid.h>

#include "internal.h"

/* What to look for among a process's open files. */
struct inputaudit_holder {
	dev_t rdev;		/* the misc device: /dev/uinput or /dev/uhid */
	const void *private;	/* its file's private data for this device */
};

/* Context: under the files' file_lock (iterate_fd()). */
static int inputaudit_holds(const void *arg, struct file *file, unsigned int fd)
{
	const struct inputaudit_holder *h = arg;
	const struct inode *inode = file_inode(file);

	return S_ISCHR(inode->i_mode) && inode->i_rdev == h->rdev &&
	       file->private_data == h->private;
}

/* Context: process context, under rcu_read_lock(). */
static bool inputaudit_task_holds(struct task_struct *task,
				  const struct inputaudit_holder *h)
{
	bool held;

	task_lock(task);	/* keeps task->files in place */
	held = task->files && iterate_fd(task->files, 0, inputaudit_holds, h);
	task_unlock(task);
	return held;
}

/*
 * The process holding the file @h describes, with a reference, or NULL.
 * Context: process context, may take a while on a system with many
 * processes (once per device).
 */
static struct task_struct *inputaudit_find_holder(const struct inputaudit_holder *h)
{
	struct task_struct *task, *found = NULL;

	if (!(current->flags & PF_KTHREAD) &&
	    inputaudit_task_holds(current, h))
		return get_task_struct(current);

	rcu_read_lock();
	for_each_process(task) {
		if (inputaudit_task_holds(task, h)) {
			found = get_task_struct(task);
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

/* @task: the creator, with a reference that this drops, or NULL. */
static void inputaudit_set_creator(struct inputaudit_dev *iad,
				   enum inputaudit_origin origin,
				   struct task_struct *task)
{
	iad->flags |= origin << INPUTAUDIT_DEV_ORIGIN_SHIFT;
	if (!task) {
		iad->flags |= INPUTAUDIT_DEV_CREATOR_UNKNOWN;
		return;
	}
	iad->flags |= INPUTAUDIT_DEV_CREATOR;
	iad->creator_pid = task_tgid_nr(task);
	iad->creator_uid = from_kuid_munged(&init_user_ns, task_uid(task));
	get_task_comm(iad->creator_comm, task);
	put_task_struct(task);
}

/* /sys/devices/virtual/...: a device no hardware stands behind. */
static bool inputaudit_is_virtual(const struct device *dev)
{
	const struct kobject *k;

	for (k = &dev->kobj; k->parent; k = k->parent)
		if (!k->parent->parent && !strcmp(kobject_name(k), "virtual"))
			return true;
	return false;
}

/* The hid_device right below /dev/uhid among @dev's ancestors, or NULL. */
static struct hid_device *inputaudit_uhid_parent(struct device *dev)
{
	struct device *d;

	for (d = dev; d && d->parent; d = d->parent)
		if (d->parent->devt == MKDEV(MISC_MAJOR, UHID_MINOR) &&
		    d->bus && !strcmp(d->bus->name, "hid"))
			return to_hid_device(d);
	return NULL;
}

/* A uinput device: its event callback is uinput's. */
static bool inputaudit_uinput_callback(const struct input_dev *dev)
{
	char sym[KSYM_SYMBOL_LEN];

	if (!dev->event)
		return false;
	sprint_symbol_no_offset(sym, (unsigned long)dev->event);
	return !strncmp(sym, "uinput_dev_event", strlen("uinput_dev_event")) &&
	       (sym[16] == '\0' || sym[16] == ' ');
}

/**
 * inputaudit_origin() - find how the device came to be, and who made it
 * @iad: the device; sets the origin and creator bits of @iad->flags and
 *	the creator fields
 *
 * Context: process context (connect), input_mutex held.
 */
void inputaudit_origin(struct inputaudit_dev *iad)
{
	struct input_dev *dev = iad->handle.dev;
	struct inputaudit_holder h;
	struct task_struct *task;
	struct hid_device *hid;

	iad->creator_pid = INPUTAUDIT_NO_CREATOR;
	iad->creator_uid = INPUTAUDIT_NO_CREATOR;
	memset(iad->creator_comm, 0, sizeof(iad->creator_comm));

	hid = inputaudit_uhid_parent(&dev->dev);
	if (hid) {
		h.rdev = MKDEV(MISC_MAJOR, UHID_MINOR);
		h.private = hid->driver_data;	/* uhid's, as in its file */
		inputaudit_set_creator(iad, INPUTAUDIT_ORIGIN_UHID,
				       inputaudit_find_holder(&h));
		return;
	}
	if (!inputaudit_is_virtual(&dev->dev))
		return;		/* hardware */

	h.rdev = MKDEV(MISC_MAJOR, UINPUT_MINOR);
	h.private = input_get_drvdata(dev);	/* uinput's, as in its file */
	task = h.private ? inputaudit_find_holder(&h) : NULL;
	if (task || inputaudit_uinput_callback(dev)) {
		inputaudit_set_creator(iad, INPUTAUDIT_ORIGIN_UINPUT, task);
		return;
	}
	iad->flags |= INPUTAUDIT_ORIGIN_VIRTUAL << INPUTAUDIT_DEV_ORIGIN_SHIFT;
}

/**
 * inputaudit_origin_name() - the name of a device's origin, for sysfs
 * @flags: its enum inputaudit_dev_flags
 *
 * Context: any.
 * Return: "hardware", "uinput", "uhid" or "virtual".
 */
const char *inputaudit_origin_name(u16 flags)
{
	static const char * const names[] = {
		[INPUTAUDIT_ORIGIN_HARDWARE] = "hardware",
		[INPUTAUDIT_ORIGIN_UINPUT] = "uinput",
		[INPUTAUDIT_ORIGIN_UHID] = "uhid",
		[INPUTAUDIT_ORIGIN_VIRTUAL] = "virtual",
	};

	return names[INPUTAUDIT_DEV_ORIGIN(flags)];
}
