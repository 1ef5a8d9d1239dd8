/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * `inputauditctl status`: the module's settings and counters from sysfs,
 * its devices, and the daemon's status file (status.h), as an aligned
 * table or as one JSON object.
 */
#ifndef INPUTAUDITD_CTL_STATUS_H
#define INPUTAUDITD_CTL_STATUS_H

#include <stdbool.h>
#include <stdio.h>

#define CTL_EXIT_OK		0
#define CTL_EXIT_FAIL		1	/* verify: tampered or truncated */
#define CTL_EXIT_USAGE		2	/* usage or I/O error */
#define CTL_EXIT_NO_MODULE	3	/* status: module not loaded */

/**
 * ctl_status() - print the status
 * @sysfs_root: "/sys" or a fake tree with module/inputaudit/parameters/
 *              and kernel/inputaudit/
 * @state_dir: the daemon's state directory (status.json)
 * @json: one JSON object instead of the table
 * @out: where to
 *
 * Files that cannot be read (not root) show as "-" (null in JSON).
 *
 * Return: CTL_EXIT_OK, or CTL_EXIT_NO_MODULE when the module is not loaded
 * (the daemon's part is still printed).
 */
int ctl_status(const char *sysfs_root, const char *state_dir, bool json,
	       FILE *out);

#endif /* INPUTAUDITD_CTL_STATUS_H */
