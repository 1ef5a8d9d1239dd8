// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Format records as JSON Lines; the schema is in record_json.h.  Pure
 * functions writing into the caller's buffer: no allocation, no I/O.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "jbuf.h"
#include "record_json.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static void jb_u64(struct jbuf *jb, const char *key, uint64_t val)
{
	jb_printf(jb, ",\"%s\":%" PRIu64, key, val);
}

static void jb_str(struct jbuf *jb, const char *key, const char *val)
{
	jb_printf(jb, ",\"%s\":\"%s\"", key, val);
}

static void jb_hex16(struct jbuf *jb, const char *key, uint16_t val)
{
	jb_printf(jb, ",\"%s\":\"0x%04x\"", key, val);
}

/* "key":"name" from a table, or "key":"unknown","raw_key":N. */
static void jb_name(struct jbuf *jb, const char *key, const char *const *names,
		    size_t count, uint64_t val)
{
	if (val < count && names[val]) {
		jb_str(jb, key, names[val]);
		return;
	}
	jb_str(jb, key, "unknown");
	jb_printf(jb, ",\"raw_%s\":%" PRIu64, key, val);
}

static int jb_finish(struct jbuf *jb)
{
	jb_printf(jb, "}\n");
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
	jb_printf(jb, ",\"%s\":\"", key);
	for (; *s; s++)
		jb_char(jb, (uint8_t)*s);
	jb_printf(jb, "\"");
}

/* The comm as a JSON string. */
static void jb_comm(struct jbuf *jb, const __u64 *words)
{
	unsigned int i;

	jb_printf(jb, ",\"comm\":\"");
	for (i = 0; i < 16; i++) {
		uint8_t c = packed_byte(words, i);

		if (!c)
			break;
		jb_char(jb, c);
	}
	jb_printf(jb, "\"");
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

	jb_printf(jb, ",\"caps\":[");
	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		if (rec->flags & (1u << i)) {
			jb_printf(jb, "%s\"%s\"", sep, caps[i]);
			sep = ",";
		}
	}
	jb_printf(jb, "]");

	if (!(rec->flags & INPUTAUDIT_DEV_CREATOR))
		return;
	jb_printf(jb, ",\"creator\":{\"pid\":%" PRIu32 ",\"uid\":%" PRIu32,
		  (uint32_t)rec->v[1], (uint32_t)(rec->v[1] >> 32));
	jb_comm(jb, &rec->v[2]);
	jb_printf(jb, "}");
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
	static const char *const kinds[] = {
		[INPUTAUDIT_EV_KEY_PRESS] = "key_press",
		[INPUTAUDIT_EV_KEY_RELEASE] = "key_release",
		[INPUTAUDIT_EV_BUTTON_PRESS] = "button_press",
		[INPUTAUDIT_EV_BUTTON_RELEASE] = "button_release",
		[INPUTAUDIT_EV_MOTION] = "motion",
		[INPUTAUDIT_EV_TOUCH_DOWN] = "touch_down",
		[INPUTAUDIT_EV_TOUCH_UP] = "touch_up",
		[INPUTAUDIT_EV_SWITCH] = "switch",
	};
	static const char *const key_classes[] = {
		[INPUTAUDIT_KEY_OTHER] = "other",
		[INPUTAUDIT_KEY_TEXT] = "text",
		[INPUTAUDIT_KEY_MODIFIER] = "modifier",
		[INPUTAUDIT_KEY_NAVIGATION] = "navigation",
		[INPUTAUDIT_KEY_EDITING] = "editing",
		[INPUTAUDIT_KEY_FUNCTION] = "function",
	};
	static const char *const button_classes[] = {
		[INPUTAUDIT_BTN_OTHER] = "other",
		[INPUTAUDIT_BTN_LEFT] = "left",
		[INPUTAUDIT_BTN_RIGHT] = "right",
		[INPUTAUDIT_BTN_MIDDLE] = "middle",
	};

	jb_name(jb, "event", kinds, ARRAY_SIZE(kinds), rec->flags);
	switch (rec->flags) {
	case INPUTAUDIT_EV_KEY_PRESS:
	case INPUTAUDIT_EV_KEY_RELEASE:
		jb_name(jb, "class", key_classes, ARRAY_SIZE(key_classes),
			rec->v[0]);
		jb_code(jb, rec);
		break;
	case INPUTAUDIT_EV_BUTTON_PRESS:
	case INPUTAUDIT_EV_BUTTON_RELEASE:
		jb_name(jb, "class", button_classes, ARRAY_SIZE(button_classes),
			rec->v[0]);
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
	static const char *const items[] = {
		[INPUTAUDIT_CFG_LEVEL] = "level",
		[INPUTAUDIT_CFG_WINDOW_MS] = "window_ms",
		[INPUTAUDIT_CFG_LOCK] = "lock",
		[INPUTAUDIT_CFG_DEV_RATE] = "dev_rate",
		[INPUTAUDIT_CFG_DEV_BURST] = "dev_burst",
		[INPUTAUDIT_CFG_GLOBAL_RATE] = "global_rate",
		[INPUTAUDIT_CFG_GLOBAL_BURST] = "global_burst",
		[INPUTAUDIT_CFG_HEARTBEAT_MS] = "heartbeat_ms",
		[INPUTAUDIT_CFG_TIME_RES_MS] = "time_res_ms",
		[INPUTAUDIT_CFG_INJECT_PRESSES] = "inject_presses",
		[INPUTAUDIT_CFG_INJECT_INTERVAL_MS] = "inject_interval_ms",
		[INPUTAUDIT_CFG_DEV_ENABLED] = "enabled",
	};
	static const char *const levels[] = {
		[INPUTAUDIT_LEVEL_OFF] = "off",
		[INPUTAUDIT_LEVEL_ACTIVITY] = "activity",
		[INPUTAUDIT_LEVEL_EVENTS] = "events",
		[INPUTAUDIT_LEVEL_KEYS] = "keys",
	};

	jb_name(jb, "item", items, ARRAY_SIZE(items), rec->flags);
	if (rec->flags == INPUTAUDIT_CFG_LEVEL) {
		jb_name(jb, "old", levels, ARRAY_SIZE(levels), rec->v[0]);
		jb_name(jb, "new", levels, ARRAY_SIZE(levels), rec->v[1]);
	} else {
		jb_u64(jb, "old", rec->v[0]);
		jb_u64(jb, "new", rec->v[1]);
	}
	jb_u64(jb, "uid", (uint32_t)rec->v[2]);
}

