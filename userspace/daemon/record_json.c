// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Format records as JSON Lines; the schema is in record_json.h.  Pure
 * functions writing into the caller's buffer: no allocation, no I/O.
 */
#include <errno.h>
#include <string.h>

#include "jbuf.h"
#include "record_json.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * This is the daemon's hot path.  Every line is written in runs (jbuf.h):
 * one room check for the worst case of a fixed-size part, then plain
 * stores through a cursor: literals, names from tables of jb_frag (no
 * strlen(), an inlined copy) and jb_wnum().  Only the strings of unbounded
 * length (device name, alert reason and rule, sink name) are written with
 * a check per byte.  vsnprintf() cost several times more than everything
 * else a record needs.
 */

/*
 * Room for any run: the longest, the fields of a device_added (identity,
 * caps, origin, a creator whose comm has 16 bytes that each need \u00XX,
 * and the flags; "name_records" before them), is about 400 bytes.
 */
#define RUN_MAX		512

/* Between the runs of a device_added: "name" with the longest name escaped. */
#define NAME_FIELDS_MAX	(32 + 6 * INPUTAUDIT_NAME_CHUNK * INPUTAUDIT_NAME_CHUNKS)
_Static_assert(2 * RUN_MAX + NAME_FIELDS_MAX <= RECORD_JSON_MAX,
	       "a device_added with the longest name fits in RECORD_JSON_MAX");

/*
 * One line being written.  A run must not fail for want of room where
 * the line would fit, so a caller's buffer smaller than RECORD_JSON_MAX
 * is written through the scratch buffer and gets what fits of the line.
 */
struct line {
	struct jbuf jb;
	char *out;		/* the caller's buffer */
	size_t size;
	char scratch[RECORD_JSON_MAX];
};

static void line_start(struct line *l, char *buf, size_t size)
{
	l->out = buf;
	l->size = size;
	l->jb = (struct jbuf){ .buf = buf, .size = size };
	if (size < RECORD_JSON_MAX)
		l->jb = (struct jbuf){ .buf = l->scratch, .size = RECORD_JSON_MAX };
	l->jb.buf[0] = '\0';
}

/* The start of a run, or NULL when the line is already too long. */
static char *run(struct line *l)
{
	return jb_reserve(&l->jb, RUN_MAX);
}

/* Close the object.  Return: the line's length or -ENOSPC. */
static int line_end(struct line *l)
{
	size_t n;

	jb_lit(&l->jb, "}\n");
	if (l->jb.buf != l->out && l->size) {
		n = l->jb.len < l->size ? l->jb.len : l->size - 1;
		memcpy(l->out, l->jb.buf, n);
		l->out[n] = '\0';
	}
	if (l->jb.overflow || l->jb.len >= l->size)
		return -ENOSPC;
	return (int)l->jb.len;
}

/* ,"key":N for a string literal key. */
#define w_u64(p, key, val)	jb_wnum(jb_wlit(p, ",\"" key "\":"), val)

/* ,"key":"0xNNNN" for a string literal key. */
static char *w_hex16_(char *p, const char *prefix, size_t plen, uint16_t val)
{
	static const char hex[] = "0123456789abcdef";
	char s[7] = { '0', 'x', hex[val >> 12], hex[(val >> 8) & 15],
		      hex[(val >> 4) & 15], hex[val & 15], '"' };

	p = jb_wmem(p, prefix, plen);
	return jb_wmem(p, s, sizeof(s));
}
#define w_hex16(p, key, val) \
	w_hex16_(p, ",\"" key "\":\"", sizeof(",\"" key "\":\"") - 1, val)

/*
 * ,"key":"name" from a table of names, or ,"key":"unknown","raw_key":N
 * (key a string literal).
 */
#define w_name(p, key, names, val)					\
	w_name_val(jb_wlit(p, ",\"" key "\":\""), key, names,		\
		   ARRAY_SIZE(names), val)

