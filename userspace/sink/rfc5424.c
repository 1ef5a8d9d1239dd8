// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* RFC 5424 messages for the syslog and RELP sinks; see rfc5424.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json_fields.h"
#include "rfc5424.h"

#define FACILITY_AUTH		4
#define SD_NAME_MAX		32

/* ---- buffers ---- */

bool buf_reserve(struct buf *b, size_t more)
{
	size_t cap;
	char *p;

	if (b->len + more + 1 <= b->cap)
		return true;
	cap = b->cap ? b->cap : 1024;
	while (cap < b->len + more + 1)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->failed = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void buf_add(struct buf *b, const void *data, size_t len)
{
	if (!buf_reserve(b, len))
		return;
	memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = 0;
}

void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* A decimal number, at least @width digits (zero padded). */
void buf_num(struct buf *b, uint64_t v, unsigned int width)
{
	char d[24];
	size_t i = sizeof(d);

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v || sizeof(d) - i < width);
	buf_add(b, d + i, sizeof(d) - i);
}

void buf_free(struct buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* ---- message formatting ---- */

/* A header token: printable US-ASCII, at most @max bytes, "-" if empty. */
static void put_token(struct buf *b, const char *s, size_t max)
{
	size_t n = 0, run;

	while (s && *s && n < max) {
		for (run = 0; s[run] > 32 && s[run] < 127 && n + run < max; run++)
			;
		if (run) {
			buf_add(b, s, run);
			n += run;
			s += run;
		} else {
			s++;	/* a byte that may not appear: left out */
		}
	}
	if (!n)
		buf_str(b, "-");
}

static void put_timestamp(struct rfc5424 *sl, struct buf *b, uint64_t realtime_ns)
{
	struct tm tm;
	time_t sec;

	if (!realtime_ns) {
		struct timespec now;

		clock_gettime(CLOCK_REALTIME, &now);
		realtime_ns = (uint64_t)now.tv_sec * 1000000000 + (uint64_t)now.tv_nsec;
	}
	sec = (time_t)(realtime_ns / 1000000000);
	if (!sl->ts_prefix[0] || sec != sl->ts_sec) {
		gmtime_r(&sec, &tm);
		snprintf(sl->ts_prefix, sizeof(sl->ts_prefix),
			 "%04d-%02d-%02dT%02d:%02d:%02d.", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		sl->ts_sec = sec;
	}
	buf_str(b, sl->ts_prefix);
	buf_num(b, realtime_ns % 1000000000 / 1000, 6);
	buf_add(b, "Z", 1);
}

static bool valid_sd_name(const char *k)
{
	size_t n = strlen(k);

	if (!n || n > SD_NAME_MAX)
		return false;
	for (; *k; k++)
		if (*k <= 32 || *k >= 127 || *k == '=' || *k == ']' || *k == '"')
			return false;
	return true;
}

/* A C0 control character or DEL. */
static bool sd_control(char c)
{
	return (unsigned char)c < 0x20 || c == 0x7f;
}

static int sd_param(void *ctx, const char *key, const char *val, size_t vallen,
		    enum json_kind kind)
{
	struct rfc5424 *sl = ctx;
	struct buf *b = &sl->msg;
	ssize_t n;
	size_t i, run;

	if (kind == JSON_NULL || !valid_sd_name(key))
		return 0;
	if (kind == JSON_STRING && memchr(val, '\\', vallen)) {	/* else it is literal */
		sl->tmp.len = 0;
		if (!buf_reserve(&sl->tmp, vallen))
			return 0;
		n = json_unescape(val, vallen, sl->tmp.p, sl->tmp.cap);
		if (n < 0)
			return 0;	/* not decodable: leave the param out */
		val = sl->tmp.p;
		vallen = (size_t)n;
	}
	buf_str(b, " ");
	buf_str(b, key);
	buf_str(b, "=\"");
	/*
	 * RFC 5424 escapes '"', '\\' and ']' with a backslash.  It has no
	 * escape for control characters, which a line-oriented collector
	 * would take for the end of a message (a device name with a newline
	 * would forge a line): each is written as the text \\u00XX, its JSON
	 * escape with the backslash escaped, so no control byte is ever in a
	 * header.  Runs without a byte to escape are copied whole.
	 */
	for (i = 0; i < vallen; i = run) {
		for (run = i; run < vallen && val[run] != '"' && val[run] != '\\' &&
		     val[run] != ']' && !sd_control(val[run]); run++)
			;
		buf_add(b, val + i, run - i);
		if (run < vallen && sd_control(val[run])) {
			char esc[8];

			snprintf(esc, sizeof(esc), "\\\\u%04x", (unsigned char)val[run]);
			buf_str(b, esc);
			run++;
		} else if (run < vallen) {
			buf_add(b, "\\", 1);
			buf_add(b, val + run, 1);
			run++;
		}
	}
	buf_str(b, "\"");
	return 0;
}

int rfc5424_format(struct rfc5424 *sl, const struct sink_line *line)
{
	size_t textlen = line->len;

	if (textlen && line->text[textlen - 1] == '\n')
		textlen--;
	sl->msg.len = 0;
	sl->msg.failed = false;
	buf_add(&sl->msg, "<", 1);
	buf_num(&sl->msg, FACILITY_AUTH * 8 + (unsigned int)line->severity, 1);
	buf_add(&sl->msg, ">1 ", 3);
	put_timestamp(sl, &sl->msg, line->realtime_ns);
	buf_str(&sl->msg, " ");
	put_token(&sl->msg, sl->hostname, 255);
	buf_str(&sl->msg, " ");
	put_token(&sl->msg, sl->app_name, 48);
	buf_str(&sl->msg, " ");
	buf_num(&sl->msg, (uint64_t)sl->pid, 1);
	buf_str(&sl->msg, " ");
	put_token(&sl->msg, line->type, 32);
	buf_add(&sl->msg, sl->sd_open, sl->sd_open_len);
	json_fields(line->text, textlen, sd_param, sl);
	buf_str(&sl->msg, "] ");
	buf_add(&sl->msg, line->text, textlen);
	return sl->msg.failed ? -ENOMEM : 0;
}

int rfc5424_init(struct rfc5424 *f, const char *app_name, const char *sd_id,
		 const char *hostname)
{
	memset(f, 0, sizeof(*f));
	if (!sd_id)
		sd_id = SINK_SYSLOG_SD_ID;
	if (!sink_syslog_sd_id_valid(sd_id))
		return -EINVAL;
	/* Every message's structured data opens with it: made once. */
	f->sd_open_len = (size_t)snprintf(f->sd_open, sizeof(f->sd_open), " [%s", sd_id);
	f->app_name = strdup(app_name ? app_name : "inputaudit");
	f->hostname = hostname ? strdup(hostname) : NULL;
	if (!f->app_name || (hostname && !f->hostname)) {
		rfc5424_free(f);
		return -ENOMEM;
	}
	return 0;
}

int rfc5424_open(struct rfc5424 *f)
{
	char host[256];

	if (!f->hostname) {
		if (gethostname(host, sizeof(host)) < 0)
			snprintf(host, sizeof(host), "-");
		host[sizeof(host) - 1] = 0;
		f->hostname = strdup(host);
		if (!f->hostname)
			return -ENOMEM;
	}
	f->pid = getpid();
	return 0;
}

void rfc5424_free(struct rfc5424 *f)
{
	free(f->app_name);
	free(f->hostname);
	buf_free(&f->msg);
	buf_free(&f->tmp);
	f->app_name = f->hostname = NULL;
}
