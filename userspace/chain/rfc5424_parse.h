/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What a collector stored: one RFC 5424 message a line, as rsyslog writes
 * it with RSYSLOG_SyslogProtocol23Format (or any template that puts the
 * message from its "<PRI>1 " on, e.g. "%rawmsg%"): <PRI>1 TIMESTAMP
 * HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG.  The syslog sink
 * (sink_syslog.c) sends each chained JSON line, byte for byte, as MSG; its
 * structured data holds copies of some fields, which verify ignores.
 */
#ifndef INPUTAUDIT_RFC5424_PARSE_H
#define INPUTAUDIT_RFC5424_PARSE_H

#include <stdbool.h>
#include <stddef.h>

struct rfc5424_msg {
	const char *host;	/* HOSTNAME, not NUL terminated */
	size_t host_len;
	const char *app;	/* APP-NAME */
	size_t app_len;
	const char *msg;	/* MSG: the JSON line, without '\n' */
	size_t msg_len;
};

/**
 * rfc5424_parse() - find the header fields and the message of a stored line
 * @line: the line, without its '\n'
 * @len: its length
 * @m: the fields (pointers into @line)
 *
 * Anything before the first "<PRI>1 " is skipped (a prefix of the
 * collector's template).
 *
 * Return: true if the line is an RFC 5424 message.
 */
bool rfc5424_parse(const char *line, size_t len, struct rfc5424_msg *m);

#endif /* INPUTAUDIT_RFC5424_PARSE_H */