/* The rest of w_name(): after the opening quote of the value. */
static char *w_name_val(char *p, const char *key, const struct jb_frag *names,
			size_t count, uint64_t val)
{
	if (val < count && names[val].len)
		return jb_wlit(jb_wfrag(p, &names[val]), "\"");
	p = jb_wlit(p, "unknown\",\"raw_");
	p = jb_wmem(p, key, strlen(key));
	p = jb_wlit(p, "\":");
	return jb_wnum(p, val);
}

/*
 * Byte i of a NUL-padded string packed little endian into two u64 words,
 * independent of the host's byte order.
 */
static uint8_t packed_byte(const __u64 *words, unsigned int i)
{
	return words[i / 8] >> (8 * (i % 8));
}

/* ,"key":"s" with s escaped: checked, s can be of any length. */
static void jb_escaped(struct jbuf *jb, const char *key, const char *s)
{
	jb_lit(jb, ",\"");
	jb_put(jb, key, strlen(key));
	jb_lit(jb, "\":\"");
	for (; *s; s++)
		jb_char(jb, (uint8_t)*s);
	jb_lit(jb, "\"");
}

/* The comm as a JSON string: at most 16 bytes, 96 escaped. */
static char *w_comm(char *p, const __u64 *words)
{
	unsigned int i;

	p = jb_wlit(p, ",\"comm\":\"");
	for (i = 0; i < 16; i++) {
		uint8_t c = packed_byte(words, i);

		if (!c)
			break;
		p = jb_wchar(p, c);
	}
	return jb_wlit(p, "\"");
}

static char *format_dev_added(char *p, const struct inputaudit_record *rec)
{
	static const struct jb_frag caps[] = {
		JB_FRAG("\"keyboard\""), JB_FRAG("\"pointer\""),
		JB_FRAG("\"touch\""), JB_FRAG("\"switch\""),
	};
	/* Hardware has no "virtual" field; the mask leaves no other value. */
	static const struct jb_frag origins[] = {
		[INPUTAUDIT_ORIGIN_UINPUT] = JB_FRAG("uinput"),
		[INPUTAUDIT_ORIGIN_UHID] = JB_FRAG("uhid"),
		[INPUTAUDIT_ORIGIN_VIRTUAL] = JB_FRAG("other"),
	};
	unsigned int origin = INPUTAUDIT_DEV_ORIGIN(rec->flags);
	uint64_t ident = rec->v[0];
	bool first = true;
	unsigned int i;

	p = w_hex16(p, "bus", INPUTAUDIT_IDENT_BUS(ident));
	p = w_hex16(p, "vendor", INPUTAUDIT_IDENT_VENDOR(ident));
	p = w_hex16(p, "product", INPUTAUDIT_IDENT_PRODUCT(ident));
	p = w_hex16(p, "version", INPUTAUDIT_IDENT_VERSION(ident));

	p = jb_wlit(p, ",\"caps\":[");
	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		if (rec->flags & (1u << i)) {
			if (!first)
				p = jb_wlit(p, ",");
			p = jb_wfrag(p, &caps[i]);
			first = false;
		}
	}
	p = jb_wlit(p, "]");

	if (origin != INPUTAUDIT_ORIGIN_HARDWARE) {
		p = jb_wlit(p, ",\"virtual\":\"");
		p = jb_wlit(jb_wfrag(p, &origins[origin]), "\"");
	}
	if (rec->flags & INPUTAUDIT_DEV_CREATOR) {
		p = jb_wlit(p, ",\"creator\":{\"pid\":");
		p = jb_wnum(p, (uint32_t)rec->v[1]);
		p = w_u64(p, "uid", (uint32_t)(rec->v[1] >> 32));
		p = w_comm(p, &rec->v[2]);
		p = jb_wlit(p, "}");
	}
	if (rec->flags & INPUTAUDIT_DEV_CREATOR_UNKNOWN)
		p = jb_wlit(p, ",\"creator_unknown\":true");
	if (rec->flags & INPUTAUDIT_DEV_PRESENT)
		p = jb_wlit(p, ",\"present\":true");
	return p;
}

