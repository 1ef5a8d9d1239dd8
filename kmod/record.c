// SPDX-License-Identifier: GPL-2.0-only
/*
 * inputaudit: sequence numbers, timestamps, consumers and the tracepoint.
 *
 * Every record that leaves the kernel goes through inputaudit_emit(), or
 * inputaudit_emit_batch() for event records sent in batches (batch.c).  A
 * record is given a sequence number only when a consumer is attached to
 * the tracepoint, so the daemon can prove from gaps in the sequence that it
 * received every record emitted while it was there.  While nobody listens
 * nothing is looked at and little is produced: no frames (the handles are
 * closed), no heartbeats, and device identities wait for the next consumer
 * (identity.c).  What is still produced then is information nobody will
 * get (a configuration change, a device removed) and is counted as
 * unconsumed; the time without a consumer is measured and reported when
 * one attaches.
 *
 * Every firing happens with IRQs off.  A raw tracepoint's BPF program that
 * is running on a CPU skips a firing nested in it on the same CPU (the
 * kernel's recursion guard): an input interrupt, or the stage timer's
 * softirq on its way out of one, firing the tracepoint while a record from
 * process context is being copied would lose a record that already has a
 * sequence number, and nothing would count it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cred.h>
#include <linux/irqflags.h>
#include <linux/lockdep.h>
#include <linux/math64.h>
#include <linux/preempt.h>
#include <linux/spinlock.h>
#include <linux/ktime.h>
#include <linux/uidgid.h>

#include "compat.h"
#include "internal.h"

/*
 * The tracepoint is defined with callbacks for its first probe and for its
 * last going away (DEFINE_TRACE_FN, as TRACE_EVENT_FN does), which open and
 * close the input handles: DECLARE_TRACE has no way to name them, so the
 * DEFINE_TRACE that define_trace.h turns it into is redefined here.
 */
#include <linux/tracepoint.h>
#undef DEFINE_TRACE
#define DEFINE_TRACE(name, proto, args)					\
	DEFINE_TRACE_FN(name, inputaudit_consumer_attach,		\
			inputaudit_consumer_detach, PARAMS(proto), PARAMS(args))

#define CREATE_TRACE_POINTS
#include "trace.h"

static atomic64_t inputaudit_seq = ATOMIC64_INIT(0);
static atomic64_t inputaudit_unconsumed = ATOMIC64_INIT(0);

/*
 * Consumer bookkeeping, under inputaudit_consumer_lock.  The tracepoint's
 * callbacks say when the first consumer came and the last one went; the
 * report of a consumer's arrival is sent once its probe is live (by the
 * sync worker and, failing that, the monitor).
 */
static DEFINE_SPINLOCK(inputaudit_consumer_lock);
static u64 inputaudit_consumer_gone_ns;	/* last detach, or load */
static u64 inputaudit_unconsumed_reported;	/* counted in a report */
static u64 inputaudit_no_consumer_total_ns;
static bool inputaudit_consumer_present;	/* between came and went */
static bool inputaudit_report_due;	/* a consumer came, not reported yet */
static u64 inputaudit_report_absent_ns;

/*
 * Sequence numbers for @n records about to go through the tracepoint: the
 * first of them (the others follow), or 0 when no consumer is attached, in
 * which case the records are counted as unconsumed instead.
 */
static u64 inputaudit_seq_take(unsigned int n)
{
	if (!inputaudit_trace_record_enabled()) {
		atomic64_add(n, &inputaudit_unconsumed);
		return 0;
	}
	return atomic64_add_return(n, &inputaudit_seq) - n + 1;
}

/**
 * inputaudit_coarsen() - round a time down to the time resolution
 * @ns: a time or a duration, ns
 *
 * Context: any.
 * Return: @ns rounded down to a multiple of time_res_ms.
 */
u64 inputaudit_coarsen(u64 ns)
{
	u64 res = (u64)READ_ONCE(inputaudit_time_res_ms) * NSEC_PER_MSEC;

	return div64_u64(ns, res) * res;
}

