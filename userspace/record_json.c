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
 * This is the daemon's hot path: fields are appended with jb_put() (plain
 * copies), names from tables of jb_frag (no strlen(), an inlined copy)
 * and jb_num(); vsnprintf() cost several times more than everything else
 * a record needs.
 */

static void jb_cstr(struct jbuf *jb, const char *s)
{
	jb_put(jb, s, strlen(s));
}

/* ,"key":N for a string literal key. */
#define jb_u64(jb, key, val) do {				\
	jb_lit(jb, ",\"" key "\":");				\
	jb_num(jb, val);					\
} while (0)

/* ,"key":"val" (neither needs escaping), with one room check. */
static void jb_str(struct jbuf *jb, const char *key, const char *val)
{
	size_t kl = strlen(key), vl = strlen(val), n = kl + vl + 6;
	char *p;

	if (jb->overflow)
		return;
	if (n >= jb->size - jb->len) {
		jb->overflow = true;
		return;
	}
	p = jb->buf + jb->len;
	*p++ = ',';
	*p++ = '"';
	memcpy(p, key, kl);
	p += kl;
	*p++ = '"';
	*p++ = ':';
	*p++ = '"';
	memcpy(p, val, vl);
	p += vl;
	*p++ = '"';
	*p = '\0';
	jb->len += n;
}

/* ,"key":"0xNNNN" for a string literal key. */
static void jb_hex16_(struct jbuf *jb, const char *prefix, size_t plen,
		      uint16_t val)
{
	static const char hex[] = "0123456789abcdef";
	char s[8] = { '0', 'x', hex[val >> 12], hex[(val >> 8) & 15],
		      hex[(val >> 4) & 15], hex[val & 15], '"' };

	jb_put(jb, prefix, plen);
	jb_put(jb, s, 7);
}
#define jb_hex16(jb, key, val) \
	jb_hex16_(jb, ",\"" key "\":\"", sizeof(",\"" key "\":\"") - 1, val)

/*
 * ,"key":"name" from a table of names, or ,"key":"unknown","raw_key":N
 * (key a string literal).
 */
#define jb_name(jb, key, names, val) do {				\
	jb_lit(jb, ",\"" key "\":\"");					\
	jb_name_val(jb, key, names, ARRAY_SIZE(names), val);		\
} while (0)

/* The rest of jb_name(): after the opening quote of the value. */
static void jb_name_val(struct jbuf *jb, const char *key,
			const struct jb_frag *names, size_t count, uint64_t val)
{
	if (val < count && names[val].len) {
		jb_frag(jb, &names[val]);
		jb_lit(jb, "\"");
		return;
	}
	jb_lit(jb, "unknown\",\"raw_");
	jb_cstr(jb, key);
	jb_lit(jb, "\":");
	jb_num(jb, val);
}

static int jb_finish(struct jbuf *jb)
{
	jb_lit(jb, "}\n");
	if (jb->overflow)
		return -ENOSPC;
	return (int)jb->len;
}

/*
 * Byte i of a NUL-padded string packed little endian into two u64 words,
 * independent of the host's byte order.
 */
static uint8_t packed_byte(const __u64 *words, unsigned int i)
{
	return words[i / 8] >> (8 * (i % 8));
}

/* ,"key":"s" with s escaped. */
static void jb_escaped(struct jbuf *jb, const char *key, const char *s)
{
	jb_lit(jb, ",\"");
	jb_cstr(jb, key);
	jb_lit(jb, "\":\"");
	for (; *s; s++)
		jb_char(jb, (uint8_t)*s);
	jb_lit(jb, "\"");
}

/* The comm as a JSON string. */
static void jb_comm(struct jbuf *jb, const __u64 *words)
{
	unsigned int i;

	jb_lit(jb, ",\"comm\":\"");
	for (i = 0; i < 16; i++) {
		uint8_t c = packed_byte(words, i);

		if (!c)
			break;
		jb_char(jb, c);
	}
	jb_lit(jb, "\"");
}

static void format_dev_added(struct jbuf *jb, const struct inputaudit_record *rec)
{
	static const char *const caps[] = {
		"keyboard", "pointer", "touch", "switch",
	};
	uint64_t ident = rec->v[0];
	const char *sep = "";
	unsigned int i;

	jb_hex16(jb, "bus", INPUTAUDIT_IDENT_BUS(ident));
	jb_hex16(jb, "vendor", INPUTAUDIT_IDENT_VENDOR(ident));
	jb_hex16(jb, "product", INPUTAUDIT_IDENT_PRODUCT(ident));
	jb_hex16(jb, "version", INPUTAUDIT_IDENT_VERSION(ident));

	jb_lit(jb, ",\"caps\":[");
	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		if (rec->flags & (1u << i)) {
			jb_cstr(jb, sep);
			jb_lit(jb, "\"");
			jb_cstr(jb, caps[i]);
			jb_lit(jb, "\"");
			sep = ",";
		}
	}
	jb_lit(jb, "]");

	if (!(rec->flags & INPUTAUDIT_DEV_CREATOR))
		return;
	jb_lit(jb, ",\"creator\":{\"pid\":");
	jb_num(jb, (uint32_t)rec->v[1]);
	jb_u64(jb, "uid", (uint32_t)(rec->v[1] >> 32));
	jb_comm(jb, &rec->v[2]);
	jb_lit(jb, "}");
}

