/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Apply the [kernel] settings of the configuration to the module, through
 * its parameter files (<root>/<name>, root normally INPUTAUDIT_PARAM_DIR).
 *
 * ksettings_open() opens every setting file O_RDWR, and max_level O_RDONLY,
 * while the daemon is still root; the fds are kept, so that a SIGHUP reload
 * after the privilege drop can still write them (sysfs checks permissions
 * at open only).  ksettings_apply() then, for each setting in the config:
 * reads the current value and leaves it alone when it already matches (no
 * config record, no EPERM from a locked module for a no-op), else writes
 * it and reads it back to verify.  A level above max_level is refused
 * before anything is written.  The level goes first (the module's limits
 * for the numbers depend on it), then the numbers, then lock (which
 * freezes everything).
 *
 * Values are written as "VALUE\n" and read up to the first newline, as the
 * module prints and accepts them.
 */
#ifndef INPUTAUDITD_KSETTINGS_H
#define INPUTAUDITD_KSETTINGS_H

#include <stddef.h>

#include "config.h"

struct ksettings {
	int fd[IA_KSET_COUNT];	/* -1: the file is absent */
	int max_level_fd;	/* -1: absent */
	char root[256];
};

/*
 * Open the files under root (NULL: INPUTAUDIT_PARAM_DIR).  A missing file
 * is tolerated (fd -1) unless kc requests that setting; kc may be NULL.
 * Return: 0, or a negative errno with err = "ROOT/NAME: reason".
 */
int ksettings_open(struct ksettings *ks, const char *root,
		   const struct ia_kernel_conf *kc, char *err, size_t errlen);

/*
 * Apply kc.  Return: the number of settings changed (0: all matched), or a
 * negative errno with err explaining: -EPERM for a level above max_level
 * or a change refused by a locked module, -ENOENT for a setting whose file
 * is absent, -EIO when the value read back is not the one written, or the
 * error of the read or write.  Settings before the failing one stay applied.
 */
int ksettings_apply(struct ksettings *ks, const struct ia_kernel_conf *kc,
		    char *err, size_t errlen);

/* Close the fds. */
void ksettings_close(struct ksettings *ks);

#endif /* INPUTAUDITD_KSETTINGS_H */
