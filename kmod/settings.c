// SPDX-License-Identifier: GPL-2.0-only
/*
 * inputaudit: global settings.
 *
 * One table describes every setting.  It drives both the module parameters
 * given at load time (insmod inputaudit.ko level=events) and the files in
 * /sys/module/inputaudit/parameters/.  Those files are the module's own
 * attributes rather than the kernel's generic parameter files, because a
 * generic parameter's set() never sees the length of a write and so cannot
 * reject a value with an embedded NUL.
 *
 * Anyone may read a setting (users can see what is captured); only root
 * may write one.  A write is validated completely before anything changes;
 * bad input gets -EINVAL (-ERANGE out of range, -EPERM above max_level or
 * while locked).  Every accepted change is a config record and a kernel
 * log line naming the writer.
 *
 * Privacy floors.  Below level "keys" no combination of settings may come
 * close to per-key timing: a short activity window holds one key press
 * each, a fine time resolution times each event record, and an injection
 * verdict for two presses, or for presses as far apart as typing, names an
 * interval between two keys.  So below "keys" the window, the resolution
 * and the injection settings have limits of their own (strict_min,
 * strict_max); a write beyond them gets -ERANGE, and lowering the level
 * from "keys" first brings every setting within them (each a change of
 * its own, recorded and logged).
 *
 * Order in the record stream.  The config record that raises the level
 * precedes every record made at the new level: it is sent before the
 * level changes.  Every record made at a level precedes the config record
 * that lowers it: the level changes, an RCU grace period lets every event
 * path still running at the old level finish, staged records go out, and
 * then the config record.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uidgid.h>

#include "compat.h"
#include "internal.h"

unsigned int inputaudit_level = INPUTAUDIT_LEVEL_ACTIVITY;
unsigned int inputaudit_max_level = INPUTAUDIT_LEVEL_EVENTS;
unsigned int inputaudit_lock;
unsigned int inputaudit_window_ms = 10000;
unsigned int inputaudit_dev_rate = 1000;
unsigned int inputaudit_dev_burst = 2000;
unsigned int inputaudit_global_rate = 10000;
unsigned int inputaudit_global_burst = 20000;
unsigned int inputaudit_heartbeat_ms = 10000;
unsigned int inputaudit_time_res_ms = 10;
unsigned int inputaudit_inject_presses = 5;
unsigned int inputaudit_inject_interval_ms = 50;

/*
 * Serializes writes with each other, with the lock and with module exit.
 * Readers use READ_ONCE() on the values and take no lock.
 */
static DEFINE_MUTEX(inputaudit_settings_lock);
static bool inputaudit_live;	/* under inputaudit_settings_lock */

static const char * const inputaudit_level_names[] = {
	[INPUTAUDIT_LEVEL_OFF] = "off",
	[INPUTAUDIT_LEVEL_ACTIVITY] = "activity",
	[INPUTAUDIT_LEVEL_EVENTS] = "events",
	[INPUTAUDIT_LEVEL_KEYS] = "keys",
};

/**
 * struct inputaudit_setting - one setting
 * @mattr: its file in /sys/module/inputaudit/parameters/
 * @value: where the value lives
 * @min: smallest value accepted
 * @max: largest value accepted
 * @strict_min: smallest value accepted below level "keys" (0: @min)
 * @strict_max: largest value accepted below level "keys" (0: @max)
 * @item: enum inputaudit_config_item for its config records
 * @names: value names (levels), or NULL for a number
 * @changed: called after a change, under inputaudit_settings_lock
 */
struct inputaudit_setting {
	struct module_attribute mattr;
	unsigned int *value;
	unsigned int min;
	unsigned int max;
	unsigned int strict_min;
	unsigned int strict_max;
	u16 item;
	const char * const *names;
	void (*changed)(void);
};

