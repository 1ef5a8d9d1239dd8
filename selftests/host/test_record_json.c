// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Unit tests for userspace/daemon/record_json.c: one JSON line per record type. */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "record_json.h"

/* Pack a comm the way the module does: 16 bytes, NUL padded, little endian. */
static void pack_comm(struct inputaudit_record *rec, const char *comm, size_t len)
{
	unsigned int i;

	rec->v[2] = 0;
	rec->v[3] = 0;
	for (i = 0; i < len && i < 16; i++)
		rec->v[2 + i / 8] |= (__u64)(unsigned char)comm[i] << (8 * (i % 8));
}

static const char *format(const struct inputaudit_record *rec, char *buf)
{
	int len = record_json_format(rec, buf, RECORD_JSON_MAX);

	return len < 0 ? "(error)" : buf;
}

/* A device added by a process names bus/ids in hex, its caps, and its creator. */
TEST(device_added_with_creator)
{
	struct inputaudit_record rec = {
		.seq = 7, .time_ns = 123456789, .type = INPUTAUDIT_REC_DEV_ADDED,
		.flags = INPUTAUDIT_DEV_KEYBOARD | INPUTAUDIT_DEV_SWITCH |
			 INPUTAUDIT_DEV_CREATOR,
		.dev_id = 3,
		.v = { INPUTAUDIT_IDENT(0x03, 0x046d, 0xc31c, 0x0110),
		       (__u64)1000 << 32 | 4242 },
	};
	char buf[RECORD_JSON_MAX];

	pack_comm(&rec, "python3", 7);
	EXPECT_STREQ("{\"seq\":7,\"time_ns\":123456789,\"type\":\"device_added\","
		     "\"dev\":3,\"bus\":\"0x0003\",\"vendor\":\"0x046d\","
		     "\"product\":\"0xc31c\",\"version\":\"0x0110\","
		     "\"caps\":[\"keyboard\",\"switch\"],"
		     "\"creator\":{\"pid\":4242,\"uid\":1000,\"comm\":\"python3\"}}\n",
		     format(&rec, buf));
}

/* A device nobody registered has no creator object, and empty caps stay an array. */
TEST(device_added_without_creator)
{
	struct inputaudit_record rec = {
		.seq = 1, .time_ns = 5, .type = INPUTAUDIT_REC_DEV_ADDED,
		.dev_id = 1,
		.v = { INPUTAUDIT_IDENT(0x11, 0x0001, 0x0001, 0xab41),
		       (__u64)INPUTAUDIT_NO_CREATOR << 32 | INPUTAUDIT_NO_CREATOR },
	};
	char buf[RECORD_JSON_MAX];

	EXPECT_STREQ("{\"seq\":1,\"time_ns\":5,\"type\":\"device_added\","
		     "\"dev\":1,\"bus\":\"0x0011\",\"vendor\":\"0x0001\","
		     "\"product\":\"0x0001\",\"version\":\"0xab41\",\"caps\":[]}\n",
		     format(&rec, buf));
}

/* A device made through uinput names its origin before its creator. */
TEST(device_added_uinput)
{
	struct inputaudit_record rec = {
		.seq = 7, .time_ns = 8, .type = INPUTAUDIT_REC_DEV_ADDED,
		.flags = INPUTAUDIT_DEV_KEYBOARD | INPUTAUDIT_DEV_CREATOR |
			 INPUTAUDIT_ORIGIN_UINPUT << INPUTAUDIT_DEV_ORIGIN_SHIFT,
		.dev_id = 3,
		.v = { INPUTAUDIT_IDENT(0x06, 0x1d6b, 0x0104, 0x0001),
		       (__u64)0 << 32 | 117 },
	};
	char buf[RECORD_JSON_MAX];

	pack_comm(&rec, "ia-type", 7);
	EXPECT_STREQ("{\"seq\":7,\"time_ns\":8,\"type\":\"device_added\","
		     "\"dev\":3,\"bus\":\"0x0006\",\"vendor\":\"0x1d6b\","
		     "\"product\":\"0x0104\",\"version\":\"0x0001\","
		     "\"caps\":[\"keyboard\"],\"virtual\":\"uinput\","
		     "\"creator\":{\"pid\":117,\"uid\":0,\"comm\":\"ia-type\"}}\n",
		     format(&rec, buf));
}

