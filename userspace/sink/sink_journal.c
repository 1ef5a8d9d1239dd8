// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The journal sink; see sink_journal.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
/* No CODE_FILE= etc.: the daemon's source path tells the reader nothing. */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include "json_fields.h"
#include "log.h"
#include "sink_journal.h"

#define FIELD_MAX	128
#define NFIELDS		9

struct journal_sink {
	char *identifier;
	uint64_t lines;
	uint64_t dropped;
	uint64_t dropped_pending;	/* not reported in-band yet */
	int last_err;
};

/*
 * Where journald listens.  libsystemd sends there and, when nothing is
 * there, drops the entry and reports success; the sink looks first.
 */
#define JOURNAL_SOCKET	"/run/systemd/journal/socket"

static bool journal_there(void)
{
	struct stat st;

	return !stat(JOURNAL_SOCKET, &st) && S_ISSOCK(st.st_mode);
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

static int js_open(struct sink *s)
{
	if (!journal_there()) {
		log_warnx("%s: no journald socket at " JOURNAL_SOCKET, s->name);
		return -ENOENT;
	}
	return 0;
}

/* A line journald will not get: counted, reported in-band once it is back. */
static int js_drop(struct journal_sink *j, int err)
{
	j->dropped++;
	j->dropped_pending++;
	j->last_err = err;
	return 0;	/* the daemon and its other sinks go on */
}

static int js_write(struct sink *s, const struct sink_line *line)
{
	struct journal_sink *j = s->priv;
	char prio[32], ident[FIELD_MAX + 32], type[FIELD_MAX], n[48], seq[48];
	char dev[FIELD_MAX + 32], chain[FIELD_MAX + 32];
	struct line_fields lf = { "", "" };
	struct iovec iov[NFIELDS + 1];
	size_t msglen = line->len;
	char *msg;
	int cnt = 0, err;

	if (msglen && line->text[msglen - 1] == '\n')
		msglen--;
	if (!journal_there())
		return js_drop(j, -ENOENT);
	msg = malloc(msglen + sizeof("MESSAGE="));
	if (!msg)
		return js_drop(j, -ENOMEM);
	memcpy(msg, "MESSAGE=", 8);
	memcpy(msg + 8, line->text, msglen);
	iov[cnt].iov_base = msg;
	iov[cnt++].iov_len = msglen + 8;

#define ADD(buf, ...)							\
	do {								\
		int _l = snprintf(buf, sizeof(buf), __VA_ARGS__);	\
		iov[cnt].iov_base = buf;				\
		iov[cnt++].iov_len = (size_t)_l < sizeof(buf) ? (size_t)_l : sizeof(buf) - 1; \
	} while (0)

	json_fields(line->text, line->len, pick_field, &lf);
	ADD(prio, "PRIORITY=%d", (int)line->severity);
	ADD(ident, "SYSLOG_IDENTIFIER=%s", j->identifier);
	iov[cnt].iov_base = (void *)"SYSLOG_FACILITY=4";
	iov[cnt++].iov_len = strlen("SYSLOG_FACILITY=4");
	ADD(type, "INPUTAUDIT_TYPE=%s", line->type ? line->type : "");
	ADD(n, "INPUTAUDIT_N=%" PRIu64, line->n);
	if (line->seq)
		ADD(seq, "INPUTAUDIT_SEQ=%" PRIu64, line->seq);
	if (lf.dev[0])
		ADD(dev, "INPUTAUDIT_DEV=%s", lf.dev);
	if (lf.chain[0])
		ADD(chain, "INPUTAUDIT_CHAIN=%s", lf.chain);
#undef ADD

	err = sd_journal_sendv(iov, cnt);
	free(msg);
	if (err < 0)
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
	h->lines = j->lines;
	h->dropped = j->dropped;
	h->last_err = j->last_err;
}

static int js_close(struct sink *s)
{
	struct journal_sink *j = s->priv;

	if (j) {
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

	if (j->last_err || !journal_there())
		return 0;
	n = j->dropped_pending;
	j->dropped_pending = 0;
	return n;
}
