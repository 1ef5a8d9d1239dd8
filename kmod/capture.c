// SPDX-License-Identifier: GPL-2.0-only
/*
 * inputaudit: the capture path.  Turns the values of a frame into activity
 * counts and, at level "events", into minimized event records.
 *
 * Everything here runs from the input core's .events callback, with the
 * device's event_lock held and IRQs off: no allocation, no sleeping, no
 * printk, nothing but counting and the tracepoint call.
 */
#include <linux/input.h>
#include <linux/lockdep.h>
#include <linux/string.h>

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

static void inputaudit_event(struct inputaudit_dev *iad, int level,
			     enum inputaudit_event_kind kind, u64 class)
{
	if (level >= INPUTAUDIT_LEVEL_EVENTS)
		inputaudit_emit_dev(iad, INPUTAUDIT_REC_EVENT, kind,
				    class, 0, 0, 0);
}

static void inputaudit_touch(struct inputaudit_dev *iad, int level, bool down)
{
	if (down)
		iad->act.touches++;
	inputaudit_event(iad, level, down ? INPUTAUDIT_EV_TOUCH_DOWN :
					    INPUTAUDIT_EV_TOUCH_UP, 0);
}

static void inputaudit_key(struct inputaudit_dev *iad, int level,
			   unsigned int code, int value)
{
	bool press = value == 1;

	/* Autorepeat (2) is neither a press nor a release. */
	if (value != 0 && value != 1)
		return;

	if (inputaudit_is_keyboard_key(code)) {
		if (press)
			iad->act.key_presses++;
		inputaudit_event(iad, level, press ? INPUTAUDIT_EV_KEY_PRESS :
						     INPUTAUDIT_EV_KEY_RELEASE,
				 inputaudit_key_class(code));
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
				 inputaudit_button_class(code));
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

/* A frame ended: one coalesced motion record for all its motion. */
static void inputaudit_end_frame(struct inputaudit_dev *iad, int level)
{
	iad->frames_seen++;
	if (iad->motion_events) {
		inputaudit_event(iad, level, INPUTAUDIT_EV_MOTION,
				 iad->motion_events);
		iad->motion_events = 0;
	}
}

/**
 * inputaudit_capture() - account for the values of one or more frames
 * @iad: the device they came from
 * @vals: the values
 * @count: how many
 *
 * Context: the input core's .events callback: @iad's dev->event_lock held,
 * IRQs off.
 */
void inputaudit_capture(struct inputaudit_dev *iad,
			const struct input_value *vals, unsigned int count)
{
	int level = READ_ONCE(inputaudit_level);
	const struct input_value *v;

	lockdep_assert_held(&iad->handle.dev->event_lock);

	for (v = vals; v != vals + count; v++) {
		if (v->type == EV_SYN) {
			if (v->code == SYN_REPORT)
				inputaudit_end_frame(iad, level);
			continue;
		}
		if (level == INPUTAUDIT_LEVEL_OFF)
			continue;

		switch (v->type) {
		case EV_KEY:
			inputaudit_key(iad, level, v->code, v->value);
			break;
		case EV_REL:
			inputaudit_rel(iad, v->code, v->value);
			break;
		case EV_ABS:
			/* Positions never leave the kernel; contacts do. */
			if (v->code == ABS_MT_TRACKING_ID)
				inputaudit_touch(iad, level, v->value >= 0);
			break;
		case EV_SW:
			iad->act.switches++;
			inputaudit_event(iad, level, INPUTAUDIT_EV_SWITCH,
					 v->code);
			break;
		default:
			/* MSC_SCAN and the rest: never emitted. */
			break;
		}
	}
}

/**
 * inputaudit_flush_activity() - emit and reset the window's activity
 * @iad: the device
 *
 * Windows without activity produce no record.  Counts gathered before the
 * level was lowered to "off" are discarded, not sent.
 *
 * Context: @iad's dev->event_lock held with IRQs off, or the device no
 * longer delivering events (disconnect).
 */
void inputaudit_flush_activity(struct inputaudit_dev *iad)
{
	struct inputaudit_activity *a = &iad->act;

	if (!(a->key_presses | a->button_clicks | a->motion |
	      a->touches | a->switches))
		return;
	if (READ_ONCE(inputaudit_level) >= INPUTAUDIT_LEVEL_ACTIVITY)
		inputaudit_emit_dev(iad, INPUTAUDIT_REC_ACTIVITY, 0,
				    a->key_presses, a->button_clicks,
				    a->motion,
				    (u64)a->switches << 32 | a->touches);
	memset(a, 0, sizeof(*a));
}