/*
 * A uhid keyboard claiming a USB id whose creator the kernel could not name
 * says so: "virtual":"uhid" and "creator_unknown", no creator object.
 */
TEST(device_added_uhid_creator_unknown)
{
	struct inputaudit_record rec = {
		.seq = 7, .time_ns = 8, .type = INPUTAUDIT_REC_DEV_ADDED,
		.flags = INPUTAUDIT_DEV_KEYBOARD | INPUTAUDIT_DEV_CREATOR_UNKNOWN |
			 INPUTAUDIT_ORIGIN_UHID << INPUTAUDIT_DEV_ORIGIN_SHIFT,
		.dev_id = 3,
		.v = { INPUTAUDIT_IDENT(0x03, 0x046d, 0xc31c, 0x0110),
		       (__u64)INPUTAUDIT_NO_CREATOR << 32 | INPUTAUDIT_NO_CREATOR },
	};
	char buf[RECORD_JSON_MAX];

	EXPECT_STREQ("{\"seq\":7,\"time_ns\":8,\"type\":\"device_added\","
		     "\"dev\":3,\"bus\":\"0x0003\",\"vendor\":\"0x046d\","
		     "\"product\":\"0xc31c\",\"version\":\"0x0110\","
		     "\"caps\":[\"keyboard\"],\"virtual\":\"uhid\","
		     "\"creator_unknown\":true}\n", format(&rec, buf));
	/* and with the creator named */
	rec.flags = INPUTAUDIT_DEV_KEYBOARD | INPUTAUDIT_DEV_CREATOR |
		    INPUTAUDIT_ORIGIN_UHID << INPUTAUDIT_DEV_ORIGIN_SHIFT;
	rec.v[1] = (__u64)1000 << 32 | 4242;
	pack_comm(&rec, "bluetoothd", 10);
	EXPECT_NE(NULL, strstr(format(&rec, buf),
			       "\"caps\":[\"keyboard\"],\"virtual\":\"uhid\","
			       "\"creator\":{\"pid\":4242,\"uid\":1000,"
			       "\"comm\":\"bluetoothd\"}}\n"));
}

/* A kernel-made virtual device is "virtual":"other" and has no creator. */
TEST(device_added_other_virtual)
{
	struct inputaudit_record rec = {
		.seq = 1, .time_ns = 2, .type = INPUTAUDIT_REC_DEV_ADDED,
		.flags = INPUTAUDIT_DEV_SWITCH |
			 INPUTAUDIT_ORIGIN_VIRTUAL << INPUTAUDIT_DEV_ORIGIN_SHIFT,
		.dev_id = 5,
		.v = { INPUTAUDIT_IDENT(0x19, 0x0000, 0x0005, 0x0000),
		       (__u64)INPUTAUDIT_NO_CREATOR << 32 | INPUTAUDIT_NO_CREATOR },
	};
	char buf[RECORD_JSON_MAX];

	EXPECT_NE(NULL, strstr(format(&rec, buf),
			       "\"caps\":[\"switch\"],\"virtual\":\"other\"}\n"));
}

/*
 * A device announced in the inventory (attached before the consumer) is a
 * device_added with "present":true; a hardware device has no "virtual".
 */
