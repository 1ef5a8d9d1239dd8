/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * inputauditctl verify --collector: the chains in what a collector stored
 * (RFC 5424 messages, rfc5424.h), one chain per host (its HOSTNAME), each
 * with its runs; and --follow: the same on a growing file, continuously,
 * with an alert line for each problem as soon as the line that shows it
 * arrives (each host's chain verified as it grows, verify_stream_feed()),
 * and for a host whose checkpoints stop for longer than
 * max_missed heartbeats without a final checkpoint (a daemon stopped
 * uncleanly, a host cut off).
 *
 * Alert lines, on stdout, flushed:
 *   ALERT host=HOST kind=KIND at=FILE:LINE[-LAST] detail=TEXT
 *   ALERT host=HOST kind=silent at=FILE:LINE detail=no checkpoint for S s (...)
 */
#ifndef INPUTAUDITCTL_VERIFY_COLLECTOR_H
#define INPUTAUDITCTL_VERIFY_COLLECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chain.h"

struct collector_opts {
	const uint8_t *key;	/* one key for every host, or NULL: */
	size_t key_len;
	const char *key_dir;	/* HOST.hex (hex) or HOST.key (raw) per host */
	unsigned int flags;	/* VERIFY_* */
	bool json;
	/* --follow */
	unsigned int max_missed;	/* heartbeats without a checkpoint (default 3) */
	double heartbeat_s;	/* 0: learned from the checkpoints' arrival */
	unsigned int poll_ms;
	bool fail_on_alert;	/* exit 1 at the first alert */
};

/**
 * verify_collector() - verify every host's chain in collector files
 * @files: the files, oldest first
 * @nfiles: how many
 * @o: options
 *
 * Return: a CTL_EXIT_* status: 0 every host intact and ended cleanly (or
 * partial, with VERIFY_ALLOW_PARTIAL), 1 a problem, 2 an error.
 */
int verify_collector(const char *const *files, int nfiles,
		     const struct collector_opts *o);

/**
 * verify_follow() - follow a growing collector file until SIGINT/SIGTERM
 * @file: the file (reopened when rotated or truncated)
 * @o: options
 *
 * Return: 0 at a signal with no alert (or alerts without fail_on_alert),
 * 1 at the first alert with fail_on_alert, 2 on an error.
 */
int verify_follow(const char *file, const struct collector_opts *o);

#endif /* INPUTAUDITCTL_VERIFY_COLLECTOR_H */