static char *format_dev_removed(char *p, const struct inputaudit_record *rec)
{
	p = w_u64(p, "frames", rec->v[0]);
	return w_u64(p, "records", rec->v[1]);
}

static char *format_activity(char *p, const struct inputaudit_record *rec)
{
	p = w_u64(p, "key_presses", rec->v[0]);
	p = w_u64(p, "button_clicks", rec->v[1]);
	p = w_u64(p, "motion", rec->v[2]);
	p = w_u64(p, "touches", (uint32_t)rec->v[3]);
	return w_u64(p, "switches", (uint32_t)(rec->v[3] >> 32));
}

/* The key code: only present at level "keys" (v1 is 0 below it). */
static char *w_code(char *p, const struct inputaudit_record *rec)
{
	if (rec->v[1])
		p = w_u64(p, "code", rec->v[1]);
	return p;
}

static char *format_event(char *p, const struct inputaudit_record *rec)
{
	static const struct jb_frag kinds[] = {
		[INPUTAUDIT_EV_KEY_PRESS] = JB_FRAG("key_press"),
		[INPUTAUDIT_EV_KEY_RELEASE] = JB_FRAG("key_release"),
		[INPUTAUDIT_EV_BUTTON_PRESS] = JB_FRAG("button_press"),
		[INPUTAUDIT_EV_BUTTON_RELEASE] = JB_FRAG("button_release"),
		[INPUTAUDIT_EV_MOTION] = JB_FRAG("motion"),
		[INPUTAUDIT_EV_TOUCH_DOWN] = JB_FRAG("touch_down"),
		[INPUTAUDIT_EV_TOUCH_UP] = JB_FRAG("touch_up"),
		[INPUTAUDIT_EV_SWITCH] = JB_FRAG("switch"),
	};
	static const struct jb_frag key_classes[] = {
		[INPUTAUDIT_KEY_OTHER] = JB_FRAG("other"),
		[INPUTAUDIT_KEY_TEXT] = JB_FRAG("text"),
		[INPUTAUDIT_KEY_MODIFIER] = JB_FRAG("modifier"),
		[INPUTAUDIT_KEY_NAVIGATION] = JB_FRAG("navigation"),
		[INPUTAUDIT_KEY_EDITING] = JB_FRAG("editing"),
		[INPUTAUDIT_KEY_FUNCTION] = JB_FRAG("function"),
	};
	static const struct jb_frag button_classes[] = {
		[INPUTAUDIT_BTN_OTHER] = JB_FRAG("other"),
		[INPUTAUDIT_BTN_LEFT] = JB_FRAG("left"),
		[INPUTAUDIT_BTN_RIGHT] = JB_FRAG("right"),
		[INPUTAUDIT_BTN_MIDDLE] = JB_FRAG("middle"),
	};

	p = w_name(p, "event", kinds, rec->flags);
	switch (rec->flags) {
	case INPUTAUDIT_EV_KEY_PRESS:
	case INPUTAUDIT_EV_KEY_RELEASE:
		p = w_name(p, "class", key_classes, rec->v[0]);
		return w_code(p, rec);
	case INPUTAUDIT_EV_BUTTON_PRESS:
	case INPUTAUDIT_EV_BUTTON_RELEASE:
		p = w_name(p, "class", button_classes, rec->v[0]);
		return w_code(p, rec);
	case INPUTAUDIT_EV_MOTION:
		return w_u64(p, "count", rec->v[0]);
	case INPUTAUDIT_EV_SWITCH:
		return w_u64(p, "switch", rec->v[0]);
	default:	/* touches carry nothing; unknown kinds are named raw */
		return p;
	}
}

