/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The daemon's Prometheus metrics, as a node exporter textfile (its
 * textfile collector reads every *.prom file of --collector.textfile.directory
 * at each scrape).  Text exposition format 0.0.4, no timestamps (the
 * collector refuses them):
 *
 *   # HELP inputaudit_records_received_total Kernel records received ...
 *   # TYPE inputaudit_records_received_total counter
 *   inputaudit_records_received_total 1234
 *   inputaudit_sink_lines_total{sink="audit"} 1240
 *
 * The text is made from the struct daemon_status that status.json is made
 * from (status.h), so the two never disagree.  A total the daemon does not
 * know yet (frames before the first heartbeat, time without a consumer
 * before a consumer record, the config's digest without a file) has its
 * HELP and TYPE lines and no sample: it is absent, not 0.  Label values
 * are escaped as the format wants ('\' '"' and newline) and kept valid
 * UTF-8 (anything else becomes U+FFFD): a sink named after an odd path
 * must not make node exporter drop the whole file.
 *
 * The file is replaced atomically (atomic_file.h), mode 0644 for node
 * exporter's user, through the directory opened before the privilege drop;
 * the temporary file ".NAME.tmp" does not end in .prom, so the collector
 * never reads it.
 */
#ifndef INPUTAUDITD_METRICS_H
#define INPUTAUDITD_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define METRICS_TEXT_MAX	32768	/* metrics_format() never needs more */

struct metrics_file {
	char *path;		/* NULL: no metrics */
	char *dir;		/* its directory, for messages */
	char *name;		/* its name in the directory */
	char *tmp;		/* ".NAME.tmp" */
	int dirfd;		/* -1: the directory could not be opened */
	uint64_t writes;	/* that worked */
	uint64_t failures;	/* that did not (status.json: metrics_failures) */
	int last_err;		/* the last failure's -errno, 0 if none */
	bool failing;		/* logged once per streak of failures */
};

/**
 * metrics_format() - the exposition text of @st
 * @st: the status (status.h)
 * @buf: the output, NUL terminated
 * @size: its size (METRICS_TEXT_MAX is enough)
 *
 * Return: the length without the NUL, or -ENOSPC.
 */
int metrics_format(const struct daemon_status *st, char *buf, size_t size);

/**
 * metrics_open() - before the privilege drop: open the file's directory
 * @m: the metrics file
 * @path: an absolute path; NULL or "": no metrics
 *
 * A directory that cannot be opened is logged once, with its path and the
 * error; every metrics_write() then counts a failure.  The daemon goes on
 * capturing either way.
 *
 * Return: 0, or -ENOMEM (or -EINVAL for a path without a file name).
 */
int metrics_open(struct metrics_file *m, const char *path);

/**
 * metrics_write() - replace the file with the metrics of @st
 * @m: the metrics file (nothing happens without one)
 * @st: the status
 *
 * The first failure of a streak is logged (path and error), each is
 * counted in @m; the first write that works again says so.
 *
 * Return: 0 or the failure's negative errno.
 */
int metrics_write(struct metrics_file *m, const struct daemon_status *st);

/* Close the directory and free @m's strings. */
void metrics_close(struct metrics_file *m);

#endif /* INPUTAUDITD_METRICS_H */
