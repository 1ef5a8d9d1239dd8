// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The daemon's record path; see pipeline.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "chain_run.h"
#include "clock.h"
#include "log.h"
#include "pipeline.h"
#include "record_json.h"
#include "sink_file.h"

/* Room for a record, its name and the chain fields. */
#define LINE_MAX_LEN	(RECORD_JSON_MAX + 256)

/* What deserves an operator's attention even without an alert rule. */
static enum sink_severity kernel_severity(const struct inputaudit_record *rec)
{
	switch (rec->type) {
	case INPUTAUDIT_REC_INJECTION:
	case INPUTAUDIT_REC_BLIND:
	case INPUTAUDIT_REC_SUPPRESSED:
		return SINK_SEV_WARNING;
	case INPUTAUDIT_REC_CONFIG:
	case INPUTAUDIT_REC_CONSUMER:
	case INPUTAUDIT_REC_DEV_ADDED:
	case INPUTAUDIT_REC_DEV_REMOVED:
		return SINK_SEV_NOTICE;
	default:
		return SINK_SEV_INFO;
	}
}

/* Hand one finished (sealed, when chained) line to every sink. */
static void emit_sealed(struct pipeline *p, const char *line, int len,
			const char *type, uint64_t seq, uint64_t time_ns,
			enum sink_severity sev)
{
	struct sink_line sl;
	unsigned int i;
	int err;

	if (len < 0) {		/* cannot happen: the buffers are ample */
		log_warnc(len, "%s record too long for the output buffer", type);
		return;
	}
	p->lines++;
	/*
	 * One wall-clock reading per batch: in guests whose clocksource the
	 * vDSO cannot read, every reading is a system call.
	 */
	if (!p->batch_realtime_ns)
		p->batch_realtime_ns = clock_ns(CLOCK_REALTIME);
	sl = (struct sink_line){
		.text = line,
		.len = len,
		.type = type,
		.seq = seq,
		.n = p->lines,
		.time_ns = time_ns,
		.realtime_ns = p->batch_realtime_ns,
		.severity = sev,
	};
	for (i = 0; i < p->nsinks; i++) {
		err = p->sinks[i].ops->write(&p->sinks[i], &sl);
		if (err && !p->write_err) {
			log_warnc(err, "%s: write failed", p->sinks[i].name);
			p->write_err = err;
		}
	}
}

/*
 * A file sink rotates before a line that would pass its size limit, and
 * then asks for a file_continued line (on_file_rotated()), which must come
 * before this line in the chain.
 */
/*
 * A file sink whose rotation fails keeps appending to its current file; it
 * logs the first failure of a streak, and the daemon writes it in-band
 * (sink_file_take_rotate_failure()).
 */
static void prepare_files(struct pipeline *p, size_t len)
{
	unsigned int i;

	for (i = 0; i < p->nsinks; i++)
		if (p->is_file[i])
			sink_file_prepare(&p->sinks[i], len + CHAIN_SEAL_EXTRA);
}

/* Seal (when chained) and hand one line to every sink. */
static void emit(struct pipeline *p, const char *line, int len,
		 const char *type, uint64_t seq, uint64_t time_ns,
		 enum sink_severity sev)
{
	char sealed[LINE_MAX_LEN];

	if (len >= 0 && p->chained) {
		prepare_files(p, len);
		len = chain_seal(&p->chain, line, len, sealed, sizeof(sealed));
		line = sealed;
	}
	emit_sealed(p, line, len, type, seq, time_ns, sev);
}

void pipeline_daemon_line(struct pipeline *p, const char *line, int len,
			  const char *type, enum sink_severity sev)
{
	emit(p, line, len, type, 0, boottime_ns(), sev);
}

void pipeline_alert(struct pipeline *p, const char *reason, uint32_t dev,
		  uint64_t ref_seq, const char *rule)
{
	char line[LINE_MAX_LEN];
	struct record_alert a = {
		.time_ns = boottime_ns(),
		.reason = reason,
		.dev = dev,
		.ref_seq = ref_seq,
		.rule = rule,
	};

	p->alerts++;
	pipeline_daemon_line(p, line, record_json_alert(&a, line, sizeof(line)),
			     "alert", SINK_SEV_ALERT);
}