static char *format_config(char *p, const struct inputaudit_record *rec)
{
	static const struct jb_frag items[] = {
		[INPUTAUDIT_CFG_LEVEL] = JB_FRAG("level"),
		[INPUTAUDIT_CFG_WINDOW_MS] = JB_FRAG("window_ms"),
		[INPUTAUDIT_CFG_LOCK] = JB_FRAG("lock"),
		[INPUTAUDIT_CFG_DEV_RATE] = JB_FRAG("dev_rate"),
		[INPUTAUDIT_CFG_DEV_BURST] = JB_FRAG("dev_burst"),
		[INPUTAUDIT_CFG_GLOBAL_RATE] = JB_FRAG("global_rate"),
		[INPUTAUDIT_CFG_GLOBAL_BURST] = JB_FRAG("global_burst"),
		[INPUTAUDIT_CFG_HEARTBEAT_MS] = JB_FRAG("heartbeat_ms"),
		[INPUTAUDIT_CFG_TIME_RES_MS] = JB_FRAG("time_res_ms"),
		[INPUTAUDIT_CFG_INJECT_PRESSES] = JB_FRAG("inject_presses"),
		[INPUTAUDIT_CFG_INJECT_INTERVAL_MS] = JB_FRAG("inject_interval_ms"),
		[INPUTAUDIT_CFG_DEV_ENABLED] = JB_FRAG("enabled"),
	};
	static const struct jb_frag levels[] = {
		[INPUTAUDIT_LEVEL_OFF] = JB_FRAG("off"),
		[INPUTAUDIT_LEVEL_ACTIVITY] = JB_FRAG("activity"),
		[INPUTAUDIT_LEVEL_EVENTS] = JB_FRAG("events"),
		[INPUTAUDIT_LEVEL_KEYS] = JB_FRAG("keys"),
	};

	p = w_name(p, "item", items, rec->flags);
	if (rec->flags == INPUTAUDIT_CFG_LEVEL) {
		p = w_name(p, "old", levels, rec->v[0]);
		p = w_name(p, "new", levels, rec->v[1]);
	} else {
		p = w_u64(p, "old", rec->v[0]);
		p = w_u64(p, "new", rec->v[1]);
	}
	return w_u64(p, "uid", (uint32_t)rec->v[2]);
}

static char *format_suppressed(char *p, const struct inputaudit_record *rec)
{
	static const struct jb_frag limits[] = {
		[INPUTAUDIT_LIMIT_DEVICE] = JB_FRAG("device"),
		[INPUTAUDIT_LIMIT_GLOBAL] = JB_FRAG("global"),
	};

	p = w_name(p, "limit", limits, rec->flags);
	return w_u64(p, "frames", rec->v[0]);
}

static char *format_heartbeat(char *p, const struct inputaudit_record *rec)
{
	p = w_u64(p, "frames_seen", rec->v[0]);
	p = w_u64(p, "frames_suppressed", rec->v[1]);
	return w_u64(p, "records_unconsumed", rec->v[3]);	/* v2: reserved */
}

static char *format_blind(char *p, const struct inputaudit_record *rec)
{
	static const struct jb_frag states[] = {
		[INPUTAUDIT_BLIND_START] = JB_FRAG("start"),
		[INPUTAUDIT_BLIND_END] = JB_FRAG("end"),
	};

	p = w_name(p, "blind", states, rec->flags);
	if (rec->flags == INPUTAUDIT_BLIND_END) {
		p = w_u64(p, "duration_ns", rec->v[0]);
		if (rec->v[2] & INPUTAUDIT_BLIND_BOUND)
			p = jb_wlit(p, ",\"duration_bound\":true");
	}
	return w_u64(p, "total_ns", rec->v[1]);
}

static char *format_consumer(char *p, const struct inputaudit_record *rec)
{
	p = w_u64(p, "absent_ns", rec->v[0]);
	p = w_u64(p, "unconsumed", rec->v[1]);
	return w_u64(p, "total_absent_ns", rec->v[2]);
}

static char *format_injection(char *p, const struct inputaudit_record *rec)
{
	p = w_u64(p, "presses", rec->v[0]);
	return w_u64(p, "min_interval_ns", rec->v[1]);
}