#define INPUTAUDIT_SETTING_STRICT(_name, _min, _max, _smin, _smax,	\
				  _item, _changed)			\
	{								\
		.mattr = __ATTR(_name, 0644, inputaudit_setting_show,	\
				inputaudit_setting_store),		\
		.value = &inputaudit_##_name,				\
		.min = _min,						\
		.max = _max,						\
		.strict_min = _smin,					\
		.strict_max = _smax,					\
		.item = _item,						\
		.changed = _changed,					\
	}

/* No limits of its own below "keys". */
#define INPUTAUDIT_SETTING(_name, _min, _max, _item, _changed)		\
	INPUTAUDIT_SETTING_STRICT(_name, _min, _max, 0, 0, _item, _changed)

#define INPUTAUDIT_LEVEL_SETTING(_name, _mode, _item)			\
	{								\
		.mattr = __ATTR(_name, _mode, inputaudit_setting_show,	\
				inputaudit_level_store),		\
		.value = &inputaudit_##_name,				\
		.min = INPUTAUDIT_LEVEL_OFF,				\
		.max = INPUTAUDIT_LEVEL_KEYS,				\
		.item = _item,						\
		.names = inputaudit_level_names,			\
	}

static ssize_t
inputaudit_setting_show(INPUTAUDIT_MATTR_CONST struct module_attribute *mattr,
			struct module_kobject *mk, char *buf);
static ssize_t
inputaudit_setting_store(INPUTAUDIT_MATTR_CONST struct module_attribute *mattr,
			 struct module_kobject *mk,
			 const char *buf, size_t count);
static ssize_t
inputaudit_level_store(INPUTAUDIT_MATTR_CONST struct module_attribute *mattr,
		       struct module_kobject *mk,
		       const char *buf, size_t count);

enum {
	SETTING_LEVEL,
	SETTING_MAX_LEVEL,
	SETTING_LOCK,
	SETTING_WINDOW_MS,
	SETTING_DEV_RATE,
	SETTING_DEV_BURST,
	SETTING_GLOBAL_RATE,
	SETTING_GLOBAL_BURST,
	SETTING_HEARTBEAT_MS,
	SETTING_TIME_RES_MS,
	SETTING_INJECT_PRESSES,
	SETTING_INJECT_INTERVAL_MS,
	SETTING_COUNT,
};

static struct inputaudit_setting inputaudit_settings[SETTING_COUNT] = {
	[SETTING_LEVEL] = INPUTAUDIT_LEVEL_SETTING(level, 0644,
						   INPUTAUDIT_CFG_LEVEL),
	/* Fixed at load time: the files of max_level is read-only. */
	[SETTING_MAX_LEVEL] = INPUTAUDIT_LEVEL_SETTING(max_level, 0444, 0),
	[SETTING_LOCK] = INPUTAUDIT_SETTING(lock, 0, 1, INPUTAUDIT_CFG_LOCK,
					    NULL),
	/* Below "keys", a window holds a second of typing at least. */
	[SETTING_WINDOW_MS] =
		INPUTAUDIT_SETTING_STRICT(window_ms, 100, 3600000,
					  1000, 3600000,
					  INPUTAUDIT_CFG_WINDOW_MS,
					  inputaudit_window_reschedule),
	[SETTING_DEV_RATE] = INPUTAUDIT_SETTING(dev_rate, 1, 1000000,
						INPUTAUDIT_CFG_DEV_RATE,
						inputaudit_ratelimit_changed),
	[SETTING_DEV_BURST] = INPUTAUDIT_SETTING(dev_burst, 1, 1000000,
						 INPUTAUDIT_CFG_DEV_BURST,
						 inputaudit_ratelimit_changed),
	[SETTING_GLOBAL_RATE] = INPUTAUDIT_SETTING(global_rate, 1, 10000000,
						   INPUTAUDIT_CFG_GLOBAL_RATE,
						   inputaudit_ratelimit_changed),
	[SETTING_GLOBAL_BURST] =
		INPUTAUDIT_SETTING(global_burst, 1, 10000000,
				   INPUTAUDIT_CFG_GLOBAL_BURST,
				   inputaudit_ratelimit_changed),
	[SETTING_HEARTBEAT_MS] = INPUTAUDIT_SETTING(heartbeat_ms, 1000, 3600000,
						    INPUTAUDIT_CFG_HEARTBEAT_MS,
						    NULL),
	/* Below "keys", event times no finer than 10 ms. */
	[SETTING_TIME_RES_MS] =
		INPUTAUDIT_SETTING_STRICT(time_res_ms, 1, 60000, 10, 60000,
					  INPUTAUDIT_CFG_TIME_RES_MS, NULL),
	/*
	 * Below "keys", a verdict needs five presses each within 50 ms of
	 * the last: machine speed (UKIP's defaults), never ordinary typing.
	 */
	[SETTING_INJECT_PRESSES] =
		INPUTAUDIT_SETTING_STRICT(inject_presses, 2, 64, 5, 64,
					  INPUTAUDIT_CFG_INJECT_PRESSES, NULL),
	[SETTING_INJECT_INTERVAL_MS] =
		INPUTAUDIT_SETTING_STRICT(inject_interval_ms, 1, 1000, 1, 50,
					  INPUTAUDIT_CFG_INJECT_INTERVAL_MS,
					  NULL),
};

