// SPDX-License-Identifier: GPL-2.0-only
/*
 * inputaudit: the status tree under /sys/kernel/inputaudit/.
 *
 * status is world-readable so that anyone can see what is being captured;
 * counters and everything in the devices/ directory are for root only (the
 * directory itself lists the device ids, as many as status counts).
 * Nothing here is writable but a device's "enabled": settings are in
 * /sys/module/inputaudit/parameters/.
 */
#include <linux/kobject.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "compat.h"
#include "internal.h"

static struct kobject *inputaudit_kobj;
struct kobject *inputaudit_devices_kobj;

/*
 * Takes no lock that a device's open or close holds: never waits.
 * observer=passive: the kernel has input_handler.passive_observer, and
 * inputaudit's open handles do not open devices (compat.h); active: each
 * open handle is a user of its device, as a reader of its event node is.
 */
static ssize_t status_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf,
			  "level=%s max_level=%s lock=%u devices=%u open=%u consumer=%s observer=%s\n",
			  inputaudit_level_name(READ_ONCE(inputaudit_level)),
			  inputaudit_level_name(inputaudit_max_level),
			  READ_ONCE(inputaudit_lock),
			  inputaudit_device_count(), inputaudit_open_count(),
			  inputaudit_consumer_attached() ? "attached" : "none",
			  INPUTAUDIT_IS_PASSIVE_OBSERVER ? "passive" : "active");
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

static ssize_t no_consumer_ns_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", inputaudit_no_consumer_ns());
}

/* Global frame accounting, summed over present and removed devices. */
static ssize_t counters_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	struct inputaudit_counters sum;

	inputaudit_totals(&sum);
	return inputaudit_counters_show(buf, &sum);
}

/**
 * inputaudit_counters_show() - format frame accounting for sysfs
 * @buf: the sysfs page
 * @cnt: the counters
 *
 * Context: any.
 * Return: the length written.
 */
int inputaudit_counters_show(char *buf, const struct inputaudit_counters *cnt)
{
	return sysfs_emit(buf,
			  "frames_seen %llu\nframes_emitted %llu\nframes_suppressed %llu\nblind_ns %llu\n",
			  cnt->frames_seen, cnt->frames_emitted,
			  cnt->frames_suppressed, cnt->blind_ns);
}

static struct kobj_attribute status_attr = __ATTR_RO(status);
static struct kobj_attribute records_emitted_attr =
	__ATTR(records_emitted, 0400, records_emitted_show, NULL);
static struct kobj_attribute records_unconsumed_attr =
	__ATTR(records_unconsumed, 0400, records_unconsumed_show, NULL);
static struct kobj_attribute no_consumer_ns_attr =
	__ATTR(no_consumer_ns, 0400, no_consumer_ns_show, NULL);
static struct kobj_attribute counters_attr =
	__ATTR(counters, 0400, counters_show, NULL);

static struct attribute *inputaudit_attrs[] = {
	&status_attr.attr,
	&records_emitted_attr.attr,
	&records_unconsumed_attr.attr,
	&no_consumer_ns_attr.attr,
	&counters_attr.attr,
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
	if (error)
		goto err_put_kobj;

	inputaudit_devices_kobj = kobject_create_and_add("devices",
							 inputaudit_kobj);
	if (!inputaudit_devices_kobj) {
		error = -ENOMEM;
		goto err_put_kobj;
	}
	return 0;

err_put_kobj:
	kobject_put(inputaudit_kobj);
	return error;
}

/**
 * inputaudit_sysfs_exit() - remove /sys/kernel/inputaudit/
 *
 * Context: process context (module exit), after every device is gone.
 */
void inputaudit_sysfs_exit(void)
{
	kobject_put(inputaudit_devices_kobj);
	kobject_put(inputaudit_kobj);
}