/* The undecoded record: for unknown types and for --raw. */
static char *format_unknown(char *p, const struct inputaudit_record *rec)
{
	unsigned int i;

	p = w_u64(p, "raw_type", rec->type);
	p = w_u64(p, "flags", rec->flags);
	p = jb_wlit(p, ",\"v\":[");
	for (i = 0; i < 4; i++) {
		if (i)
			p = jb_wlit(p, ",");
		p = jb_wnum(p, rec->v[i]);
	}
	return jb_wlit(p, "]");
}

struct record_type {
	struct jb_frag name;	/* the "type" string */
	char *(*format)(char *p, const struct inputaudit_record *rec);
};

static const struct record_type record_types[] = {
	[INPUTAUDIT_REC_DEV_ADDED] = { JB_FRAG("device_added"), format_dev_added },
	[INPUTAUDIT_REC_DEV_REMOVED] = { JB_FRAG("device_removed"), format_dev_removed },
	[INPUTAUDIT_REC_ACTIVITY] = { JB_FRAG("activity"), format_activity },
	[INPUTAUDIT_REC_EVENT] = { JB_FRAG("event"), format_event },
	[INPUTAUDIT_REC_CONFIG] = { JB_FRAG("config"), format_config },
	[INPUTAUDIT_REC_SUPPRESSED] = { JB_FRAG("suppressed"), format_suppressed },
	[INPUTAUDIT_REC_HEARTBEAT] = { JB_FRAG("heartbeat"), format_heartbeat },
	[INPUTAUDIT_REC_BLIND] = { JB_FRAG("blind"), format_blind },
	[INPUTAUDIT_REC_CONSUMER] = { JB_FRAG("consumer"), format_consumer },
	[INPUTAUDIT_REC_INJECTION] = { JB_FRAG("injection"), format_injection },
};

/* Every type not above. */
static const struct record_type unknown_type = {
	JB_FRAG("unknown"), format_unknown
};

/* --raw: every record. */
static const struct record_type raw_type = {
	JB_FRAG("raw"), format_unknown
};

static const struct record_type *type_of(uint16_t type)
{
	if (type < ARRAY_SIZE(record_types) && record_types[type].name.len)
		return &record_types[type];
	return &unknown_type;
}

const char *record_json_type_name(uint16_t type)
{
	return type_of(type)->name.s;
}

/* {"seq":N,"time_ns":N,"type":"T","dev":N */
static char *w_header(char *p, const struct inputaudit_record *rec,
		      const struct record_type *t)
{
	p = jb_wlit(p, "{\"seq\":");
	p = jb_wnum(p, rec->seq);
	p = w_u64(p, "time_ns", rec->time_ns);
	p = jb_wlit(p, ",\"type\":\"");
	p = jb_wfrag(p, &t->name);
	p = jb_wlit(p, "\"");
	return w_u64(p, "dev", rec->dev_id);
}

/* A kernel record as type t, with the name fields when named. */
static int format_kernel(const struct inputaudit_record *rec,
			 const struct record_type *t, const char *dev_name,
			 bool truncated, unsigned int name_records, char *buf,
			 size_t size)
{
	struct line l;
	char *p;

	line_start(&l, buf, size);
	p = run(&l);
	if (p)
		jb_commit(&l.jb, w_header(p, rec, t));
	if (dev_name) {
		jb_escaped(&l.jb, "name", dev_name);
		if (truncated)
			jb_lit(&l.jb, ",\"name_truncated\":true");
	}
	p = run(&l);
	if (p) {
		if (name_records)
			p = w_u64(p, "name_records", name_records);
		jb_commit(&l.jb, t->format(p, rec));
	}
	return line_end(&l);
}

int record_json_format(const struct inputaudit_record *rec, char *buf,
		       size_t size)
{
	return format_kernel(rec, type_of(rec->type), NULL, false, 0, buf,
			     size);
}

int record_json_format_named(const struct inputaudit_record *rec,
			     const char *dev_name, bool truncated,
			     unsigned int name_records, char *buf, size_t size)
{
	if (rec->type != INPUTAUDIT_REC_DEV_ADDED)
		return record_json_format(rec, buf, size);
	return format_kernel(rec, type_of(rec->type), dev_name, truncated,
			     name_records, buf, size);
}

