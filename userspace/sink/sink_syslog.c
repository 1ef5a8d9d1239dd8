// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The syslog sink; see sink_syslog.h. */
#define _GNU_SOURCE	/* POLLRDHUP */
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "rfc5424.h"
#include "sandbox.h"
#include "sink_syslog.h"
#include "spool.h"

#define CONNECT_TIMEOUT_MS	10000

enum conn_state {
	CONN_IDLE,		/* no socket; next attempt at next_attempt_ms */
	CONN_CONNECTING,	/* nonblocking connect() in progress */
	CONN_HANDSHAKE,		/* TLS handshake in progress */
	CONN_CONFIRMING,	/* TLS 1.3: waiting for the collector to accept us */
	CONN_UP,
};

/*
 * How long a TLS 1.3 connection waits for the collector's acceptance of our
 * certificate (tls_client.h) before it is taken as up, unconfirmed.
 */
#define CONFIRM_TIMEOUT_MS	2000

/* How long close() waits for a TLS connection to come up and take the spool. */
#define CLOSE_LINGER_MS		3000

struct syslog_sink {
	char *host, *spool_dir;
	struct rfc5424 fmt;	/* the message for a line */
	unsigned int port;
	uint64_t spool_max;
	unsigned int backoff_min_ms, backoff_max_ms;
	uid_t spool_uid;
	gid_t spool_gid;

	struct sockaddr_storage addr;
	socklen_t addrlen;
	int fd;
	enum conn_state state;
	uint64_t next_attempt_ms;
	uint64_t connect_start_ms;
	uint64_t confirm_start_ms;
	unsigned int backoff_ms;

	struct spool spool;
	bool spool_open;
	/* The message being sent: live, or the spool's oldest (consumed when sent). */
	struct buf cur;
	size_t cur_off;
	bool cur_pending, cur_from_spool;

	struct buf frame;

	uint64_t lines, sent, dropped, dropped_pending;
	int last_err;

	bool use_tls;
	struct tls_client_conf tls_conf;	/* copies of the paths and names */
	struct tls_client tls;
	struct tls_conn tc;
	bool verified;
	bool unconfirmed;	/* TLS 1.3: the collector never said it accepted us */
	bool unconfirmed_logged;
	char verify_why[200];	/* the last handshake failure */
	char tls_desc[96];	/* protocol and suite of the connection */
	uint64_t tls_failures;
	uint64_t tls_streak;	/* failures since the last handshake that worked */
	bool tls_failure_report;	/* a streak began: tell the daemon */

	uint64_t cur_n;		/* the "n" of the message in cur */
	/* Lines written whole to the current connection. */
	uint64_t conn_first_n, conn_last_n, conn_lines;
	/* Lines written to connections that broke, not taken by the daemon yet. */
	uint64_t lost_first_n, lost_last_n, lost_lines;
};

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* In the spool directory: drops not reported to the collector at the last stop. */
#define DROPPED_FILE	"dropped"

/*
 * The "n" of a framed line: the last "n": member of its JSON (only the
 * chain's hex follows it).  0 if there is none.
 */
static uint64_t frame_n(const char *p, size_t len)
{
	uint64_t n = 0;
	size_t i;

	for (i = len; i >= 4; i--) {
		if (memcmp(p + i - 4, "\"n\":", 4))
			continue;
		for (; i < len && p[i] >= '0' && p[i] <= '9'; i++)
			n = n * 10 + (uint64_t)(p[i] - '0');
		return n;
	}
	return 0;
}

/* Frame @line into sl->frame.  Return: 0 or -ENOMEM. */
static int format_frame(struct syslog_sink *sl, const struct sink_line *line)
{
	const struct buf *msg = &sl->fmt.msg;

	if (rfc5424_format(&sl->fmt, line))
		return -ENOMEM;
	sl->frame.len = 0;
	sl->frame.failed = false;
	buf_num(&sl->frame, msg->len, 1);
	buf_str(&sl->frame, " ");
	buf_add(&sl->frame, msg->p, msg->len);
	if (sl->frame.failed)
		return -ENOMEM;
	return 0;
}

/* ---- connection ---- */

static void schedule_retry(struct syslog_sink *sl, uint64_t now)
{
	sl->next_attempt_ms = now + sl->backoff_ms;
	sl->backoff_ms = sl->backoff_ms * 2 > sl->backoff_max_ms ? sl->backoff_max_ms :
			 sl->backoff_ms * 2;
}