/**
 * inputaudit_level_name() - the name of a capture level
 * @level: enum inputaudit_level
 *
 * Context: any.
 * Return: its name, or "?" for a value out of range.
 */
const char *inputaudit_level_name(unsigned int level)
{
	if (level >= ARRAY_SIZE(inputaudit_level_names))
		return "?";
	return inputaudit_level_names[level];
}

/* A value is alphanumeric with at most one trailing newline; copy it. */
static int inputaudit_copy_value(const char *buf, size_t count, char *tmp,
				 size_t size)
{
	size_t i;

	if (count && buf[count - 1] == '\n')
		count--;
	if (!count || count >= size)
		return -EINVAL;
	for (i = 0; i < count; i++)
		if (!isalnum(buf[i]))
			return -EINVAL;	/* whitespace, signs, junk, NULs */
	memcpy(tmp, buf, count);
	tmp[count] = '\0';
	return 0;
}

/**
 * inputaudit_parse_uint() - parse a decimal number written to sysfs
 * @buf: what was written
 * @count: its length, embedded NULs included
 * @min: smallest value accepted
 * @max: largest value accepted
 * @val: the value, set only on success
 *
 * One trailing newline is allowed; anything else that is not the number
 * (whitespace, signs, junk, embedded NULs) makes the value invalid.
 *
 * Context: any.
 * Return: 0, -EINVAL for a malformed value or -ERANGE out of range.
 */
int inputaudit_parse_uint(const char *buf, size_t count, unsigned int min,
			  unsigned int max, unsigned int *val)
{
	unsigned int v;
	char tmp[16];
	int ret;

	ret = inputaudit_copy_value(buf, count, tmp, sizeof(tmp));
	if (ret)
		return ret;
	ret = kstrtouint(tmp, 10, &v);
	if (ret)
		return ret == -ERANGE ? -ERANGE : -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*val = v;
	return 0;
}

/* Parses a value written to a setting: a level name or a number. */
static int inputaudit_parse(const struct inputaudit_setting *s,
			    const char *buf, size_t count, unsigned int *val)
{
	char tmp[16];
	int ret;

	if (!s->names)
		return inputaudit_parse_uint(buf, count, s->min, s->max, val);

	ret = inputaudit_copy_value(buf, count, tmp, sizeof(tmp));
	if (ret)
		return ret;
	ret = match_string(s->names, s->max + 1, tmp);
	if (ret < 0)
		return -EINVAL;
	*val = ret;
	return 0;
}

