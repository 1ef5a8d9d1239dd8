/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * inputaudit record format: the one header shared by the kernel module,
 * the BPF program, the daemon and the tests.
 *
 * The module fires one tracepoint with integer arguments only (seq,
 * time_ns, type, flags, dev_id, v0..v3).  A firing carries either one
 * record, which the BPF program copies verbatim into a struct
 * inputaudit_record in the ring buffer, or a batch of up to
 * INPUTAUDIT_BATCH_MAX event records of one device (type
 * INPUTAUDIT_TP_EVENT_BATCH, below), which it unpacks into as many records
 * in one ring sample.  A ring sample therefore holds one or more records
 * back to back.  What each payload word means depends on the type; the
 * encodings are below and in README.md ("Record schema").
 *
 * Nothing in a record below level "keys" identifies which key was pressed:
 * key records carry a coarse class only, and there are no scancodes and no
 * coordinates at any level this header describes.
 */
#ifndef _INPUTAUDIT_H
#define _INPUTAUDIT_H

#include <linux/types.h>

/*
 * Name of the module tracepoint.  Kernels from about 6.16 append "_tp" to
 * a DECLARE_TRACE() tracepoint; the daemon tries both names.
 */
#define INPUTAUDIT_TP_NAME		"inputaudit_record"
#define INPUTAUDIT_TP_NAME_SUFFIXED	"inputaudit_record_tp"

/* Root of the module's status tree. */
#define INPUTAUDIT_SYSFS_DIR		"/sys/kernel/inputaudit"
#define INPUTAUDIT_PARAM_DIR		"/sys/module/inputaudit/parameters"

/* Capture levels: the privacy ladder. */
enum inputaudit_level {
	INPUTAUDIT_LEVEL_OFF = 0,	/* lifecycle and configuration only */
	INPUTAUDIT_LEVEL_ACTIVITY = 1,	/* per-device summaries per window */
	INPUTAUDIT_LEVEL_EVENTS = 2,	/* individual events, keys as class */
	INPUTAUDIT_LEVEL_KEYS = 3,	/* key codes: only if max_level allows */
};

