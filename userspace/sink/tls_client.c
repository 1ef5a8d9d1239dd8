// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The syslog sink's TLS client; see tls_client.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "secret_file.h"
#include "tls_client.h"

/* TLS 1.2: ECDHE and AEAD only; the first is RFC 9662's mandatory suite. */
#define TLS12_CIPHERS \
	"ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:" \
	"ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384:" \
	"ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-CHACHA20-POLY1305"
/* TLS 1.3: the first is RFC 9662's (and RFC 8446's) mandatory suite. */
#define TLS13_SUITES \
	"TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"

static void ssl_err(char *err, size_t errlen, const char *what)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;

	snprintf(err, errlen, "%s: %s", what, r ? r : "unknown OpenSSL error");
	ERR_clear_error();
}

static int load_key(SSL_CTX *ctx, const char *path, char *err, size_t errlen)
{
	EVP_PKEY *key = NULL;
	size_t len;
	char *pem;
	BIO *bio;
	int ret;

	ret = secret_file_read(path, "TLS key", TLS_KEY_FILE_MAX, &pem, &len, err, errlen);
	if (ret)
		return ret;
	bio = BIO_new_mem_buf(pem, (int)len);
	if (bio)
		key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	secret_free(pem, len);
	if (!key) {
		ssl_err(err, errlen, path);
		return -EINVAL;
	}
	ret = SSL_CTX_use_PrivateKey(ctx, key) == 1 ? 0 : -EINVAL;
	EVP_PKEY_free(key);
	if (ret) {
		ssl_err(err, errlen, path);
		return ret;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		snprintf(err, errlen, "%s: does not match the certificate (tls_cert)", path);
		ERR_clear_error();
		return -EINVAL;
	}
	return 0;
}

/*
 * What the collector sends, as OpenSSL parses it: whether it asks for our
 * certificate, whether it sends anything after the handshake (TLS 1.3:
 * NewSessionTicket; its acceptance of us, see tls_client.h), its alerts.
 */
static void msg_cb(int write_p, int version, int content_type, const void *buf,
		   size_t len, SSL *ssl, void *arg)
{
	struct tls_conn *tc = arg;
	const unsigned char *p = buf;

	(void)version;
	(void)ssl;
	if (write_p || !len)
		return;
	if (content_type == SSL3_RT_ALERT && len >= 2)
		tc->alert = p[1];
	else if (content_type == SSL3_RT_HANDSHAKE && !tc->handshake_done)
		tc->cert_requested |= p[0] == SSL3_MT_CERTIFICATE_REQUEST;
	else if (content_type == SSL3_RT_HANDSHAKE)
		tc->confirmed = true;
}

/* Alerts with which a server turns down a client's certificate (or its absence). */
static bool alert_refuses_cert(int alert)
{
	switch (alert) {
	case SSL3_AD_HANDSHAKE_FAILURE:	/* TLS 1.2: OpenSSL's answer to no certificate */
	case SSL3_AD_BAD_CERTIFICATE:
	case SSL3_AD_UNSUPPORTED_CERTIFICATE:
	case SSL3_AD_CERTIFICATE_REVOKED:
	case SSL3_AD_CERTIFICATE_EXPIRED:
	case SSL3_AD_CERTIFICATE_UNKNOWN:
	case TLS1_AD_UNKNOWN_CA:
	case TLS1_AD_ACCESS_DENIED:
	case TLS13_AD_CERTIFICATE_REQUIRED:
		return true;
	}
	return false;
}

static void refused_why(struct tls_conn *tc, const char *detail)
{
	if (tc->client->have_cert)
		snprintf(tc->why, sizeof(tc->why),
			 "the collector refused our certificate: %s", detail);
	else
		snprintf(tc->why, sizeof(tc->why),
			 "the collector refused us without a client certificate (no tls_cert): %s",
			 detail);
}