/**
 * inputaudit_emit() - send one record through the tracepoint
 * @type: enum inputaudit_type
 * @flags: per type, see include/inputaudit.h
 * @dev_id: device id, or 0 for records about no device
 * @v0: payload word 0
 * @v1: payload word 1
 * @v2: payload word 2
 * @v3: payload word 3
 *
 * The caller has minimized the payload for the current level already.
 *
 * Context: IRQs off (the input event path, with a device's event_lock
 * held, or a caller that disabled them): no other firing can then
 * interrupt this one on this CPU, and sequence numbers reach the ring in
 * the order they were taken on it.
 *
 * Return: true if it was given a sequence number, false if it was counted
 * as unconsumed.
 */
bool inputaudit_emit(u16 type, u16 flags, u32 dev_id,
		     u64 v0, u64 v1, u64 v2, u64 v3)
{
	u64 seq;

	lockdep_assert_irqs_disabled();
	seq = inputaudit_seq_take(1);

	if (!seq)
		return false;
	inputaudit_trace_record(seq,
				inputaudit_coarsen(ktime_get_coarse_boottime_ns()),
				type, flags, dev_id, v0, v1, v2, v3);
	return true;
}

/**
 * inputaudit_emit_batch() - send a batch of event records of one device
 * @dev_id: the device
 * @time_ns: their time, coarsened
 * @n: how many, 1..INPUTAUDIT_BATCH_MAX
 * @packed: INPUTAUDIT_BATCH_MAX / 2 words, as INPUTAUDIT_TP_EVENT_BATCH says
 *
 * Each record gets its own sequence number, or is counted as unconsumed.
 *
 * Context: as inputaudit_emit().
 */
void inputaudit_emit_batch(u32 dev_id, u64 time_ns, unsigned int n,
			   const u64 *packed)
{
	u64 seq;

	lockdep_assert_irqs_disabled();
	seq = inputaudit_seq_take(n);

	if (!seq)
		return;
	inputaudit_trace_record(seq, time_ns, INPUTAUDIT_TP_EVENT_BATCH, n,
				dev_id, packed[0], packed[1], packed[2],
				packed[3]);
}

/**
 * inputaudit_emit_dev() - send one record about a device and count it
 * @iad: the device
 * @type: enum inputaudit_type
 * @flags: per type
 * @v0: payload word 0
 * @v1: payload word 1
 * @v2: payload word 2
 * @v3: payload word 3
 *
 * The device's identity, if the consumer does not have it yet, and its
 * staged event records go first, so its records keep their order.
 *
 * Context: as inputaudit_emit(), and with @iad's dev->event_lock held or
 * the device no longer reachable by events and workers (disconnect).
 */
void inputaudit_emit_dev(struct inputaudit_dev *iad, u16 type, u16 flags,
			 u64 v0, u64 v1, u64 v2, u64 v3)
{
	inputaudit_announce(iad);
	inputaudit_stage_flush(iad);
	iad->records++;
	inputaudit_emit(type, flags, iad->id, v0, v1, v2, v3);
}

/**
 * inputaudit_emit_config() - record a configuration change
 * @item: enum inputaudit_config_item
 * @dev_id: the device for per-device settings, else 0
 * @old_val: the value before
 * @new_val: the value after
 *
 * Event records staged before the change are sent first, and the report
 * to a consumer that has just attached.  For a per-device setting the
 * caller has had the device announced.
 *
 * Context: process context (a sysfs write), inputaudit_settings_lock held;
 * takes inputaudit_devices_lock and each dev->event_lock.
 */
void inputaudit_emit_config(u16 item, u32 dev_id, u64 old_val, u64 new_val)
{
	uid_t uid = from_kuid_munged(&init_user_ns, current_uid());
	unsigned long flags;

	/* A consumer that just attached hears first what it missed. */
	inputaudit_consumer_report();
	inputaudit_devices_walk(inputaudit_stage_flush);
	local_irq_save(flags);
	inputaudit_emit(INPUTAUDIT_REC_CONFIG, item, dev_id, old_val, new_val,
			uid, 0);
	local_irq_restore(flags);
}

/**
 * inputaudit_consumer_came() - the first consumer is attaching
 *
 * Context: process context, the tracepoint's first-probe callback (its
 * probe is not live yet).
 */
void inputaudit_consumer_came(void)
{
	u64 now = ktime_get_boottime_ns(), absent;
	unsigned long flags;

	spin_lock_irqsave(&inputaudit_consumer_lock, flags);
	absent = now - inputaudit_consumer_gone_ns;
	inputaudit_no_consumer_total_ns += absent;
	inputaudit_report_absent_ns += absent;
	inputaudit_report_due = true;
	inputaudit_consumer_present = true;
	spin_unlock_irqrestore(&inputaudit_consumer_lock, flags);
}