static void inputaudit_log_change(const struct inputaudit_setting *s,
				  unsigned int old_val, unsigned int new_val)
{
	uid_t uid = from_kuid_munged(&init_user_ns, current_uid());

	if (s->names)
		pr_info("%s changed from %s to %s by uid %u\n",
			s->mattr.attr.name, s->names[old_val],
			s->names[new_val], uid);
	else
		pr_info("%s changed from %u to %u by uid %u\n",
			s->mattr.attr.name, old_val, new_val, uid);
}

/* Called with inputaudit_settings_lock held. */
static void inputaudit_set(const struct inputaudit_setting *s,
			   unsigned int val)
{
	unsigned int old_val = *s->value;

	WRITE_ONCE(*s->value, val);
	if (s->changed)
		s->changed();
	inputaudit_emit_config(s->item, 0, old_val, val);
	inputaudit_log_change(s, old_val, val);
}

/*
 * Every setting within the limits below "keys", each change recorded.
 * Called with inputaudit_settings_lock held.
 */
static void inputaudit_set_strict(void)
{
	const struct inputaudit_setting *s;

	for (s = inputaudit_settings; s < inputaudit_settings + SETTING_COUNT;
	     s++) {
		if (s->strict_min && *s->value < s->strict_min)
			inputaudit_set(s, s->strict_min);
		else if (s->strict_max && *s->value > s->strict_max)
			inputaudit_set(s, s->strict_max);
	}
}

/* Context: @iad's dev->event_lock held, IRQs off. */
static void inputaudit_level_stop(struct inputaudit_dev *iad)
{
	if (READ_ONCE(inputaudit_level) == INPUTAUDIT_LEVEL_OFF)
		inputaudit_capture_stop(iad);
}

/*
 * A new level, ordered with the records around it (see the top of the
 * file).  Called with inputaudit_settings_lock held.
 */
static void inputaudit_set_level(const struct inputaudit_setting *s,
				 unsigned int val)
{
	unsigned int old_val = inputaudit_level;

	if (val > old_val) {
		inputaudit_emit_config(s->item, 0, old_val, val);
		WRITE_ONCE(inputaudit_level, val);
	} else {
		if (val < INPUTAUDIT_LEVEL_KEYS)
			inputaudit_set_strict();
		WRITE_ONCE(inputaudit_level, val);
		synchronize_rcu();	/* no event path at the old level */
		inputaudit_devices_walk(inputaudit_level_stop);
		inputaudit_emit_config(s->item, 0, old_val, val);
	}
	inputaudit_log_change(s, old_val, val);
	/* Leaving or entering "off": open or close the handles. */
	if (old_val == INPUTAUDIT_LEVEL_OFF || val == INPUTAUDIT_LEVEL_OFF)
		inputaudit_sync_all(old_val == INPUTAUDIT_LEVEL_OFF);
}

static ssize_t
inputaudit_setting_show(INPUTAUDIT_MATTR_CONST struct module_attribute *mattr,
			struct module_kobject *mk, char *buf)
{
	struct inputaudit_setting *s =
		container_of(mattr, struct inputaudit_setting, mattr);
	unsigned int val = READ_ONCE(*s->value);

	if (s->names)
		return sysfs_emit(buf, "%s\n", inputaudit_level_name(val));
	return sysfs_emit(buf, "%u\n", val);
}

/**
 * inputaudit_settings_write_begin() - take the settings lock for a write
 *
 * Every runtime change, global or per device, goes through here so that
 * the lock setting freezes all of them.
 *
 * Context: process context; takes inputaudit_settings_lock, which
 * inputaudit_settings_write_end() releases.
 * Return: 0, or -EPERM when the configuration is locked or the module is
 * going away (the lock is then not held).
 */
int inputaudit_settings_write_begin(void)
{
	mutex_lock(&inputaudit_settings_lock);
	if (inputaudit_live && !READ_ONCE(inputaudit_lock))
		return 0;
	mutex_unlock(&inputaudit_settings_lock);
	return -EPERM;
}

