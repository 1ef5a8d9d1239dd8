/* SPDX-License-Identifier: GPL-2.0-only */
/* Loading the module and reading its sysfs files, for the VM tests. */
#ifndef _KMOD_UTIL_H
#define _KMOD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* finit_module() of $INPUTAUDIT_KO with params; returns 0 or -errno. */
int kmod_load(const char *params);
/* delete_module("inputaudit", flags); returns 0 or -errno. */
int kmod_unload(unsigned int flags);
/* Unloads, retrying while busy for up to timeout_ms; returns 0 or -errno. */
int kmod_unload_wait(int timeout_ms);
bool kmod_loaded(void);

/* Reads a whole small file into buf (NUL-terminated); returns length. */
ssize_t read_file(const char *path, char *buf, size_t size);
/* Writes a string to a file; returns 0 or -errno. */
int write_file(const char *path, const char *s);
/* Reads a decimal u64 from a file; returns 0 or -errno. */
int read_u64(const char *path, uint64_t *val);
/*
 * Waits until capture runs: a consumer is attached and want_open handles
 * are open ("open=" in the status line; want_open -1: every device's, or
 * none at level "off").  The module opens the handles in a worker,
 * milliseconds after the attach; a module whose status has no "open="
 * opened them before the attach returned.  True if it ran in time.
 */
bool wait_capture_open(int want_open, int timeout_ms);
/* A "key=N" field of the module's status line; false if it has none. */
bool module_status_field(const char *key, long *val);
/* A small file into buf, without its newline, or "(unreadable)"; returns buf. */
const char *read_value(const char *path, char *buf, size_t size);
/* One "name value" line of a counters file; UINT64_MAX if absent. */
uint64_t counter(const char *file, const char *name);
/* The kernel log holds needle. */
bool klog_contains(const char *needle);
/* Waits until the file contains needle; returns true if it did in time. */
bool wait_file_contains(const char *path, const char *needle, int timeout_ms);
void sleep_ms(int ms);
/* The id of the attached device called name (its sysfs "name"), or 0; 0 also
 * while the device's sysfs directory is still being filled. */
unsigned int kmod_dev_id(const char *name);
/* kmod_dev_id(), waiting up to timeout_ms for the device to attach. */
unsigned int kmod_wait_dev_id(const char *name, int timeout_ms);

#endif
