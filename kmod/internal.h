/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * inputaudit: declarations shared by the module's source files.
 *
 * Locking, in the order it nests:
 *   input_mutex (input core)        held around connect() and disconnect()
 *   tracepoints_mutex (kernel)      held around the tracepoint's first-probe
 *                                   and last-probe callbacks (sync.c)
 *   inputaudit_settings_lock        mutex, serializes setting writes
 *   iad->open_lock                  mutex, serializes opening and closing
 *                                   one device's handle (sync.c)
 *   inputaudit_devices_lock         mutex, protects inputaudit_devices and
 *                                   the counters of removed devices
 *   dev->mutex (input core)         taken by input_open_device() and
 *                                   input_close_device(), held around the
 *                                   handler's start() when a grab ends
 *   dev->event_lock (input core)    spinlock, IRQs off; held by the input
 *                                   core around .events(); protects the
 *                                   per-device capture state below, staged
 *                                   event records included
 *   inputaudit_sync_lock, inputaudit_consumer_lock
 *                                   spinlocks, IRQs off, innermost
 * inputaudit_devices_lock is never held across an open or a close of a
 * handle, so readers of the status files never wait for a driver.  The
 * global rate-limit bucket takes no lock (compare-and-exchange).
 *
 * Every record leaves through the tracepoint with IRQs off (record.c), so
 * a firing can never interrupt another on the same CPU: the BPF program
 * would skip the nested one, a record with a sequence number lost without
 * a trace.
 */
#ifndef _INPUTAUDIT_INTERNAL_H
#define _INPUTAUDIT_INTERNAL_H

#include <linux/input.h>
#include <linux/kobject.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/timer.h>
#include <linux/types.h>

#include "inputaudit.h"

/* Activity counted in the current window. */
struct inputaudit_activity {
	u64 key_presses;
	u64 button_clicks;
	u64 motion;
	u32 touches;
	u32 switches;
};

/* Frame accounting: seen = emitted + suppressed, always. */
struct inputaudit_counters {
	u64 frames_seen;
	u64 frames_emitted;	/* passed on to capture */
	u64 frames_suppressed;	/* by a rate limit */
	u64 blind_ns;		/* grabbed by another handle */
};

/* What happens to the frame in progress; decided at its first value. */
enum inputaudit_frame {
	INPUTAUDIT_FRAME_NONE,
	INPUTAUDIT_FRAME_PASS,
	INPUTAUDIT_FRAME_SUPPRESS,
};

/* Why a device's identity is still to be announced (identity.c). */
enum inputaudit_announce {
	INPUTAUDIT_ANNOUNCE_NONE,	/* the consumer has it */
	INPUTAUDIT_ANNOUNCE_NEW,	/* attached while a consumer was there */
	INPUTAUDIT_ANNOUNCE_PRESENT,	/* attached before the consumer came */
};

/**
 * struct inputaudit_dev - one attached input device
 * @handle: our handle on the device; handle.private points back here
 * @kobj: /sys/kernel/inputaudit/devices/<id>/; its release frees this
 * @node: entry in inputaudit_devices, under inputaudit_devices_lock
 * @sync_node: entry in the list of devices whose handle state is to be
 *	brought in line (sync.c), under inputaudit_sync_lock; empty when not
 *	queued.  A queued device holds a reference on @kobj.
 * @open_lock: serializes opening and closing @handle; protects @opened,
 *	@counted, @gone, @open_error, @open_backoff_ms and @open_retry_at (the monitor
 *	reads the last two without it)
 * @id: device id, unique among attached devices
 * @flags: enum inputaudit_dev_flags for its DEV_ADDED record: what it can
 *	do, its origin and whether a creator is named
 * @mt_touch: the device reports contacts by multitouch tracking ids, so
 *	BTN_TOUCH is not counted as a contact of its own
 * @enabled: capture from this device (written under the settings lock)
 * @opened: the handle is open
 * @counted: counted in the status file's open=: the handle is open and its
 *	capture has started, so input from here on is recorded
 * @gone: disconnect has begun: the handle is not opened again
 * @open_error: the last open's error (0: none)
 * @open_backoff_ms: how long to wait before the next try after a failure
 * @open_retry_at: jiffies of the next try
 * @creator_pid: tgid of the process that created the device, or
 *	INPUTAUDIT_NO_CREATOR
 * @creator_uid: its uid in the initial user namespace
 * @creator_comm: its comm
 *
 * The rest is under dev->event_lock:
 * @capturing: the event path looks at the device's frames: a consumer is
 *	attached, the level is not "off" and the device is enabled.  When it
 *	is false the event path returns at once and nothing is counted.
 * @announce: enum inputaudit_announce
 * @frame: enum inputaudit_frame of the frame in progress
 * @frame_ns: when the frame in progress began
 * @act: activity in the current window
 * @motion_events: relative events in the current frame, for a coalesced
 *	motion record
 * @cnt: frame accounting
 * @records: records emitted for this device
 * @tat: the device's rate-limit bucket (theoretical arrival time, ns)
 * @fair_tat: its bucket for a fair share of the global limit
 * @suppressed: frames suppressed and not yet reported
 * @suppressed_since: when the first of them was suppressed
 * @suppressed_last_ns: when the last of them was suppressed
 * @suppressed_limit: enum inputaudit_limit of the first of them
 * @inj_count: key presses in the current burst
 * @inj_last_ns: time of the last key press
 * @inj_min_ns: shortest interval in the current burst
 * @inj_reported: the current burst has had its verdict
 * @blind_since: when another handle's grab was first seen, or 0
 * @blind_looked_ns: when the device was last seen not grabbed
 * @staged: event records staged for one tracepoint firing (batch.c)
 * @staged_ns: their time, coarsened
 * @stage: the staged records, packed as INPUTAUDIT_TP_EVENT_BATCH says;
 *	zero beyond @staged
 * @stage_timer: sends staged records at the next tick at the latest; its
 *	callback takes dev->event_lock
 */