static void format_dev_removed(struct jbuf *jb, const struct inputaudit_record *rec)
{
	jb_u64(jb, "frames", rec->v[0]);
	jb_u64(jb, "records", rec->v[1]);
}

static void format_activity(struct jbuf *jb, const struct inputaudit_record *rec)
{
	jb_u64(jb, "key_presses", rec->v[0]);
	jb_u64(jb, "button_clicks", rec->v[1]);
	jb_u64(jb, "motion", rec->v[2]);
	jb_u64(jb, "touches", (uint32_t)rec->v[3]);
	jb_u64(jb, "switches", (uint32_t)(rec->v[3] >> 32));
}

/* The key code: only present at level "keys" (v1 is 0 below it). */
static void jb_code(struct jbuf *jb, const struct inputaudit_record *rec)
{
	if (rec->v[1])
		jb_u64(jb, "code", rec->v[1]);
}

static void format_event(struct jbuf *jb, const struct inputaudit_record *rec)
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

	jb_name(jb, "event", kinds, rec->flags);
	switch (rec->flags) {
	case INPUTAUDIT_EV_KEY_PRESS:
	case INPUTAUDIT_EV_KEY_RELEASE:
		jb_name(jb, "class", key_classes, rec->v[0]);
		jb_code(jb, rec);
		break;
	case INPUTAUDIT_EV_BUTTON_PRESS:
	case INPUTAUDIT_EV_BUTTON_RELEASE:
		jb_name(jb, "class", button_classes, rec->v[0]);
		jb_code(jb, rec);
		break;
	case INPUTAUDIT_EV_MOTION:
		jb_u64(jb, "count", rec->v[0]);
		break;
	case INPUTAUDIT_EV_SWITCH:
		jb_u64(jb, "switch", rec->v[0]);
		break;
	default:	/* touches carry nothing; unknown kinds are named raw */
		break;
	}
}

static void format_config(struct jbuf *jb, const struct inputaudit_record *rec)
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

	jb_name(jb, "item", items, rec->flags);
	if (rec->flags == INPUTAUDIT_CFG_LEVEL) {
		jb_name(jb, "old", levels, rec->v[0]);
		jb_name(jb, "new", levels, rec->v[1]);
	} else {
		jb_u64(jb, "old", rec->v[0]);
		jb_u64(jb, "new", rec->v[1]);
	}
	jb_u64(jb, "uid", (uint32_t)rec->v[2]);
}

static void format_suppressed(struct jbuf *jb,
			      const struct inputaudit_record *rec)
{
	static const struct jb_frag limits[] = {
		[INPUTAUDIT_LIMIT_DEVICE] = JB_FRAG("device"),
		[INPUTAUDIT_LIMIT_GLOBAL] = JB_FRAG("global"),
	};

	jb_name(jb, "limit", limits, rec->flags);
	jb_u64(jb, "frames", rec->v[0]);
}

static void format_heartbeat(struct jbuf *jb,
			     const struct inputaudit_record *rec)
{
	jb_u64(jb, "frames_seen", rec->v[0]);
	jb_u64(jb, "frames_suppressed", rec->v[1]);
	jb_u64(jb, "frames_filtered", rec->v[2]);
	jb_u64(jb, "records_unconsumed", rec->v[3]);
}

static void format_blind(struct jbuf *jb, const struct inputaudit_record *rec)
{
	static const struct jb_frag states[] = {
		[INPUTAUDIT_BLIND_START] = JB_FRAG("start"),
		[INPUTAUDIT_BLIND_END] = JB_FRAG("end"),
	};

	jb_name(jb, "blind", states, rec->flags);
	if (rec->flags == INPUTAUDIT_BLIND_END)
		jb_u64(jb, "duration_ns", rec->v[0]);
	jb_u64(jb, "total_ns", rec->v[1]);
}

static void format_consumer(struct jbuf *jb,
			    const struct inputaudit_record *rec)
{
	jb_u64(jb, "absent_ns", rec->v[0]);
	jb_u64(jb, "unconsumed", rec->v[1]);
	jb_u64(jb, "total_absent_ns", rec->v[2]);
}

static void format_injection(struct jbuf *jb,
			     const struct inputaudit_record *rec)
{
	jb_u64(jb, "presses", rec->v[0]);
	jb_u64(jb, "min_interval_ns", rec->v[1]);
}

/* The undecoded record: for unknown types and for --raw. */
static void format_unknown(struct jbuf *jb, const struct inputaudit_record *rec)
{
	jb_u64(jb, "raw_type", rec->type);
	jb_u64(jb, "flags", rec->flags);
	jb_lit(jb, ",\"v\":[");
	jb_num(jb, rec->v[0]);
	jb_lit(jb, ",");
	jb_num(jb, rec->v[1]);
	jb_lit(jb, ",");
	jb_num(jb, rec->v[2]);
	jb_lit(jb, ",");
	jb_num(jb, rec->v[3]);
	jb_lit(jb, "]");
}