int record_json_raw(const struct inputaudit_record *rec, char *buf,
		    size_t size)
{
	return format_kernel(rec, &raw_type, NULL, false, 0, buf, size);
}

int record_json_loss(uint64_t time_ns, uint64_t first_seq, uint64_t last_seq,
		     char *buf, size_t size)
{
	struct line l;
	char *p;

	line_start(&l, buf, size);
	p = run(&l);
	if (p) {
		p = jb_wlit(p, "{\"type\":\"loss\"");
		p = w_u64(p, "time_ns", time_ns);
		p = w_u64(p, "first_seq", first_seq);
		p = w_u64(p, "last_seq", last_seq);
		jb_commit(&l.jb, w_u64(p, "missing", last_seq - first_seq + 1));
	}
	return line_end(&l);
}

int record_json_stats(const struct record_stats *stats, char *buf, size_t size)
{
	struct line l;
	char *p;

	line_start(&l, buf, size);
	p = run(&l);
	if (p) {
		p = jb_wlit(p, "{\"type\":\"stats\"");
		p = w_u64(p, "time_ns", stats->time_ns);
		p = w_u64(p, "received", stats->received);
		p = w_u64(p, "lost", stats->lost);
		p = w_u64(p, "duplicates", stats->duplicates);
		p = w_u64(p, "ring_drops", stats->ring_drops);
		p = w_u64(p, "bpf_submitted", stats->bpf_submitted);
		p = w_u64(p, "policy_dropped", stats->policy_dropped);
		if (stats->final)
			p = jb_wlit(p, ",\"final\":true");
		else
			p = jb_wlit(p, ",\"final\":false");
		jb_commit(&l.jb, p);
	}
	return line_end(&l);
}

/* {"time_ns":N,"type":"T" of a daemon line, T a string literal. */
#define w_daemon_head(p, time_ns, type)					\
	jb_wlit(jb_wnum(jb_wlit(p, "{\"time_ns\":"), time_ns),		\
		",\"type\":\"" type "\"")

int record_json_alert(const struct record_alert *alert, char *buf, size_t size)
{
	struct line l;
	char *p;

	line_start(&l, buf, size);
	p = run(&l);
	if (p)
		jb_commit(&l.jb, w_daemon_head(p, alert->time_ns, "alert"));
	jb_escaped(&l.jb, "reason", alert->reason);
	p = run(&l);
	if (p) {
		p = w_u64(p, "dev", alert->dev);
		if (alert->ref_seq)
			p = w_u64(p, "ref_seq", alert->ref_seq);
		jb_commit(&l.jb, p);
	}
	if (alert->rule)
		jb_escaped(&l.jb, "rule", alert->rule);
	return line_end(&l);
}

int record_json_sink_error(uint64_t time_ns, const char *sink, const char *op,
			   int err, uint64_t failures, char *buf, size_t size)
{
	struct line l;
	char *p;

	line_start(&l, buf, size);
	p = run(&l);
	if (p)
		jb_commit(&l.jb, w_daemon_head(p, time_ns, "sink_error"));
	jb_escaped(&l.jb, "sink", sink);
	jb_escaped(&l.jb, "op", op);
	p = run(&l);
	if (p)
		jb_commit(&l.jb, w_u64(p, "errno", (uint64_t)(err < 0 ? -err : err)));
	p = run(&l);
	if (p)
		jb_commit(&l.jb, w_u64(p, "failures", failures));
	return line_end(&l);
}

int record_json_sink_loss(uint64_t time_ns, const char *sink, uint64_t dropped,
			  bool pending, char *buf, size_t size)
{
	struct line l;
	char *p;

	line_start(&l, buf, size);
	p = run(&l);
	if (p)
		jb_commit(&l.jb, w_daemon_head(p, time_ns, "sink_loss"));
	jb_escaped(&l.jb, "sink", sink);
	p = run(&l);
	if (p)
		jb_commit(&l.jb, w_u64(p, "dropped", dropped));
	if (pending) {
		p = run(&l);
		if (p)
			jb_commit(&l.jb, jb_wlit(p, ",\"pending\":true"));
	}
	return line_end(&l);
}