/**
 * inputaudit_consumer_went() - the last consumer is detaching
 *
 * Context: process context, the tracepoint's last-probe callback.
 */
void inputaudit_consumer_went(void)
{
	unsigned long flags;

	spin_lock_irqsave(&inputaudit_consumer_lock, flags);
	inputaudit_consumer_gone_ns = ktime_get_boottime_ns();
	inputaudit_consumer_present = false;
	spin_unlock_irqrestore(&inputaudit_consumer_lock, flags);
}

/**
 * inputaudit_consumer_report() - tell a new consumer what it missed
 *
 * Once per arrival, when its probe is live: one record saying how long
 * there was no consumer and how many records were produced meanwhile
 * (each unconsumed record is counted in exactly one report).  Records that
 * went unconsumed while a consumer went and came back between two calls
 * get a report too.  A report that itself goes unconsumed (the consumer
 * left again) is kept for the next one.
 *
 * Context: process context (the sync worker, the monitor).
 */
void inputaudit_consumer_report(void)
{
	u64 absent, unconsumed, total;
	unsigned long flags;
	bool sent;

	if (!inputaudit_consumer_attached())
		return;
	spin_lock_irqsave(&inputaudit_consumer_lock, flags);
	unconsumed = atomic64_read(&inputaudit_unconsumed) -
		     inputaudit_unconsumed_reported;
	if (!inputaudit_report_due && !unconsumed) {
		spin_unlock_irqrestore(&inputaudit_consumer_lock, flags);
		return;
	}
	absent = inputaudit_report_absent_ns;
	total = inputaudit_no_consumer_total_ns;
	inputaudit_unconsumed_reported += unconsumed;
	inputaudit_report_absent_ns = 0;
	inputaudit_report_due = false;
	sent = inputaudit_emit(INPUTAUDIT_REC_CONSUMER, 0, 0,
			       inputaudit_coarsen(absent), unconsumed,
			       inputaudit_coarsen(total), 0);
	if (!sent) {
		/* The consumer went away meanwhile: the next report has it. */
		inputaudit_unconsumed_reported -= unconsumed;
		inputaudit_report_absent_ns += absent;
		inputaudit_report_due = true;
	}
	spin_unlock_irqrestore(&inputaudit_consumer_lock, flags);
}

/**
 * inputaudit_consumer_init() - start measuring time without a consumer
 *
 * Context: process context (module init).
 */
void inputaudit_consumer_init(void)
{
	unsigned long flags;

	spin_lock_irqsave(&inputaudit_consumer_lock, flags);
	inputaudit_consumer_gone_ns = ktime_get_boottime_ns();
	spin_unlock_irqrestore(&inputaudit_consumer_lock, flags);
}

/**
 * inputaudit_no_consumer_ns() - total time without a consumer
 *
 * Context: any but NMI.
 * Return: ns without a consumer since load, the current stretch included.
 */
u64 inputaudit_no_consumer_ns(void)
{
	unsigned long flags;
	u64 total;

	spin_lock_irqsave(&inputaudit_consumer_lock, flags);
	total = inputaudit_no_consumer_total_ns;
	if (!inputaudit_consumer_present)
		total += ktime_get_boottime_ns() - inputaudit_consumer_gone_ns;
	spin_unlock_irqrestore(&inputaudit_consumer_lock, flags);
	return total;
}

/**
 * inputaudit_consumer_attached() - is anything attached to the tracepoint
 *
 * Context: any.
 * Return: true while a BPF program (or another probe) is attached.
 */
bool inputaudit_consumer_attached(void)
{
	return inputaudit_trace_record_enabled();
}

/**
 * inputaudit_records_emitted() - records sent with a sequence number
 *
 * Context: any.
 * Return: the last sequence number handed out.
 */
u64 inputaudit_records_emitted(void)
{
	return atomic64_read(&inputaudit_seq);
}

/**
 * inputaudit_records_unconsumed() - records dropped for want of a consumer
 *
 * Context: any.
 * Return: records produced while nothing was attached to the tracepoint.
 */
u64 inputaudit_records_unconsumed(void)
{
	return atomic64_read(&inputaudit_unconsumed);
}
