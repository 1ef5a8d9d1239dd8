// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The daemon's status file; see status.h. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "jbuf.h"
#include "status.h"

/* ---- writing ---- */

/* ,"key":"value", or "key":"value" with sep "". */
static void sb_str(struct jbuf *sb, const char *sep, const char *key,
		   const char *val, size_t max)
{
	jb_printf(sb, "%s\"%s\":", sep, key);
	jb_quoted(sb, val, max);
}

static void sb_u64(struct jbuf *sb, const char *key, uint64_t val)
{
	jb_printf(sb, ",\"%s\":%" PRIu64, key, val);
}

int status_add_sink(struct daemon_status *st, struct sink *s)
{
	struct status_sink *ss;

	if (st->nsinks >= STATUS_MAX_SINKS)
		return -ENOSPC;
	ss = &st->sinks[st->nsinks++];
	memset(ss, 0, sizeof(*ss));
	snprintf(ss->name, sizeof(ss->name), "%s", s->name);
	snprintf(ss->kind, sizeof(ss->kind), "%s", s->ops && s->ops->kind ? s->ops->kind : "");
	if (s->ops && s->ops->health)
		s->ops->health(s, &ss->health);
	return 0;
}

int status_format(const struct daemon_status *st, char *buf, size_t size)
{
	struct jbuf sb = { .buf = buf, .size = size };
	unsigned int i;

	if (!size)
		return -ENOSPC;
	jb_printf(&sb, "{\"pid\":%" PRId64, st->pid);
	sb_u64(&sb, "uid", st->uid);
	sb_u64(&sb, "gid", st->gid);
	sb_u64(&sb, "start_time", st->start_time);
	sb_u64(&sb, "start_boottime_ns", st->start_boottime_ns);
	sb_u64(&sb, "update_time", st->update_time);
	sb_u64(&sb, "received", st->received);
	sb_u64(&sb, "lost", st->lost);
	sb_u64(&sb, "duplicates", st->duplicates);
	sb_u64(&sb, "ring_drops", st->ring_drops);
	sb_u64(&sb, "bpf_submitted", st->bpf_submitted);
	sb_u64(&sb, "last_seq", st->last_seq);
	sb_u64(&sb, "chain_n", st->chain_n);
	sb_str(&sb, ",", "key_id", st->key_id, sizeof(st->key_id));
	sb_str(&sb, ",", "version", st->version, sizeof(st->version));
	sb_str(&sb, ",", "config_sha256", st->config_sha256,
	       sizeof(st->config_sha256));
	if (st->have_frames) {
		sb_u64(&sb, "frames_seen", st->frames_seen);
		sb_u64(&sb, "frames_suppressed", st->frames_suppressed);
	}
	sb_u64(&sb, "blind_ns", st->blind_ns);
	if (st->have_no_consumer)
		sb_u64(&sb, "no_consumer_ns", st->no_consumer_ns);
	sb_u64(&sb, "metrics_failures", st->metrics_failures);
	jb_printf(&sb, ",\"metrics_last_err\":%d", st->metrics_last_err);
	jb_printf(&sb, ",\"sinks\":[");
	for (i = 0; i < st->nsinks && i < STATUS_MAX_SINKS; i++) {
		const struct status_sink *s = &st->sinks[i];

		sb_str(&sb, i ? ",{" : "{", "name", s->name, sizeof(s->name));
		sb_str(&sb, ",", "kind", s->kind, sizeof(s->kind));
		sb_str(&sb, ",", "state", s->health.state,
		       sizeof(s->health.state));
		jb_printf(&sb, ",\"up\":%s", s->health.up ? "true" : "false");
		sb_u64(&sb, "lines", s->health.lines);
		sb_u64(&sb, "dropped", s->health.dropped);
		sb_u64(&sb, "spooled", s->health.spooled);
		if (s->health.have_free)
			sb_u64(&sb, "free", s->health.free_bytes);
		if (s->health.transport[0]) {
			sb_str(&sb, ",", "transport", s->health.transport,
			       sizeof(s->health.transport));
			sb_str(&sb, ",", "peer", s->health.peer, sizeof(s->health.peer));
			sb_str(&sb, ",", "verify", s->health.verify, sizeof(s->health.verify));
			sb_u64(&sb, "tls_failures", s->health.tls_failures);
		}
		if (s->health.have_acked) {
			sb_u64(&sb, "acked", s->health.acked);
			sb_u64(&sb, "unacked", s->health.unacked);
		}
		jb_printf(&sb, ",\"last_err\":%d}", s->health.last_err);
	}
	jb_printf(&sb, "]}\n");
	if (sb.overflow) {
		buf[sb.len] = '\0';
		return -ENOSPC;
	}
	return (int)sb.len;
}