/* Record types (struct inputaudit_record.type). */
enum inputaudit_type {
	/*
	 * A device's identity: sent when the device is attached while a
	 * consumer is there, and, for every device already attached, when a
	 * consumer attaches after none (INPUTAUDIT_DEV_PRESENT: the inventory).
	 * Either way it precedes every other record of the device that the
	 * consumer receives.
	 * flags: enum inputaudit_dev_flags
	 * v0: INPUTAUDIT_IDENT(bus, vendor, product, version)
	 * v1: creator pid (low 32 bits), creator uid (high 32 bits); both
	 *     INPUTAUDIT_NO_CREATOR unless INPUTAUDIT_DEV_CREATOR
	 * v2, v3: creator comm, 16 bytes, NUL padded, little endian
	 */
	INPUTAUDIT_REC_DEV_ADDED = 1,
	/*
	 * A device was detached.  Its final activity summary precedes it.
	 * v0: frames seen over the device's lifetime
	 * v1: records emitted for the device (this one excluded)
	 */
	INPUTAUDIT_REC_DEV_REMOVED = 2,
	/*
	 * Activity summary for one device and one window; only sent for
	 * windows with any activity.
	 * v0: key presses (autorepeat excluded)
	 * v1: button clicks (presses)
	 * v2: pointer motion, sum of |dx| + |dy| + |wheel| in device units
	 * v3: touch contacts (low 32 bits), switch changes (high 32 bits)
	 */
	INPUTAUDIT_REC_ACTIVITY = 3,
	/*
	 * One input event (level "events" and above).
	 * flags: enum inputaudit_event_kind
	 * v0: class: enum inputaudit_key_class for keys, enum
	 *     inputaudit_button_class for buttons, number of coalesced
	 *     relative events for motion, 0 for touches, the switch number
	 *     (SW_*) for switches
	 * v1: the key code at level "keys", else 0
	 * v2, v3: 0
	 */
	INPUTAUDIT_REC_EVENT = 4,
	/*
	 * The capture configuration changed.
	 * flags: enum inputaudit_config_item
	 * v0: old value, v1: new value, v2: uid of the writer
	 * dev_id: the device for INPUTAUDIT_CFG_DEV_ENABLED, else 0
	 */
	INPUTAUDIT_REC_CONFIG = 5,
	/*
	 * Frames were suppressed by a rate limit.  Sent when capture resumes,
	 * and at least once a second while suppression goes on.
	 * flags: enum inputaudit_limit (which bucket ran dry first)
	 * v0: frames suppressed since the last such record
	 */
	INPUTAUDIT_REC_SUPPRESSED = 6,
	/*
	 * Heartbeat with the global counters, every heartbeat_ms while a
	 * consumer is attached.
	 * v0: frames seen, v1: frames suppressed, v2: 0 (reserved),
	 * v3: records produced while no consumer was attached
	 * (frames emitted = seen - suppressed)
	 */
	INPUTAUDIT_REC_HEARTBEAT = 7,
	/*
	 * Another handle grabbed (EVIOCGRAB) or released the device: while it
	 * is grabbed, nothing of it reaches inputaudit.
	 * flags: INPUTAUDIT_BLIND_START or INPUTAUDIT_BLIND_END
	 * v0: for an end, how long the device was blind, in ns (rounded to
	 *     the time resolution); v1: total blind time of the device, ns
	 * v2: for an end, INPUTAUDIT_BLIND_BOUND when the grab began after
	 *     the monitor's last look (it was seen only when it ended): v0 is
	 *     then an upper bound
	 */
	INPUTAUDIT_REC_BLIND = 8,
	/*
	 * A consumer attached to the tracepoint after a time without one.
	 * v0: how long there was none, ns; v1: records produced meanwhile
	 * (lost for want of a consumer); v2: total time without one, ns
	 */
	INPUTAUDIT_REC_CONSUMER = 9,
	/*
	 * Keystroke injection suspected: inject_presses key presses arrived
	 * with every interval below inject_interval_ms.  One per burst.
	 * v0: presses in the burst so far, v1: shortest interval, ns, rounded
	 * down to the time resolution
	 */
	INPUTAUDIT_REC_INJECTION = 10,
	/*
	 * The device's name (as in /proc/bus/input/devices), sent in 1 to
	 * INPUTAUDIT_NAME_CHUNKS records right before its DEV_ADDED record.
	 * Names are identity, not content: they are sent at every level.
	 * flags: chunk index (0, 1, ...) | INPUTAUDIT_NAME_LAST on the last
	 *        chunk | INPUTAUDIT_NAME_TRUNCATED if the name was longer
	 * v0..v3: INPUTAUDIT_NAME_CHUNK bytes of the name, NUL padded, in
	 *        memory order (little endian words)
	 */
	INPUTAUDIT_REC_DEV_NAME = 11,
};

/*
 * Tracepoint only, never in the ring: a batch of INPUTAUDIT_REC_EVENT
 * records of one device that share one time (one time_res_ms step).
 * Sending them in one firing costs the tracepoint and the ring reservation
 * once per batch instead of once per record.
 * seq: the first record's sequence number; record i has seq + i
 * time_ns, dev_id: those of every record in the batch
 * flags: how many records, 1..INPUTAUDIT_BATCH_MAX
 * v0..v3: the records, packed in 32 bits each: record i is
 *	(__u32)(v[i / 2] >> (32 * (i % 2))), and its flags, v0 and v1 are
 *	INPUTAUDIT_BATCH_KIND(), INPUTAUDIT_BATCH_VALUE() and
 *	INPUTAUDIT_BATCH_CODE() of that (v2 and v3 are 0); unused slots are 0.
 * An event whose v0 does not fit INPUTAUDIT_BATCH_VALUE_MAX is sent as a
 * record of its own.
 */
