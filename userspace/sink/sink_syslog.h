/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The syslog sink: RFC 5424 messages over TCP with RFC 6587 octet-counting
 * framing ("LEN SP MSG"), for a collector such as rsyslog's imtcp.
 *
 *   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ID k="v" ...] JSON
 *
 * PRI = auth (4) * 8 + the line's severity; TIMESTAMP = the line's
 * realtime_ns, RFC 3339 UTC with microseconds; MSGID = the record type;
 * SD-ID = the configured one (default inputaudit@32473, 32473 being the
 * example enterprise number of RFC 5612: a fleet with a number of its own
 * sets NAME@ITS_NUMBER);
 * one SD-PARAM per scalar member of the JSON line in its order (members of
 * nested objects as "outer.inner"; arrays, nulls and names that are not
 * valid SD-NAMEs are left out), values with ", \ and ] escaped; MSG = the
 * line itself without its newline (no BOM).
 *
 * Connection: a nonblocking connect() to the address resolved at open
 * (names are resolved once, before the privilege drop); tick() completes
 * it, and after a failure or a lost connection retries after backoff_min_ms,
 * doubling up to backoff_max_ms (reset on a successful connect).
 *
 * Spool: while there is no connection, or the socket would block, or older
 * lines are still waiting, each framed message is appended to the on-disk
 * spool (spool.h) in spool_dir, up to spool_max bytes; beyond that lines are
 * dropped and counted.  Once connected, the spool is sent first, in order,
 * then live lines, so the collector receives lines in the order written.
 *
 * Delivery: a message is removed from the spool only after all of its bytes
 * were written to the socket.  A message that was partly written when the
 * connection broke is sent again, whole, as the first message of the next
 * connection: the framing on every connection stays intact, though the
 * collector may have kept the partial copy.  Before each send the socket is
 * checked for a peer that has closed (the collector never sends data), so a
 * stopped collector is noticed before lines are handed to a dead socket.
 * TCP has no application acknowledgement: a message that was fully written
 * to the socket but not yet stored by the collector when the collector died
 * is lost; plain syslog over TCP cannot tell.  A message is never sent
 * twice on purpose; a duplicate happens only (a) for the partly written
 * message above, and (b) after a daemon crash, which loses the spool's read
 * position (see spool.h).
 *
 * Loss reporting: dropped lines are reported in-band.  The daemon calls
 * sink_syslog_take_dropped() after tick()/flush(); once the sink is back
 * (connected, spool drained) it returns the number of lines dropped since
 * the last call, and the daemon then writes a chained
 *   {"type":"sink_loss","sink":"<s->name>","dropped":N,...}
 * line through its normal path (to every sink), so the collector sees the
 * gap explained right after the lines that did arrive.  At a stop with
 * the collector still away, the daemon writes what is pending
 * (sink_syslog_pending_dropped()) in a sink_loss line to the other sinks,
 * and close() keeps the count in the spool directory ("dropped"): the next
 * run's open() takes it back and reports it to the collector when it is
 * back.  No count is lost with the process.
 *
 * TLS: after the handshake of a TLS 1.3 connection the collector could
 * still refuse our certificate (tls_client.h); nothing is sent until it has
 * answered, or CONFIRM_TIMEOUT_MS passed without an answer (then the
 * connection is used, "not confirmed" in status, and a later refusal is a
 * broken connection with its n range reported, and a TLS failure).
 *
 * Health state: "ok" (connected, nothing waiting), "spooling" (lines wait
 * in the spool), "connecting" (no connection, nothing spooled).
 *
 * After the privilege drop this sink uses socket(), connect(), poll(),
 * getsockopt(), sendto()/write(), close(), and for the spool openat(),
 * pread(), writev(), ftruncate(), unlinkat(), fstat().
 */
#ifndef INPUTAUDITD_SINK_SYSLOG_H
#define INPUTAUDITD_SINK_SYSLOG_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sink.h"
#include "tls_client.h"

/* The default SD-ID: 32473 is the enterprise number RFC 5612 gives for documentation. */
#define SINK_SYSLOG_SD_ID	"inputaudit@32473"
#define SINK_SYSLOG_SD_ID_MAX	32	/* an SD-NAME: RFC 5424 section 6.3.2 */