/*
 * An established connection ended (SSL_get_error() gave @e, the call left
 * @errnum in errno).  tc->why: a refusal of our certificate if the
 * collector's alert says so; while @confirming, any end, since the
 * collector has not accepted us yet; else "".
 */
static void ended(struct tls_conn *tc, int e, int errnum, bool confirming)
{
	unsigned long err = ERR_peek_last_error();
	const char *r = err ? ERR_reason_error_string(err) : NULL;

	tc->why[0] = 0;
	if (e == SSL_ERROR_SSL && tc->alert >= 0 &&
	    (confirming || (tc->cert_requested && alert_refuses_cert(tc->alert))))
		refused_why(tc, r ? r : SSL_alert_desc_string_long(tc->alert));
	else if (confirming && e == SSL_ERROR_SSL)
		snprintf(tc->why, sizeof(tc->why), "after the handshake: %s",
			 r ? r : "protocol error");
	else if (confirming && e == SSL_ERROR_SYSCALL && errnum)
		snprintf(tc->why, sizeof(tc->why),
			 "the collector broke the connection after the handshake, before accepting us: %s",
			 strerror(errnum));
	else if (confirming)
		snprintf(tc->why, sizeof(tc->why),
			 "the collector closed the connection after the handshake, before accepting us");
	ERR_clear_error();
}

/*
 * The collector's certificate: the chain to tls_ca and the host name as
 * OpenSSL checked them (@ok), and the fingerprint here.  Without tls_ca the
 * chain is not trusted to anything, so the fingerprint (and the name, when
 * given) decide alone.
 */
static int verify_cb(int ok, X509_STORE_CTX *sctx)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(sctx, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct tls_conn *tc = SSL_get_app_data(ssl);
	const struct tls_client *t = tc->client;
	X509 *cert = X509_STORE_CTX_get_current_cert(sctx);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int depth = X509_STORE_CTX_get_error_depth(sctx);

	if (!t->have_ca) {
		/* Fingerprint mode: only the collector's own certificate counts. */
		if (depth > 0)
			return 1;
		ok = 1;
		if (t->peer_name && X509_check_host(cert, t->peer_name, 0,
						    X509_CHECK_FLAG_NEVER_CHECK_SUBJECT |
						    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS,
						    NULL) != 1) {
			snprintf(tc->why, sizeof(tc->why),
				 "certificate verify failed: hostname mismatch (want %s)",
				 t->peer_name);
			X509_STORE_CTX_set_error(sctx, X509_V_ERR_HOSTNAME_MISMATCH);
			return 0;
		}
	}
	if (!ok) {
		int e = X509_STORE_CTX_get_error(sctx);

		if (tc->why[0])
			return 0;
		if (e == X509_V_ERR_HOSTNAME_MISMATCH)
			snprintf(tc->why, sizeof(tc->why),
				 "certificate verify failed: %s (want %s)",
				 X509_verify_cert_error_string(e), t->peer_name);
		else
			snprintf(tc->why, sizeof(tc->why), "certificate verify failed: %s",
				 X509_verify_cert_error_string(e));
		return 0;
	}
	if (depth == 0 && t->have_fp) {
		if (!cert || X509_digest(cert, EVP_sha256(), md, &mdlen) != 1 ||
		    mdlen != TLS_FINGERPRINT_LEN || memcmp(md, t->fp, mdlen)) {
			snprintf(tc->why, sizeof(tc->why),
				 "certificate verify failed: fingerprint mismatch");
			X509_STORE_CTX_set_error(sctx, X509_V_ERR_CERT_REJECTED);
			return 0;
		}
	}
	return 1;
}

