/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The journal sink: each line becomes one systemd-journald entry, sent as
 * one datagram in journald's native protocol
 * (systemd.io/JOURNAL_NATIVE_PROTOCOL, a stable interface) to
 * /run/systemd/journal/socket.  Fields:
 *
 *   MESSAGE=<the line without its newline>   PRIORITY=<line severity>
 *   SYSLOG_IDENTIFIER=<identifier>           SYSLOG_FACILITY=4 (auth)
 *   INPUTAUDIT_TYPE=<type>                   INPUTAUDIT_N=<n>
 *   INPUTAUDIT_SEQ=<seq>  (kernel records only)
 *   INPUTAUDIT_DEV=<dev>  (lines with a top-level "dev")
 *   INPUTAUDIT_CHAIN=<chain hex>  (chained lines)
 *
 * Entries are sent at write(); nothing is buffered.  Every line is either
 * handed to journald's socket or counted as dropped: the sink's own socket
 * is connected to journald's at open() (which fails while there is none),
 * so a send to it fails (ECONNREFUSED) once that socket is closed, as when
 * journald stops or restarts with a new socket; the sink then connects to
 * whatever is at the path now and sends again, and a line it cannot send
 * (no socket there: ENOENT; nobody listening: ECONNREFUSED; any other
 * error) is counted as dropped.  That costs one sendmsg() per line and no
 * look at the path.  (libsystemd's sd_journal_sendv(), used before, sends
 * to the path and reports success when nothing is there, so the sink had
 * to stat() the path before every line.)  The daemon and its other sinks
 * go on; the drops are in health() and, once a line goes through again,
 * sink_journal_take_dropped() gives them to the daemon for a sink_loss
 * line.  What journald itself drops (its rate limits, a full disk) is
 * beyond the sink's sight: the unit turns its per-unit rate limit off
 * (LogRateLimitIntervalSec=0).  An entry holds one line, a few KiB at
 * most, far below what one datagram takes (the socket's send buffer is
 * raised as libsystemd raises its own); one that did not fit would be
 * counted as dropped (EMSGSIZE).
 * After the privilege drop the sink needs sendmsg() and connect() on its
 * socket, which open() made (seccomp allowlist).
 */
#ifndef INPUTAUDITD_SINK_JOURNAL_H
#define INPUTAUDITD_SINK_JOURNAL_H

#include <stdint.h>

#include "sink.h"

struct journal_sink_conf {
	const char *name;	/* s->name; NULL: "journal:IDENTIFIER" */
	const char *identifier;	/* SYSLOG_IDENTIFIER; NULL: "inputaudit" */
};

/*
 * Set up @s as a journal sink (nothing is opened: open() makes the socket).  The identifier is
 * copied.  s->name becomes c->name, else "journal:IDENTIFIER".
 * Return: 0 or -ENOMEM / -EINVAL (identifier empty or with a newline).
 */
int sink_journal_new(struct sink *s, const struct journal_sink_conf *c);

/* Lines dropped since the last call, once the journal takes lines again; else 0. */
uint64_t sink_journal_take_dropped(struct sink *s);

/*
 * At a stop: the lines dropped and not reported yet, whether journald is
 * back or not (then none); the daemon writes them in a sink_loss line
 * ("pending": true) to its other sinks and to the final stats.
 */
uint64_t sink_journal_pending_dropped(struct sink *s);

#endif /* INPUTAUDITD_SINK_JOURNAL_H */
