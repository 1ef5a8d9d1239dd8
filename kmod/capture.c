// SPDX-License-Identifier: GPL-2.0-only
/*
 * inputaudit: the capture path.  Decides per frame whether it passes or is
 * suppressed by a rate limit, turns the values of passing frames into
 * activity counts and, at level "events", into minimized event records.
 *
 * Everything here runs from the input core's .events callback, with the
 * device's event_lock held and IRQs off: no allocation, no sleeping, no
 * printk, nothing but counting and the tracepoint call.
 */
#include <linux/input.h>
#include <linux/lockdep.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/ktime.h>

#include "internal.h"

/* KEY_* codes, as opposed to the BTN_* ranges that share EV_KEY. */
static bool inputaudit_is_keyboard_key(unsigned int code)
{
	return code < BTN_MISC ||
	       (code >= KEY_OK && code < BTN_DPAD_UP) ||
	       (code > BTN_DPAD_RIGHT && code < BTN_TRIGGER_HAPPY);
}

static enum inputaudit_button_class inputaudit_button_class(unsigned int code)
{
	switch (code) {
	case BTN_LEFT:
		return INPUTAUDIT_BTN_LEFT;
	case BTN_RIGHT:
		return INPUTAUDIT_BTN_RIGHT;
	case BTN_MIDDLE:
		return INPUTAUDIT_BTN_MIDDLE;
	default:
		return INPUTAUDIT_BTN_OTHER;
	}
}

static void inputaudit_event(struct inputaudit_dev *iad, unsigned int level,
			     enum inputaudit_event_kind kind, u64 class,
			     u64 code)
{
	if (level >= INPUTAUDIT_LEVEL_EVENTS)
		inputaudit_stage_event(iad, kind, class,
				       level >= INPUTAUDIT_LEVEL_KEYS ? code : 0);
}

static void inputaudit_touch(struct inputaudit_dev *iad, unsigned int level,
			     bool down)
{
	if (down)
		iad->act.touches++;
	inputaudit_event(iad, level, down ? INPUTAUDIT_EV_TOUCH_DOWN :
					    INPUTAUDIT_EV_TOUCH_UP, 0, 0);
}

/* @keyboard: inputaudit_is_keyboard_key(@code), known to the caller. */
static void inputaudit_key(struct inputaudit_dev *iad, unsigned int level,
			   unsigned int code, int value, bool keyboard)
{
	bool press = value == 1;

	if (keyboard) {
		if (press)
			iad->act.key_presses++;
		/* Classified only for a record: activity needs no class. */
		if (level >= INPUTAUDIT_LEVEL_EVENTS)
			inputaudit_event(iad, level,
					 press ? INPUTAUDIT_EV_KEY_PRESS :
						 INPUTAUDIT_EV_KEY_RELEASE,
					 inputaudit_key_class(code), code);
	} else if (code == BTN_TOUCH) {
		if (!iad->mt_touch)
			inputaudit_touch(iad, level, press);
	} else if (code >= BTN_TOOL_PEN && code <= BTN_TOOL_QUADTAP) {
		/* Tool state, not an action of the user's. */
	} else {
		if (press)
			iad->act.button_clicks++;
		inputaudit_event(iad, level,
				 press ? INPUTAUDIT_EV_BUTTON_PRESS :
					 INPUTAUDIT_EV_BUTTON_RELEASE,
				 inputaudit_button_class(code), code);
	}
}

static void inputaudit_rel(struct inputaudit_dev *iad, unsigned int code,
			   int value)
{
	switch (code) {
	case REL_X:
	case REL_Y:
	case REL_WHEEL:
	case REL_HWHEEL:
		iad->act.motion += value < 0 ? -(s64)value : value;
		iad->motion_events++;
		break;
	default:
		break;
	}
}

/**
 * inputaudit_report_suppressed() - report the frames suppressed so far
 * @iad: the device
 *
 * Context: @iad's dev->event_lock held, IRQs off.
 */
void inputaudit_report_suppressed(struct inputaudit_dev *iad)
{
	if (!iad->suppressed)
		return;
	inputaudit_emit_dev(iad, INPUTAUDIT_REC_SUPPRESSED,
			    iad->suppressed_limit, iad->suppressed, 0, 0, 0);
	iad->suppressed = 0;
}

/* The first value of a frame decides what happens to all of it. */
static void inputaudit_begin_frame(struct inputaudit_dev *iad)
{
	int limit;

	iad->frame_ns = inputaudit_now();
	limit = inputaudit_ratelimit_frame(iad, iad->frame_ns);
	if (!limit) {
		iad->frame = INPUTAUDIT_FRAME_PASS;
	} else {
		iad->frame = INPUTAUDIT_FRAME_SUPPRESS;
		if (!iad->suppressed) {
			iad->suppressed_since = iad->frame_ns;
			iad->suppressed_limit = limit;
		}
		iad->suppressed++;
		iad->suppressed_last_ns = iad->frame_ns;
	}
	/*
	 * While a flood lasts, the frames that pass between suppressed ones
	 * do not each report: one report a second.  The monitor reports the
	 * rest soon after the flood ends.
	 */
	if (iad->suppressed &&
	    iad->frame_ns - iad->suppressed_since >= NSEC_PER_SEC)
		inputaudit_report_suppressed(iad);
}