/**
 * sink_syslog_sd_id_valid() - whether @id may be our SD-ID
 * @id: the SD-ID
 *
 * RFC 5424 section 6.3.2: an SD-ID is an SD-NAME, 1 to 32 printable
 * US-ASCII characters without '=', ' ', ']' or '"'.  Those without '@' are
 * reserved for IANA-registered ones (timeQuality, origin, meta), whose
 * parameters ours are not, so ours must be NAME@PEN: a NAME without '@'
 * and a private enterprise number of digits, dot-separated groups allowed
 * (section 7.2.2: 32473.1.2).  An inline so the config parser needs no
 * sink object.
 *
 * Return: true if valid.
 */
static inline bool sink_syslog_sd_id_valid(const char *id)
{
	const char *at = NULL, *p;
	bool digit = false;

	for (p = id; *p; p++) {
		if (*p <= ' ' || *p >= 127 || *p == '=' || *p == ']' || *p == '"')
			return false;
		if (*p == '@' && at)
			return false;
		if (*p == '@')
			at = p;
	}
	if (p - id > SINK_SYSLOG_SD_ID_MAX || !at || at == id)
		return false;
	/* PEN: 1*DIGIT *("." 1*DIGIT) */
	for (p = at + 1; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digit = true;
		else if (*p == '.' && digit)
			digit = false;
		else
			return false;
	}
	return digit;
}

enum syslog_transport {
	SYSLOG_TRANSPORT_TLS,	/* the default: RFC 5425, see tls_client.h */
	SYSLOG_TRANSPORT_TCP,	/* plain, only when asked for: a warning record at start */
};

struct syslog_sink_conf {
	const char *name;		/* s->name; NULL: "syslog:HOST:PORT" */
	const char *host;		/* address or name, resolved in open() */
	unsigned int port;
	const char *app_name;		/* NULL: "inputaudit" */
	const char *sd_id;		/* NULL: SINK_SYSLOG_SD_ID */
	const char *hostname;		/* NULL: gethostname() */
	const char *spool_dir;		/* NULL: no spool, lines are dropped while away */
	uint64_t spool_max;		/* bytes */
	unsigned int backoff_min_ms;	/* 0: 100 */
	unsigned int backoff_max_ms;	/* 0: 30000 */
	uid_t spool_uid;		/* owner for the spool directory; (uid_t)-1: keep */
	gid_t spool_gid;
	enum syslog_transport transport;	/* zero: TLS */
	struct tls_client_conf tls;	/* transport TLS: read in open() */
};

/*
 * Set up @s as a syslog sink; nothing is opened or resolved before
 * s->ops->open(s).  The strings are copied.  s->name becomes c->name, else
 * "syslog:HOST:PORT" (the sink_loss record's "sink").
 * Return: 0 or -ENOMEM / -EINVAL (no host, port out of range, an SD-ID
 * that sink_syslog_sd_id_valid() refuses).
 */
int sink_syslog_new(struct sink *s, const struct syslog_sink_conf *c);

/*
 * Lines dropped since the last call, if the sink is back (connected, spool
 * drained); else 0 (the count is kept for later).  See "Loss reporting".
 */
uint64_t sink_syslog_take_dropped(struct sink *s);

/* Lines dropped and not reported to the collector yet (kept). */
uint64_t sink_syslog_pending_dropped(struct sink *s);

/* The transport is plain TCP (the daemon writes a sink_insecure line at start). */
bool sink_syslog_insecure(struct sink *s);

/*
 * A TLS handshake failed (the collector failed verification, or refused
 * us) since the last call, at the start of a streak of failures: true with
 * the reason and the failures so far; once per streak (a handshake that
 * works ends it).
 */
bool sink_syslog_take_tls_failure(struct sink *s, char *why, size_t len,
				  uint64_t *failures);

/*
 * A connection broke (see "What a broken connection can lose") since the
 * last call: true with the n of the first and last line written to it
 * whole and how many (several connections: their hull and sum).
 */
bool sink_syslog_take_disconnect(struct sink *s, uint64_t *first_n, uint64_t *last_n,
				 uint64_t *lines);

#endif /* INPUTAUDITD_SINK_SYSLOG_H */