static void on_loss(void *ctx, uint64_t first, uint64_t last)
{
	struct pipeline *p = ctx;
	char line[LINE_MAX_LEN];

	pipeline_daemon_line(p, line,
			     record_json_loss(boottime_ns(), first, last, line,
					      sizeof(line)),
			     "loss", SINK_SEV_WARNING);
	if (p->alert_loss)
		pipeline_alert(p, "loss", 0, 0, NULL);
}

void pipeline_init(struct pipeline *p, uint64_t expected_first_seq)
{
	memset(p, 0, sizeof(*p));
	seqtrack_init(&p->seq, expected_first_seq, on_loss, p);
}

void pipeline_expect_seq(struct pipeline *p, uint64_t first)
{
	seqtrack_init(&p->seq, first, on_loss, p);
}

struct sink *pipeline_add_sink(struct pipeline *p)
{
	if (p->nsinks == PIPELINE_MAX_SINKS)
		return NULL;
	p->is_file[p->nsinks] = false;
	return &p->sinks[p->nsinks++];
}

int pipeline_set_key(struct pipeline *p, const uint8_t *key, size_t len)
{
	int err = chain_init(&p->chain, key, len);

	if (err)
		return err;
	p->chained = true;
	/*
	 * Now, as root: after the drop Landlock confines the daemon to its own
	 * directories, and /proc/sys is not among them.
	 */
	if (chain_boot_id(p->boot_id))
		snprintf(p->boot_id, sizeof(p->boot_id), "unknown");
	return 0;
}

void pipeline_set_run(struct pipeline *p, struct chain_run *run)
{
	p->run = run;
	p->chained = true;
	if (chain_boot_id(p->boot_id))
		snprintf(p->boot_id, sizeof(p->boot_id), "unknown");
}

/*
 * chain_start and checkpoint lines: with linked runs, the key moves to the
 * next epoch before the line is sealed, and the line becomes the last one
 * the state names (chain_run.h) once the sinks have flushed it.
 */
void pipeline_start(struct pipeline *p)
{
	char line[LINE_MAX_LEN];
	uint64_t now = boottime_ns();
	int len;

	if (!p->chained)
		return;
	if (p->run) {
		chain_run_epoch(p->run, &p->chain, now, true);
		p->run->info.realtime_ns = clock_ns(CLOCK_REALTIME);
		len = chain_start_run_line(&p->chain, now, p->boot_id,
					   &p->run->info, line, sizeof(line));
		if (len > 0)
			chain_run_saved(p->run, &p->chain, true);
	} else {
		len = chain_start_line(&p->chain, now, p->boot_id, line,
				       sizeof(line));
	}
	emit_sealed(p, line, len, "chain_start", 0, now, SINK_SEV_NOTICE);
}

void pipeline_checkpoint(struct pipeline *p, bool final)
{
	char line[LINE_MAX_LEN];
	uint64_t now = boottime_ns();
	int len;

	if (!p->chained)
		return;
	prepare_files(p, 256);
	if (p->run)
		chain_run_epoch(p->run, &p->chain, now, false);
	len = chain_checkpoint_wall_line(&p->chain, now, clock_ns(CLOCK_REALTIME),
					 p->last_seq, final, line, sizeof(line));
	if (len > 0 && p->run)
		chain_run_saved(p->run, &p->chain, final);
	/*
	 * After the last line of a run, the key on disk is the next epoch's: a
	 * copy taken while the daemon is stopped cannot seal lines after it.
	 */
	if (len > 0 && p->run && final)
		chain_run_epoch(p->run, &p->chain, now, true);
	emit_sealed(p, line, len, "checkpoint", 0, now, SINK_SEV_INFO);
}

/* on_new_file of the file sinks: the first line of the new file. */
static void on_file_rotated(void *ctx, struct sink *s, const char *prev)
{
	struct pipeline *p = ctx;
	char line[LINE_MAX_LEN];

	(void)s;
	if (!p->chained)
		return;
	emit_sealed(p, line,
		    chain_file_continued_line(&p->chain, boottime_ns(),
					      prev ? prev : "", line,
					      sizeof(line)),
		    "file_continued", 0, boottime_ns(), SINK_SEV_NOTICE);
}