static void format_suppressed(struct jbuf *jb,
			      const struct inputaudit_record *rec)
{
	static const char *const limits[] = {
		[INPUTAUDIT_LIMIT_DEVICE] = "device",
		[INPUTAUDIT_LIMIT_GLOBAL] = "global",
	};

	jb_name(jb, "limit", limits, ARRAY_SIZE(limits), rec->flags);
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
	static const char *const states[] = {
		[INPUTAUDIT_BLIND_START] = "start",
		[INPUTAUDIT_BLIND_END] = "end",
	};

	jb_name(jb, "blind", states, ARRAY_SIZE(states), rec->flags);
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
	jb_printf(jb, ",\"v\":[%llu,%llu,%llu,%llu]", rec->v[0], rec->v[1],
		  rec->v[2], rec->v[3]);
}

static const struct {
	const char *name;
	void (*format)(struct jbuf *jb, const struct inputaudit_record *rec);
} record_types[] = {
	[INPUTAUDIT_REC_DEV_ADDED] = { "device_added", format_dev_added },
	[INPUTAUDIT_REC_DEV_REMOVED] = { "device_removed", format_dev_removed },
	[INPUTAUDIT_REC_ACTIVITY] = { "activity", format_activity },
	[INPUTAUDIT_REC_EVENT] = { "event", format_event },
	[INPUTAUDIT_REC_CONFIG] = { "config", format_config },
	[INPUTAUDIT_REC_SUPPRESSED] = { "suppressed", format_suppressed },
	[INPUTAUDIT_REC_HEARTBEAT] = { "heartbeat", format_heartbeat },
	[INPUTAUDIT_REC_BLIND] = { "blind", format_blind },
	[INPUTAUDIT_REC_CONSUMER] = { "consumer", format_consumer },
	[INPUTAUDIT_REC_INJECTION] = { "injection", format_injection },
};

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
	const char *name = "unknown";
	void (*format)(struct jbuf *, const struct inputaudit_record *);

	if (!size)
		return -ENOSPC;
	buf[0] = '\0';

	format = format_unknown;
	if (rec->type < ARRAY_SIZE(record_types) && record_types[rec->type].name) {
		name = record_types[rec->type].name;
		format = record_types[rec->type].format;
	}

	jb_printf(&jb, "{\"seq\":%llu", rec->seq);
	jb_u64(&jb, "time_ns", rec->time_ns);
	jb_str(&jb, "type", name);
	jb_u64(&jb, "dev", rec->dev_id);
	if (dev_name && rec->type == INPUTAUDIT_REC_DEV_ADDED) {
		jb_escaped(&jb, "name", dev_name);
		if (truncated)
			jb_printf(&jb, ",\"name_truncated\":true");
	}
	if (name_records && rec->type == INPUTAUDIT_REC_DEV_ADDED)
		jb_u64(&jb, "name_records", name_records);
	format(&jb, rec);
	return jb_finish(&jb);
}

int record_json_raw(const struct inputaudit_record *rec, char *buf,
		    size_t size)
{
	struct jbuf jb = { .buf = buf, .size = size };

	if (!size)
		return -ENOSPC;
	buf[0] = '\0';
	jb_printf(&jb, "{\"seq\":%llu", rec->seq);
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
	jb_printf(&jb, "{\"type\":\"loss\"");
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
	jb_printf(&jb, "{\"type\":\"stats\"");
	jb_u64(&jb, "time_ns", stats->time_ns);
	jb_u64(&jb, "received", stats->received);
	jb_u64(&jb, "lost", stats->lost);
	jb_u64(&jb, "duplicates", stats->duplicates);
	jb_u64(&jb, "ring_drops", stats->ring_drops);
	jb_u64(&jb, "bpf_submitted", stats->bpf_submitted);
	jb_u64(&jb, "policy_dropped", stats->policy_dropped);
	jb_printf(&jb, ",\"final\":%s", stats->final ? "true" : "false");
	return jb_finish(&jb);
}

int record_json_alert(const struct record_alert *alert, char *buf, size_t size)
{
	struct jbuf jb = { .buf = buf, .size = size };

	if (!size)
		return -ENOSPC;
	buf[0] = '\0';
	jb_printf(&jb, "{\"time_ns\":%" PRIu64, alert->time_ns);
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
	jb_printf(&jb, "{\"time_ns\":%" PRIu64, time_ns);
	jb_str(&jb, "type", "sink_loss");
	jb_escaped(&jb, "sink", sink);
	jb_u64(&jb, "dropped", dropped);
	return jb_finish(&jb);
}
