/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The journal sink: each line becomes one systemd-journald entry, sent with
 * sd_journal_sendv() (libsystemd, native protocol over the datagram socket
 * /run/systemd/journal/socket).  Fields:
 *
 *   MESSAGE=<the line without its newline>   PRIORITY=<line severity>
 *   SYSLOG_IDENTIFIER=<identifier>           SYSLOG_FACILITY=4 (auth)
 *   INPUTAUDIT_TYPE=<type>                   INPUTAUDIT_N=<n>
 *   INPUTAUDIT_SEQ=<seq>  (kernel records only)
 *   INPUTAUDIT_DEV=<dev>  (lines with a top-level "dev")
 *   INPUTAUDIT_CHAIN=<chain hex>  (chained lines)
 *
 * Entries are sent at write(); nothing is buffered.  libsystemd drops an
 * entry and reports success while no journald socket exists, so the sink
 * checks that the socket is there: open() fails without it, and a line
 * written while it is away (journald stopped) is counted as dropped like
 * a failed send.  Either way the daemon and its other sinks go on; the
 * drops are in health() and, once the journal is back,
 * sink_journal_take_dropped() gives them to the daemon for a sink_loss
 * line.  What journald itself drops (its rate limits, a full disk) is
 * beyond the sink's sight: the unit turns its per-unit rate limit off
 * (LogRateLimitIntervalSec=0).  libsystemd opens its
 * socket on the first send and keeps it: after the privilege drop that needs
 * socket(AF_UNIX, SOCK_DGRAM), sendmsg() and, for entries too large for one
 * datagram, memfd_create()/ftruncate()/mmap()/fcntl() (seccomp allowlist).
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
 * Set up @s as a journal sink (nothing is opened).  The identifier is
 * copied.  s->name becomes c->name, else "journal:IDENTIFIER".
 * Return: 0 or -ENOMEM / -EINVAL (identifier empty or with a newline).
 */
int sink_journal_new(struct sink *s, const struct journal_sink_conf *c);

/* Lines dropped since the last call, once the journal takes lines again; else 0. */
uint64_t sink_journal_take_dropped(struct sink *s);

#endif /* INPUTAUDITD_SINK_JOURNAL_H */