int tls_client_init(struct tls_client *t, const struct tls_client_conf *c,
		    char *err, size_t errlen)
{
	SSL_CTX *ctx;
	int ret = -EINVAL;

	memset(t, 0, sizeof(*t));
	if (!c->ca_file && !c->peer_fingerprint) {
		snprintf(err, errlen, "TLS needs tls_ca or tls_peer_fingerprint");
		return -EINVAL;
	}
	if (!c->peer_name && !c->peer_fingerprint) {
		snprintf(err, errlen, "TLS needs tls_peer_name or tls_peer_fingerprint");
		return -EINVAL;
	}
	if (!c->cert_file != !c->key_file) {
		snprintf(err, errlen, "tls_cert and tls_key go together");
		return -EINVAL;
	}
	if (c->peer_fingerprint && !tls_fingerprint_parse(c->peer_fingerprint, t->fp)) {
		snprintf(err, errlen, "bad tls_peer_fingerprint '%s'", c->peer_fingerprint);
		return -EINVAL;
	}
	t->have_fp = c->peer_fingerprint;
	t->have_ca = c->ca_file;
	t->have_cert = c->cert_file;
	if (c->peer_name) {
		t->peer_name = strdup(c->peer_name);
		if (!t->peer_name)
			return -ENOMEM;
	}
	ERR_clear_error();
	ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx) {
		ssl_err(err, errlen, "SSL_CTX_new");
		goto fail;
	}
	t->ctx = ctx;
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_cipher_list(ctx, TLS12_CIPHERS) != 1 ||
	    SSL_CTX_set_ciphersuites(ctx, TLS13_SUITES) != 1) {
		ssl_err(err, errlen, "TLS settings");
		goto fail;
	}
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION |
			    SSL_OP_NO_COMPRESSION);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_max_early_data(ctx, 0);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
			 SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_clear_mode(ctx, SSL_MODE_AUTO_RETRY);
	X509_VERIFY_PARAM_set_hostflags(SSL_CTX_get0_param(ctx),
					X509_CHECK_FLAG_NEVER_CHECK_SUBJECT |
					X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_cb);
	if (c->ca_file && SSL_CTX_load_verify_locations(ctx, c->ca_file, NULL) != 1) {
		ssl_err(err, errlen, c->ca_file);
		goto fail;
	}
	if (c->cert_file) {
		if (SSL_CTX_use_certificate_chain_file(ctx, c->cert_file) != 1) {
			ssl_err(err, errlen, c->cert_file);
			goto fail;
		}
		ret = load_key(ctx, c->key_file, err, errlen);
		if (ret)
			goto fail;
	}
	return 0;
fail:
	tls_client_free(t);
	return ret ? ret : -EINVAL;
}

void tls_client_free(struct tls_client *t)
{
	SSL_CTX_free(t->ctx);
	free(t->peer_name);
	memset(t, 0, sizeof(*t));
}

int tls_conn_start(struct tls_conn *tc, const struct tls_client *t, int fd)
{
	memset(tc, 0, sizeof(*tc));
	tc->client = t;
	tc->ssl = SSL_new(t->ctx);
	if (!tc->ssl)
		return -ENOMEM;
	tc->alert = -1;
	SSL_set_app_data(tc->ssl, tc);
	SSL_set_msg_callback(tc->ssl, msg_cb);
	SSL_set_msg_callback_arg(tc->ssl, tc);
	if (SSL_set_fd(tc->ssl, fd) != 1 ||
	    (t->have_ca && t->peer_name && SSL_set1_host(tc->ssl, t->peer_name) != 1) ||
	    (t->peer_name && SSL_set_tlsext_host_name(tc->ssl, t->peer_name) != 1)) {
		SSL_free(tc->ssl);
		tc->ssl = NULL;
		ERR_clear_error();
		return -ENOMEM;
	}
	SSL_set_connect_state(tc->ssl);
	return 0;
}

bool tls_conn_wants_write(const struct tls_conn *tc)
{
	return tc->ssl && SSL_want_write(tc->ssl);
}