int pipeline_add_file(struct pipeline *p, const struct file_sink_conf *c)
{
	struct file_sink_conf fc = *c;
	struct sink *s;
	int err;

	if (p->nsinks == PIPELINE_MAX_SINKS)
		return -E2BIG;
	s = &p->sinks[p->nsinks];
	fc.on_new_file = on_file_rotated;
	fc.ctx = p;
	err = sink_file_new(s, &fc);
	if (err)
		return err;
	p->is_file[p->nsinks++] = true;
	return 0;
}

static int format_kernel(struct pipeline *p, const struct inputaudit_record *rec,
			 const struct policy_verdict *v, char *line, size_t size)
{
	if (p->raw)
		return record_json_raw(rec, line, size);
	if (rec->type == INPUTAUDIT_REC_DEV_ADDED && v->name)
		return record_json_format_named(rec, v->name, v->name_truncated,
						v->name_records, line, size);
	return record_json_format(rec, line, size);
}

/* Every record received counts, whatever the policy does with it. */
static void count_totals(struct kernel_totals *t, const struct inputaudit_record *rec)
{
	switch (rec->type) {
	case INPUTAUDIT_REC_HEARTBEAT:
		t->have_frames = true;
		t->frames_seen = rec->v[0];
		t->frames_suppressed = rec->v[1];
		break;
	case INPUTAUDIT_REC_CONSUMER:
		t->have_no_consumer = true;
		t->no_consumer_ns = rec->v[2];
		break;
	case INPUTAUDIT_REC_BLIND:
		if (rec->flags == INPUTAUDIT_BLIND_END)
			t->blind_ns += rec->v[0];
		break;
	}
}

void pipeline_kernel_record(struct pipeline *p,
			    const struct inputaudit_record *rec)
{
	struct policy_verdict v;
	char line[LINE_MAX_LEN];
	unsigned int i;
	int err;

	if (p->record) {
		err = recfile_write(p->record, rec);
		if (err && !p->write_err) {
			log_warnc(err, "--record: write failed");
			p->write_err = err;
		}
	}
	/* A loss this record reveals is written before it. */
	if (!seqtrack_add(&p->seq, rec->seq))
		return;
	if (rec->seq > p->last_seq)
		p->last_seq = rec->seq;
	count_totals(&p->totals, rec);

	policy_record(p->policy, rec, &v);
	if (rec->type == INPUTAUDIT_REC_DEV_NAME && !p->raw)
		return;		/* merged into the device_added line */
	if (p->raw || (v.flags & POLICY_FORWARD))
		emit(p, line, format_kernel(p, rec, &v, line, sizeof(line)),
		     record_json_type_name(rec->type), rec->seq, rec->time_ns,
		     kernel_severity(rec));
	else
		p->filtered++;
	for (i = 0; i < v.nalerts; i++)
		pipeline_alert(p, v.alerts[i].reason, rec->dev_id, rec->seq,
			       v.alerts[i].rule);

	if (rec->type == INPUTAUDIT_REC_HEARTBEAT)
		pipeline_checkpoint(p, false);
}

void pipeline_flush(struct pipeline *p)
{
	unsigned int i;
	int err;

	p->batch_realtime_ns = 0;
	if (p->record) {
		err = recfile_flush(p->record);
		if (err && !p->write_err) {
			log_warnc(err, "--record: write failed");
			p->write_err = err;
		}
	}
	for (i = 0; i < p->nsinks; i++) {
		err = p->sinks[i].ops->flush(&p->sinks[i]);
		if (err && !p->write_err) {
			log_warnc(err, "%s: write failed", p->sinks[i].name);
			p->write_err = err;
		}
	}
	if (p->run)
		chain_run_commit(p->run);
}

void pipeline_tick(struct pipeline *p, uint64_t now_ms)
{
	unsigned int i;

	for (i = 0; i < p->nsinks; i++)
		if (p->sinks[i].ops->tick)
			p->sinks[i].ops->tick(&p->sinks[i], now_ms);
}

