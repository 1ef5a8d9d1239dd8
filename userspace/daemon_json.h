/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Records the daemon makes itself (no "seq"; "time_ns" is the daemon's
 * CLOCK_BOOTTIME).  loss and stats are in record_json.h; checkpoint,
 * chain_start and file_continued are formatted and sealed by chain.c; the
 * schema of all of them is here:
 *
 *   "alert"          a policy alert: "reason" ("injection", "new_device",
 *                    "creator", "blind", "loss", "device_rule",
 *                    "sink_loss"), "dev" (0 if none), "ref_seq" (the kernel
 *                    record that raised it, 0 for daemon records), "rule"
 *                    (device_rule only: the [rule NAME] that matched)
 *   "checkpoint"     after every kernel heartbeat and at a clean stop:
 *                    "lines" (lines of this chain before this one),
 *                    "last_seq" (last kernel record written), "final"
 *                    (true only on the last line of a clean shutdown)
 *   "chain_start"    first line of a chain: "boot_id", "key_id" (first 16
 *                    hex digits of SHA-256 of the key; names the key
 *                    without revealing it)
 *   "file_continued" first line of a file after rotation: "prev_file"
 *                    (basename the previous file was renamed to),
 *                    "prev_chain" (chain value of the line before)
 *   "sink_loss"      a sink dropped lines (syslog spool cap hit): "sink",
 *                    "dropped"
 * Every line then gets "n" and "chain" (chain.h).
 */
#ifndef INPUTAUDITD_DAEMON_JSON_H
#define INPUTAUDITD_DAEMON_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int daemon_json_alert(uint64_t time_ns, const char *reason, uint32_t dev,
		      uint64_t ref_seq, const char *rule, char *buf,
		      size_t size);
int daemon_json_sink_loss(uint64_t time_ns, const char *sink, uint64_t dropped,
			  char *buf, size_t size);

#endif /* INPUTAUDITD_DAEMON_JSON_H */
