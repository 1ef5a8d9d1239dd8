// SPDX-License-Identifier: GPL-2.0-only
/*
 * Linux 6.14: module_attribute's show() and store() take a const struct
 * module_attribute pointer.
 */
#include <linux/module.h>

static ssize_t inputaudit_conftest_show(const struct module_attribute *mattr,
					struct module_kobject *mk, char *buf)
{
	return 0;
}

struct module_attribute inputaudit_conftest =
	__ATTR(conftest, 0444, inputaudit_conftest_show, NULL);