void pipeline_reopen(struct pipeline *p)
{
	unsigned int i;
	int err;

	for (i = 0; i < p->nsinks; i++) {
		if (!p->sinks[i].ops->reopen)
			continue;
		err = p->sinks[i].ops->reopen(&p->sinks[i]);
		if (err)
			log_warnc(err, "%s: cannot reopen", p->sinks[i].name);
	}
}

void pipeline_sandbox(struct pipeline *p, struct sandbox *sb)
{
	for (unsigned int i = 0; i < p->nsinks; i++)
		if (p->sinks[i].ops->sandbox)
			p->sinks[i].ops->sandbox(&p->sinks[i], sb);
}

struct record_sink_gap pipeline_gap_record(const char *sink, const struct file_gap *g)
{
	return (struct record_sink_gap){
		.sink = sink,
		.dropped = g->lines,
		.first_n = g->first_n,
		.last_n = g->last_n,
		.first_time_ns = g->first_time_ns,
		.last_time_ns = g->last_time_ns,
		.err = g->err,
	};
}

/* The sink_gap line for @g, sealed when chained.  Return: its length or -errno. */
static int gap_line(struct pipeline *p, const char *sink, const struct file_gap *g,
		    char *out, size_t size, char resume[CHAIN_HEX_LEN + 1])
{
	struct record_sink_gap rg = pipeline_gap_record(sink, g);
	uint8_t prev[CHAIN_LEN] = { 0 };
	char line[LINE_MAX_LEN];
	int len;

	if (!p->chained)
		return record_json_sink_gap(boottime_ns(), &rg, true, out, size);
	/* Every line since the gap began was lost: it ends at the chain's head. */
	if (g->last_n != p->chain.n || g->prev_n + 1 != g->first_n ||
	    (g->prev_n && !g->have_prev_chain) ||
	    (g->have_prev_chain && chain_unhex(g->prev_chain, prev)))
		return -EINVAL;
	chain_hex(p->chain.prev, resume);
	rg.prev_chain = g->have_prev_chain ? g->prev_chain :
			"0000000000000000000000000000000000000000000000000000000000000000";
	rg.resume_chain = resume;
	len = record_json_sink_gap(boottime_ns(), &rg, true, line, sizeof(line));
	if (len < 0)
		return len;
	/*
	 * Sealed with the current epoch's key, which may be later than the
	 * one of the line before the gap: it says which (verify reports a gap
	 * across an epoch change, as it cannot tell it from a cut).
	 */
	if (p->chain.epochs && len >= 2) {
		int n = snprintf(line + len - 2, sizeof(line) - (size_t)len + 2,
				 ",\"epoch\":%" PRIu64 "}\n", p->chain.epoch);

		if (n < 0 || (size_t)n >= sizeof(line) - (size_t)len + 2)
			return -ENOSPC;
		len += n - 2;
	}
	return chain_seal_at(&p->chain, prev, g->first_n - 1, line, len, out, size);
}

bool pipeline_resume_file(struct pipeline *p, struct sink *s, struct file_gap *g)
{
	char line[LINE_MAX_LEN], resume[CHAIN_HEX_LEN + 1];
	int len;

	if (!sink_file_gap_due(s, g))
		return false;
	len = gap_line(p, s->name, g, line, sizeof(line), resume);
	if (len < 0) {		/* cannot happen: the sink saw every line */
		log_warnc(len, "%s: cannot make the sink_gap line", s->name);
		return false;
	}
	return !sink_file_resume(s, line, len, p->chained ? resume : NULL);
}

int pipeline_close(struct pipeline *p)
{
	unsigned int i;
	int err, ret = 0;

	for (i = 0; i < p->nsinks; i++) {
		err = p->sinks[i].ops->close(&p->sinks[i]);
		if (err) {
			log_warnc(err, "%s: final write failed", p->sinks[i].name);
			if (!ret)
				ret = err;
		}
	}
	p->nsinks = 0;
	if (p->run)
		chain_run_commit(p->run);
	return ret ? ret : p->write_err;
}