/* A message was written whole to the connection. */
static void sent_one(struct syslog_sink *sl, uint64_t n)
{
	sl->sent++;
	if (!sl->conn_lines++)
		sl->conn_first_n = n;
	sl->conn_last_n = n;
}

static void disconnect(struct syslog_sink *sl, int err, uint64_t now)
{
	if (sl->conn_lines) {
		/* What the collector may not have stored: see sink_syslog.h. */
		if (!sl->lost_lines || sl->conn_first_n < sl->lost_first_n)
			sl->lost_first_n = sl->conn_first_n;
		if (sl->conn_last_n > sl->lost_last_n)
			sl->lost_last_n = sl->conn_last_n;
		sl->lost_lines += sl->conn_lines;
		sl->conn_lines = 0;
	}
	tls_conn_end(&sl->tc, false);
	sl->verified = false;
	sl->unconfirmed = false;
	if (sl->fd >= 0)
		close(sl->fd);
	sl->fd = -1;
	sl->state = CONN_IDLE;
	sl->last_err = err;
	/* A message cut off by the break is sent again, whole. */
	sl->cur_off = 0;
	schedule_retry(sl, now);
}

static void connected(struct syslog_sink *sl)
{
	sl->state = CONN_UP;
	sl->backoff_ms = sl->backoff_min_ms;
	sl->last_err = 0;
	sl->conn_lines = 0;
}

/*
 * The TLS handshake failed, or the collector refused us (tc.why says why):
 * counted, reported once per streak (the rest in status).
 */
static void count_tls_failure(struct syslog_sink *sl)
{
	sl->tls_failures++;
	if (!sl->tls_streak++)
		sl->tls_failure_report = true;
	snprintf(sl->verify_why, sizeof(sl->verify_why), "%s", sl->tc.why);
	if (sl->tls_streak == 1)
		log_warnx("syslog %s:%u: TLS refused, retrying: %s", sl->host, sl->port,
			  sl->verify_why);
}

/* ...and retried with the backoff. */
static void tls_refused(struct syslog_sink *sl, uint64_t now)
{
	count_tls_failure(sl);
	disconnect(sl, -EPROTO, now);
}

/* TLS is up, the collector verified (and, if it could refuse us, accepting). */
static void tls_up(struct syslog_sink *sl, bool unconfirmed)
{
	sl->verified = true;
	sl->unconfirmed = unconfirmed;
	sl->tls_streak = 0;
	tls_conn_describe(&sl->tc, sl->tls_desc, sizeof(sl->tls_desc));
	if (unconfirmed && !sl->unconfirmed_logged) {
		sl->unconfirmed_logged = true;
		log_warnx("syslog %s:%u: the collector did not confirm it accepted our certificate within %u ms; sending (a refusal shows as a broken connection)",
			  sl->host, sl->port, CONFIRM_TIMEOUT_MS);
	}
	connected(sl);
}

/*
 * TLS 1.3: nothing is sent before the collector answered our Finished
 * (tls_client.h).  A collector that sends no session tickets never
 * answers: after CONFIRM_TIMEOUT_MS the connection is used all the same,
 * and a later refusal is a broken connection with its n range reported.
 */
static void confirm_step(struct syslog_sink *sl, uint64_t now)
{
	int r = tls_conn_confirm(&sl->tc);

	if (r > 0)
		tls_up(sl, false);
	else if (r < 0)
		tls_refused(sl, now);
	else if (now - sl->confirm_start_ms >= CONFIRM_TIMEOUT_MS)
		tls_up(sl, true);
}

static void handshake_step(struct syslog_sink *sl, uint64_t now)
{
	int r = tls_conn_handshake(&sl->tc);

	if (r > 0 && tls_conn_needs_confirm(&sl->tc)) {
		sl->state = CONN_CONFIRMING;
		sl->confirm_start_ms = now;
		confirm_step(sl, now);
		return;
	}
	if (r > 0) {
		tls_up(sl, false);
		return;
	}
	if (!r) {
		if (now - sl->connect_start_ms >= CONNECT_TIMEOUT_MS)
			disconnect(sl, -ETIMEDOUT, now);
		return;
	}
	tls_refused(sl, now);
}

/* TCP is up: plain, or the TLS handshake begins. */
static void tcp_connected(struct syslog_sink *sl, uint64_t now)
{
	int err;

	if (!sl->use_tls) {
		connected(sl);
		return;
	}
	err = tls_conn_start(&sl->tc, &sl->tls, sl->fd);
	if (err) {
		disconnect(sl, err, now);
		return;
	}
	sl->state = CONN_HANDSHAKE;
	handshake_step(sl, now);
}

