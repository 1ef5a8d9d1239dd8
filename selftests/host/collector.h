/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A real syslog collector for the host tests: rsyslogd (Debian package
 * rsyslog) with a private configuration, imtcp on 127.0.0.1 and a free
 * port, omfile writing "MSGID<TAB>STRUCTURED-DATA<TAB>MSG" of every message
 * it parsed to a file.  Everything lives in a directory of the caller's.
 */
#ifndef _COLLECTOR_H
#define _COLLECTOR_H

#include <stdbool.h>
#include <sys/types.h>

#define COLLECTOR_RSYSLOGD	"/usr/sbin/rsyslogd"

/*
 * TLS mode (RFC 5425): imtcp with a netstream driver of Debian's
 * rsyslog-openssl ("ossl") or rsyslog-gnutls ("gtls"), StreamDriver.Mode 1,
 * the given AuthMode ("x509/certvalid": a client certificate from ca is
 * required; "x509/name": and its name in permitted_peer; "anon": none).
 */
struct collector_tls {
	const char *driver;		/* "ossl" or "gtls" */
	const char *ca, *cert, *key;	/* PEM files */
	const char *authmode;
	const char *permitted_peer;	/* x509/name: the client's name, or NULL */
	const char *priority;		/* gnutlsPriorityString (ossl: SSL_CONF commands), or NULL */
};

#define COLLECTOR_MODDIR	"/usr/lib/x86_64-linux-gnu/rsyslog"

struct collector {
	char dir[96];		/* the caller's directory: config, work dir, logs */
	char out[160];		/* what the collector wrote, one line per message */
	unsigned int port;	/* on 127.0.0.1 */
	pid_t pid;		/* 0 when not running */
};

/* A TCP port on 127.0.0.1 that was free a moment ago, or 0. */
unsigned int collector_free_port(void);
/* Whether something accepts connections on 127.0.0.1:port. */
bool collector_port_open(unsigned int port);
/*
 * Picks a port and writes the configuration into dir (which must exist).
 * Returns 0 or -errno.
 */
int collector_init(struct collector *c, const char *dir);
/* The same, listening with TLS (@t's strings are written into the config now). */
int collector_init_tls(struct collector *c, const char *dir, const struct collector_tls *t);
/* Whether rsyslog's netstream driver @driver ("ossl", "gtls") is installed. */
bool collector_tls_available(const char *driver);
/* The same as collector_init(); rfc5424: it stores each message whole, as RFC 5424 (<PRI>1 ... MSG). */
int collector_init_format(struct collector *c, const char *dir, bool rfc5424);
/* Starts rsyslogd and waits until it listens; 0, or -1 (not running then). */
int collector_start(struct collector *c, int timeout_ms);
/* SIGTERM, and waits for it; nothing if it is not running. */
void collector_stop(struct collector *c);
/* SIGKILL, and waits for it: a collector that crashed. */
void collector_kill(struct collector *c);

#endif
