/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * inputaudit: declarations shared by the module's source files.
 *
 * Locking, in the order it nests:
 *   input_mutex (input core)        held around connect() and disconnect()
 *   tracepoints_mutex (kernel)      held around the tracepoint's first-probe
 *                                   and last-probe callbacks, which open and
 *                                   close the handles
 *   inputaudit_settings_lock        mutex, serializes setting writes
 *   inputaudit_devices_lock         mutex, protects inputaudit_devices, the
 *                                   totals of removed devices and whether
 *                                   the handles are open
 *   dev->mutex (input core)         taken by input_open_device() and
 *                                   input_close_device()
 *   dev->event_lock (input core)    spinlock, IRQs off; held by the input
 *                                   core around .events(); protects the
 *                                   per-device capture state below, staged
 *                                   event records included
 * The global rate-limit bucket takes no lock (compare-and-exchange).
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

/* Frame accounting: seen = emitted + suppressed + filtered, always. */
struct inputaudit_counters {
	u64 frames_seen;
	u64 frames_emitted;	/* passed on to capture */
	u64 frames_suppressed;	/* by a rate limit */
	u64 frames_filtered;	/* by the level or the device's enabled */
	u64 blind_ns;		/* grabbed by another handle */
};

/* What happens to the frame in progress; decided at its first value. */
enum inputaudit_frame {
	INPUTAUDIT_FRAME_NONE,
	INPUTAUDIT_FRAME_PASS,
	INPUTAUDIT_FRAME_SUPPRESS,
	INPUTAUDIT_FRAME_FILTER,
};

/**
 * struct inputaudit_dev - one attached input device
 * @handle: our handle on the device; handle.private points back here
 * @kobj: /sys/kernel/inputaudit/devices/<id>/; its release frees this
 * @node: entry in inputaudit_devices, under inputaudit_devices_lock
 * @id: device id, never reused while the module is loaded
 * @caps: enum inputaudit_dev_flags
 * @mt_touch: the device reports contacts by multitouch tracking ids, so
 *	BTN_TOUCH is not counted as a contact of its own
 * @enabled: capture from this device; when false its frames are filtered
 * @opened: the handle is open (a consumer is attached and the open worked),
 *	under inputaudit_devices_lock
 * @open_error: the last open's error (0: none), under inputaudit_devices_lock
 * @creator_pid: tgid of the process that registered the device, or
 *	INPUTAUDIT_NO_CREATOR
 * @creator_uid: its uid in the initial user namespace
 * @creator_comm: its comm
 *
 * The rest is under dev->event_lock:
 * @frame: enum inputaudit_frame of the frame in progress
 * @frame_ns: when the frame in progress began
 * @act: activity in the current window
 * @motion_events: relative events in the current frame, for a coalesced
 *	motion record
 * @cnt: frame accounting
 * @records: records emitted for this device
 * @tat: the device's rate-limit bucket (theoretical arrival time, ns)
 * @suppressed: frames suppressed and not yet reported
 * @suppressed_since: when the first of them was suppressed
 * @suppressed_last_ns: when the last of them was suppressed
 * @suppressed_limit: enum inputaudit_limit of the first of them
 * @inj_count: key presses in the current burst
 * @inj_last_ns: time of the last key press
 * @inj_min_ns: shortest interval in the current burst
 * @inj_reported: the current burst has had its verdict
 * @blind_since: when another handle's grab was first seen, or 0
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
	u32 id;
	u16 caps;
	bool mt_touch;
	bool enabled;
	bool opened;
	int open_error;
	u32 creator_pid;
	u32 creator_uid;
	char creator_comm[TASK_COMM_LEN];

	u8 frame;
	u64 frame_ns;
	struct inputaudit_activity act;
	u32 motion_events;
	struct inputaudit_counters cnt;
	u64 records;
	u64 tat;
	u64 suppressed;
	u64 suppressed_since;
	u64 suppressed_last_ns;
	u16 suppressed_limit;
	u32 inj_count;
	u64 inj_last_ns;
	u64 inj_min_ns;
	bool inj_reported;
	u64 blind_since;
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
void inputaudit_consumer_report(void);
void inputaudit_consumer_init(void);

/* capture.c */
void inputaudit_capture(struct inputaudit_dev *iad,
			const struct input_value *vals, unsigned int count);
void inputaudit_flush_activity(struct inputaudit_dev *iad);
void inputaudit_report_suppressed(struct inputaudit_dev *iad);
void inputaudit_capture_closed(struct inputaudit_dev *iad);

/* batch.c */
void inputaudit_stage_event(struct inputaudit_dev *iad, u16 kind, u64 value,
			    u64 code);
void inputaudit_stage_flush(struct inputaudit_dev *iad);
void inputaudit_stage_timer(struct timer_list *t);

/* inject.c */
void inputaudit_inject_press(struct inputaudit_dev *iad);

/* ratelimit.c */
int inputaudit_ratelimit_frame(struct inputaudit_dev *iad, u64 now);
void inputaudit_ratelimit_update(void);

/* keyclass.c */
enum inputaudit_key_class inputaudit_key_class(unsigned int code);

/* window.c */
void inputaudit_window_start(void);
void inputaudit_window_stop(void);
void inputaudit_window_reschedule(void);

/* monitor.c: blind time, late suppressed reports, heartbeat, consumer */
void inputaudit_monitor_start(void);
void inputaudit_monitor_stop(void);
void inputaudit_blind_update(struct inputaudit_dev *iad, u64 now);

/* handler.c */
extern struct mutex inputaudit_devices_lock;
extern struct list_head inputaudit_devices;
int inputaudit_handler_register(void);
void inputaudit_handler_unregister(void);
int inputaudit_handles_open(void);
void inputaudit_handles_close(void);
void inputaudit_handles_retry(void);
unsigned int inputaudit_device_count(void);
void inputaudit_totals(struct inputaudit_counters *sum);
void inputaudit_dev_locked(struct inputaudit_dev *iad,
			   void (*fn)(struct inputaudit_dev *iad));
void inputaudit_devices_walk(void (*fn)(struct inputaudit_dev *iad));

/* sysfs.c and devsysfs.c */
extern struct kobject *inputaudit_devices_kobj;
int inputaudit_sysfs_init(void);
int inputaudit_counters_show(char *buf, const struct inputaudit_counters *cnt);
void inputaudit_sysfs_exit(void);
int inputaudit_dev_sysfs_add(struct inputaudit_dev *iad);
void inputaudit_dev_sysfs_del(struct inputaudit_dev *iad);
void inputaudit_dev_put(struct inputaudit_dev *iad);

#endif /* _INPUTAUDIT_INTERNAL_H */
