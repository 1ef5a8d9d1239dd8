/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A real RELP collector for the host tests: rsyslogd with imrelp (Debian
 * package rsyslog-relp) on 127.0.0.1 and a free port, over TLS (librelp's
 * OpenSSL backend) with the certificates relp_pki_make() wrote, its rule
 * set in Direct mode so that a message is in the output file before imrelp
 * acknowledges it.  omfile writes "MSGID<TAB>MSG" of every message.
 * A test PKI (two CAs, a collector, a client; made with the openssl
 * command) lives in the caller's directory, removed with it.
 */
#ifndef _RELP_COLLECTOR_H
#define _RELP_COLLECTOR_H

#include <stdbool.h>

#include "collector.h"

#define RELP_IMRELP	"/usr/lib/x86_64-linux-gnu/rsyslog/imrelp.so"
#define RELP_OPENSSL	"/usr/bin/openssl"

/* Paths of the test PKI in @dir (made by relp_pki_make()). */
struct relp_pki {
	char ca[160], ca_key[160];		/* the CA the daemon trusts */
	char other_ca[160], other_ca_key[160];	/* a CA nobody trusts */
	char srv[160], srv_key[160];		/* collector "collector.test", by ca */
	char srv_other[160], srv_other_key[160];	/* "collector.test", by other_ca */
	char srv_wrong[160], srv_wrong_key[160];	/* "wrong.test", by ca */
	char clt[160], clt_key[160];		/* client "client.test", by ca */
};

/* Make the PKI in @dir.  Return: 0, or -1 (the openssl command failed). */
int relp_pki_make(struct relp_pki *p, const char *dir);

struct relp_collector_conf {
	bool tls;
	const char *cert, *key;		/* the collector's (TLS) */
	const char *ca;			/* what it trusts for clients */
	bool require_client;		/* tls.authmode name, permitted peer client.test */
	unsigned int tcp_port;		/* also plain imtcp here (benchmarks); 0: none */
};

/*
 * Write the config for @cf into @dir (collector_init() does the paths), on
 * @port, or a free one if 0 (a restarted collector keeps its port).
 */
int relp_collector_init(struct collector *c, const char *dir,
			const struct relp_collector_conf *cf, unsigned int port);

#endif
