/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The RELP sink: the syslog sink's RFC 5424 messages (rfc5424.h), sent with
 * librelp to a collector such as rsyslog's imrelp, over TLS with mutual
 * authentication by default.  Every message is acknowledged by the
 * collector; delivery is at least once.
 *
 * Spool: every line is appended to the on-disk spool (spool.h) first and
 * stays there until the collector has acknowledged it; a collector crash,
 * a broken connection or a daemon restart sends the unacknowledged lines
 * again, in order (duplicates are recognizable by "n").  Past spool_max the
 * line is dropped, counted and reported in-band as the syslog sink does
 * (sink_relp_take_dropped(), sink_relp_pending_dropped(), the "dropped"
 * file in the spool directory across runs).
 *
 * Acknowledgements: librelp tells its caller nothing per message.  What
 * it guarantees is its window: relpCltSendSyslog() returns only once fewer
 * than WINDOW messages are unacknowledged, and a negative response ("500")
 * or a broken session makes the next call fail.  rsyslog answers the
 * commands of a session in order, so after the k-th successful send of a
 * session every message before k - WINDOW + 1 was acknowledged with "200":
 * those are removed from the spool.  When the sink has nothing more to
 * send, the last messages are confirmed by closing the session politely:
 * librelp sends "close" and waits for its response, which comes after
 * every earlier response; if no error was reported on the way (librelp's
 * error callbacks), they were all acknowledged.  Anything else leaves them
 * in the spool to be sent again.
 *
 * Thread: librelp's calls block (connect with its timeout, the TLS
 * handshake, waiting for the window to open, up to RELP_TIMEOUT_S on a
 * collector that stopped answering), so one sender thread per sink runs
 * librelp, fed from the spool; the daemon's thread only formats and
 * appends (sink_ops.write) and reads counters, under the sink's mutex.  The
 * thread is started at the first write (after the privilege drop: it
 * inherits the seccomp filter and the Landlock domain) and stopped in
 * close(), which gives it up to RELP_CLOSE_MS to send and confirm what is
 * left.
 *
 * TLS: tls_ca, tls_cert and tls_key are read in open() (before the
 * privilege drop; the key must be root's and 0600 or 0400, like the chain
 * key) into memfds, which librelp opens as /proc/self/fd/N at each connect
 * (Landlock leaves memfds alone: they are on the kernel's internal
 * mount).  The collector's certificate must chain to tls_ca and carry tls_peer_name (librelp's "name" auth
 * mode: subjectAltName DNS names, else the CN); without tls_peer_name the
 * host is the name.  A collector that fails is refused, counted
 * (tls_failures), retried with backoff and reported in-band at the start
 * of each streak of failures, as the syslog sink does
 * (sink_relp_take_tls_failure(): a sink_tls_failure line).
 *
 * Health state: "ok" (session up, nothing waiting), "spooling" (lines not
 * acknowledged yet), "connecting" (no session, nothing waiting).
 */
#ifndef INPUTAUDITD_SINK_RELP_H
#define INPUTAUDITD_SINK_RELP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sink.h"

#define RELP_WINDOW		128	/* messages unacknowledged at most */
#define RELP_TIMEOUT_S		5	/* librelp: a response, a connect */
#define RELP_IDLE_CONFIRM_MS	500	/* nothing to send this long: confirm by closing */
#define RELP_CLOSE_MS		3000	/* close(): time to send and confirm the rest */

struct relp_sink_conf {
	const char *name;		/* s->name; NULL: "relp:HOST:PORT" */
	const char *host;		/* address or name, resolved in open() */
	unsigned int port;
	bool tls;
	const char *tls_ca, *tls_cert, *tls_key;	/* paths; NULL: none */
	const char *tls_peer_name;	/* NULL: host */
	const char *app_name;		/* NULL: "inputaudit" */
	const char *sd_id;		/* NULL: SINK_SYSLOG_SD_ID */
	const char *hostname;		/* NULL: gethostname() */
	const char *spool_dir;		/* required */
	uint64_t spool_max;		/* bytes */
	unsigned int backoff_min_ms;	/* 0: 100 */
	unsigned int backoff_max_ms;	/* 0: 30000 */
	uid_t spool_uid;		/* owner for the spool directory; (uid_t)-1: keep */
	gid_t spool_gid;
};

/*
 * Set up @s as a RELP sink; nothing is opened before s->ops->open(s).
 * Return: 0 or -ENOMEM / -EINVAL (no host or spool_dir, bad port or SD-ID,
 * tls without tls_ca).
 */
int sink_relp_new(struct sink *s, const struct relp_sink_conf *c);

/* Dropped lines, as sink_syslog_take_dropped() / sink_syslog_pending_dropped(). */
uint64_t sink_relp_take_dropped(struct sink *s);
uint64_t sink_relp_pending_dropped(struct sink *s);

/*
 * A TLS session failed (the collector failed verification, or refused us)
 * since the last call, at the start of a streak of failures: true with the
 * reason (librelp's) and the failures so far; once per streak (a session
 * that works ends it).  As sink_syslog_take_tls_failure().
 */
bool sink_relp_take_tls_failure(struct sink *s, char *why, size_t len, uint64_t *failures);

#endif /* INPUTAUDITD_SINK_RELP_H */