/* A frame ended: account for it; one coalesced record for its motion. */
static void inputaudit_end_frame(struct inputaudit_dev *iad,
				 unsigned int level)
{
	iad->cnt.frames_seen++;
	switch (iad->frame) {
	case INPUTAUDIT_FRAME_PASS:
		iad->cnt.frames_emitted++;
		if (iad->motion_events)
			inputaudit_event(iad, level, INPUTAUDIT_EV_MOTION,
					 iad->motion_events, 0);
		break;
	default:
		iad->cnt.frames_suppressed++;
		break;
	}
	iad->motion_events = 0;
	iad->frame = INPUTAUDIT_FRAME_NONE;
}

static void inputaudit_value(struct inputaudit_dev *iad, unsigned int level,
			     const struct input_value *v)
{
	bool keyboard;

	switch (v->type) {
	case EV_KEY:
		/* Autorepeat (2) is neither a press nor a release. */
		if (v->value != 0 && v->value != 1)
			break;
		keyboard = inputaudit_is_keyboard_key(v->code);
		/* Injection bursts are looked for in suppressed frames too. */
		if (v->value == 1 && keyboard)
			inputaudit_inject_press(iad);
		if (iad->frame == INPUTAUDIT_FRAME_PASS)
			inputaudit_key(iad, level, v->code, v->value, keyboard);
		break;
	case EV_REL:
		if (iad->frame == INPUTAUDIT_FRAME_PASS)
			inputaudit_rel(iad, v->code, v->value);
		break;
	case EV_ABS:
		/* Positions never leave the kernel; contacts do. */
		if (iad->frame == INPUTAUDIT_FRAME_PASS &&
		    v->code == ABS_MT_TRACKING_ID)
			inputaudit_touch(iad, level, v->value >= 0);
		break;
	case EV_SW:
		if (iad->frame == INPUTAUDIT_FRAME_PASS) {
			iad->act.switches++;
			inputaudit_event(iad, level, INPUTAUDIT_EV_SWITCH,
					 v->code, 0);
		}
		break;
	default:
		/* MSC_SCAN and the rest: never emitted. */
		break;
	}
}

/**
 * inputaudit_capture() - account for the values of one or more frames
 * @iad: the device they came from
 * @vals: the values
 * @count: how many
 *
 * A frame is everything up to SYN_REPORT, even when the input core hands
 * it over in pieces; it is never split between outcomes.  A device that is
 * not being captured (no consumer, level "off", disabled: its handle is
 * about to close) is ignored entirely.
 *
 * Context: the input core's .events callback: @iad's dev->event_lock held,
 * IRQs off.
 */
void inputaudit_capture(struct inputaudit_dev *iad,
			const struct input_value *vals, unsigned int count)
{
	unsigned int level = READ_ONCE(inputaudit_level);
	const struct input_value *v;

	lockdep_assert_held(&iad->handle.dev->event_lock);
	if (unlikely(!iad->capturing || level == INPUTAUDIT_LEVEL_OFF))
		return;

	for (v = vals; v != vals + count; v++) {
		if (iad->frame == INPUTAUDIT_FRAME_NONE)
			inputaudit_begin_frame(iad);
		if (v->type == EV_SYN) {
			if (v->code == SYN_REPORT)
				inputaudit_end_frame(iad, level);
			continue;
		}
		inputaudit_value(iad, level, v);
	}
}

/**
 * inputaudit_capture_end() - capture of a device stops: send what is due
 * @iad: the device
 *
 * The rest of a frame cut short will not be looked at, so it is accounted
 * now, as seen; the next frame after capture starts again starts afresh.
 * Staged event records, the suppressed count, an open blind span and the
 * current activity window are sent: when the last consumer leaves, its
 * probe is still live while this runs.
 *
 * Context: @iad's dev->event_lock held, IRQs off, capture of @iad stopped.
 */
void inputaudit_capture_end(struct inputaudit_dev *iad)
{
	if (iad->frame != INPUTAUDIT_FRAME_NONE)
		inputaudit_end_frame(iad, READ_ONCE(inputaudit_level));
	inputaudit_stage_flush(iad);
	inputaudit_report_suppressed(iad);
	inputaudit_blind_stop(iad);
	inputaudit_flush_activity(iad);
}

/**
 * inputaudit_flush_activity() - emit and reset the window's activity
 * @iad: the device
 *
 * Windows without activity produce no record.  Activity is only gathered
 * while the device is captured, at level "activity" or above, so whatever
 * is here may be sent.
 *
 * Context: @iad's dev->event_lock held, IRQs off.
 */
void inputaudit_flush_activity(struct inputaudit_dev *iad)
{
	struct inputaudit_activity *a = &iad->act;

	if (!(a->key_presses | a->button_clicks | a->motion |
	      a->touches | a->switches))
		return;
	inputaudit_emit_dev(iad, INPUTAUDIT_REC_ACTIVITY, 0, a->key_presses,
			    a->button_clicks, a->motion,
			    (u64)a->switches << 32 | a->touches);
	memset(a, 0, sizeof(*a));
}
