// SPDX-License-Identifier: GPL-2.0-only
/*
 * inputaudit: event records are staged per device and sent in batches.
 *
 * Calling the tracepoint and reserving ring space cost more than all the
 * rest of an event record together, so a device's event records are
 * gathered and sent up to INPUTAUDIT_BATCH_MAX in one firing
 * (INPUTAUDIT_TP_EVENT_BATCH in include/inputaudit.h), which the BPF
 * program unpacks into ordinary records in one ring sample.  Minimization
 * and accounting are those of single records:
 *   - a batch holds records of one time_res_ms step only, so every record
 *     keeps its own coarse time;
 *   - each record gets its own sequence number when the batch is sent;
 *   - a staged record is sent before any other record of its device (every
 *     inputaudit_emit_dev() sends the batch first), before a configuration
 *     record, when its handle is closed, and at the next tick at the latest
 *     (the stage timer), so it is at most one tick (4 ms at HZ=250) late.
 * The staged records sit in the device's struct; they are zeroed once sent.
 */
#include <linux/bug.h>
#include <linux/input.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/string.h>
#include <linux/timer.h>

#include "internal.h"

/**
 * inputaudit_stage_flush() - send a device's staged event records
 * @iad: the device
 *
 * Context: @iad's dev->event_lock held with IRQs off, or the device no
 * longer reachable by events, workers and its stage timer (disconnect).
 */
void inputaudit_stage_flush(struct inputaudit_dev *iad)
{
	if (!iad->staged)
		return;
	inputaudit_announce(iad);
	inputaudit_emit_batch(iad->id, iad->staged_ns, iad->staged, iad->stage);
	iad->staged = 0;
	memset(iad->stage, 0, sizeof(iad->stage));
}

/**
 * inputaudit_stage_event() - stage one event record of a device
 * @iad: the device
 * @kind: enum inputaudit_event_kind
 * @value: the record's v0 (class, count or switch number)
 * @code: the record's v1 (the key code at level "keys", else 0)
 *
 * Context: the input core's .events callback: @iad's dev->event_lock held,
 * IRQs off.
 */
void inputaudit_stage_event(struct inputaudit_dev *iad, u16 kind, u64 value,
			    u64 code)
{
	unsigned int n = iad->staged;
	u64 now;

	BUILD_BUG_ON(KEY_MAX > 0xfff || INPUTAUDIT_EV_SWITCH > 0xf);
	if (unlikely(value > INPUTAUDIT_BATCH_VALUE_MAX)) {
		/* Does not pack: a record of its own, after the batch. */
		inputaudit_emit_dev(iad, INPUTAUDIT_REC_EVENT, kind, value,
				    code, 0, 0);
		return;
	}

	now = inputaudit_coarsen(ktime_get_coarse_boottime_ns());
	if (n && now != iad->staged_ns) {
		inputaudit_stage_flush(iad);
		n = 0;
	}
	if (!n) {
		iad->staged_ns = now;
		if (!timer_pending(&iad->stage_timer))
			mod_timer(&iad->stage_timer, jiffies + 1);
	}
	iad->stage[n / 2] |= (u64)INPUTAUDIT_BATCH_PACK(kind, code, value) <<
			     (n % 2 * 32);
	iad->staged = ++n;
	iad->records++;
	if (n == INPUTAUDIT_BATCH_MAX)
		inputaudit_stage_flush(iad);
}

/**
 * inputaudit_stage_timer() - the stage timer: send what is staged
 * @t: the device's stage_timer
 *
 * Context: timer (softirq); takes the device's dev->event_lock.  The timer
 * is shut down in disconnect before the device goes.
 */
void inputaudit_stage_timer(struct timer_list *t)
{
	inputaudit_dev_locked(container_of(t, struct inputaudit_dev,
					   stage_timer),
			      inputaudit_stage_flush);
}