struct record_type {
	struct jb_frag name;	/* the "type" string */
	void (*format)(struct jbuf *jb, const struct inputaudit_record *rec);
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

int record_json_format(const struct inputaudit_record *rec, char *buf,
		       size_t size)
{
	return record_json_format_named(rec, NULL, false, 0, buf, size);
}

int record_json_format_named(const struct inputaudit_record *rec,
			     const char *dev_name, bool truncated,
			     unsigned int name_records, char *buf, size_t size)
{
	struct jbuf jb = { .buf = buf, .size = size };
	const struct record_type *t = type_of(rec->type);

	if (!size)
		return -ENOSPC;
	buf[0] = '\0';

	jb_lit(&jb, "{\"seq\":");
	jb_num(&jb, rec->seq);
	jb_u64(&jb, "time_ns", rec->time_ns);
	jb_lit(&jb, ",\"type\":\"");
	jb_frag(&jb, &t->name);
	jb_lit(&jb, "\"");
	jb_u64(&jb, "dev", rec->dev_id);
	if (dev_name && rec->type == INPUTAUDIT_REC_DEV_ADDED) {
		jb_escaped(&jb, "name", dev_name);
		if (truncated)
			jb_lit(&jb, ",\"name_truncated\":true");
	}
	if (name_records && rec->type == INPUTAUDIT_REC_DEV_ADDED)
		jb_u64(&jb, "name_records", name_records);
	t->format(&jb, rec);
	return jb_finish(&jb);
}

int record_json_raw(const struct inputaudit_record *rec, char *buf,
		    size_t size)
{
	struct jbuf jb = { .buf = buf, .size = size };

	if (!size)
		return -ENOSPC;
	buf[0] = '\0';
	jb_lit(&jb, "{\"seq\":");
	jb_num(&jb, rec->seq);
	jb_u64(&jb, "time_ns", rec->time_ns);
	jb_str(&jb, "type", "raw");
	jb_u64(&jb, "dev", rec->dev_id);
	format_unknown(&jb, rec);
	return jb_finish(&jb);
}

int record_json_loss(uint64_t time_ns, uint64_t first_seq, uint64_t last_seq,
		     char *buf, size_t size)
{
	struct jbuf jb = { .buf = buf, .size = size };

	if (!size)
		return -ENOSPC;
	buf[0] = '\0';
	jb_lit(&jb, "{\"type\":\"loss\"");
	jb_u64(&jb, "time_ns", time_ns);
	jb_u64(&jb, "first_seq", first_seq);
	jb_u64(&jb, "last_seq", last_seq);
	jb_u64(&jb, "missing", last_seq - first_seq + 1);
	return jb_finish(&jb);
}

int record_json_stats(const struct record_stats *stats, char *buf, size_t size)
{
	struct jbuf jb = { .buf = buf, .size = size };

	if (!size)
		return -ENOSPC;
	buf[0] = '\0';
	jb_lit(&jb, "{\"type\":\"stats\"");
	jb_u64(&jb, "time_ns", stats->time_ns);
	jb_u64(&jb, "received", stats->received);
	jb_u64(&jb, "lost", stats->lost);
	jb_u64(&jb, "duplicates", stats->duplicates);
	jb_u64(&jb, "ring_drops", stats->ring_drops);
	jb_u64(&jb, "bpf_submitted", stats->bpf_submitted);
	jb_u64(&jb, "policy_dropped", stats->policy_dropped);
	if (stats->final)
		jb_lit(&jb, ",\"final\":true");
	else
		jb_lit(&jb, ",\"final\":false");
	return jb_finish(&jb);
}

int record_json_alert(const struct record_alert *alert, char *buf, size_t size)
{
	struct jbuf jb = { .buf = buf, .size = size };

	if (!size)
		return -ENOSPC;
	buf[0] = '\0';
	jb_lit(&jb, "{\"time_ns\":");
	jb_num(&jb, alert->time_ns);
	jb_str(&jb, "type", "alert");
	jb_escaped(&jb, "reason", alert->reason);
	jb_u64(&jb, "dev", alert->dev);
	if (alert->ref_seq)
		jb_u64(&jb, "ref_seq", alert->ref_seq);
	if (alert->rule)
		jb_escaped(&jb, "rule", alert->rule);
	return jb_finish(&jb);
}

int record_json_sink_loss(uint64_t time_ns, const char *sink, uint64_t dropped,
			  char *buf, size_t size)
{
	struct jbuf jb = { .buf = buf, .size = size };

	if (!size)
		return -ENOSPC;
	buf[0] = '\0';
	jb_lit(&jb, "{\"time_ns\":");
	jb_num(&jb, time_ns);
	jb_str(&jb, "type", "sink_loss");
	jb_escaped(&jb, "sink", sink);
	jb_u64(&jb, "dropped", dropped);
	return jb_finish(&jb);
}