struct inputaudit_dev {
	struct input_handle handle;
	struct kobject kobj;
	struct list_head node;
	struct list_head sync_node;
	struct mutex open_lock;		/* see above */
	u32 id;
	u16 flags;
	bool mt_touch;
	bool enabled;
	bool opened;
	bool counted;
	bool gone;
	int open_error;
	unsigned int open_backoff_ms;
	unsigned long open_retry_at;
	u32 creator_pid;
	u32 creator_uid;
	char creator_comm[TASK_COMM_LEN];

	bool capturing;
	u8 announce;
	u8 frame;
	u64 frame_ns;
	struct inputaudit_activity act;
	u32 motion_events;
	struct inputaudit_counters cnt;
	u64 records;
	u64 tat;
	u64 fair_tat;
	u64 suppressed;
	u64 suppressed_since;
	u64 suppressed_last_ns;
	u16 suppressed_limit;
	u32 inj_count;
	u64 inj_last_ns;
	u64 inj_min_ns;
	bool inj_reported;
	u64 blind_since;
	u64 blind_looked_ns;
	u8 staged;
	u64 staged_ns;
	u64 stage[INPUTAUDIT_BATCH_MAX / 2];
	struct timer_list stage_timer;
};

/**
 * inputaudit_now() - the clock of the capture path
 *
 * jiffies in ns: one load and a multiplication by a constant, where
 * ktime_get_ns() reads the clocksource and ktime_get_coarse_ns() converts
 * a timespec, each some 40 instructions per frame.  It advances a tick
 * (1-4 ms) at a time.  The rate limits, injection intervals and blind
 * spans are measured with it, as differences only; every time that leaves
 * the kernel is coarser than a millisecond anyway (time_res_ms).
 *
 * Context: any.
 * Return: ns since an arbitrary point before boot, at the last tick.
 */
static inline u64 inputaudit_now(void)
{
	return jiffies64_to_nsecs(get_jiffies_64());
}

/* settings.c: read locklessly with READ_ONCE(). */
extern unsigned int inputaudit_level;
extern unsigned int inputaudit_max_level;
extern unsigned int inputaudit_lock;
extern unsigned int inputaudit_window_ms;
extern unsigned int inputaudit_dev_rate;
extern unsigned int inputaudit_dev_burst;
extern unsigned int inputaudit_global_rate;
extern unsigned int inputaudit_global_burst;
extern unsigned int inputaudit_heartbeat_ms;
extern unsigned int inputaudit_time_res_ms;
extern unsigned int inputaudit_inject_presses;
extern unsigned int inputaudit_inject_interval_ms;
const char *inputaudit_level_name(unsigned int level);
int inputaudit_parse_uint(const char *buf, size_t count, unsigned int min,
			  unsigned int max, unsigned int *val);
int inputaudit_settings_write_begin(void);
void inputaudit_settings_write_end(void);
int inputaudit_settings_init(void);
void inputaudit_settings_set_live(bool live);
void inputaudit_settings_exit(void);

/* record.c */
bool inputaudit_emit(u16 type, u16 flags, u32 dev_id,
		     u64 v0, u64 v1, u64 v2, u64 v3);
void inputaudit_emit_dev(struct inputaudit_dev *iad, u16 type, u16 flags,
			 u64 v0, u64 v1, u64 v2, u64 v3);