/**
 * inputaudit_settings_write_end() - release the settings lock
 *
 * Context: process context, after inputaudit_settings_write_begin()
 * returned 0.
 */
void inputaudit_settings_write_end(void)
{
	mutex_unlock(&inputaudit_settings_lock);
}

/* The range a write must be in now.  inputaudit_settings_lock held. */
static void inputaudit_range(const struct inputaudit_setting *s,
			     unsigned int *min, unsigned int *max)
{
	bool strict = inputaudit_level < INPUTAUDIT_LEVEL_KEYS;

	*min = strict && s->strict_min ? s->strict_min : s->min;
	*max = strict && s->strict_max ? s->strict_max : s->max;
}

static ssize_t inputaudit_store(struct inputaudit_setting *s,
				const char *buf, size_t count, bool is_level)
{
	unsigned int val, min, max;
	int ret;

	if (!s->item)
		return -EPERM;	/* fixed at load time */
	ret = inputaudit_settings_write_begin();
	if (ret)
		return ret;	/* locked: whatever was written */
	ret = inputaudit_parse(s, buf, count, &val);
	inputaudit_range(s, &min, &max);
	if (!ret && !is_level && (val < min || val > max))
		ret = -ERANGE;	/* beyond the privacy floor of the level */
	if (!ret && is_level && val > inputaudit_max_level)
		ret = -EPERM;
	if (!ret && val != *s->value) {
		if (is_level)
			inputaudit_set_level(s, val);
		else
			inputaudit_set(s, val);
	}
	inputaudit_settings_write_end();
	return ret ?: count;
}

static ssize_t
inputaudit_setting_store(INPUTAUDIT_MATTR_CONST struct module_attribute *mattr,
			 struct module_kobject *mk,
			 const char *buf, size_t count)
{
	return inputaudit_store(container_of(mattr, struct inputaudit_setting,
					     mattr), buf, count, false);
}

static ssize_t
inputaudit_level_store(INPUTAUDIT_MATTR_CONST struct module_attribute *mattr,
		       struct module_kobject *mk,
		       const char *buf, size_t count)
{
	return inputaudit_store(container_of(mattr, struct inputaudit_setting,
					     mattr), buf, count, true);
}

/*
 * Load-time values (insmod inputaudit.ko level=events): the same
 * validation, through module parameters without files of their own.
 */
static int inputaudit_param_set(const char *val, const struct kernel_param *kp)
{
	struct inputaudit_setting *s = &inputaudit_settings[(long)kp->arg];
	unsigned int v;
	int ret;

	ret = inputaudit_parse(s, val, strlen(val), &v);
	if (ret)
		return ret;
	*s->value = v;
	return 0;
}

static const struct kernel_param_ops inputaudit_param_ops = {
	.set = inputaudit_param_set,
};

