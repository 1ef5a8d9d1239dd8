// SPDX-License-Identifier: GPL-2.0-only
/*
 * inputaudit: rate limiting in frames, per device and over all devices.
 *
 * Each bucket is a generic cell rate algorithm (GCRA), the integer form of
 * a token bucket: it keeps the theoretical arrival time (tat) of the next
 * frame.  A frame conforms while tat is at most (burst - 1) intervals
 * ahead of now; a conforming frame moves tat one interval on.  No division
 * happens in the event path: intervals are computed when settings change.
 *
 * Fairness.  A frame must conform to its device's bucket (dev_rate,
 * dev_burst).  Then, if it is within the device's fair share of the global
 * limit (a third bucket per device: global_rate / N frames a second, burst
 * global_burst / N, N the number of attached devices), it passes and is
 * charged to the global bucket however full that is; otherwise it passes
 * only if the global bucket has room.  So the total stays within the
 * global limit (the fair shares add up to it), a device that keeps within
 * its share is never suppressed because others flood, and a flood gets
 * its own share plus whatever the others leave.  A frame refused by one
 * bucket takes nothing from another.
 *
 * A change of the settings takes effect at once: every bucket that is
 * further ahead than the new settings allow is brought back to them, so
 * within one burst period of the new settings it has refilled.
 */
#include <linux/atomic.h>
#include <linux/lockdep.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/spinlock.h>
#include <linux/time64.h>

#include "internal.h"

/*
 * Intervals and tolerances in ns, recomputed under inputaudit_rate_lock
 * when settings or the number of devices change; the event path reads
 * them with READ_ONCE().
 */
static DEFINE_SPINLOCK(inputaudit_rate_lock);
static u64 inputaudit_dev_interval, inputaudit_dev_tolerance;
static u64 inputaudit_global_interval, inputaudit_global_tolerance;
static u64 inputaudit_fair_interval, inputaudit_fair_tolerance;
static unsigned int inputaudit_rate_ndevices = 1;	/* rate lock */

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

/* A frame through the global bucket, if it has room. */
static bool inputaudit_global_take(u64 now, u64 interval, u64 tolerance)
{
	s64 old = atomic64_read(&inputaudit_global_tat);
	u64 next;

	do {
		if (!inputaudit_gcra_step(old, now, interval, tolerance, &next))
			return false;
	} while (!atomic64_try_cmpxchg(&inputaudit_global_tat, &old, next));
	return true;
}

/* A frame within a fair share: charged to the global bucket regardless. */
static void inputaudit_global_charge(u64 now, u64 interval)
{
	s64 old = atomic64_read(&inputaudit_global_tat);

	while (!atomic64_try_cmpxchg(&inputaudit_global_tat, &old,
				     max_t(u64, old, now) + interval))
		;
}

/**
 * inputaudit_ratelimit_frame() - may a new frame of this device pass
 * @iad: the device
 * @now: the frame's time, ns
 *
 * Context: @iad's dev->event_lock held, IRQs off.
 * Return: 0 if the frame passes, else the bucket that refused it (enum
 * inputaudit_limit).
 */
int inputaudit_ratelimit_frame(struct inputaudit_dev *iad, u64 now)
{
	u64 global_interval = READ_ONCE(inputaudit_global_interval);
	u64 dev_next, fair_next;

	if (!inputaudit_gcra_step(iad->tat, now,
				  READ_ONCE(inputaudit_dev_interval),
				  READ_ONCE(inputaudit_dev_tolerance),
				  &dev_next))
		return INPUTAUDIT_LIMIT_DEVICE;
	if (inputaudit_gcra_step(iad->fair_tat, now,
				 READ_ONCE(inputaudit_fair_interval),
				 READ_ONCE(inputaudit_fair_tolerance),
				 &fair_next)) {
		inputaudit_global_charge(now, global_interval);
		iad->fair_tat = fair_next;
	} else if (!inputaudit_global_take(now, global_interval,
					   READ_ONCE(inputaudit_global_tolerance))) {
		return INPUTAUDIT_LIMIT_GLOBAL;
	}
	iad->tat = dev_next;
	return 0;
}

static void inputaudit_bucket_params(u64 interval, unsigned int burst,
				     u64 *interval_p, u64 *tolerance_p)
{
	WRITE_ONCE(*interval_p, interval);
	WRITE_ONCE(*tolerance_p, interval * (max(burst, 1U) - 1));
}

/* Context: any; inputaudit_rate_lock held. */
static void inputaudit_rate_params(void)
{
	unsigned int n = max(inputaudit_rate_ndevices, 1U);
	u64 dev = div_u64(NSEC_PER_SEC, max(READ_ONCE(inputaudit_dev_rate), 1U));
	u64 global = div_u64(NSEC_PER_SEC,
			     max(READ_ONCE(inputaudit_global_rate), 1U));

	lockdep_assert_held(&inputaudit_rate_lock);
	inputaudit_bucket_params(dev, READ_ONCE(inputaudit_dev_burst),
				 &inputaudit_dev_interval,
				 &inputaudit_dev_tolerance);
	inputaudit_bucket_params(global, READ_ONCE(inputaudit_global_burst),
				 &inputaudit_global_interval,
				 &inputaudit_global_tolerance);
	inputaudit_bucket_params(global * n,
				 READ_ONCE(inputaudit_global_burst) / n,
				 &inputaudit_fair_interval,
				 &inputaudit_fair_tolerance);
}

/**
 * inputaudit_ratelimit_update() - the number of devices changed
 * @ndevices: how many are attached now (0 at load: no change)
 *
 * Context: process context.
 */
void inputaudit_ratelimit_update(unsigned int ndevices)
{
	unsigned long flags;

	spin_lock_irqsave(&inputaudit_rate_lock, flags);
	if (ndevices)
		inputaudit_rate_ndevices = ndevices;
	inputaudit_rate_params();
	spin_unlock_irqrestore(&inputaudit_rate_lock, flags);
}

/* No further ahead of @now than @tolerance allows. */
static u64 inputaudit_clamp(u64 tat, u64 now, u64 tolerance)
{
	return min(tat, now + tolerance);
}

/* Context: @iad's dev->event_lock held, IRQs off. */
static void inputaudit_ratelimit_clamp_dev(struct inputaudit_dev *iad)
{
	u64 now = inputaudit_now();

	iad->tat = inputaudit_clamp(iad->tat, now,
				    READ_ONCE(inputaudit_dev_tolerance));
	iad->fair_tat = inputaudit_clamp(iad->fair_tat, now,
					 READ_ONCE(inputaudit_fair_tolerance));
}

/**
 * inputaudit_ratelimit_changed() - apply new rate and burst settings
 *
 * Every bucket that is further ahead than the new settings allow (after
 * a very low rate with a huge burst, say) is brought back within them.
 *
 * Context: process context (a settings write); takes
 * inputaudit_devices_lock and each dev->event_lock.
 */
void inputaudit_ratelimit_changed(void)
{
	u64 tolerance, now = inputaudit_now();
	s64 old;

	inputaudit_ratelimit_update(0);
	tolerance = READ_ONCE(inputaudit_global_tolerance);
	old = atomic64_read(&inputaudit_global_tat);
	while (!atomic64_try_cmpxchg(&inputaudit_global_tat, &old,
				     inputaudit_clamp(old, now, tolerance)))
		;
	inputaudit_devices_walk(inputaudit_ratelimit_clamp_dev);
}
