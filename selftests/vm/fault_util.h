/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel fault injection through /sys/kernel/debug/fail_function, for VM
 * tests of error paths.  Only the debug kernel has it (CONFIG_FAIL_FUNCTION,
 * scripts/debug-kernel.config); Debian's kernels do not, so a test skips
 * when fail_function_available() is false.  Any function marked with
 * ALLOW_ERROR_INJECTION() can be made to fail, syscalls included
 * (__x64_sys_NAME), and so can a module's own once it is loaded.
 */
#ifndef _FAULT_UTIL_H
#define _FAULT_UTIL_H

#include <stdbool.h>
#include <sys/types.h>

#define FAIL_FUNCTION_DIR	"/sys/kernel/debug/fail_function"

/* Whether fail_function is there (debugfs is mounted by scripts/vm-run.sh). */
bool fail_function_available(void);
/* Whether func is listed in fail_function/injectable. */
bool fail_function_injectable(const char *func);
/*
 * Makes func return err (a negative errno, or 0 for a NULL-type function)
 * on every call, at most times calls (-1: no limit), with probability 100
 * and no interval; with task_only, only in tasks whose make-it-fail is 1
 * (fail_make_it_fail()).  Replaces any earlier injection.  Returns 0 or
 * -errno (-EINVAL: func is not injectable).
 */
int fail_function_inject(const char *func, long err, int times, bool task_only);
/* Clears every injection and the task filter; returns 0 or -errno. */
int fail_function_clear(void);
/* Sets /proc/PID/make-it-fail (pid 0: the calling task); forked children inherit it. */
int fail_make_it_fail(pid_t pid, bool on);
/*
 * The same through a file kept open: fail_mark_open() returns an fd of
 * /proc/PID/make-it-fail (or -errno), fail_mark() sets it (0 or -errno).
 * For injections into allocations (should_failslab): opening and closing a
 * file allocates and frees (on the debug kernel, a free can allocate too),
 * and would use up the failure before the call under test.
 */
int fail_mark_open(pid_t pid);
int fail_mark(int fd, bool on);

#endif