void inputaudit_emit_config(u16 item, u32 dev_id, u64 old_val, u64 new_val);
void inputaudit_emit_batch(u32 dev_id, u64 time_ns, unsigned int n,
			   const u64 *packed);
u64 inputaudit_coarsen(u64 ns);
bool inputaudit_consumer_attached(void);
u64 inputaudit_records_emitted(void);
u64 inputaudit_records_unconsumed(void);
u64 inputaudit_no_consumer_ns(void);
void inputaudit_consumer_came(void);
void inputaudit_consumer_went(void);
void inputaudit_consumer_report(void);
void inputaudit_consumer_init(void);

/* capture.c */
void inputaudit_capture(struct inputaudit_dev *iad,
			const struct input_value *vals, unsigned int count);
void inputaudit_flush_activity(struct inputaudit_dev *iad);
void inputaudit_report_suppressed(struct inputaudit_dev *iad);
void inputaudit_capture_end(struct inputaudit_dev *iad);

/* batch.c */
void inputaudit_stage_event(struct inputaudit_dev *iad, u16 kind, u64 value,
			    u64 code);
void inputaudit_stage_flush(struct inputaudit_dev *iad);
void inputaudit_stage_timer(struct timer_list *t);

/* identity.c and origin.c */
void inputaudit_announce(struct inputaudit_dev *iad);
void inputaudit_origin(struct inputaudit_dev *iad);
const char *inputaudit_origin_name(u16 flags);

/* inject.c */
void inputaudit_inject_press(struct inputaudit_dev *iad);

/* ratelimit.c */
int inputaudit_ratelimit_frame(struct inputaudit_dev *iad, u64 now);
void inputaudit_ratelimit_update(unsigned int ndevices);
void inputaudit_ratelimit_changed(void);

/* keyclass.c */
enum inputaudit_key_class inputaudit_key_class(unsigned int code);

/* window.c */
void inputaudit_window_start(void);
void inputaudit_window_stop(void);
void inputaudit_window_reschedule(void);

/* monitor.c: blind time, late suppressed reports, heartbeat, retries */
void inputaudit_monitor_start(void);
void inputaudit_monitor_stop(void);
void inputaudit_blind_released(struct inputaudit_dev *iad);
void inputaudit_blind_stop(struct inputaudit_dev *iad);

/* sync.c: consumers come and go, handles follow */
int inputaudit_consumer_attach(void);
void inputaudit_consumer_detach(void);
bool inputaudit_want_capture(const struct inputaudit_dev *iad);
void inputaudit_capture_start(struct inputaudit_dev *iad);
void inputaudit_capture_stop(struct inputaudit_dev *iad);
void inputaudit_sync_dev(struct inputaudit_dev *iad);
void inputaudit_sync_now(struct inputaudit_dev *iad);
void inputaudit_sync_all(bool now);
void inputaudit_sync_forget(struct inputaudit_dev *iad);
void inputaudit_sync_retry(struct inputaudit_dev *iad);
void inputaudit_sync_close(struct inputaudit_dev *iad);
unsigned int inputaudit_open_count(void);
void inputaudit_sync_stop(void);

/* devices.c: the device list */
extern struct mutex inputaudit_devices_lock;
extern struct list_head inputaudit_devices;
int inputaudit_id_alloc(struct inputaudit_dev *iad);
void inputaudit_devices_add(struct inputaudit_dev *iad);
void inputaudit_devices_del(struct inputaudit_dev *iad);
void inputaudit_id_free(struct inputaudit_dev *iad);
unsigned int inputaudit_device_count(void);
void inputaudit_totals(struct inputaudit_counters *sum);
void inputaudit_dev_locked(struct inputaudit_dev *iad,
			   void (*fn)(struct inputaudit_dev *iad));
void inputaudit_devices_walk(void (*fn)(struct inputaudit_dev *iad));
void inputaudit_dev_counters(struct inputaudit_dev *iad,
			     struct inputaudit_counters *cnt,
			     struct inputaudit_activity *act, u64 *records);

/* handler.c */
int inputaudit_handler_register(void);
void inputaudit_handler_unregister(void);

/* sysfs.c and devsysfs.c */
extern struct kobject *inputaudit_devices_kobj;
int inputaudit_sysfs_init(void);
int inputaudit_counters_show(char *buf, const struct inputaudit_counters *cnt);
void inputaudit_sysfs_exit(void);
int inputaudit_dev_sysfs_add(struct inputaudit_dev *iad);
void inputaudit_dev_sysfs_del(struct inputaudit_dev *iad);
void inputaudit_dev_get(struct inputaudit_dev *iad);
void inputaudit_dev_put(struct inputaudit_dev *iad);

#endif /* _INPUTAUDIT_INTERNAL_H */