TEST(device_added_present)
{
	struct inputaudit_record rec = {
		.seq = 2, .time_ns = 3, .type = INPUTAUDIT_REC_DEV_ADDED,
		.flags = INPUTAUDIT_DEV_KEYBOARD | INPUTAUDIT_DEV_PRESENT,
		.dev_id = 1,
		.v = { INPUTAUDIT_IDENT(0x11, 0x0001, 0x0001, 0xab41),
		       (__u64)INPUTAUDIT_NO_CREATOR << 32 | INPUTAUDIT_NO_CREATOR },
	};
	char buf[RECORD_JSON_MAX];

	EXPECT_STREQ("{\"seq\":2,\"time_ns\":3,\"type\":\"device_added\","
		     "\"dev\":1,\"bus\":\"0x0011\",\"vendor\":\"0x0001\","
		     "\"product\":\"0x0001\",\"version\":\"0xab41\","
		     "\"caps\":[\"keyboard\"],\"present\":true}\n",
		     format(&rec, buf));
	/* present, uinput, creator: every field in its place */
	rec.flags |= INPUTAUDIT_DEV_CREATOR |
		     INPUTAUDIT_ORIGIN_UINPUT << INPUTAUDIT_DEV_ORIGIN_SHIFT;
	rec.v[1] = (__u64)0 << 32 | 117;
	pack_comm(&rec, "ia-type", 7);
	EXPECT_NE(NULL, strstr(format(&rec, buf),
			       "\"caps\":[\"keyboard\"],\"virtual\":\"uinput\","
			       "\"creator\":{\"pid\":117,\"uid\":0,"
			       "\"comm\":\"ia-type\"},\"present\":true}\n"));
}

/* A comm with quotes, a backslash, control and high bytes stays valid ASCII JSON. */
TEST(creator_comm_escaped)
{
	static const char comm[16] = "a\"b\\c\n\x01\x7f\xc3\xa9z";
	struct inputaudit_record rec = {
		.seq = 2, .time_ns = 0, .type = INPUTAUDIT_REC_DEV_ADDED,
		.flags = INPUTAUDIT_DEV_CREATOR, .dev_id = 9,
		.v = { 0, 0 },
	};
	char buf[RECORD_JSON_MAX];

	pack_comm(&rec, comm, sizeof(comm));
	EXPECT_NE(NULL, strstr(format(&rec, buf),
		  "\"creator\":{\"pid\":0,\"uid\":0,"
		  "\"comm\":\"a\\\"b\\\\c\\u000a\\u0001\\u007f\\u00c3\\u00a9z\"}}\n"));
}

/* A comm filling all 16 bytes without a NUL is read to its end and no further. */
TEST(creator_comm_full_length)
{
	struct inputaudit_record rec = {
		.type = INPUTAUDIT_REC_DEV_ADDED, .flags = INPUTAUDIT_DEV_CREATOR,
	};
	char buf[RECORD_JSON_MAX];

	pack_comm(&rec, "0123456789abcdef", 16);
	EXPECT_NE(NULL, strstr(format(&rec, buf),
			       "\"comm\":\"0123456789abcdef\"}}\n"));
}

/* A removal reports lifetime frames and records. */
TEST(device_removed)
{
	struct inputaudit_record rec = {
		.seq = 10, .time_ns = 99, .type = INPUTAUDIT_REC_DEV_REMOVED,
		.dev_id = 4, .v = { 1234, 56 },
	};
	char buf[RECORD_JSON_MAX];

	EXPECT_STREQ("{\"seq\":10,\"time_ns\":99,\"type\":\"device_removed\","
		     "\"dev\":4,\"frames\":1234,\"records\":56}\n", format(&rec, buf));
}

/* An activity summary splits v3 into touches (low) and switches (high). */
TEST(activity)
{
	struct inputaudit_record rec = {
		.seq = 11, .time_ns = 100, .type = INPUTAUDIT_REC_ACTIVITY,
		.dev_id = 4, .v = { 20, 3, 4000, (__u64)2 << 32 | 5 },
	};
	char buf[RECORD_JSON_MAX];

	EXPECT_STREQ("{\"seq\":11,\"time_ns\":100,\"type\":\"activity\",\"dev\":4,"
		     "\"key_presses\":20,\"button_clicks\":3,\"motion\":4000,"
		     "\"touches\":5,\"switches\":2}\n", format(&rec, buf));
}

