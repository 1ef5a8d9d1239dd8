// SPDX-License-Identifier: GPL-2.0-only
/*
 * inputaudit: keystroke injection verdicts, in the kernel.
 *
 * A burst is a run of key presses (autorepeat excluded) with every
 * interval below inject_interval_ms; when a burst reaches inject_presses
 * presses, one verdict is emitted for it (the defaults, 5 presses under
 * 50 ms, are Google UKIP's).  Per-key timings never leave the kernel: the
 * verdict carries only the press count and the shortest interval, rounded
 * down to the time resolution.
 */
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/time64.h>

#include "internal.h"

/**
 * inputaudit_inject_press() - account for a key press of the current frame
 * @iad: the device; its frame_ns is the time of the press
 *
 * Context: @iad's dev->event_lock held, IRQs off.
 */
void inputaudit_inject_press(struct inputaudit_dev *iad)
{
	u64 max_gap = (u64)READ_ONCE(inputaudit_inject_interval_ms) *
		      NSEC_PER_MSEC;
	u64 now = iad->frame_ns;
	u64 gap = now - iad->inj_last_ns;

	if (iad->inj_count && gap < max_gap) {
		iad->inj_count++;
		iad->inj_min_ns = min(iad->inj_min_ns, gap);
	} else {
		iad->inj_count = 1;
		iad->inj_min_ns = U64_MAX;
		iad->inj_reported = false;
	}
	iad->inj_last_ns = now;

	if (!iad->inj_reported &&
	    iad->inj_count >= READ_ONCE(inputaudit_inject_presses)) {
		iad->inj_reported = true;
		inputaudit_emit_dev(iad, INPUTAUDIT_REC_INJECTION, 0,
				    iad->inj_count,
				    inputaudit_coarsen(iad->inj_min_ns), 0, 0);
	}
}
