/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Diagnostics on stderr, in the style of OpenBSD's log.c: lowercase
 * messages prefixed with the program name; the *c/plain variants append
 * strerror() of an error code or of errno, the *x variants append nothing.
 */
#ifndef INPUTAUDITD_LOG_H
#define INPUTAUDITD_LOG_H

#include <stdbool.h>

#define __printf(a, b)	__attribute__((format(printf, a, b)))

void log_init(const char *progname, bool verbose);
bool log_verbose(void);

void log_warn(const char *fmt, ...) __printf(1, 2);
void log_warnx(const char *fmt, ...) __printf(1, 2);
/* err is a positive or negative errno value. */
void log_warnc(int err, const char *fmt, ...) __printf(2, 3);
void log_info(const char *fmt, ...) __printf(1, 2);
void log_debug(const char *fmt, ...) __printf(1, 2);

void fatal(const char *fmt, ...) __printf(1, 2) __attribute__((noreturn));
void fatalx(const char *fmt, ...) __printf(1, 2) __attribute__((noreturn));
void fatalc(int err, const char *fmt, ...) __printf(2, 3) __attribute__((noreturn));

#endif /* INPUTAUDITD_LOG_H */