static const char *format_event(__u16 kind, __u64 v0, char *buf)
{
	struct inputaudit_record rec = {
		.seq = 1, .time_ns = 2, .type = INPUTAUDIT_REC_EVENT,
		.flags = kind, .dev_id = 3, .v = { v0 },
	};

	return format(&rec, buf);
}

#define EVENT_PREFIX "{\"seq\":1,\"time_ns\":2,\"type\":\"event\",\"dev\":3,"

/* Each event kind is named, with the class, count or switch number it carries. */
TEST(event_kinds)
{
	char buf[RECORD_JSON_MAX];

	EXPECT_STREQ(EVENT_PREFIX "\"event\":\"key_press\",\"class\":\"modifier\"}\n",
		     format_event(INPUTAUDIT_EV_KEY_PRESS, INPUTAUDIT_KEY_MODIFIER, buf));
	EXPECT_STREQ(EVENT_PREFIX "\"event\":\"key_release\",\"class\":\"function\"}\n",
		     format_event(INPUTAUDIT_EV_KEY_RELEASE, INPUTAUDIT_KEY_FUNCTION, buf));
	EXPECT_STREQ(EVENT_PREFIX "\"event\":\"button_press\",\"class\":\"left\"}\n",
		     format_event(INPUTAUDIT_EV_BUTTON_PRESS, INPUTAUDIT_BTN_LEFT, buf));
	EXPECT_STREQ(EVENT_PREFIX "\"event\":\"button_release\",\"class\":\"middle\"}\n",
		     format_event(INPUTAUDIT_EV_BUTTON_RELEASE, INPUTAUDIT_BTN_MIDDLE, buf));
	EXPECT_STREQ(EVENT_PREFIX "\"event\":\"motion\",\"count\":17}\n",
		     format_event(INPUTAUDIT_EV_MOTION, 17, buf));
	EXPECT_STREQ(EVENT_PREFIX "\"event\":\"touch_down\"}\n",
		     format_event(INPUTAUDIT_EV_TOUCH_DOWN, 0, buf));
	EXPECT_STREQ(EVENT_PREFIX "\"event\":\"touch_up\"}\n",
		     format_event(INPUTAUDIT_EV_TOUCH_UP, 0, buf));
	EXPECT_STREQ(EVENT_PREFIX "\"event\":\"switch\",\"switch\":0}\n",
		     format_event(INPUTAUDIT_EV_SWITCH, 0, buf));
}

/* Every key class has its name; an unknown class is "unknown" with the raw value. */
TEST(event_key_classes)
{
	static const char *const names[] = {
		"other", "text", "modifier", "navigation", "editing", "function",
	};
	char buf[RECORD_JSON_MAX], want[256];
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(want, sizeof(want), EVENT_PREFIX
			 "\"event\":\"key_press\",\"class\":\"%s\"}\n", names[i]);
		EXPECT_STREQ(want, format_event(INPUTAUDIT_EV_KEY_PRESS, i, buf));
	}
	EXPECT_STREQ(EVENT_PREFIX "\"event\":\"key_press\",\"class\":\"unknown\","
		     "\"raw_class\":6}\n", format_event(INPUTAUDIT_EV_KEY_PRESS, 6, buf));
	EXPECT_STREQ(EVENT_PREFIX "\"event\":\"button_press\",\"class\":\"right\"}\n",
		     format_event(INPUTAUDIT_EV_BUTTON_PRESS, INPUTAUDIT_BTN_RIGHT, buf));
	EXPECT_STREQ(EVENT_PREFIX "\"event\":\"button_press\",\"class\":\"other\"}\n",
		     format_event(INPUTAUDIT_EV_BUTTON_PRESS, INPUTAUDIT_BTN_OTHER, buf));
}

/* An unknown event kind is named "unknown" with the raw kind. */
TEST(event_unknown_kind)
{
	char buf[RECORD_JSON_MAX];

	EXPECT_STREQ(EVENT_PREFIX "\"event\":\"unknown\",\"raw_event\":0}\n",
		     format_event(0, 5, buf));
	EXPECT_STREQ(EVENT_PREFIX "\"event\":\"unknown\",\"raw_event\":99}\n",
		     format_event(99, 5, buf));
}