#define INPUTAUDIT_TP_EVENT_BATCH	0x8000
#define INPUTAUDIT_BATCH_MAX		8
#define INPUTAUDIT_BATCH_VALUE_MAX	0xffff
#define INPUTAUDIT_BATCH_PACK(kind, code, value)			\
	((__u32)(kind) | (__u32)(code) << 4 | (__u32)(value) << 16)
#define INPUTAUDIT_BATCH_KIND(p)	((__u16)((p) & 0xf))
#define INPUTAUDIT_BATCH_CODE(p)	((__u64)(((p) >> 4) & 0xfff))
#define INPUTAUDIT_BATCH_VALUE(p)	((__u64)((p) >> 16))

/* INPUTAUDIT_REC_DEV_NAME: chunking of the device name. */
#define INPUTAUDIT_NAME_CHUNK		32
#define INPUTAUDIT_NAME_CHUNKS		4
#define INPUTAUDIT_NAME_INDEX_MASK	0x0f
#define INPUTAUDIT_NAME_TRUNCATED	0x40
#define INPUTAUDIT_NAME_LAST		0x80

/* INPUTAUDIT_REC_SUPPRESSED flags. */
enum inputaudit_limit {
	INPUTAUDIT_LIMIT_DEVICE = 1,
	INPUTAUDIT_LIMIT_GLOBAL = 2,
};

/* INPUTAUDIT_REC_BLIND flags. */
enum inputaudit_blind {
	INPUTAUDIT_BLIND_START = 1,
	INPUTAUDIT_BLIND_END = 2,
};

/* INPUTAUDIT_REC_BLIND v2 of an end. */
#define INPUTAUDIT_BLIND_BOUND		1

/*
 * INPUTAUDIT_REC_DEV_ADDED flags: what the device can do, how it came to
 * be, and why it is announced.
 */
enum inputaudit_dev_flags {
	INPUTAUDIT_DEV_KEYBOARD = 1 << 0,	/* has ordinary keys */
	INPUTAUDIT_DEV_POINTER = 1 << 1,	/* relative axes or mouse buttons */
	INPUTAUDIT_DEV_TOUCH = 1 << 2,		/* absolute or multitouch axes */
	INPUTAUDIT_DEV_SWITCH = 1 << 3,		/* switches (lid, tablet mode) */
	/* v1..v3 name the process that created the device */
	INPUTAUDIT_DEV_CREATOR = 1 << 4,
	/* attached before the consumer: part of the inventory */
	INPUTAUDIT_DEV_PRESENT = 1 << 5,
	/* enum inputaudit_origin << INPUTAUDIT_DEV_ORIGIN_SHIFT */
	INPUTAUDIT_DEV_ORIGIN_MASK = 3 << 6,
	/*
	 * made by a process through uinput or uhid, but the kernel could not
	 * name it (no process holds the device's file any more, or the file
	 * is in flight in a socket): no creator fields
	 */
	INPUTAUDIT_DEV_CREATOR_UNKNOWN = 1 << 8,
};

#define INPUTAUDIT_DEV_ORIGIN_SHIFT	6
#define INPUTAUDIT_DEV_ORIGIN(flags)				\
	(((flags) & INPUTAUDIT_DEV_ORIGIN_MASK) >> INPUTAUDIT_DEV_ORIGIN_SHIFT)

/*
 * How a device came to be.  A device with a physical parent (USB, serio,
 * I2C, platform, ...) is hardware and never has a creator, whichever
 * process triggered its probe.  A uinput or uhid device carries the process
 * holding the /dev/uinput or /dev/uhid file it was made through.
 */
enum inputaudit_origin {
	INPUTAUDIT_ORIGIN_HARDWARE = 0,
	INPUTAUDIT_ORIGIN_UINPUT = 1,
	INPUTAUDIT_ORIGIN_UHID = 2,
	INPUTAUDIT_ORIGIN_VIRTUAL = 3,	/* other virtual: made by the kernel */
};

