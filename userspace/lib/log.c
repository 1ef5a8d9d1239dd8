// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Diagnostics on stderr; see log.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static const char *log_progname = "inputauditd";
static bool log_verbose_flag;

void log_init(const char *progname, bool verbose)
{
	if (progname)
		log_progname = progname;
	log_verbose_flag = verbose;
}

bool log_verbose(void)
{
	return log_verbose_flag;
}

/* err == 0: no error text.  One fprintf per line keeps lines whole. */
static void vlog(int err, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (err)
		fprintf(stderr, "%s: %s: %s\n", log_progname, msg,
			strerror(err < 0 ? -err : err));
	else
		fprintf(stderr, "%s: %s\n", log_progname, msg);
}

#define LOG_WITH(err, fmt)			\
	do {					\
		va_list ap;			\
		va_start(ap, fmt);		\
		vlog(err, fmt, ap);		\
		va_end(ap);			\
	} while (0)

void log_warn(const char *fmt, ...)
{
	int err = errno;

	LOG_WITH(err, fmt);
}

void log_warnx(const char *fmt, ...)
{
	LOG_WITH(0, fmt);
}

void log_warnc(int err, const char *fmt, ...)
{
	LOG_WITH(err, fmt);
}

void log_info(const char *fmt, ...)
{
	LOG_WITH(0, fmt);
}

void log_debug(const char *fmt, ...)
{
	if (log_verbose_flag)
		LOG_WITH(0, fmt);
}

void fatal(const char *fmt, ...)
{
	int err = errno;

	LOG_WITH(err, fmt);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	LOG_WITH(0, fmt);
	exit(1);
}

void fatalc(int err, const char *fmt, ...)
{
	LOG_WITH(err, fmt);
	exit(1);
}
