/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * JSON Lines output: one record, one JSON object, one line.
 *
 * Record schema
 * -------------
 * Kernel records (struct inputaudit_record) always start with
 *   "seq"      kernel sequence number (u64 from 1, unique, increasing per
 *              device; records of two CPUs may come in the other order)
 *   "time_ns"  CLOCK_BOOTTIME in ns, rounded down to the module's resolution
 *   "type"     one of the strings below
 *   "dev"      device id (u32; unique among attached devices, not reused
 *              before the u32 space wraps)
 * followed by the fields of their type:
 *
 *   "device_added"   a device's identity: "bus", "vendor", "product",
 *                    "version": hex strings ("0x046d"); "caps": array of
 *                    "keyboard", "pointer", "touch", "switch"; "virtual":
 *                    "uinput", "uhid" or "other" (made by the kernel) for a
 *                    device without a physical parent, absent for hardware;
 *                    "creator": {"pid": N, "uid": N, "comm": "..."} when the
 *                    kernel names the process that made the device through
 *                    uinput or uhid, or "creator_unknown": true when it
 *                    cannot; "present": true when the device was attached
 *                    before the consumer (the inventory sent when a consumer
 *                    attaches after none: not a new device, but the first
 *                    record of it this consumer gets).  Written by the daemon with
 *                    record_json_format_named(): "name" right after "dev"
 *                    (the device name from the DEV_NAME records before it,
 *                    when all of them arrived), and "name_truncated": true
 *                    after it when the kernel cut the name at 128 bytes.
 *   "device_removed" "frames" (frames seen over the device's lifetime),
 *                    "records" (records emitted for it, this one excluded)
 *   "activity"       "key_presses", "button_clicks", "motion" (sum of
 *                    |dx|+|dy|+|wheel| in device units), "touches",
 *                    "switches": counts for one window
 *   "event"          "event": "key_press", "key_release", "button_press",
 *                    "button_release", "motion", "touch_down", "touch_up",
 *                    "switch"; then for keys "class": "other", "text",
 *                    "modifier", "navigation", "editing", "function"; for
 *                    buttons "class": "other", "left", "right", "middle";
 *                    for motion "count" (relative events coalesced); for
 *                    switches "switch" (the SW_* number); at level "keys"
 *                    only, keys and buttons also carry "code" (the KEY_ or BTN_ number)
 *   "config"         "item": "level", "window_ms", "lock", "dev_rate",
 *                    "dev_burst", "global_rate", "global_burst",
 *                    "heartbeat_ms", "time_res_ms", "inject_presses",
 *                    "inject_interval_ms", or "enabled" (per device: "dev"
 *                    names it); "old", "new" (level names "off",
 *                    "activity", "events", "keys" for "level", numbers
 *                    otherwise); "uid" of the writer
 *   "suppressed"     "limit": "device" or "global" (the bucket that ran dry
 *                    first), "frames" suppressed since the last such record
 *   "heartbeat"      global counters: "frames_seen", "frames_suppressed",
 *                    "records_unconsumed"
 *   "blind"          another handle grabbed the device: "blind": "start" or
 *                    "end"; "duration_ns" (end only), "duration_bound": true
 *                    (end only, when the grab began after the module's last
 *                    look: "duration_ns" is an upper bound), "total_ns"
 *   "consumer"       a consumer attached after none: "absent_ns",
 *                    "unconsumed" (records produced meanwhile),
 *                    "total_absent_ns"
 *   "injection"      keystroke injection suspected: "presses" (in the burst
 *                    when detected), "min_interval_ns" (shortest interval,
 *                    rounded down to the time resolution)
 *   "unknown"        a type this daemon does not know: "raw_type" (number),
 *                    "flags" (number), "v": [v0, v1, v2, v3]
 * An event kind, key/button class, config item or level this daemon does not
 * know is written as "unknown" with the raw number beside it ("raw_event",
 * "raw_class", "raw_item", "raw_old"/"raw_new").
 *
 * Records made by the daemon have no "seq"; "time_ns" is the daemon's
 * CLOCK_BOOTTIME when it wrote them:
 *   "loss"   a sequence gap declared lost: "first_seq", "last_seq",
 *            "missing" (last_seq - first_seq + 1)
 *   "stats"  periodic and at exit: "received" (kernel records written),
 *            "lost" (total sequence numbers declared lost), "duplicates"
 *            (records ignored as already seen or older than the start),
 *            "ring_drops" (BPF ring reserve failures), "bpf_submitted"
 *            (records the BPF program committed), "policy_dropped"
 *            (kernel records of ignored devices, not written), "final":
 *            true only on the last stats record before a clean exit.
 *            received = kernel lines + their "name_records" + policy_dropped.
 *   "alert"  "time_ns" first, then "type", "reason" ("injection",
 *            "new_device", "creator", "blind", "loss", "device_rule",
 *            "sink_loss"), "dev" (0 for none), "ref_seq" (the kernel record
 *            that raised it; absent for daemon-made causes), "rule" (the
 *            rule's name, "device_rule" only)
 *   "sink_loss"  a sink dropped lines (syslog spool cap hit, a file sink's
 *            full disk), written when it is back: "sink" (its name),
 *            "dropped"; for a file sink also "first_n", "last_n",
 *            "first_time_ns", "last_time_ns" (of the lines lost), "errno"
 *   "sink_gap"   written only in the file a file sink could not write to,
 *            as its first line after the gap: the fields of its sink_loss,
 *            and with a chain "prev_chain" (of line first_n - 1) and
 *            "resume_chain" (of line last_n); its own "n" is first_n
 *   "sink_space_low" a file sink's filesystem has less free space than its
 *            space_left: "sink", "free", "space_left" (bytes)
 * With a chain key (chain.h), which also formats these:
 *   "chain_start"    first line of a chain: "boot_id", "key_id"
 *   "checkpoint"     after every kernel heartbeat and at a clean stop:
 *                    "lines" (lines before it in this chain), "last_seq",
 *                    "final" (true only on the last line of a clean stop)
 *   "file_continued" first line of a file sink's new file after rotation:
 *                    "prev_file", "prev_chain"
 * and every line ends in "n" (line counter) and "chain" (HMAC-SHA256).
 *
 * Strings are ASCII: a creator comm or device name is copied byte by byte, with '"' and
 * '\' escaped and every byte below 0x20 or above 0x7e written as \u00XX, so
 * the output is valid JSON whatever the process named itself.
 */
#ifndef INPUTAUDITD_RECORD_JSON_H
#define INPUTAUDITD_RECORD_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inputaudit.h"

/*
 * Long enough for any record; the formatters never write more.  The longest
 * is a device_added with a 128-byte name and a 16-byte comm of bytes that
 * each need \u00XX (about 1200 bytes); what is left leaves room for the
 * ,"n":N,"chain":"<64 hex>" the daemon appends.
 */
#define RECORD_JSON_MAX	2048

struct record_stats {
	uint64_t time_ns;
	uint64_t received;
	uint64_t lost;
	uint64_t duplicates;
	uint64_t ring_drops;
	uint64_t bpf_submitted;
	uint64_t policy_dropped;
	bool final;
};

/*
 * Each formatter writes one JSON object and a '\n' into buf, NUL
 * terminated, and returns its length without the NUL, or -ENOSPC (buf
 * left NUL terminated but truncated) if it does not fit in size bytes.
 */
int record_json_format(const struct inputaudit_record *rec, char *buf,
		       size_t size);
/*
 * The same, with "name" (and "name_truncated": true if truncated) added to
 * a device_added record, and "name_records": the DEV_NAME records merged
 * into it (0: omitted).  name NULL and name_records 0, or a record of
 * another type: exactly record_json_format().
 */
int record_json_format_named(const struct inputaudit_record *rec,
			     const char *name, bool truncated,
			     unsigned int name_records, char *buf, size_t size);
/*
 * A sink dropped lines: "sink_loss" with "sink" and "dropped"; @pending
 * (at a stop): the sink's collector was not told yet, the next run tells
 * it ("pending":true; count these only once).
 */
int record_json_sink_loss(uint64_t time_ns, const char *sink, uint64_t dropped,
			  bool pending, char *buf, size_t size);
/* Lines a file sink could not write (struct file_gap, as formatted). */
struct record_sink_gap {
	const char *sink;
	uint64_t dropped;
	uint64_t first_n, last_n;
	uint64_t first_time_ns, last_time_ns;
	int err;
	const char *prev_chain;		/* sink_gap: 64 hex, NULL unchained */
	const char *resume_chain;
};

/*
 * A file sink's lost lines: "sink_loss" for every sink (@gap_line false),
 * or "sink_gap" (with the chains) for the sink's own file.
 */
int record_json_sink_gap(uint64_t time_ns, const struct record_sink_gap *g,
			 bool gap_line, char *buf, size_t size);
/* "sink_space_low" with "sink", "free" and "space_left", in bytes. */
int record_json_sink_space_low(uint64_t time_ns, const char *sink, uint64_t free,
			       uint64_t space_left, char *buf, size_t size);
/*
 * A sink failed at something it retries (a file sink's rotation, "rotate",
 * or writing, "write"): "sink_error" with "sink", "op", "errno" (positive)
 * and "failures".
 */
int record_json_sink_error(uint64_t time_ns, const char *sink, const char *op,
			   int err, uint64_t failures, char *buf, size_t size);
/*
 * A syslog sink sends in clear (transport = tcp, asked for): "sink_insecure"
 * with "sink", "transport" ("tcp") and "peer" ("HOST:PORT"), at every start.
 */
int record_json_sink_insecure(uint64_t time_ns, const char *sink, const char *peer,
			      char *buf, size_t size);
/*
 * A syslog sink's TLS handshake failed (the collector failed verification,
 * or refused us): "sink_tls_failure" with "sink", "peer", "reason" and
 * "failures" (so far); once per streak of failures.
 */
int record_json_sink_tls_failure(uint64_t time_ns, const char *sink, const char *peer,
				 const char *reason, uint64_t failures, char *buf,
				 size_t size);
/*
 * A syslog sink's connection broke: "sink_disconnect" with "sink",
 * "first_n", "last_n" and "lines": the lines written whole to it, which the
 * collector may not have stored.
 */
int record_json_sink_disconnect(uint64_t time_ns, const char *sink, uint64_t first_n,
				uint64_t last_n, uint64_t lines, char *buf, size_t size);
/* The "type" string of a kernel record type, or "unknown". */
const char *record_json_type_name(uint16_t type);
/* --raw: "type":"raw" with "raw_type", "flags" and "v": all four words. */
int record_json_raw(const struct inputaudit_record *rec, char *buf,
		    size_t size);
int record_json_loss(uint64_t time_ns, uint64_t first_seq, uint64_t last_seq,
		     char *buf, size_t size);
int record_json_stats(const struct record_stats *stats, char *buf,
		      size_t size);

struct record_alert {
	uint64_t time_ns;
	const char *reason;	/* "injection", "device_rule", ... */
	uint32_t dev;		/* 0: no device */
	uint64_t ref_seq;	/* 0: no kernel record (field left out) */
	const char *rule;	/* NULL: field left out */
};

/* An "alert" record; reason and rule are written escaped. */
int record_json_alert(const struct record_alert *alert, char *buf,
		      size_t size);

#endif /* INPUTAUDITD_RECORD_JSON_H */