/* A u64 field (key: a literal), if there is room. */
#define put_u64(l, key, v) do {						\
	char *p_ = run(l);						\
									\
	if (p_)								\
		jb_commit(&(l)->jb, w_u64(p_, key, v));			\
} while (0)

int record_json_sink_gap(uint64_t time_ns, const struct record_sink_gap *g,
			 bool gap_line, char *buf, size_t size)
{
	struct line l;
	char *p;

	line_start(&l, buf, size);
	p = run(&l);
	if (p && gap_line)
		jb_commit(&l.jb, w_daemon_head(p, time_ns, "sink_gap"));
	else if (p)
		jb_commit(&l.jb, w_daemon_head(p, time_ns, "sink_loss"));
	jb_escaped(&l.jb, "sink", g->sink);
	put_u64(&l, "dropped", g->dropped);
	put_u64(&l, "first_n", g->first_n);
	put_u64(&l, "last_n", g->last_n);
	put_u64(&l, "first_time_ns", g->first_time_ns);
	put_u64(&l, "last_time_ns", g->last_time_ns);
	put_u64(&l, "errno", (uint64_t)(g->err < 0 ? -g->err : g->err));
	if (gap_line && g->prev_chain && g->resume_chain) {
		jb_escaped(&l.jb, "prev_chain", g->prev_chain);
		jb_escaped(&l.jb, "resume_chain", g->resume_chain);
	}
	return line_end(&l);
}

int record_json_sink_space_low(uint64_t time_ns, const char *sink, uint64_t free,
			       uint64_t space_left, char *buf, size_t size)
{
	struct line l;
	char *p;

	line_start(&l, buf, size);
	p = run(&l);
	if (p)
		jb_commit(&l.jb, w_daemon_head(p, time_ns, "sink_space_low"));
	jb_escaped(&l.jb, "sink", sink);
	put_u64(&l, "free", free);
	put_u64(&l, "space_left", space_left);
	return line_end(&l);
}

int record_json_sink_insecure(uint64_t time_ns, const char *sink, const char *peer,
			      char *buf, size_t size)
{
	struct line l;
	char *p;

	line_start(&l, buf, size);
	p = run(&l);
	if (p)
		jb_commit(&l.jb, w_daemon_head(p, time_ns, "sink_insecure"));
	jb_escaped(&l.jb, "sink", sink);
	jb_escaped(&l.jb, "transport", "tcp");
	jb_escaped(&l.jb, "peer", peer);
	return line_end(&l);
}

int record_json_sink_tls_failure(uint64_t time_ns, const char *sink, const char *peer,
				 const char *reason, uint64_t failures, char *buf,
				 size_t size)
{
	struct line l;
	char *p;

	line_start(&l, buf, size);
	p = run(&l);
	if (p)
		jb_commit(&l.jb, w_daemon_head(p, time_ns, "sink_tls_failure"));
	jb_escaped(&l.jb, "sink", sink);
	jb_escaped(&l.jb, "peer", peer);
	jb_escaped(&l.jb, "reason", reason);
	put_u64(&l, "failures", failures);
	return line_end(&l);
}

int record_json_sink_disconnect(uint64_t time_ns, const char *sink, uint64_t first_n,
				uint64_t last_n, uint64_t lines, char *buf, size_t size)
{
	struct line l;
	char *p;

	line_start(&l, buf, size);
	p = run(&l);
	if (p)
		jb_commit(&l.jb, w_daemon_head(p, time_ns, "sink_disconnect"));
	jb_escaped(&l.jb, "sink", sink);
	put_u64(&l, "first_n", first_n);
	put_u64(&l, "last_n", last_n);
	put_u64(&l, "lines", lines);
	return line_end(&l);
}
