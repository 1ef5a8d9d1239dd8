// SPDX-License-Identifier: GPL-2.0-only
/*
 * inputaudit: input-event auditing with minimization at the source.
 *
 * An input handler that turns input frames into minimal records and sends
 * them through one module tracepoint, for a BPF ring buffer and the
 * inputauditd daemon.  By default (level "activity") no key content, no
 * coordinates and no per-key timing leave the kernel.  See README.md.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "internal.h"

static int __init inputaudit_init(void)
{
	int error;

	error = inputaudit_settings_init();
	if (error)
		return error;

	error = inputaudit_sysfs_init();
	if (error)
		goto err_settings_exit;

	inputaudit_consumer_init();
	error = inputaudit_handler_register();
	if (error)
		goto err_sysfs_exit;

	inputaudit_window_start();
	inputaudit_monitor_start();
	inputaudit_settings_set_live(true);
	pr_info("loaded, level %s, max_level %s%s\n",
		inputaudit_level_name(inputaudit_level),
		inputaudit_level_name(inputaudit_max_level),
		inputaudit_lock ? ", locked" : "");
	return 0;

err_sysfs_exit:
	inputaudit_sysfs_exit();
err_settings_exit:
	inputaudit_settings_exit();
	return error;
}

static void __exit inputaudit_exit(void)
{
	inputaudit_settings_set_live(false);
	inputaudit_handler_unregister();
	/* The monitor queues open retries: it stops before the sync worker. */
	inputaudit_monitor_stop();
	inputaudit_window_stop();
	inputaudit_sync_stop();
	inputaudit_sysfs_exit();
	inputaudit_settings_exit();
	pr_info("unloaded\n");
}

module_init(inputaudit_init);
module_exit(inputaudit_exit);

MODULE_AUTHOR("inputaudit developers");
MODULE_DESCRIPTION("Input event auditing with minimization at the source");
MODULE_LICENSE("GPL");
MODULE_VERSION(INPUTAUDIT_VERSION);
