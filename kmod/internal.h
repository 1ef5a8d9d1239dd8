/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * inputaudit: declarations shared by the module's source files.
 *
 * Locking, in the order it nests:
 *   input_mutex (input core)      held around connect() and disconnect()
 *   inputaudit_devices_lock       mutex, protects inputaudit_devices
 *   dev->event_lock (input core)  spinlock, IRQs off; protects the
 *                                 per-device capture state and is held
 *                                 by the input core around .events()
 */
#ifndef _INPUTAUDIT_INTERNAL_H
#define _INPUTAUDIT_INTERNAL_H

#include <linux/input.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/types.h>

#include "inputaudit.h"

/* Activity counted in the current window; under dev->event_lock. */
struct inputaudit_activity {
	u64 key_presses;
	u64 button_clicks;
	u64 motion;
	u32 touches;
	u32 switches;
};

/**
 * struct inputaudit_dev - one attached input device
 * @handle: our handle on the device; handle.private points back here
 * @node: entry in inputaudit_devices, under inputaudit_devices_lock
 * @id: device id, never reused while the module is loaded
 * @caps: enum inputaudit_dev_flags
 * @mt_touch: the device reports contacts by multitouch tracking ids, so
 *	BTN_TOUCH is not counted as a contact of its own
 * @creator_pid: tgid of the process that registered the device, or
 *	INPUTAUDIT_NO_CREATOR
 * @creator_uid: its uid in the initial user namespace
 * @creator_comm: its comm
 * @act: activity in the current window (under dev->event_lock)
 * @motion_events: relative events in the current frame, for a coalesced
 *	motion record (under dev->event_lock)
 * @frames_seen: frames (up to SYN_REPORT) seen (under dev->event_lock)
 * @records: records emitted for this device (under dev->event_lock)
 */
struct inputaudit_dev {
	struct input_handle handle;
	struct list_head node;
	u32 id;
	u16 caps;
	bool mt_touch;
	u32 creator_pid;
	u32 creator_uid;
	char creator_comm[TASK_COMM_LEN];
	struct inputaudit_activity act;
	u32 motion_events;
	u64 frames_seen;
	u64 records;
};

/* params.c: global settings, read locklessly with READ_ONCE(). */
extern int inputaudit_level;
extern unsigned int inputaudit_window_ms;
const char *inputaudit_level_name(int level);
void inputaudit_params_set_live(bool live);

/* record.c */
void inputaudit_emit(u16 type, u16 flags, u32 dev_id,
		     u64 v0, u64 v1, u64 v2, u64 v3);
void inputaudit_emit_dev(struct inputaudit_dev *iad, u16 type, u16 flags,
			 u64 v0, u64 v1, u64 v2, u64 v3);
void inputaudit_emit_config(u16 item, u64 old_val, u64 new_val);
bool inputaudit_consumer_attached(void);
u64 inputaudit_records_emitted(void);
u64 inputaudit_records_unconsumed(void);

/* capture.c */
void inputaudit_capture(struct inputaudit_dev *iad,
			const struct input_value *vals, unsigned int count);
void inputaudit_flush_activity(struct inputaudit_dev *iad);

/* keyclass.c */
enum inputaudit_key_class inputaudit_key_class(unsigned int code);

/* window.c */
void inputaudit_window_start(void);
void inputaudit_window_stop(void);
void inputaudit_window_reschedule(void);

/* handler.c */
extern struct mutex inputaudit_devices_lock;
extern struct list_head inputaudit_devices;
int inputaudit_handler_register(void);
void inputaudit_handler_unregister(void);
unsigned int inputaudit_device_count(void);

/* sysfs.c */
int inputaudit_sysfs_init(void);
void inputaudit_sysfs_exit(void);

#endif /* _INPUTAUDIT_INTERNAL_H */