/* A level change names the old and new levels and the writer's uid. */
TEST(config_level)
{
	struct inputaudit_record rec = {
		.seq = 3, .time_ns = 4, .type = INPUTAUDIT_REC_CONFIG,
		.flags = INPUTAUDIT_CFG_LEVEL, .dev_id = 0,
		.v = { INPUTAUDIT_LEVEL_ACTIVITY, INPUTAUDIT_LEVEL_EVENTS, 0 },
	};
	char buf[RECORD_JSON_MAX];

	EXPECT_STREQ("{\"seq\":3,\"time_ns\":4,\"type\":\"config\",\"dev\":0,"
		     "\"item\":\"level\",\"old\":\"activity\",\"new\":\"events\","
		     "\"uid\":0}\n", format(&rec, buf));
	rec.v[0] = INPUTAUDIT_LEVEL_OFF;
	rec.v[1] = 7;
	rec.v[2] = 1000;
	EXPECT_STREQ("{\"seq\":3,\"time_ns\":4,\"type\":\"config\",\"dev\":0,"
		     "\"item\":\"level\",\"old\":\"off\",\"new\":\"unknown\","
		     "\"raw_new\":7,\"uid\":1000}\n", format(&rec, buf));
}

/* A window change carries plain numbers. */
TEST(config_window)
{
	struct inputaudit_record rec = {
		.seq = 3, .time_ns = 4, .type = INPUTAUDIT_REC_CONFIG,
		.flags = INPUTAUDIT_CFG_WINDOW_MS, .v = { 1000, 250, 0 },
	};
	char buf[RECORD_JSON_MAX];

	EXPECT_STREQ("{\"seq\":3,\"time_ns\":4,\"type\":\"config\",\"dev\":0,"
		     "\"item\":\"window_ms\",\"old\":1000,\"new\":250,\"uid\":0}\n",
		     format(&rec, buf));
}

static const char *format_rec(__u16 type, __u16 flags, __u64 v0, __u64 v1,
			      __u64 v2, __u64 v3, char *buf)
{
	struct inputaudit_record rec = {
		.seq = 9, .time_ns = 10, .type = type, .flags = flags,
		.dev_id = 2, .v = { v0, v1, v2, v3 },
	};

	return format(&rec, buf);
}

#define REC_PREFIX(type) \
	"{\"seq\":9,\"time_ns\":10,\"type\":\"" type "\",\"dev\":2,"

/* At level keys, key and button events carry the code; below it they do not. */
TEST(event_code_only_at_keys)
{
	char buf[RECORD_JSON_MAX];

	EXPECT_STREQ(REC_PREFIX("event") "\"event\":\"key_press\","
		     "\"class\":\"text\",\"code\":30}\n",
		     format_rec(INPUTAUDIT_REC_EVENT, INPUTAUDIT_EV_KEY_PRESS,
				INPUTAUDIT_KEY_TEXT, 30, 0, 0, buf));
	EXPECT_STREQ(REC_PREFIX("event") "\"event\":\"key_press\","
		     "\"class\":\"text\"}\n",
		     format_rec(INPUTAUDIT_REC_EVENT, INPUTAUDIT_EV_KEY_PRESS,
				INPUTAUDIT_KEY_TEXT, 0, 0, 0, buf));
}

/* Per-device enabled changes and the lock are named config items. */
TEST(config_items)
{
	char buf[RECORD_JSON_MAX];

	EXPECT_STREQ(REC_PREFIX("config") "\"item\":\"enabled\","
		     "\"old\":1,\"new\":0,\"uid\":0}\n",
		     format_rec(INPUTAUDIT_REC_CONFIG,
				INPUTAUDIT_CFG_DEV_ENABLED, 1, 0, 0, 0, buf));
	EXPECT_STREQ(REC_PREFIX("config") "\"item\":\"lock\","
		     "\"old\":0,\"new\":1,\"uid\":0}\n",
		     format_rec(INPUTAUDIT_REC_CONFIG, INPUTAUDIT_CFG_LOCK,
				0, 1, 0, 0, buf));
}

