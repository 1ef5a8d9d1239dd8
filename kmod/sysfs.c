// SPDX-License-Identifier: GPL-2.0-only
/*
 * inputaudit: the status tree under /sys/kernel/inputaudit/.
 *
 * status is world-readable so that anyone can see what is being captured;
 * counters and the device list are for root only.  Nothing is writable.
 */
#include <linux/kobject.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "internal.h"

static struct kobject *inputaudit_kobj;

static ssize_t status_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "level=%s window_ms=%u devices=%u consumer=%s\n",
			  inputaudit_level_name(READ_ONCE(inputaudit_level)),
			  READ_ONCE(inputaudit_window_ms),
			  inputaudit_device_count(),
			  inputaudit_consumer_attached() ? "attached" : "none");
}

static ssize_t records_emitted_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", inputaudit_records_emitted());
}

static ssize_t records_unconsumed_show(struct kobject *kobj,
				       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", inputaudit_records_unconsumed());
}

/* One line per device: id, identity, creator and the device's name. */
static ssize_t devices_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct inputaudit_dev *iad;
	int len = 0;

	mutex_lock(&inputaudit_devices_lock);
	list_for_each_entry(iad, &inputaudit_devices, node) {
		const struct input_dev *dev = iad->handle.dev;

		if (len >= PAGE_SIZE - 1)
			break;	/* truncated; per-device files have it all */
		len += sysfs_emit_at(buf, len,
				     "%u %04x:%04x:%04x:%04x caps=%#x pid=%d uid=%d comm=%s name=%s\n",
				     iad->id, dev->id.bustype, dev->id.vendor,
				     dev->id.product, dev->id.version,
				     iad->caps, (int)iad->creator_pid,
				     (int)iad->creator_uid,
				     iad->creator_comm[0] ?
				     iad->creator_comm : "-",
				     dev->name ?: "-");
	}
	mutex_unlock(&inputaudit_devices_lock);
	return len;
}

static struct kobj_attribute status_attr = __ATTR_RO(status);
static struct kobj_attribute records_emitted_attr =
	__ATTR(records_emitted, 0400, records_emitted_show, NULL);
static struct kobj_attribute records_unconsumed_attr =
	__ATTR(records_unconsumed, 0400, records_unconsumed_show, NULL);
static struct kobj_attribute devices_attr =
	__ATTR(devices, 0400, devices_show, NULL);

static struct attribute *inputaudit_attrs[] = {
	&status_attr.attr,
	&records_emitted_attr.attr,
	&records_unconsumed_attr.attr,
	&devices_attr.attr,
	NULL,
};

static const struct attribute_group inputaudit_group = {
	.attrs = inputaudit_attrs,
};

/**
 * inputaudit_sysfs_init() - create /sys/kernel/inputaudit/
 *
 * Context: process context (module init).
 * Return: 0 or a negative errno.
 */
int inputaudit_sysfs_init(void)
{
	int error;

	inputaudit_kobj = kobject_create_and_add(KBUILD_MODNAME, kernel_kobj);
	if (!inputaudit_kobj)
		return -ENOMEM;

	error = sysfs_create_group(inputaudit_kobj, &inputaudit_group);
	if (error) {
		kobject_put(inputaudit_kobj);
		return error;
	}
	return 0;
}

/**
 * inputaudit_sysfs_exit() - remove /sys/kernel/inputaudit/
 *
 * Context: process context (module exit).
 */
void inputaudit_sysfs_exit(void)
{
	kobject_put(inputaudit_kobj);
}
