// SPDX-License-Identifier: GPL-2.0-only
/*
 * inputaudit: rate limiting in frames, per device and over all devices.
 *
 * Each bucket is a generic cell rate algorithm (GCRA), the integer form of
 * a token bucket: it keeps the theoretical arrival time (tat) of the next
 * frame.  A frame conforms while tat is at most (burst - 1) intervals
 * ahead of now; a conforming frame moves tat one interval on.  No division
 * happens in the event path: intervals are computed when settings change.
 */
#include <linux/atomic.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/time64.h>

#include "internal.h"

/* Interval and tolerance in ns, recomputed on every settings change. */
static u64 inputaudit_dev_interval, inputaudit_dev_tolerance;
static u64 inputaudit_global_interval, inputaudit_global_tolerance;

/*
 * The global bucket, shared by every device's event path: updated with a
 * compare-and-exchange instead of a lock (one atomic instruction when
 * uncontended).
 */
static atomic64_t inputaudit_global_tat = ATOMIC64_INIT(0);

/*
 * One GCRA decision: does a frame at @now conform to a bucket at @tat?  If
 * so, *@next is the bucket's new tat.
 */
static bool inputaudit_gcra_step(u64 tat, u64 now, u64 interval,
				 u64 tolerance, u64 *next)
{
	u64 t = max(tat, now);

	if (t - now > tolerance)
		return false;
	*next = t + interval;
	return true;
}

/* A bucket only its device's event path updates (under event_lock). */
static bool inputaudit_gcra(u64 *tat, u64 now, u64 interval, u64 tolerance)
{
	return inputaudit_gcra_step(*tat, now, interval, tolerance, tat);
}

/* A bucket that other CPUs update concurrently. */
static bool inputaudit_gcra_shared(atomic64_t *tat, u64 now, u64 interval,
				   u64 tolerance)
{
	s64 old = atomic64_read(tat);
	u64 next;

	do {
		if (!inputaudit_gcra_step(old, now, interval, tolerance, &next))
			return false;
	} while (!atomic64_try_cmpxchg(tat, &old, next));
	return true;
}

/**
 * inputaudit_ratelimit_frame() - may a new frame of this device pass
 * @iad: the device
 * @now: the frame's time, ns
 *
 * Context: @iad's dev->event_lock held, IRQs off.
 * Return: 0 if the frame passes, else the bucket that ran dry (enum
 * inputaudit_limit).
 */
int inputaudit_ratelimit_frame(struct inputaudit_dev *iad, u64 now)
{
	if (!inputaudit_gcra(&iad->tat, now, READ_ONCE(inputaudit_dev_interval),
			     READ_ONCE(inputaudit_dev_tolerance)))
		return INPUTAUDIT_LIMIT_DEVICE;
	if (!inputaudit_gcra_shared(&inputaudit_global_tat, now,
				    READ_ONCE(inputaudit_global_interval),
				    READ_ONCE(inputaudit_global_tolerance)))
		return INPUTAUDIT_LIMIT_GLOBAL;
	return 0;
}

static void inputaudit_bucket_params(unsigned int rate, unsigned int burst,
				     u64 *interval, u64 *tolerance)
{
	u64 i = div_u64(NSEC_PER_SEC, max(rate, 1U));

	WRITE_ONCE(*interval, i);
	WRITE_ONCE(*tolerance, i * (max(burst, 1U) - 1));
}

/**
 * inputaudit_ratelimit_update() - apply the rate and burst settings
 *
 * Context: process context (module init or a settings write).
 */
void inputaudit_ratelimit_update(void)
{
	inputaudit_bucket_params(READ_ONCE(inputaudit_dev_rate),
				 READ_ONCE(inputaudit_dev_burst),
				 &inputaudit_dev_interval,
				 &inputaudit_dev_tolerance);
	inputaudit_bucket_params(READ_ONCE(inputaudit_global_rate),
				 READ_ONCE(inputaudit_global_burst),
				 &inputaudit_global_interval,
				 &inputaudit_global_tolerance);
}
