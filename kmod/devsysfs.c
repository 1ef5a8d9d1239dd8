// SPDX-License-Identifier: GPL-2.0-only
/*
 * inputaudit: one directory per attached device under
 * /sys/kernel/inputaudit/devices/<id>/.
 *
 * Identity, origin, creator, activity and counters are for root only;
 * "enabled" is the one writable file, root only, and obeys the global lock.  A
 * device's directory lives exactly as long as inputaudit is attached to
 * it: disconnect removes it before the device goes away.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/uidgid.h>

#include "internal.h"

#define to_iad(k) container_of(k, struct inputaudit_dev, kobj)

static ssize_t name_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", to_iad(kobj)->handle.dev->name ?: "");
}

static ssize_t phys_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", to_iad(kobj)->handle.dev->phys ?: "");
}

static ssize_t id_show(struct kobject *kobj, struct kobj_attribute *attr,
		       char *buf)
{
	const struct input_id *id = &to_iad(kobj)->handle.dev->id;

	return sysfs_emit(buf, "bus=%04x vendor=%04x product=%04x version=%04x\n",
			  id->bustype, id->vendor, id->product, id->version);
}

static ssize_t creator_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct inputaudit_dev *iad = to_iad(kobj);

	if (iad->flags & INPUTAUDIT_DEV_CREATOR_UNKNOWN)
		return sysfs_emit(buf, "unknown\n");
	if (!(iad->flags & INPUTAUDIT_DEV_CREATOR))
		return sysfs_emit(buf, "none\n");
	return sysfs_emit(buf, "pid=%u uid=%u comm=%s\n", iad->creator_pid,
			  iad->creator_uid, iad->creator_comm);
}

static ssize_t origin_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  inputaudit_origin_name(to_iad(kobj)->flags));
}

static ssize_t enabled_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(to_iad(kobj)->enabled));
}

/*
 * Disabling stops capture at once (what the device gathered goes out
 * first) and then records the change; enabling records it first.  Either
 * way the device is announced before its config record, and the worker
 * closes or opens its handle.
 */
static ssize_t enabled_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	struct inputaudit_dev *iad = to_iad(kobj);
	unsigned int val, old_val;
	int ret;

	ret = inputaudit_settings_write_begin();
	if (ret)
		return ret;
	ret = inputaudit_parse_uint(buf, count, 0, 1, &val);
	old_val = iad->enabled;
	if (!ret && val != old_val) {
		inputaudit_dev_locked(iad, inputaudit_announce);
		if (!val) {
			WRITE_ONCE(iad->enabled, false);
			inputaudit_dev_locked(iad, inputaudit_capture_stop);
		}
		inputaudit_emit_config(INPUTAUDIT_CFG_DEV_ENABLED, iad->id,
				       old_val, val);
		WRITE_ONCE(iad->enabled, val);
		if (val)
			inputaudit_sync_now(iad);
		else
			inputaudit_sync_dev(iad);	/* the close can wait */
		pr_info("device %u enabled changed from %u to %u by uid %u\n",
			iad->id, old_val, val,
			from_kuid_munged(&init_user_ns, current_uid()));
	}
	inputaudit_settings_write_end();
	return ret ?: count;
}

static ssize_t counters_show(struct kobject *kobj,
			     struct kobj_attribute *attr, char *buf)
{
	struct inputaudit_counters cnt;
	u64 records;
	int len;

	inputaudit_dev_counters(to_iad(kobj), &cnt, NULL, &records);
	len = inputaudit_counters_show(buf, &cnt);
	return len + sysfs_emit_at(buf, len, "records %llu\n", records);
}

static ssize_t activity_show(struct kobject *kobj,
			     struct kobj_attribute *attr, char *buf)
{
	struct inputaudit_activity act;
	struct inputaudit_counters cnt;

	inputaudit_dev_counters(to_iad(kobj), &cnt, &act, NULL);
	return sysfs_emit(buf,
			  "key_presses %llu\nbutton_clicks %llu\nmotion %llu\ntouches %u\nswitches %u\n",
			  act.key_presses, act.button_clicks, act.motion,
			  act.touches, act.switches);
}

static struct kobj_attribute name_attr = __ATTR(name, 0400, name_show, NULL);
static struct kobj_attribute phys_attr = __ATTR(phys, 0400, phys_show, NULL);
static struct kobj_attribute id_attr = __ATTR(id, 0400, id_show, NULL);
static struct kobj_attribute creator_attr =
	__ATTR(creator, 0400, creator_show, NULL);
static struct kobj_attribute origin_attr =
	__ATTR(origin, 0400, origin_show, NULL);
static struct kobj_attribute enabled_attr =
	__ATTR(enabled, 0600, enabled_show, enabled_store);
static struct kobj_attribute counters_attr =
	__ATTR(counters, 0400, counters_show, NULL);
static struct kobj_attribute activity_attr =
	__ATTR(activity, 0400, activity_show, NULL);

/*
 * sysfs adds these one by one after the directory appears, in this order;
 * a reader that needs them all waits for the last one (selftests/vm's
 * kmod_dev_id() waits for "activity": keep it last).
 */
static struct attribute *inputaudit_dev_attrs[] = {
	&name_attr.attr,
	&phys_attr.attr,
	&id_attr.attr,
	&creator_attr.attr,
	&origin_attr.attr,
	&enabled_attr.attr,
	&counters_attr.attr,
	&activity_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(inputaudit_dev);

static void inputaudit_dev_release(struct kobject *kobj)
{
	kfree(to_iad(kobj));
}

static const struct kobj_type inputaudit_dev_ktype = {
	.release = inputaudit_dev_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = inputaudit_dev_groups,
};

/**
 * inputaudit_dev_sysfs_add() - create the device's directory
 * @iad: the device, with its id set
 *
 * From here on @iad is freed by inputaudit_dev_put(), also on failure.
 *
 * Context: process context (connect).
 * Return: 0 or a negative errno.
 */
int inputaudit_dev_sysfs_add(struct inputaudit_dev *iad)
{
	return kobject_init_and_add(&iad->kobj, &inputaudit_dev_ktype,
				    inputaudit_devices_kobj, "%u", iad->id);
}

/**
 * inputaudit_dev_sysfs_del() - remove the device's directory
 * @iad: the device
 *
 * Waits for reads and writes in progress; none start afterwards.
 *
 * Context: process context (disconnect).
 */
void inputaudit_dev_sysfs_del(struct inputaudit_dev *iad)
{
	kobject_del(&iad->kobj);
}

/**
 * inputaudit_dev_get() - take a reference on the device
 * @iad: the device, its directory added
 *
 * Context: any.
 */
void inputaudit_dev_get(struct inputaudit_dev *iad)
{
	kobject_get(&iad->kobj);
}

/**
 * inputaudit_dev_put() - drop a reference; the last one frees the device
 * @iad: the device
 *
 * Context: process context.
 */
void inputaudit_dev_put(struct inputaudit_dev *iad)
{
	kobject_put(&iad->kobj);
}