module_param_cb(level, &inputaudit_param_ops, (void *)SETTING_LEVEL, 0);
MODULE_PARM_DESC(level, "capture level: off, activity (default), events, keys");
module_param_cb(max_level, &inputaudit_param_ops, (void *)SETTING_MAX_LEVEL, 0);
MODULE_PARM_DESC(max_level, "highest level root may set, fixed at load (default events)");
module_param_cb(lock, &inputaudit_param_ops, (void *)SETTING_LOCK, 0);
MODULE_PARM_DESC(lock, "1 freezes every setting until unload (default 0)");
module_param_cb(window_ms, &inputaudit_param_ops, (void *)SETTING_WINDOW_MS, 0);
MODULE_PARM_DESC(window_ms, "activity summary window, 1000-3600000 ms, from 100 at level keys (default 10000)");
module_param_cb(dev_rate, &inputaudit_param_ops, (void *)SETTING_DEV_RATE, 0);
MODULE_PARM_DESC(dev_rate, "frames per second per device before suppression (default 1000)");
module_param_cb(dev_burst, &inputaudit_param_ops, (void *)SETTING_DEV_BURST, 0);
MODULE_PARM_DESC(dev_burst, "burst of frames per device (default 2000)");
module_param_cb(global_rate, &inputaudit_param_ops, (void *)SETTING_GLOBAL_RATE, 0);
MODULE_PARM_DESC(global_rate, "frames per second over all devices (default 10000)");
module_param_cb(global_burst, &inputaudit_param_ops, (void *)SETTING_GLOBAL_BURST, 0);
MODULE_PARM_DESC(global_burst, "burst of frames over all devices (default 20000)");
module_param_cb(heartbeat_ms, &inputaudit_param_ops, (void *)SETTING_HEARTBEAT_MS, 0);
MODULE_PARM_DESC(heartbeat_ms, "heartbeat interval, 1000-3600000 ms (default 10000)");
module_param_cb(time_res_ms, &inputaudit_param_ops, (void *)SETTING_TIME_RES_MS, 0);
MODULE_PARM_DESC(time_res_ms, "resolution of every timestamp that leaves the kernel, 10-60000 ms, from 1 at level keys (default 10)");
module_param_cb(inject_presses, &inputaudit_param_ops, (void *)SETTING_INJECT_PRESSES, 0);
MODULE_PARM_DESC(inject_presses, "key presses in a burst for an injection verdict, 5-64, from 2 at level keys (default 5)");
module_param_cb(inject_interval_ms, &inputaudit_param_ops, (void *)SETTING_INJECT_INTERVAL_MS, 0);
MODULE_PARM_DESC(inject_interval_ms, "largest interval within such a burst, 1-50 ms, up to 1000 at level keys (default 50)");

static struct attribute *inputaudit_setting_attrs[SETTING_COUNT + 1];

static const struct attribute_group inputaudit_settings_group = {
	.name = "parameters",
	.attrs = inputaudit_setting_attrs,
};

/**
 * inputaudit_settings_init() - check load-time values, create the files
 *
 * Context: process context (module init).
 * Return: 0 or a negative errno.
 */
int inputaudit_settings_init(void)
{
	int i, ret;

	const struct inputaudit_setting *s;
	unsigned int min, max;

	if (inputaudit_level > inputaudit_max_level) {
		pr_err("level %s is above max_level %s\n",
		       inputaudit_level_name(inputaudit_level),
		       inputaudit_level_name(inputaudit_max_level));
		return -EPERM;
	}
	for (i = 0; i < SETTING_COUNT; i++) {
		s = &inputaudit_settings[i];
		inputaudit_range(s, &min, &max);
		if (*s->value < min || *s->value > max) {
			pr_err("%s=%u is outside %u-%u, the limits at level %s\n",
			       s->mattr.attr.name, *s->value, min, max,
			       inputaudit_level_name(inputaudit_level));
			return -EINVAL;
		}
		inputaudit_setting_attrs[i] = &inputaudit_settings[i].mattr.attr;
	}
	inputaudit_ratelimit_update(0);

	ret = sysfs_create_group(&THIS_MODULE->mkobj.kobj,
				 &inputaudit_settings_group);
	if (ret)
		return ret;
	if (inputaudit_max_level >= INPUTAUDIT_LEVEL_KEYS)
		pr_warn("loaded with max_level=keys: key codes may be captured\n");
	return 0;
}

/**
 * inputaudit_settings_set_live() - let writes take effect, or stop them
 * @live: true at the end of init, false at the start of exit
 *
 * Context: process context (module init and exit).
 */
void inputaudit_settings_set_live(bool live)
{
	mutex_lock(&inputaudit_settings_lock);
	inputaudit_live = live;
	mutex_unlock(&inputaudit_settings_lock);
}

/**
 * inputaudit_settings_exit() - remove the files
 *
 * Context: process context (module exit).
 */
void inputaudit_settings_exit(void)
{
	sysfs_remove_group(&THIS_MODULE->mkobj.kobj,
			   &inputaudit_settings_group);
}