int status_write(int dirfd, const struct daemon_status *st)
{
	char *buf;
	int len, ret;

	buf = malloc(STATUS_JSON_MAX);
	if (!buf)
		return -ENOMEM;
	len = status_format(st, buf, STATUS_JSON_MAX);
	ret = len < 0 ? len : atomic_file_write(dirfd, STATUS_FILE, STATUS_TMP_FILE,
						 buf, (size_t)len, 0600);
	free(buf);
	return ret;
}

/* ---- reading: just enough JSON for what status_format() writes ---- */

struct jcur {
	const char *p;
	const char *end;
};

static void skip_ws(struct jcur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' ||
				 *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static bool eat(struct jcur *c, char ch)
{
	skip_ws(c);
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return true;
	}
	return false;
}

static int hex4(const char *p)
{
	int v = 0, i;

	for (i = 0; i < 4; i++) {
		char ch = p[i];

		v <<= 4;
		if (ch >= '0' && ch <= '9')
			v |= ch - '0';
		else if (ch >= 'a' && ch <= 'f')
			v |= ch - 'a' + 10;
		else if (ch >= 'A' && ch <= 'F')
			v |= ch - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/* A string into out (cut to size, NUL terminated); non-ASCII becomes '?'. */
static int parse_str(struct jcur *c, char *out, size_t size)
{
	size_t o = 0;

	if (!eat(c, '"'))
		return -EINVAL;
	while (c->p < c->end && *c->p != '"') {
		char ch = *c->p++;

		if (ch == '\\') {
			if (c->p >= c->end)
				return -EINVAL;
			ch = *c->p++;
			switch (ch) {
			case 'n': ch = '\n'; break;
			case 't': ch = '\t'; break;
			case 'r': ch = '\r'; break;
			case 'b': ch = '\b'; break;
			case 'f': ch = '\f'; break;
			case 'u': {
				int v;

				if (c->end - c->p < 4)
					return -EINVAL;
				v = hex4(c->p);
				if (v < 0)
					return -EINVAL;
				c->p += 4;
				ch = v < 0x80 ? (char)v : '?';
				break;
			}
			case '"': case '\\': case '/':
				break;
			default:
				return -EINVAL;
			}
		}
		if (out && o + 1 < size)
			out[o++] = ch;
	}
	if (out && size)
		out[o] = '\0';
	return eat(c, '"') ? 0 : -EINVAL;
}

static int parse_num(struct jcur *c, int64_t *val)
{
	bool neg = false;
	uint64_t v = 0;
	const char *start;

	skip_ws(c);
	if (c->p < c->end && *c->p == '-') {
		neg = true;
		c->p++;
	}
	start = c->p;
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		if (v > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		v = v * 10 + (*c->p++ - '0');
	}
	if (c->p == start)
		return -EINVAL;
	/* INT64_MIN's magnitude is one more than INT64_MAX; nothing past it. */
	if (v > (uint64_t)INT64_MAX + neg)
		return -EINVAL;
	*val = !neg ? (int64_t)v : v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	return 0;
}

/* A literal (true, false, null) at the cursor. */
static bool eat_word(struct jcur *c, const char *word)
{
	size_t len = strlen(word);

	skip_ws(c);
	if ((size_t)(c->end - c->p) < len || memcmp(c->p, word, len))
		return false;
	c->p += len;
	return true;
}

static int parse_bool(struct jcur *c, bool *val)
{
	if (eat_word(c, "true"))
		*val = true;
	else if (eat_word(c, "false"))
		*val = false;
	else
		return -EINVAL;
	return 0;
}

static int skip_value(struct jcur *c, int depth)
{
	int64_t num;

	if (depth > 16)
		return -EINVAL;
	skip_ws(c);
	if (c->p >= c->end)
		return -EINVAL;
	switch (*c->p) {
	case '"':
		return parse_str(c, NULL, 0);
	case '{':
	case '[': {
		char close = *c->p == '{' ? '}' : ']';
		bool obj = *c->p == '{';

		c->p++;
		if (eat(c, close))
			return 0;
		do {
			if (obj && (parse_str(c, NULL, 0) || !eat(c, ':')))
				return -EINVAL;
			if (skip_value(c, depth + 1))
				return -EINVAL;
		} while (eat(c, ','));
		return eat(c, close) ? 0 : -EINVAL;
	}
	case 't':
	case 'f':
	case 'n':
		return eat_word(c, "true") || eat_word(c, "false") ||
		       eat_word(c, "null") ? 0 : -EINVAL;
	default:
		return parse_num(c, &num);
	}
}

struct num_field {
	const char *key;
	size_t off;
	bool is32;
};

#define NUM(k, f, w)	{ k, offsetof(struct daemon_status, f), w }

static const struct num_field status_nums[] = {
	NUM("uid", uid, true),
	NUM("gid", gid, true),
	NUM("start_time", start_time, false),
	NUM("start_boottime_ns", start_boottime_ns, false),
	NUM("update_time", update_time, false),
	NUM("received", received, false),
	NUM("lost", lost, false),
	NUM("duplicates", duplicates, false),
	NUM("ring_drops", ring_drops, false),
	NUM("bpf_submitted", bpf_submitted, false),
	NUM("last_seq", last_seq, false),
	NUM("chain_n", chain_n, false),
	NUM("frames_seen", frames_seen, false),
	NUM("frames_suppressed", frames_suppressed, false),
	NUM("blind_ns", blind_ns, false),
	NUM("no_consumer_ns", no_consumer_ns, false),
	NUM("metrics_failures", metrics_failures, false),
	NUM("metrics_last_err", metrics_last_err, true),
};

struct str_field {
	const char *key;
	size_t off;
	size_t size;
};

#define STR(k, f)	{ k, offsetof(struct daemon_status, f),		\
			  sizeof(((struct daemon_status *)0)->f) }

static const struct str_field status_strs[] = {
	STR("key_id", key_id),
	STR("version", version),
	STR("config_sha256", config_sha256),
};

static int parse_sink(struct jcur *c, struct status_sink *s)
{
	char key[32];
	int64_t v;

	if (!eat(c, '{'))
		return -EINVAL;
	if (eat(c, '}'))
		return 0;
	do {
		if (parse_str(c, key, sizeof(key)) || !eat(c, ':'))
			return -EINVAL;
		if (!strcmp(key, "name")) {
			if (parse_str(c, s->name, sizeof(s->name)))
				return -EINVAL;
		} else if (!strcmp(key, "kind")) {
			if (parse_str(c, s->kind, sizeof(s->kind)))
				return -EINVAL;
		} else if (!strcmp(key, "state")) {
			if (parse_str(c, s->health.state, sizeof(s->health.state)))
				return -EINVAL;
		} else if (!strcmp(key, "transport")) {
			if (parse_str(c, s->health.transport, sizeof(s->health.transport)))
				return -EINVAL;
		} else if (!strcmp(key, "peer")) {
			if (parse_str(c, s->health.peer, sizeof(s->health.peer)))
				return -EINVAL;
		} else if (!strcmp(key, "verify")) {
			if (parse_str(c, s->health.verify, sizeof(s->health.verify)))
				return -EINVAL;
		} else if (!strcmp(key, "tls_failures")) {
			if (parse_num(c, &v) || v < 0)
				return -EINVAL;
			s->health.tls_failures = (uint64_t)v;
		} else if (!strcmp(key, "up")) {
			if (parse_bool(c, &s->health.up))
				return -EINVAL;
		} else if (!strcmp(key, "acked") || !strcmp(key, "unacked")) {
			if (parse_num(c, &v) || v < 0)
				return -EINVAL;
			if (key[0] == 'a')
				s->health.acked = (uint64_t)v;
			else
				s->health.unacked = (uint64_t)v;
			s->health.have_acked = true;
		} else if (!strcmp(key, "free")) {
			if (parse_num(c, &v) || v < 0)
				return -EINVAL;
			s->health.have_free = true;
			s->health.free_bytes = (uint64_t)v;
		} else if (!strcmp(key, "lines") || !strcmp(key, "dropped") ||
			   !strcmp(key, "spooled") || !strcmp(key, "last_err")) {
			if (parse_num(c, &v))
				return -EINVAL;
			if (key[0] == 'l' && key[1] == 'i')
				s->health.lines = v;
			else if (key[0] == 'd')
				s->health.dropped = v;
			else if (key[0] == 's')
				s->health.spooled = v;
			else
				s->health.last_err = (int)v;
		} else if (skip_value(c, 1)) {
			return -EINVAL;
		}
	} while (eat(c, ','));
	return eat(c, '}') ? 0 : -EINVAL;
}

static int parse_sinks(struct jcur *c, struct daemon_status *st)
{
	struct status_sink dummy;

	if (!eat(c, '['))
		return -EINVAL;
	if (eat(c, ']'))
		return 0;
	do {
		struct status_sink *s = st->nsinks < STATUS_MAX_SINKS ?
					&st->sinks[st->nsinks] : &dummy;

		memset(s, 0, sizeof(*s));
		if (parse_sink(c, s))
			return -EINVAL;
		if (s != &dummy)
			st->nsinks++;
	} while (eat(c, ','));
	return eat(c, ']') ? 0 : -EINVAL;
}

int status_parse(const char *text, size_t len, struct daemon_status *st)
{
	struct jcur c = { .p = text, .end = text + len };
	char key[32];
	size_t i;
	int64_t v;

	memset(st, 0, sizeof(*st));
	if (!eat(&c, '{'))
		return -EINVAL;
	if (eat(&c, '}'))
		return 0;
	do {
		if (parse_str(&c, key, sizeof(key)) || !eat(&c, ':'))
			return -EINVAL;
		if (!strcmp(key, "sinks")) {
			if (parse_sinks(&c, st))
				return -EINVAL;
			continue;
		}
		for (i = 0; i < sizeof(status_strs) / sizeof(status_strs[0]); i++)
			if (!strcmp(key, status_strs[i].key))
				break;
		if (i < sizeof(status_strs) / sizeof(status_strs[0])) {
			if (parse_str(&c, (char *)st + status_strs[i].off,
				      status_strs[i].size))
				return -EINVAL;
			continue;
		}
		if (!strcmp(key, "pid")) {
			if (parse_num(&c, &st->pid))
				return -EINVAL;
			continue;
		}
		for (i = 0; i < sizeof(status_nums) / sizeof(status_nums[0]); i++)
			if (!strcmp(key, status_nums[i].key))
				break;
		if (i == sizeof(status_nums) / sizeof(status_nums[0])) {
			if (skip_value(&c, 1))
				return -EINVAL;
			continue;
		}
		if (parse_num(&c, &v))
			return -EINVAL;
		if (status_nums[i].is32)
			*(uint32_t *)((char *)st + status_nums[i].off) = (uint32_t)v;
		else
			*(uint64_t *)((char *)st + status_nums[i].off) = (uint64_t)v;
		/* the module's totals are there only once known */
		if (!strcmp(key, "frames_seen"))
			st->have_frames = true;
		else if (!strcmp(key, "no_consumer_ns"))
			st->have_no_consumer = true;
	} while (eat(&c, ','));
	if (!eat(&c, '}'))
		return -EINVAL;
	skip_ws(&c);
	return c.p == c.end ? 0 : -EINVAL;
}

int status_read(const char *dir, struct daemon_status *st)
{
	char path[4096];
	struct stat sb;
	char *buf;
	ssize_t n;
	size_t len = 0;
	int fd, ret;

	if (snprintf(path, sizeof(path), "%s/%s", dir, STATUS_FILE) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	/*
	 * The state directory is the daemon's user's: what is there is opened
	 * without following a link, and must be a regular file (a FIFO would
	 * block the reader, root included).
	 */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	ret = fstat(fd, &sb) < 0 ? -errno : !S_ISREG(sb.st_mode) ? -EINVAL : 0;
	if (ret) {
		close(fd);
		return ret;
	}
	buf = malloc(STATUS_JSON_MAX);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		n = read(fd, buf + len, STATUS_JSON_MAX - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
		if (len == STATUS_JSON_MAX)
			break;
	}
	ret = n < 0 ? -errno : 0;
	close(fd);
	if (!ret)
		ret = len == STATUS_JSON_MAX ? -EINVAL : status_parse(buf, len, st);
	free(buf);
	return ret;
}
