/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The daemon's record path, the same for live capture and --replay:
 *
 *   raw record ─▶ --record file ─▶ loss check (seqtrack) ─▶ policy (device
 *   table, rules, alerts) ─▶ JSON ─▶ chain (n, HMAC) ─▶ every sink
 *
 * Daemon-made lines (loss, stats, alert, checkpoint, chain_start,
 * file_continued, sink_loss) join the same path after the policy step, so
 * every sink receives every line in the same order, and "n" is consecutive
 * in each of them.
 *
 * Calling context: the daemon's one thread only.
 */
#ifndef INPUTAUDITD_PIPELINE_H
#define INPUTAUDITD_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "chain.h"
#include "inputaudit.h"
#include "policy.h"
#include "recfile.h"
#include "record_json.h"
#include "seqtrack.h"
#include "sink.h"
#include "sink_file.h"

#define PIPELINE_MAX_SINKS	16

/*
 * The module's totals as its records report them, for status.json and the
 * metrics (the daemon reads no root-only counter file after the drop, and
 * a --replay has none): the last heartbeat's frame counts (since the
 * module's load), the last consumer record's total time without a consumer
 * (since the load, as of the daemon's attach: none passes while it is
 * attached), and the blind periods whose end the daemon received.
 */
struct kernel_totals {
	bool have_frames;		/* a heartbeat came */
	uint64_t frames_seen;
	uint64_t frames_suppressed;
	bool have_no_consumer;		/* a consumer record came */
	uint64_t no_consumer_ns;
	uint64_t blind_ns;		/* sum of the blind ends' duration_ns */
};

struct pipeline {
	struct sink sinks[PIPELINE_MAX_SINKS];
	bool is_file[PIPELINE_MAX_SINKS];	/* made by pipeline_add_file() */
	unsigned int nsinks;
	struct chain chain;
	bool chained;		/* a key was given: lines get n and chain */
	struct chain_run *run;	/* linked runs and epochs, or NULL */
	/* this boot's id for chain_start, read with the key (before the privilege drop) */
	char boot_id[37];
	struct policy *policy;	/* NULL: forward everything, no alerts */
	struct recfile *record;	/* --record, or NULL */
	struct seqtrack seq;
	bool raw;		/* --raw: undecoded kernel records */
	bool alert_loss;	/* [alert] loss */
	uint64_t last_seq;	/* last kernel record written */
	uint64_t batch_realtime_ns;	/* wall clock of this batch, 0: not read */
	uint64_t lines;		/* lines written (= n when chained) */
	uint64_t alerts;
	uint64_t filtered;	/* kernel records the policy did not forward */
	uint64_t malformed;
	struct kernel_totals totals;
	int write_err;		/* first fatal sink error */
};

/* Set up with no sinks; add them with pipeline_add_*(). */
void pipeline_init(struct pipeline *p, uint64_t expected_first_seq);
/* The first kernel sequence number to expect (0: whatever comes first). */
void pipeline_expect_seq(struct pipeline *p, uint64_t first);
/* An alert line; see daemon_json.h.  rule: NULL except for device_rule. */
void pipeline_alert(struct pipeline *p, const char *reason, uint32_t dev,
		    uint64_t ref_seq, const char *rule);
/* Return: a sink slot for a syslog or journal sink, or NULL if full. */
struct sink *pipeline_add_sink(struct pipeline *p);
/*
 * A file sink, rotated in step with the chain (file_continued lines).
 * Return: 0 or a negative errno.
 */
int pipeline_add_file(struct pipeline *p, const struct file_sink_conf *c);
/* Turn the chain on and read this boot's id: before the privilege drop.  Return: 0 or -errno. */
int pipeline_set_key(struct pipeline *p, const uint8_t *key, size_t len);
/*
 * Link runs and evolve the key (chain_run.h): @run is open and has keyed
 * p->chain; read this boot's id.  Before the privilege drop.
 */
void pipeline_set_run(struct pipeline *p, struct chain_run *run);
/* The chain_start line: call once after the sinks are open. */
void pipeline_start(struct pipeline *p);

/* One kernel record, as read from the ring buffer or a replay file. */
void pipeline_kernel_record(struct pipeline *p,
			    const struct inputaudit_record *rec);
/* A daemon-made line (a "{...}\n" JSON object) with its severity. */
void pipeline_daemon_line(struct pipeline *p, const char *line, int len,
			  const char *type, enum sink_severity sev);

/* End of a batch: flush every sink.  Periodic: drive reconnects. */
void pipeline_flush(struct pipeline *p);
void pipeline_tick(struct pipeline *p, uint64_t now_ms);
/* SIGHUP: reopen the file sinks. */
void pipeline_reopen(struct pipeline *p);
/* A file sink's gap @g as a record (sink_loss for every sink, or its sink_gap line). */
struct record_sink_gap pipeline_gap_record(const char *sink, const struct file_gap *g);
/* Before the drop: what every sink opens and connects to (lib/sandbox.h). */
void pipeline_sandbox(struct pipeline *p, struct sandbox *sb);
/* A checkpoint line now; final only at a clean stop. */
void pipeline_checkpoint(struct pipeline *p, bool final);
/*
 * A full file sink whose retry is due (sink_file_gap_due()) tries to write
 * again: its first line is a sink_gap line for the lines it lost, sealed
 * to follow the last line in its file and to lead to the chain after the
 * gap (chain_seal_at()), written to this sink only.
 * Return: true if the sink writes again (@g: the gap it closed).
 */
bool pipeline_resume_file(struct pipeline *p, struct sink *s,
			  struct file_gap *g);
/* Close every sink.  Return: 0 or the first error. */
int pipeline_close(struct pipeline *p);

#endif /* INPUTAUDITD_PIPELINE_H */