/* Suppression, heartbeat, blind, consumer and injection records decode their words. */
TEST(control_plane_records)
{
	char buf[RECORD_JSON_MAX];

	EXPECT_STREQ(REC_PREFIX("suppressed") "\"limit\":\"global\","
		     "\"frames\":77}\n",
		     format_rec(INPUTAUDIT_REC_SUPPRESSED,
				INPUTAUDIT_LIMIT_GLOBAL, 77, 0, 0, 0, buf));
	EXPECT_STREQ(REC_PREFIX("heartbeat") "\"frames_seen\":100,"
		     "\"frames_suppressed\":20,\"records_unconsumed\":4}\n",
		     format_rec(INPUTAUDIT_REC_HEARTBEAT, 0, 100, 20, 0, 4, buf));
	EXPECT_STREQ(REC_PREFIX("blind") "\"blind\":\"start\","
		     "\"total_ns\":0}\n",
		     format_rec(INPUTAUDIT_REC_BLIND, INPUTAUDIT_BLIND_START,
				0, 0, 0, 0, buf));
	EXPECT_STREQ(REC_PREFIX("blind") "\"blind\":\"end\","
		     "\"duration_ns\":500000000,\"total_ns\":700000000}\n",
		     format_rec(INPUTAUDIT_REC_BLIND, INPUTAUDIT_BLIND_END,
				500000000, 700000000, 0, 0, buf));
	EXPECT_STREQ(REC_PREFIX("consumer") "\"absent_ns\":30,"
		     "\"unconsumed\":5,\"total_absent_ns\":40}\n",
		     format_rec(INPUTAUDIT_REC_CONSUMER, 0, 30, 5, 40, 0, buf));
	EXPECT_STREQ(REC_PREFIX("injection") "\"presses\":5,"
		     "\"min_interval_ns\":10000000}\n",
		     format_rec(INPUTAUDIT_REC_INJECTION, 0, 5, 10000000, 0, 0,
				buf));
}

/* A heartbeat has no filtered count: v2 is reserved and never written, whatever it holds. */
TEST(heartbeat_without_filtered)
{
	char buf[RECORD_JSON_MAX];

	EXPECT_STREQ(REC_PREFIX("heartbeat") "\"frames_seen\":100,"
		     "\"frames_suppressed\":20,\"records_unconsumed\":4}\n",
		     format_rec(INPUTAUDIT_REC_HEARTBEAT, 0, 100, 20, 3, 4, buf));
	EXPECT_EQ(NULL, strstr(buf, "filtered"));
}

/*
 * A blind end whose grab began after the module's last look carries
 * "duration_bound":true (its duration is an upper bound); a start never
 * does, nor an end without the flag.
 */
TEST(blind_bound)
{
	char buf[RECORD_JSON_MAX];

	EXPECT_STREQ(REC_PREFIX("blind") "\"blind\":\"end\","
		     "\"duration_ns\":250000000,\"duration_bound\":true,"
		     "\"total_ns\":900000000}\n",
		     format_rec(INPUTAUDIT_REC_BLIND, INPUTAUDIT_BLIND_END,
				250000000, 900000000, INPUTAUDIT_BLIND_BOUND, 0,
				buf));
	EXPECT_STREQ(REC_PREFIX("blind") "\"blind\":\"end\","
		     "\"duration_ns\":250000000,\"total_ns\":900000000}\n",
		     format_rec(INPUTAUDIT_REC_BLIND, INPUTAUDIT_BLIND_END,
				250000000, 900000000, 0, 0, buf));
	EXPECT_STREQ(REC_PREFIX("blind") "\"blind\":\"start\","
		     "\"total_ns\":0}\n",
		     format_rec(INPUTAUDIT_REC_BLIND, INPUTAUDIT_BLIND_START,
				0, 0, INPUTAUDIT_BLIND_BOUND, 0, buf));
}

