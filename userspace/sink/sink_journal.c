// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The journal sink; see sink_journal.h. */
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "json_fields.h"
#include "log.h"
#include "sink_journal.h"

#define FIELD_MAX	128
#define NFIELDS		9
/* The most iovecs of one field: KEY, "\n", LENGTH, VALUE, "\n" */
#define FIELD_IOVS	5
/* As libsystemd's: room for many entries while journald is busy. */
#define JOURNAL_SNDBUF	(8 * 1024 * 1024)

/* Where journald listens for the native protocol. */
#define JOURNAL_SOCKET	"/run/systemd/journal/socket"

struct journal_sink {
	char *identifier;
	int fd;			/* AF_UNIX datagram socket; -1 before open() */
	bool connected;		/* to journald's socket */
	uint64_t lines;
	uint64_t dropped;
	uint64_t dropped_pending;	/* not reported in-band yet */
	int last_err;
};

/* An entry being built: the iovecs of its fields, in the native protocol. */
struct entry {
	struct iovec iov[NFIELDS * FIELD_IOVS];
	uint64_t len_le[NFIELDS];	/* binary form: the value's length */
	int cnt, nfields;
};

/*
 * Add KEY=VALUE (@kv: "KEY=", @kvlen bytes) to @e, then @val.  A value with
 * a newline takes the binary form, KEY\n + 64-bit LE length + VALUE\n
 * (systemd.io/JOURNAL_NATIVE_PROTOCOL).  The strings must outlive the send.
 */
static void entry_add(struct entry *e, const char *kv, size_t kvlen, const char *val,
		      size_t vallen)
{
	struct iovec *iov = e->iov + e->cnt;

	if (memchr(val, '\n', vallen)) {
		e->len_le[e->nfields] = htole64(vallen);
		iov[0] = (struct iovec){ (void *)kv, kvlen - 1 };
		iov[1] = (struct iovec){ (void *)"\n", 1 };
		iov[2] = (struct iovec){ &e->len_le[e->nfields], sizeof(uint64_t) };
		e->cnt += 3;
		iov += 3;
	} else {
		iov[0] = (struct iovec){ (void *)kv, kvlen };
		e->cnt++;
		iov++;
	}
	iov[0] = (struct iovec){ (void *)val, vallen };
	iov[1] = (struct iovec){ (void *)"\n", 1 };
	e->cnt += 2;
	e->nfields++;
}

/* A field formatted into @buf as "KEY=VALUE" (no newline in it). */
__attribute__((format(printf, 3, 4)))
static void entry_addf(struct entry *e, char *buf, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, FIELD_MAX + 32, fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	if (len >= FIELD_MAX + 32)
		len = FIELD_MAX + 32 - 1;
	e->iov[e->cnt++] = (struct iovec){ buf, (size_t)len };
	e->iov[e->cnt++] = (struct iovec){ (void *)"\n", 1 };
	e->nfields++;
}

/*
 * Connect the socket to journald's.  A datagram socket connected to it
 * sends to that socket whatever happens to the path, and a send fails
 * (ECONNREFUSED) once journald's socket is closed: no look at the path is
 * needed per line.  Return: 0 or -errno (-ENOENT: no socket there,
 * -ECONNREFUSED: a socket file nobody listens on).
 */
static int js_connect(struct journal_sink *j)
{
	static const struct sockaddr_un sun = {
		.sun_family = AF_UNIX,
		.sun_path = JOURNAL_SOCKET,
	};

	j->connected = !connect(j->fd, (const struct sockaddr *)&sun, sizeof(sun));
	return j->connected ? 0 : -errno;
}

/* The fields found in the line itself. */
struct line_fields {
	char dev[FIELD_MAX];
	char chain[FIELD_MAX];
};

static int pick_field(void *ctx, const char *key, const char *val, size_t vallen,
		      enum json_kind kind)
{
	struct line_fields *lf = ctx;
	char *dst;

	if (!strcmp(key, "dev") && kind == JSON_NUMBER)
		dst = lf->dev;
	else if (!strcmp(key, "chain") && kind == JSON_STRING)
		dst = lf->chain;
	else
		return 0;
	if (vallen >= FIELD_MAX - 32)
		return 0;
	/* Both are plain ASCII (digits, hex): no unescaping needed. */
	memcpy(dst, val, vallen);
	dst[vallen] = 0;
	return 0;
}

/*
 * The socket is made and connected here, before the privilege drop.
 * Without a journald socket the sink does not open; a socket file that
 * nobody listens on (journald stopped) is not an error yet: lines are
 * counted as dropped until it is back.
 */