/* INPUTAUDIT_REC_EVENT flags. */
enum inputaudit_event_kind {
	INPUTAUDIT_EV_KEY_PRESS = 1,
	INPUTAUDIT_EV_KEY_RELEASE = 2,
	INPUTAUDIT_EV_BUTTON_PRESS = 3,
	INPUTAUDIT_EV_BUTTON_RELEASE = 4,
	INPUTAUDIT_EV_MOTION = 5,
	INPUTAUDIT_EV_TOUCH_DOWN = 6,
	INPUTAUDIT_EV_TOUCH_UP = 7,
	INPUTAUDIT_EV_SWITCH = 8,
};

/* Coarse key classes: all a key record says about the key below "keys". */
enum inputaudit_key_class {
	INPUTAUDIT_KEY_OTHER = 0,
	INPUTAUDIT_KEY_TEXT = 1,	/* letters, digits, punctuation, space */
	INPUTAUDIT_KEY_MODIFIER = 2,	/* shift, ctrl, alt, meta, locks */
	INPUTAUDIT_KEY_NAVIGATION = 3,	/* arrows, page, home/end, tab */
	INPUTAUDIT_KEY_EDITING = 4,	/* enter, backspace, delete, insert */
	INPUTAUDIT_KEY_FUNCTION = 5,	/* F1-F24, escape */
};

/* Coarse button classes. */
enum inputaudit_button_class {
	INPUTAUDIT_BTN_OTHER = 0,
	INPUTAUDIT_BTN_LEFT = 1,
	INPUTAUDIT_BTN_RIGHT = 2,
	INPUTAUDIT_BTN_MIDDLE = 3,
};

/* INPUTAUDIT_REC_CONFIG flags: which setting changed. */
enum inputaudit_config_item {
	INPUTAUDIT_CFG_LEVEL = 1,
	INPUTAUDIT_CFG_WINDOW_MS = 2,
	INPUTAUDIT_CFG_LOCK = 3,
	INPUTAUDIT_CFG_DEV_RATE = 4,
	INPUTAUDIT_CFG_DEV_BURST = 5,
	INPUTAUDIT_CFG_GLOBAL_RATE = 6,
	INPUTAUDIT_CFG_GLOBAL_BURST = 7,
	INPUTAUDIT_CFG_HEARTBEAT_MS = 8,
	INPUTAUDIT_CFG_TIME_RES_MS = 9,
	INPUTAUDIT_CFG_INJECT_PRESSES = 10,
	INPUTAUDIT_CFG_INJECT_INTERVAL_MS = 11,
	INPUTAUDIT_CFG_DEV_ENABLED = 12,
};

/* v1 of INPUTAUDIT_REC_DEV_ADDED when no process registered the device. */
#define INPUTAUDIT_NO_CREATOR		0xffffffffu

#define INPUTAUDIT_IDENT(bus, vendor, product, version)		\
	((__u64)(__u16)(bus) | (__u64)(__u16)(vendor) << 16 |	\
	 (__u64)(__u16)(product) << 32 | (__u64)(__u16)(version) << 48)
#define INPUTAUDIT_IDENT_BUS(v)		((__u16)(v))
#define INPUTAUDIT_IDENT_VENDOR(v)	((__u16)((v) >> 16))
#define INPUTAUDIT_IDENT_PRODUCT(v)	((__u16)((v) >> 32))
#define INPUTAUDIT_IDENT_VERSION(v)	((__u16)((v) >> 48))

/* One record as it sits in the BPF ring buffer: 56 bytes, no holes. */
struct inputaudit_record {
	__u64 seq;	/* kernel sequence number, strictly increasing from 1 */
	__u64 time_ns;	/* CLOCK_BOOTTIME, rounded down to the resolution */
	__u16 type;	/* enum inputaudit_type */
	__u16 flags;	/* per type, see above */
	__u32 dev_id;	/* device id: unique among attached devices, not
			 * reused before the u32 space wraps */
	__u64 v[4];	/* payload, per type, see above */
};

#endif /* _INPUTAUDIT_H */