/* Raw output shows every word of the tracepoint payload, undecoded. */
TEST(raw_output)
{
	struct inputaudit_record rec = {
		.seq = 5, .time_ns = 6, .type = INPUTAUDIT_REC_EVENT,
		.flags = INPUTAUDIT_EV_KEY_PRESS, .dev_id = 8,
		.v = { INPUTAUDIT_KEY_TEXT, 0, 0, 0 },
	};
	char buf[RECORD_JSON_MAX];

	ASSERT_LT(0, record_json_raw(&rec, buf, sizeof(buf)));
	EXPECT_STREQ("{\"seq\":5,\"time_ns\":6,\"type\":\"raw\",\"dev\":8,"
		     "\"raw_type\":4,\"flags\":1,\"v\":[1,0,0,0]}\n", buf);
}

/* An unknown record type keeps every raw field. */
TEST(unknown_type)
{
	struct inputaudit_record rec = {
		.seq = 5, .time_ns = 6, .type = 42, .flags = 9, .dev_id = 8,
		.v = { 1, 2, 3, UINT64_MAX },
	};
	char buf[RECORD_JSON_MAX];

	EXPECT_STREQ("{\"seq\":5,\"time_ns\":6,\"type\":\"unknown\",\"dev\":8,"
		     "\"raw_type\":42,\"flags\":9,"
		     "\"v\":[1,2,3,18446744073709551615]}\n", format(&rec, buf));
	rec.type = 0;
	EXPECT_NE(NULL, strstr(format(&rec, buf), "\"type\":\"unknown\""));
}

/* Loss and stats records carry no seq and the documented counters. */
TEST(daemon_records)
{
	struct record_stats stats = {
		.time_ns = 77, .received = 100, .lost = 3, .duplicates = 1,
		.ring_drops = 2, .bpf_submitted = 101, .policy_dropped = 4,
		.final = true,
	};
	char buf[RECORD_JSON_MAX];

	ASSERT_LT(0, record_json_loss(50, 10, 12, buf, sizeof(buf)));
	EXPECT_STREQ("{\"type\":\"loss\",\"time_ns\":50,\"first_seq\":10,"
		     "\"last_seq\":12,\"missing\":3}\n", buf);
	ASSERT_LT(0, record_json_stats(&stats, buf, sizeof(buf)));
	EXPECT_STREQ("{\"type\":\"stats\",\"time_ns\":77,\"received\":100,"
		     "\"lost\":3,\"duplicates\":1,\"ring_drops\":2,"
		     "\"bpf_submitted\":101,\"policy_dropped\":4,"
		     "\"final\":true}\n", buf);
	stats.final = false;
	ASSERT_LT(0, record_json_stats(&stats, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "\"final\":false}\n"));
}

/* A buffer too small yields -ENOSPC and a NUL-terminated prefix, never an overrun. */
TEST(buffer_too_small)
{
	struct inputaudit_record rec = { .seq = 1, .type = INPUTAUDIT_REC_ACTIVITY };
	char buf[RECORD_JSON_MAX];
	int full;

	memset(buf, 'X', sizeof(buf));
	EXPECT_EQ(-ENOSPC, record_json_format(&rec, buf, 20));
	EXPECT_EQ(19, (int)strlen(buf));
	EXPECT_EQ('X', buf[20]);
	EXPECT_EQ(-ENOSPC, record_json_format(&rec, buf, 0));

	full = record_json_format(&rec, buf, sizeof(buf));
	ASSERT_LT(0, full);
	EXPECT_EQ(full, (int)strlen(buf));
	/* Exactly enough room for the text and the NUL. */
	EXPECT_EQ(full, record_json_format(&rec, buf, full + 1));
	EXPECT_EQ(-ENOSPC, record_json_format(&rec, buf, full));
}