static int js_open(struct sink *s)
{
	struct journal_sink *j = s->priv;
	int sndbuf = JOURNAL_SNDBUF, err;

	j->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (j->fd < 0)
		return -errno;
	/* best effort: the kernel caps it at net.core.wmem_max */
	(void)setsockopt(j->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	err = js_connect(j);
	if (err == -ECONNREFUSED) {
		log_warnx("%s: nobody listens on " JOURNAL_SOCKET " yet", s->name);
		j->last_err = err;
		return 0;
	}
	if (err) {
		log_warnx("%s: no journald socket at " JOURNAL_SOCKET ": %s", s->name,
			  strerror(-err));
		close(j->fd);
		j->fd = -1;
	}
	return err;
}

/* A line journald will not get: counted, reported in-band once it is back. */
static int js_drop(struct journal_sink *j, int err)
{
	j->dropped++;
	j->dropped_pending++;
	j->last_err = err;
	return 0;	/* the daemon and its other sinks go on */
}

/*
 * Send @e to journald: one writev() while the connection holds (on a
 * connected datagram socket, one datagram; not sendmsg(), which the
 * daemon's seccomp filter refuses: no descriptor may leave it).  When it
 * fails because journald's socket went away (journald restarted, with a
 * new socket), or there was none at the last try, connect to what is at
 * the path now and send once more; what cannot be sent is the caller's
 * to count.  Return: 0 or -errno.
 */
static int js_send(struct journal_sink *j, struct entry *e)
{
	bool retried = !j->connected;
	int err;

	if (!j->connected) {
		err = js_connect(j);
		if (err)
			return err;
	}
	for (;;) {
		if (writev(j->fd, e->iov, e->cnt) >= 0)
			return 0;
		err = -errno;
		if (err == -EINTR)
			continue;
		if (retried || (err != -ECONNREFUSED && err != -ENOTCONN &&
				err != -ECONNRESET))
			return err;
		/* journald's socket is gone: the one at the path now, if any */
		retried = true;
		err = js_connect(j);
		if (err)
			return err;
	}
}

static int js_write(struct sink *s, const struct sink_line *line)
{
	struct journal_sink *j = s->priv;
	char prio[FIELD_MAX + 32], ident[FIELD_MAX + 32], n[FIELD_MAX + 32];
	char seq[FIELD_MAX + 32], dev[FIELD_MAX + 32], chain[FIELD_MAX + 32];
	struct line_fields lf = { "", "" };
	size_t msglen = line->len;
	struct entry e;
	int err;

	if (msglen && line->text[msglen - 1] == '\n')
		msglen--;
	e.cnt = e.nfields = 0;
	entry_add(&e, "MESSAGE=", 8, line->text, msglen);
	json_fields(line->text, line->len, pick_field, &lf);
	entry_addf(&e, prio, "PRIORITY=%d", (int)line->severity);
	entry_addf(&e, ident, "SYSLOG_IDENTIFIER=%s", j->identifier);
	entry_add(&e, "SYSLOG_FACILITY=", 16, "4", 1);
	entry_add(&e, "INPUTAUDIT_TYPE=", 16, line->type ? line->type : "",
		  line->type ? strnlen(line->type, FIELD_MAX) : 0);
	entry_addf(&e, n, "INPUTAUDIT_N=%" PRIu64, line->n);
	if (line->seq)
		entry_addf(&e, seq, "INPUTAUDIT_SEQ=%" PRIu64, line->seq);
	if (lf.dev[0])
		entry_addf(&e, dev, "INPUTAUDIT_DEV=%s", lf.dev);
	if (lf.chain[0])
		entry_addf(&e, chain, "INPUTAUDIT_CHAIN=%s", lf.chain);

	err = js_send(j, &e);
	if (err)
		return js_drop(j, err);
	j->last_err = 0;
	j->lines++;
	return 0;
}

static int js_flush(struct sink *s)
{
	(void)s;
	return 0;
}

static void js_tick(struct sink *s, uint64_t now_ms)
{
	(void)s;
	(void)now_ms;
}

static int js_reopen(struct sink *s)
{
	(void)s;
	return 0;
}

static void js_health(struct sink *s, struct sink_health *h)
{
	struct journal_sink *j = s->priv;

	memset(h, 0, sizeof(*h));
	snprintf(h->state, sizeof(h->state), "%s", j->last_err ? "error" : "ok");
	h->up = !j->last_err;
	h->lines = j->lines;
	h->dropped = j->dropped;
	h->last_err = j->last_err;
}

static int js_close(struct sink *s)
{
	struct journal_sink *j = s->priv;

	if (j) {
		if (j->fd >= 0)
			close(j->fd);
		free(j->identifier);
		free(j);
	}
	s->priv = NULL;
	return 0;
}

static const struct sink_ops journal_sink_ops = {
	.kind = "journal",
	.open = js_open,
	.write = js_write,
	.flush = js_flush,
	.tick = js_tick,
	.reopen = js_reopen,
	.health = js_health,
	.close = js_close,
};

int sink_journal_new(struct sink *s, const struct journal_sink_conf *c)
{
	const char *id = c->identifier ? c->identifier : "inputaudit";
	struct journal_sink *j;

	if (!*id || strchr(id, '\n') || strlen(id) >= FIELD_MAX)
		return -EINVAL;
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->fd = -1;
	j->identifier = strdup(id);
	if (!j->identifier) {
		free(j);
		return -ENOMEM;
	}
	if (c->name)
		snprintf(s->name, sizeof(s->name), "%s", c->name);
	else
		snprintf(s->name, sizeof(s->name), "journal:%s", id);
	s->ops = &journal_sink_ops;
	s->priv = j;
	return 0;
}

uint64_t sink_journal_take_dropped(struct sink *s)
{
	struct journal_sink *j = s->priv;
	uint64_t n;

	/* back: the last line went through (no look at the path needed) */
	if (j->last_err || !j->connected)
		return 0;
	n = j->dropped_pending;
	j->dropped_pending = 0;
	return n;
}

uint64_t sink_journal_pending_dropped(struct sink *s)
{
	struct journal_sink *j = s->priv;
	uint64_t n = j->dropped_pending;

	j->dropped_pending = 0;
	return n;
}