static void try_connect(struct syslog_sink *sl, uint64_t now)
{
	sl->fd = socket(sl->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (sl->fd < 0) {
		disconnect(sl, -errno, now);
		return;
	}
	sl->connect_start_ms = now;
	if (!connect(sl->fd, (struct sockaddr *)&sl->addr, sl->addrlen)) {
		tcp_connected(sl, now);
	} else if (errno == EINPROGRESS) {
		sl->state = CONN_CONNECTING;
	} else {
		disconnect(sl, -errno, now);
	}
}

static void check_connecting(struct syslog_sink *sl, uint64_t now)
{
	struct pollfd p = { .fd = sl->fd, .events = POLLOUT };
	socklen_t len = sizeof(int);
	int err = 0;

	if (poll(&p, 1, 0) <= 0) {
		if (now - sl->connect_start_ms >= CONNECT_TIMEOUT_MS)
			disconnect(sl, -ETIMEDOUT, now);
		return;
	}
	if (getsockopt(sl->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err)
		disconnect(sl, -err, now);
	else
		tcp_connected(sl, now);
}

/*
 * The collector never sends: anything readable means it closed or failed.
 * Over TLS it sends records of TLS's own (a TLS 1.3 server's session
 * tickets): read and dropped, only an end or an error counts.  OpenSSL
 * reads up to the end, so an alert refusing our certificate (a collector
 * that did not confirm in time, see confirm_step()) is counted as a TLS
 * failure too, besides the broken connection.
 */
static bool peer_gone(struct syslog_sink *sl)
{
	struct pollfd p = { .fd = sl->fd, .events = POLLIN | POLLRDHUP };

	if (poll(&p, 1, 0) <= 0)
		return false;
	if (sl->use_tls && !(p.revents & POLLNVAL)) {
		if (!tls_conn_peer_gone(&sl->tc))
			return false;
		if (sl->tc.why[0])
			count_tls_failure(sl);
		return true;
	}
	if (p.revents & (POLLRDHUP | POLLERR | POLLHUP | POLLNVAL))
		return true;
	return p.revents & POLLIN;
}

/* Return: bytes sent, 0 if the socket would block, or a negative errno. */
static ssize_t send_some(struct syslog_sink *sl, const char *p, size_t len)
{
	if (sl->use_tls)
		return tls_conn_write(&sl->tc, p, len);
	for (;;) {
		ssize_t n = send(sl->fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return -errno;
	}
}

/* Send the message in flight, then the spool, while the socket takes them. */
static void drain(struct syslog_sink *sl)
{
	ssize_t n;

	if (sl->state != CONN_UP)
		return;
	if (peer_gone(sl)) {
		disconnect(sl, -ECONNRESET, mono_ms());
		return;
	}
	for (;;) {
		if (!sl->cur_pending) {
			if (!sl->spool.records)
				return;
			n = spool_peek(&sl->spool, sl->cur.p, sl->cur.cap);
			if (n == -ENOSPC) {
				sl->cur.len = 0;
				if (!buf_reserve(&sl->cur, SPOOL_RECORD_MAX))
					return;
				continue;
			}
			if (n <= 0) {
				sl->last_err = n ? (int)n : -EIO;
				return;
			}
			sl->cur.len = (size_t)n;
			sl->cur_off = 0;
			sl->cur_pending = true;
			sl->cur_from_spool = true;
			sl->cur_n = frame_n(sl->cur.p, sl->cur.len);
		}
		n = send_some(sl, sl->cur.p + sl->cur_off, sl->cur.len - sl->cur_off);
		if (n < 0) {
			disconnect(sl, (int)n, mono_ms());
			return;
		}
		if (!n)
			return;
		sl->cur_off += (size_t)n;
		if (sl->cur_off < sl->cur.len)
			continue;
		sl->cur_pending = false;
		sent_one(sl, sl->cur_n);
		if (sl->cur_from_spool)
			spool_consume(&sl->spool);
	}
}

/* ---- sink_ops ---- */

static int sl_open(struct sink *s)
{
	struct syslog_sink *sl = s->priv;
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICSERV,
	};
	struct addrinfo *res;
	char port[16];
	int err;

	snprintf(port, sizeof(port), "%u", sl->port);
	err = getaddrinfo(sl->host, port, &hints, &res);
	if (err)
		return err == EAI_SYSTEM ? -errno : -EHOSTUNREACH;
	memcpy(&sl->addr, res->ai_addr, res->ai_addrlen);
	sl->addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	err = rfc5424_open(&sl->fmt);
	if (err)
		return err;
	if (sl->use_tls) {
		char why[512];

		/* Every file TLS needs is read now, before the privilege drop. */
		err = tls_client_init(&sl->tls, &sl->tls_conf, why, sizeof(why));
		if (err) {
			log_warnx("%s: %s", s->name, why);
			return err;
		}
	}
	err = spool_open(&sl->spool, sl->spool_dir, sl->spool_max, sl->spool_uid,
			 sl->spool_gid);
	if (err)
		return err;
	sl->spool_open = true;
	/* Drops a previous run could not report to the collector: reported now. */
	sl->dropped_pending += spool_take_count(&sl->spool, DROPPED_FILE);
	try_connect(sl, mono_ms());
	return 0;
}

static int sl_write(struct sink *s, const struct sink_line *line)
{
	struct syslog_sink *sl = s->priv;
	ssize_t n;
	int err;

	sl->lines++;
	err = format_frame(sl, line);
	if (err)
		goto drop;
	if (sl->state == CONN_UP && !sl->cur_pending && !sl->spool.records) {
		if (peer_gone(sl)) {
			disconnect(sl, -ECONNRESET, mono_ms());
		} else {
			n = send_some(sl, sl->frame.p, sl->frame.len);
			if (n == (ssize_t)sl->frame.len) {
				sent_one(sl, line->n);
				return 0;
			}
			/*
			 * Partly sent, or (TLS) would block: OpenSSL then holds
			 * a record made of the first bytes, which must be
			 * offered again, so the message stays in memory too.
			 */
			if (n > 0 || (!n && sl->use_tls)) {
				/* Keep the rest in memory; it goes out before anything else. */
				sl->cur.len = 0;
				buf_add(&sl->cur, sl->frame.p, sl->frame.len);
				if (!sl->cur.failed) {
					sl->cur_off = (size_t)n;
					sl->cur_pending = true;
					sl->cur_from_spool = false;
					sl->cur_n = line->n;
					return 0;
				}
				/* Cannot keep it: the connection's framing is broken now. */
				disconnect(sl, -ENOMEM, mono_ms());
			} else if (n < 0) {
				disconnect(sl, (int)n, mono_ms());
			}
		}
	}
	err = spool_append(&sl->spool, sl->frame.p, sl->frame.len);
	if (!err)
		return 0;
drop:
	sl->dropped++;
	sl->dropped_pending++;
	if (err != -ENOSPC)
		sl->last_err = err;
	return 0;
}

/* A TLS connection moves on at every flush: the handshake takes round trips. */
static void advance_tls(struct syslog_sink *sl, uint64_t now)
{
	if (!sl->use_tls)
		return;
	if (sl->state == CONN_CONNECTING)
		check_connecting(sl, now);
	if (sl->state == CONN_HANDSHAKE)
		handshake_step(sl, now);
	if (sl->state == CONN_CONFIRMING)
		confirm_step(sl, now);
}

static int sl_flush(struct sink *s)
{
	advance_tls(s->priv, mono_ms());
	drain(s->priv);
	return 0;
}

static void sl_tick(struct sink *s, uint64_t now_ms)
{
	struct syslog_sink *sl = s->priv;

	if (sl->state == CONN_IDLE && now_ms >= sl->next_attempt_ms)
		try_connect(sl, now_ms);
	if (sl->state == CONN_CONNECTING)
		check_connecting(sl, now_ms);
	if (sl->state == CONN_HANDSHAKE)
		handshake_step(sl, now_ms);
	if (sl->state == CONN_CONFIRMING)
		confirm_step(sl, now_ms);
	drain(sl);
}

static int sl_reopen(struct sink *s)
{
	(void)s;
	return 0;
}

static bool sl_back(const struct syslog_sink *sl)
{
	return sl->state == CONN_UP && !sl->cur_pending && !sl->spool.records;
}

/* "HOST:PORT name=NAME sha256:HEX" (what the collector must prove). */
static void peer_describe(const struct syslog_sink *sl, char *buf, size_t len)
{
	int off = snprintf(buf, len, "%s:%u", sl->host, sl->port);

	if (sl->use_tls && sl->tls_conf.peer_name && off > 0 && (size_t)off < len)
		off += snprintf(buf + off, len - (size_t)off, " name=%s",
				sl->tls_conf.peer_name);
	if (sl->use_tls && sl->tls_conf.peer_fingerprint && off > 0 && (size_t)off < len)
		snprintf(buf + off, len - (size_t)off, " %s", sl->tls_conf.peer_fingerprint);
}

static void sl_health(struct sink *s, struct sink_health *h)
{
	struct syslog_sink *sl = s->priv;
	const char *state;

	memset(h, 0, sizeof(*h));
	if (sl->spool.records || (sl->cur_pending && sl->state != CONN_UP))
		state = "spooling";
	else if (sl->state != CONN_UP)
		state = "connecting";
	else
		state = "ok";
	snprintf(h->state, sizeof(h->state), "%s", state);
	h->up = state[0] == 'o';
	h->lines = sl->lines;
	h->dropped = sl->dropped;
	h->spooled = sl->spool.records + (sl->cur_pending && !sl->cur_from_spool);
	h->last_err = sl->last_err;
	snprintf(h->transport, sizeof(h->transport), "%s", sl->use_tls ? "tls" : "tcp");
	peer_describe(sl, h->peer, sizeof(h->peer));
	if (!sl->use_tls)
		snprintf(h->verify, sizeof(h->verify), "unauthenticated");
	else if (sl->verified && sl->unconfirmed)
		snprintf(h->verify, sizeof(h->verify),
			 "verified (%s), our certificate not confirmed by the collector",
			 sl->tls_desc);
	else if (sl->verified)
		snprintf(h->verify, sizeof(h->verify), "verified (%s)", sl->tls_desc);
	else if (sl->tls_streak)
		snprintf(h->verify, sizeof(h->verify), "failed: %s", sl->verify_why);
	else
		snprintf(h->verify, sizeof(h->verify), "connecting");
	h->tls_failures = sl->tls_failures;
}

bool sink_syslog_insecure(struct sink *s)
{
	return !((struct syslog_sink *)s->priv)->use_tls;
}

bool sink_syslog_take_tls_failure(struct sink *s, char *why, size_t len,
				  uint64_t *failures)
{
	struct syslog_sink *sl = s->priv;

	if (!sl->tls_failure_report)
		return false;
	sl->tls_failure_report = false;
	snprintf(why, len, "%s", sl->verify_why);
	*failures = sl->tls_failures;
	return true;
}

bool sink_syslog_take_disconnect(struct sink *s, uint64_t *first_n, uint64_t *last_n,
				 uint64_t *lines)
{
	struct syslog_sink *sl = s->priv;

	if (!sl->lost_lines)
		return false;
	*first_n = sl->lost_first_n;
	*last_n = sl->lost_last_n;
	*lines = sl->lost_lines;
	sl->lost_lines = 0;
	sl->lost_first_n = sl->lost_last_n = 0;
	return true;
}

uint64_t sink_syslog_pending_dropped(struct sink *s)
{
	return ((struct syslog_sink *)s->priv)->dropped_pending;
}

uint64_t sink_syslog_take_dropped(struct sink *s)
{
	struct syslog_sink *sl = s->priv;
	uint64_t n;

	if (!sl_back(sl))
		return 0;
	n = sl->dropped_pending;
	sl->dropped_pending = 0;
	return n;
}

static void sl_free(struct syslog_sink *sl)
{
	free(sl->host);
	free(sl->spool_dir);
	rfc5424_free(&sl->fmt);
	free((char *)sl->tls_conf.ca_file);
	free((char *)sl->tls_conf.cert_file);
	free((char *)sl->tls_conf.key_file);
	free((char *)sl->tls_conf.peer_name);
	free((char *)sl->tls_conf.peer_fingerprint);
	tls_conn_end(&sl->tc, false);
	tls_client_free(&sl->tls);
	buf_free(&sl->cur);
	buf_free(&sl->frame);
	free(sl);
}

/*
 * At a stop, a TLS connection under way (a replay's end can come before
 * its handshake) gets CLOSE_LINGER_MS to come up and send what waits.
 */
static void linger_tls(struct syslog_sink *sl)
{
	uint64_t until = mono_ms() + CLOSE_LINGER_MS, now;

	while (sl->use_tls && (now = mono_ms()) < until) {
		struct pollfd p = { .fd = sl->fd, .events = POLLIN };

		if (sl->state == CONN_UP && !sl->cur_pending && !sl->spool.records)
			break;
		if (sl->state == CONN_IDLE)
			break;
		if (sl->state == CONN_CONNECTING ||
		    (sl->state == CONN_HANDSHAKE && tls_conn_wants_write(&sl->tc)) ||
		    sl->state == CONN_UP)
			p.events = POLLOUT;
		poll(&p, 1, 50);
		advance_tls(sl, now);
		drain(sl);
	}
}

static int sl_close(struct sink *s)
{
	struct syslog_sink *sl = s->priv;
	int err = 0;

	if (!sl)
		return 0;
	linger_tls(sl);
	drain(sl);
	/* A live message not completely sent is kept whole for the next run. */
	if (sl->cur_pending && !sl->cur_from_spool && sl->spool_open) {
		err = spool_append(&sl->spool, sl->cur.p, sl->cur.len);
		if (err)
			sl->dropped++;
	}
	/* What the collector was not told yet, it is told after the next start. */
	if (sl->spool_open && spool_save_count(&sl->spool, DROPPED_FILE, sl->dropped_pending))
		err = err ?: -EIO;
	if (sl->spool_open)
		spool_close(&sl->spool);
	tls_conn_end(&sl->tc, sl->state == CONN_UP);	/* close_notify: a clean end */
	if (sl->fd >= 0)
		close(sl->fd);
	sl_free(sl);
	s->priv = NULL;
	return err;
}

/* Its spool's segments, and reconnecting to the collector's port. */
static void sl_sandbox(struct sink *s, struct sandbox *sb)
{
	struct syslog_sink *sl = s->priv;

	sandbox_add_dir(sb, sl->spool.dirfd, true);
	sandbox_add_tcp_port(sb, (uint16_t)sl->port);
}

static const struct sink_ops syslog_sink_ops = {
	.kind = "syslog",
	.open = sl_open,
	.write = sl_write,
	.flush = sl_flush,
	.tick = sl_tick,
	.reopen = sl_reopen,
	.health = sl_health,
	.sandbox = sl_sandbox,
	.close = sl_close,
};

static int dup_opt(char **dst, const char *src)
{
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -ENOMEM;
}

int sink_syslog_new(struct sink *s, const struct syslog_sink_conf *c)
{
	const char *sd_id = c->sd_id ? c->sd_id : SINK_SYSLOG_SD_ID;
	struct syslog_sink *sl;

	if (!c->host || !*c->host || !c->port || c->port > 65535 ||
	    !sink_syslog_sd_id_valid(sd_id))
		return -EINVAL;
	sl = calloc(1, sizeof(*sl));
	if (!sl)
		return -ENOMEM;
	sl->fd = -1;
	sl->spool.dirfd = sl->spool.head_fd = sl->spool.tail_fd = -1;
	sl->port = c->port;
	sl->spool_max = c->spool_max;
	sl->backoff_min_ms = c->backoff_min_ms ? c->backoff_min_ms : 100;
	sl->backoff_max_ms = c->backoff_max_ms ? c->backoff_max_ms : 30000;
	if (sl->backoff_max_ms < sl->backoff_min_ms)
		sl->backoff_max_ms = sl->backoff_min_ms;
	sl->backoff_ms = sl->backoff_min_ms;
	sl->spool_uid = c->spool_uid;
	sl->spool_gid = c->spool_gid;
	if (rfc5424_init(&sl->fmt, c->app_name, sd_id, c->hostname) ||
	    dup_opt(&sl->host, c->host) || dup_opt(&sl->spool_dir, c->spool_dir)) {
		sl_free(sl);
		return -ENOMEM;
	}
	sl->use_tls = c->transport == SYSLOG_TRANSPORT_TLS;
	if (sl->use_tls &&
	    (dup_opt((char **)&sl->tls_conf.ca_file, c->tls.ca_file) ||
	     dup_opt((char **)&sl->tls_conf.cert_file, c->tls.cert_file) ||
	     dup_opt((char **)&sl->tls_conf.key_file, c->tls.key_file) ||
	     dup_opt((char **)&sl->tls_conf.peer_name, c->tls.peer_name) ||
	     dup_opt((char **)&sl->tls_conf.peer_fingerprint, c->tls.peer_fingerprint))) {
		sl_free(sl);
		return -ENOMEM;
	}
	if (c->name)
		snprintf(s->name, sizeof(s->name), "%s", c->name);
	else
		snprintf(s->name, sizeof(s->name), "syslog:%s:%u", c->host, c->port);
	s->ops = &syslog_sink_ops;
	s->priv = sl;
	return 0;
}