int tls_conn_handshake(struct tls_conn *tc)
{
	unsigned long err;
	long vr;
	int r, e;

	ERR_clear_error();
	r = SSL_connect(tc->ssl);
	if (r == 1) {
		tc->handshake_done = true;
		return 1;
	}
	e = SSL_get_error(tc->ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
		return 0;
	if (!tc->why[0]) {
		vr = SSL_get_verify_result(tc->ssl);
		err = ERR_peek_last_error();
		if (vr != X509_V_OK)
			snprintf(tc->why, sizeof(tc->why), "certificate verify failed: %s",
				 X509_verify_cert_error_string(vr));
		else if (e == SSL_ERROR_SSL && tc->cert_requested &&
			 alert_refuses_cert(tc->alert))
			refused_why(tc, err && ERR_reason_error_string(err) ?
				    ERR_reason_error_string(err) :
				    SSL_alert_desc_string_long(tc->alert));
		else if (e == SSL_ERROR_SSL)
			ssl_err(tc->why, sizeof(tc->why), "handshake");
		else if (e == SSL_ERROR_SYSCALL && errno)
			snprintf(tc->why, sizeof(tc->why), "handshake: %s", strerror(errno));
		else
			snprintf(tc->why, sizeof(tc->why),
				 "handshake: the collector closed the connection");
	}
	ERR_clear_error();
	return -EPROTO;
}

ssize_t tls_conn_write(struct tls_conn *tc, const void *p, size_t len)
{
	size_t done = 0;
	int r, e;

	ERR_clear_error();
	if (len > (size_t)1 << 30)
		len = (size_t)1 << 30;
	r = SSL_write_ex(tc->ssl, p, len, &done);
	if (r == 1)
		return (ssize_t)done;
	e = SSL_get_error(tc->ssl, r);
	ERR_clear_error();
	if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ)
		return 0;
	if (e == SSL_ERROR_SYSCALL && errno)
		return -errno;
	return -ECONNRESET;
}

bool tls_conn_needs_confirm(const struct tls_conn *tc)
{
	return tc->handshake_done && SSL_version(tc->ssl) >= TLS1_3_VERSION &&
	       tc->cert_requested && !tc->confirmed;
}

/*
 * Read and drop what the collector sent.  Return: true while the
 * connection lasts, false at its end (SSL_get_error() in *@e, errno in
 * *@errnum; the OpenSSL error queue kept for ended()).
 */
static bool read_all(struct tls_conn *tc, int *e, int *errnum)
{
	char junk[512];
	size_t n;

	for (;;) {
		ERR_clear_error();
		errno = 0;
		if (SSL_read_ex(tc->ssl, junk, sizeof(junk), &n) == 1) {
			/* Data the collector should not send: dropped; still, an answer. */
			tc->confirmed = true;
			continue;
		}
		*errnum = errno;
		*e = SSL_get_error(tc->ssl, 0);
		if (*e == SSL_ERROR_WANT_READ || *e == SSL_ERROR_WANT_WRITE) {
			ERR_clear_error();
			return true;
		}
		return false;
	}
}

int tls_conn_confirm(struct tls_conn *tc)
{
	int e, errnum;

	if (read_all(tc, &e, &errnum))
		return tc->confirmed ? 1 : 0;
	ended(tc, e, errnum, true);
	return -EPROTO;
}

bool tls_conn_peer_gone(struct tls_conn *tc)
{
	int e, errnum;

	if (read_all(tc, &e, &errnum))
		return false;
	ended(tc, e, errnum, false);
	return true;
}

void tls_conn_describe(const struct tls_conn *tc, char *buf, size_t len)
{
	if (!tc->ssl || !tc->handshake_done) {
		snprintf(buf, len, "-");
		return;
	}
	snprintf(buf, len, "%s %s", SSL_get_version(tc->ssl),
		 SSL_CIPHER_standard_name(SSL_get_current_cipher(tc->ssl)));
}

void tls_conn_end(struct tls_conn *tc, bool notify)
{
	if (!tc->ssl)
		return;
	if (notify && tc->handshake_done) {
		ERR_clear_error();
		SSL_shutdown(tc->ssl);
	}
	ERR_clear_error();
	SSL_free(tc->ssl);
	tc->ssl = NULL;
	tc->handshake_done = false;
}
