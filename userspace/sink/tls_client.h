/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The TLS client of the syslog sink (RFC 5425 as updated by RFC 9662), on
 * OpenSSL: TLS 1.2 or 1.3 only; RFC 9662's mandatory cipher suites offered
 * (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 for 1.2, TLS_AES_128_GCM_SHA256
 * for 1.3) among other AEAD suites with forward secrecy; no session
 * tickets, no session resumption, hence no 0-RTT (early data is never
 * written either); no renegotiation, no compression.
 *
 * The collector is authenticated by its certificate chain to tls_ca and a
 * subjectAltName DNS name equal to tls_peer_name (X509_VERIFY_PARAM host
 * check; the subject's CN is never used), and/or by the SHA-256 digest of
 * its DER certificate (tls_peer_fingerprint).  Without tls_ca the
 * fingerprint alone authenticates (a self-signed collector certificate);
 * with both, both must hold.  No other trust store is used: the system's
 * CA directory is never consulted.
 *
 * Everything is read in tls_client_init(), before the privilege drop: the
 * CA file into the context's store, the certificate chain, and the private
 * key through secret_file_read() (root's, 0600/0400, like the chain key).
 * After the drop a connection needs only the socket, getrandom() and the
 * clock.
 *
 * The collector's acceptance of us: under TLS 1.2 the collector checks our
 * certificate before it sends its Finished, so a handshake that completes
 * means we were accepted.  Under TLS 1.3 the client's handshake completes
 * when it has sent its Finished, before the collector has looked at our
 * certificate; the collector's verdict arrives one round trip later: an
 * OpenSSL-based collector (rsyslog's ossl driver) sends its session tickets
 * right after it accepted our Finished, and a fatal alert ("certificate
 * required", "unknown ca", ...) when it refuses us.  So when a TLS 1.3
 * collector asked for a client certificate, tls_conn_confirm() waits for
 * the first record the collector sends after the handshake: a ticket (or
 * anything that is not an alert) confirms, an alert or an end refuses.
 * The tickets are only looked at (the message callback), never stored.
 *
 * A connection is nonblocking throughout: tls_conn_handshake() and
 * tls_conn_write() return "in progress" / "would block" where OpenSSL asks
 * for WANT_READ or WANT_WRITE; the caller polls and calls again.  Writes
 * use partial-write mode and accept a moved buffer: after a would-block the
 * caller offers the same bytes again (possibly from another address), as
 * OpenSSL requires.
 */
#ifndef INPUTAUDITD_TLS_CLIENT_H
#define INPUTAUDITD_TLS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/types.h>

#define TLS_FINGERPRINT_LEN	32	/* SHA-256 */
#define TLS_KEY_FILE_MAX	(64 * 1024)

struct tls_client_conf {
	const char *ca_file;		/* NULL: the fingerprint alone */
	const char *cert_file;		/* client certificate (chain), PEM; or NULL */
	const char *key_file;		/* its private key, PEM; with cert_file */
	const char *peer_name;		/* DNS name the collector must have, or NULL */
	const char *peer_fingerprint;	/* "sha256:HEX" (':' between bytes allowed), or NULL */
};

struct ssl_ctx_st;
struct ssl_st;

struct tls_client {
	struct ssl_ctx_st *ctx;
	char *peer_name;
	unsigned char fp[TLS_FINGERPRINT_LEN];
	bool have_fp;
	bool have_ca;
	bool have_cert;		/* a client certificate to show */
};

/* One connection's TLS state. */
struct tls_conn {
	struct ssl_st *ssl;
	const struct tls_client *client;
	bool handshake_done;
	bool cert_requested;	/* the collector sent a CertificateRequest */
	bool confirmed;		/* TLS 1.3: a record of the collector's after the handshake */
	int alert;		/* the last alert the collector sent (its description), or -1 */
	char why[200];		/* why the handshake failed; "" */
};

static inline int tls_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * tls_fingerprint_parse() - "sha256:" and 64 hex digits (pairs may be
 * separated by ':', as openssl x509 -fingerprint prints them); an inline
 * so the config parser needs no OpenSSL.
 * Return: true and @fp filled, or false.
 */
static inline bool tls_fingerprint_parse(const char *s,
					 unsigned char fp[TLS_FINGERPRINT_LEN])
{
	int i, hi, lo;

	if (strncmp(s, "sha256:", 7) && strncmp(s, "SHA256:", 7))
		return false;
	s += 7;
	for (i = 0; i < TLS_FINGERPRINT_LEN; i++) {
		if (i && *s == ':')
			s++;
		hi = tls_hexval(s[0]);
		lo = hi < 0 ? -1 : tls_hexval(s[1]);
		if (lo < 0)
			return false;
		fp[i] = (unsigned char)(hi << 4 | lo);
		s += 2;
	}
	return !*s;
}

/*
 * tls_client_init() - build the context; reads every file (see above)
 * Return: 0, or a negative errno with "reason" in @err.
 */
int tls_client_init(struct tls_client *t, const struct tls_client_conf *c,
		    char *err, size_t errlen);
void tls_client_free(struct tls_client *t);

/* Start a client connection on the connected socket @fd.  Return: 0 or -ENOMEM. */
int tls_conn_start(struct tls_conn *tc, const struct tls_client *t, int fd);

/*
 * Advance the handshake.  Return: 1 done (the peer verified), 0 in
 * progress (poll @fd for tls_conn_wants_write() ? POLLOUT : POLLIN), or
 * -EPROTO with the reason in tc->why (the collector failed verification,
 * or refused us, or broke the protocol), or -ECONNRESET (closed).
 */
int tls_conn_handshake(struct tls_conn *tc);
bool tls_conn_wants_write(const struct tls_conn *tc);

/*
 * After tls_conn_handshake() returned 1: whether the collector's acceptance
 * is still to come (TLS 1.3, and the collector asked for our certificate;
 * see above).  Then call tls_conn_confirm() until it is not 0.
 */
bool tls_conn_needs_confirm(const struct tls_conn *tc);

/*
 * Read what the collector sent after the handshake.  Return: 1 confirmed
 * (the collector sent a session ticket or other data after our Finished),
 * 0 nothing yet (poll @fd for POLLIN), or -EPROTO with the reason in
 * tc->why (a fatal alert: the collector refused our certificate, or it
 * closed the connection).
 */
int tls_conn_confirm(struct tls_conn *tc);

/*
 * Write up to @len bytes of application data.  Return: bytes taken (> 0),
 * 0 if it would block (offer the same bytes again), or a negative errno.
 */
ssize_t tls_conn_write(struct tls_conn *tc, const void *p, size_t len);

/*
 * The collector sends no application data: read what TLS sends (session
 * tickets, alerts, close_notify) and say whether the connection is over;
 * if it ended with an alert that refuses our certificate, tc->why says so
 * (else it is "").
 */
bool tls_conn_peer_gone(struct tls_conn *tc);

/* "TLSv1.3 TLS_AES_128_GCM_SHA256" of an established connection. */
void tls_conn_describe(const struct tls_conn *tc, char *buf, size_t len);

/* Free the connection; with @notify, try once to send close_notify first. */
void tls_conn_end(struct tls_conn *tc, bool notify);

#endif /* INPUTAUDITD_TLS_CLIENT_H */
