// SPDX-License-Identifier: GPL-2.0-only
/*
 * inputaudit: module parameters, under /sys/module/inputaudit/parameters/.
 *
 * Anyone may read them (transparency: users can see what is captured);
 * only root may write them.  A write of anything invalid fails with an
 * error and changes nothing.  Every accepted change after load is a
 * config record and a kernel log line naming the writer.
 *
 * The set callbacks run with kernel_param_lock(THIS_MODULE) held, which
 * serializes them with each other and with module exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <linux/uidgid.h>

#include "internal.h"

#define INPUTAUDIT_WINDOW_MS_MIN	100
#define INPUTAUDIT_WINDOW_MS_MAX	3600000

int inputaudit_level = INPUTAUDIT_LEVEL_ACTIVITY;
unsigned int inputaudit_window_ms = 10000;

/*
 * False until module init has finished and again from the start of exit:
 * writes given on the insmod command line only set the value.  Under
 * kernel_param_lock(THIS_MODULE).
 */
static bool inputaudit_live;

static const char * const inputaudit_level_names[] = {
	[INPUTAUDIT_LEVEL_OFF] = "off",
	[INPUTAUDIT_LEVEL_ACTIVITY] = "activity",
	[INPUTAUDIT_LEVEL_EVENTS] = "events",
	[INPUTAUDIT_LEVEL_KEYS] = "keys",
};

/* The highest level this build can be set to; "keys" is not built yet. */
#define INPUTAUDIT_LEVEL_MAX	INPUTAUDIT_LEVEL_EVENTS

/**
 * inputaudit_level_name() - the name of a capture level
 * @level: enum inputaudit_level
 *
 * Context: any.
 * Return: its name, or "?" for a value out of range.
 */
const char *inputaudit_level_name(int level)
{
	if (level < 0 || level >= ARRAY_SIZE(inputaudit_level_names))
		return "?";
	return inputaudit_level_names[level];
}

static void inputaudit_log_change(const char *name, const char *old_val,
				  const char *new_val)
{
	pr_info("%s changed from %s to %s by uid %u\n", name, old_val, new_val,
		from_kuid_munged(&init_user_ns, current_uid()));
}

static int inputaudit_level_set(const char *val, const struct kernel_param *kp)
{
	int old_level = inputaudit_level;
	int level;

	level = sysfs_match_string(inputaudit_level_names, val);
	if (level < 0)
		return -EINVAL;
	if (level > INPUTAUDIT_LEVEL_MAX)
		return -EPERM;

	WRITE_ONCE(inputaudit_level, level);
	if (inputaudit_live && level != old_level) {
		inputaudit_emit_config(INPUTAUDIT_CFG_LEVEL, old_level, level);
		inputaudit_log_change("level", inputaudit_level_name(old_level),
				      inputaudit_level_name(level));
	}
	return 0;
}

static int inputaudit_level_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  inputaudit_level_name(READ_ONCE(inputaudit_level)));
}

static const struct kernel_param_ops inputaudit_level_ops = {
	.set = inputaudit_level_set,
	.get = inputaudit_level_get,
};

module_param_cb(level, &inputaudit_level_ops, NULL, 0644);
MODULE_PARM_DESC(level,
		 "capture level: off, activity (default) or events");

static int inputaudit_window_set(const char *val,
				 const struct kernel_param *kp)
{
	unsigned int old_ms = inputaudit_window_ms;
	char old_str[12], new_str[12];
	unsigned int ms;
	int error;

	error = kstrtouint(val, 10, &ms);
	if (error)
		return error;
	if (ms < INPUTAUDIT_WINDOW_MS_MIN || ms > INPUTAUDIT_WINDOW_MS_MAX)
		return -ERANGE;

	WRITE_ONCE(inputaudit_window_ms, ms);
	if (inputaudit_live && ms != old_ms) {
		inputaudit_window_reschedule();
		inputaudit_emit_config(INPUTAUDIT_CFG_WINDOW_MS, old_ms, ms);
		snprintf(old_str, sizeof(old_str), "%u", old_ms);
		snprintf(new_str, sizeof(new_str), "%u", ms);
		inputaudit_log_change("window_ms", old_str, new_str);
	}
	return 0;
}

static const struct kernel_param_ops inputaudit_window_ops = {
	.set = inputaudit_window_set,
	.get = param_get_uint,
};

module_param_cb(window_ms, &inputaudit_window_ops, &inputaudit_window_ms,
		0644);
MODULE_PARM_DESC(window_ms,
		 "activity summary window in milliseconds (100-3600000, default 10000)");

/**
 * inputaudit_params_set_live() - let parameter writes take effect
 * @live: true after init, false at the start of exit
 *
 * Context: process context (module init and exit).
 */
void inputaudit_params_set_live(bool live)
{
	kernel_param_lock(THIS_MODULE);
	inputaudit_live = live;
	kernel_param_unlock(THIS_MODULE);
}