/* The daemon's device_added carries the name merged from the DEV_NAME records, escaped. */
TEST(device_added_named)
{
	struct inputaudit_record rec = {
		.seq = 9, .time_ns = 10, .type = INPUTAUDIT_REC_DEV_ADDED,
		.flags = INPUTAUDIT_DEV_POINTER, .dev_id = 4,
		.v = { INPUTAUDIT_IDENT(0x03, 0x1234, 0x5678, 0x0001),
		       (__u64)INPUTAUDIT_NO_CREATOR << 32 | INPUTAUDIT_NO_CREATOR },
	};
	char buf[RECORD_JSON_MAX], plain[RECORD_JSON_MAX];

	ASSERT_LT(0, record_json_format_named(&rec, "ia-test \"mouse\"\\\t\xc3\xa9",
					      false, 0, buf, sizeof(buf)));
	EXPECT_STREQ("{\"seq\":9,\"time_ns\":10,\"type\":\"device_added\",\"dev\":4,"
		     "\"name\":\"ia-test \\\"mouse\\\"\\\\\\u0009\\u00c3\\u00a9\","
		     "\"bus\":\"0x0003\",\"vendor\":\"0x1234\",\"product\":\"0x5678\","
		     "\"version\":\"0x0001\",\"caps\":[\"pointer\"]}\n", buf);
	ASSERT_LT(0, record_json_format_named(&rec, "ia-test x", true, 0, buf,
					      sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "\"dev\":4,\"name\":\"ia-test x\","
			       "\"name_truncated\":true,\"bus\""));
	/* No name: exactly the plain format. */
	ASSERT_LT(0, record_json_format_named(&rec, NULL, true, 0, buf, sizeof(buf)));
	EXPECT_STREQ(format(&rec, plain), buf);
	/* A name is only ever written into device_added. */
	rec.type = INPUTAUDIT_REC_DEV_REMOVED;
	ASSERT_LT(0, record_json_format_named(&rec, "ia-test x", false, 0, buf,
					      sizeof(buf)));
	EXPECT_STREQ(format(&rec, plain), buf);
}

/* The longest device_added (every byte escaped) fits with room for the chain suffix. */
TEST(device_added_worst_case_fits)
{
	struct inputaudit_record rec = {
		.seq = UINT64_MAX, .time_ns = UINT64_MAX,
		.type = INPUTAUDIT_REC_DEV_ADDED, .flags = 0xffff,
		.dev_id = UINT32_MAX,
		.v = { UINT64_MAX, UINT64_MAX, 0x8181818181818181ull,
		       0x8181818181818181ull },
	};
	char buf[RECORD_JSON_MAX], name[129];
	int len;

	memset(name, 0x01, 128);
	name[128] = '\0';
	len = record_json_format_named(&rec, name, true, UINT32_MAX, buf,
				       sizeof(buf));
	ASSERT_LT(0, len);
	EXPECT_NE(NULL, strstr(buf, ",\"present\":true}\n"));
	/* ,"n":<20 digits>,"chain":"<64 hex>" */
	EXPECT_LT(len + 6 + 20 + 10 + 64 + 1, RECORD_JSON_MAX);
}

TEST(alert_record)
{
	struct record_alert a = {
		.time_ns = 123, .reason = "device_rule", .dev = 5, .ref_seq = 42,
		.rule = "uinput-tools",
	};
	char buf[RECORD_JSON_MAX];

	ASSERT_LT(0, record_json_alert(&a, buf, sizeof(buf)));
	EXPECT_STREQ("{\"time_ns\":123,\"type\":\"alert\",\"reason\":\"device_rule\","
		     "\"dev\":5,\"ref_seq\":42,\"rule\":\"uinput-tools\"}\n", buf);
	a.reason = "sink_loss";
	a.dev = 0;
	a.ref_seq = 0;
	a.rule = NULL;
	ASSERT_LT(0, record_json_alert(&a, buf, sizeof(buf)));
	EXPECT_STREQ("{\"time_ns\":123,\"type\":\"alert\",\"reason\":\"sink_loss\","
		     "\"dev\":0}\n", buf);
	EXPECT_EQ(-ENOSPC, record_json_alert(&a, buf, 10));
}

TEST_HARNESS_MAIN
