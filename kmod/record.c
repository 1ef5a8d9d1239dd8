// SPDX-License-Identifier: GPL-2.0-only
/*
 * inputaudit: sequence numbers, timestamps and the tracepoint call.
 *
 * Every record that leaves the kernel goes through inputaudit_emit().  A
 * record is given a sequence number only when a consumer is attached to
 * the tracepoint, so the daemon can prove from gaps in the sequence that it
 * received every record emitted while it was there; records produced while
 * nobody listens are counted as unconsumed instead.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cred.h>
#include <linux/math64.h>
#include <linux/preempt.h>
#include <linux/timekeeping.h>
#include <linux/uidgid.h>

#include "internal.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

/* Timestamps leave the kernel rounded down to this resolution. */
#define INPUTAUDIT_TIME_RES_NS	(10 * NSEC_PER_MSEC)

static atomic64_t inputaudit_seq = ATOMIC64_INIT(0);
static atomic64_t inputaudit_unconsumed = ATOMIC64_INIT(0);

static u64 inputaudit_coarse_time(void)
{
	u64 t = ktime_get_coarse_boottime_ns();

	do_div(t, INPUTAUDIT_TIME_RES_NS);
	return t * INPUTAUDIT_TIME_RES_NS;
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
 * Context: any context with preemption disabled (the input event path,
 * with a device's event_lock held and IRQs off, or a caller that disabled
 * preemption), so that sequence numbers reach the ring in the order they
 * were taken on this CPU.
 */
void inputaudit_emit(u16 type, u16 flags, u32 dev_id,
		     u64 v0, u64 v1, u64 v2, u64 v3)
{
	if (!trace_inputaudit_record_enabled()) {
		atomic64_inc(&inputaudit_unconsumed);
		return;
	}
	trace_inputaudit_record(atomic64_inc_return(&inputaudit_seq),
				inputaudit_coarse_time(), type, flags, dev_id,
				v0, v1, v2, v3);
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
 * Context: as inputaudit_emit(), and with @iad's dev->event_lock held or
 * the device no longer delivering events (connect and disconnect).
 */
void inputaudit_emit_dev(struct inputaudit_dev *iad, u16 type, u16 flags,
			 u64 v0, u64 v1, u64 v2, u64 v3)
{
	iad->records++;
	inputaudit_emit(type, flags, iad->id, v0, v1, v2, v3);
}

/**
 * inputaudit_emit_config() - record a configuration change
 * @item: enum inputaudit_config_item
 * @old_val: the value before
 * @new_val: the value after
 *
 * Every change is both a record in the stream and a kernel log line, with
 * the uid of the writer.
 *
 * Context: process context (a sysfs or module parameter write).
 */
void inputaudit_emit_config(u16 item, u64 old_val, u64 new_val)
{
	uid_t uid = from_kuid_munged(&init_user_ns, current_uid());

	preempt_disable();
	inputaudit_emit(INPUTAUDIT_REC_CONFIG, item, 0, old_val, new_val,
			uid, 0);
	preempt_enable();
}

/**
 * inputaudit_consumer_attached() - is anything attached to the tracepoint
 *
 * Context: any.
 * Return: true while a BPF program (or another probe) is attached.
 */
bool inputaudit_consumer_attached(void)
{
	return trace_inputaudit_record_enabled();
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
