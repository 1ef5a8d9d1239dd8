/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Stress tests inside the VM: input generators, a timer task, the daemon's
 * output read from a FIFO while it is written, and kernel log watching.
 */
#ifndef _STRESS_UTIL_H
#define _STRESS_UTIL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "uinput_util.h"

#define SYS_IA		"/sys/kernel/inputaudit/"
#define PARAMS		"/sys/module/inputaudit/parameters/"

uint64_t now_ns(void);
/* STRESS_<name> from the environment, or def. */
long env_long(const char *name, long def);

/* ---- input: one uinput device written by its own thread ---- */
struct typer {
	pthread_t th;
	enum uinput_kind kind;
	char name[64];
	int fd;
	int pace_us;		/* pause between writes; 0: as fast as possible */
	int batch;		/* frames per write() */
	volatile int stop;	/* set by the owner: stop writing */
	volatile int stopped;	/* set by the thread: no more writes */
	uint64_t frames;	/* frames written so far */
	uint64_t state;
	int err;		/* first write error, -errno */
	bool running;
};

/* Creates the device and starts writing; returns 0 or -errno. */
int typer_start(struct typer *t, enum uinput_kind kind, const char *name,
		int pace_us, int batch);
/* Stops writing (the device stays); returns frames written. */
uint64_t typer_halt(struct typer *t);
/* Halts if needed and destroys the device. */
void typer_destroy(struct typer *t);
/* Writes n frames of a kind from the calling thread; returns 0 or -errno. */
int write_frames(int fd, enum uinput_kind kind, uint64_t *state, int n);

/* ---- the module's sysfs ---- */
struct ia_counters {
	uint64_t seen, emitted, suppressed, records;
};

int read_counters(const char *path, struct ia_counters *c);
/* The id of the attached device with this name, or 0. */
unsigned int find_dev_id(const char *name);
/* Number of directories in devices/, -errno if unreadable. */
int count_devices(void);
/* A field of /proc/meminfo or /proc/PID/status ("VmRSS:"), in kB, or -1. */
long proc_kb(const char *path, const char *field);
/* /proc/slabinfo: active objects per cache. */
struct slab_snap {
	int n;
	struct { char name[64]; long objs, size, per_slab; } c[400];
};

int slab_snap(struct slab_snap *s);
/*
 * Prints the caches that grew by at least 16 kB from a to b ("# " lines)
 * and returns how many caches grew by at least min_objs objects and by
 * more than 8 slabs' worth (SLUB counts each CPU's current slab and its
 * partial slabs as in use, whatever they hold: measured up to 5 slabs).
 */
int slab_diff(const char *what, const struct slab_snap *a,
	      const struct slab_snap *b, long min_objs);
/* CPU time (user + system) of a process, seconds, or -1. */
double proc_cpu_s(pid_t pid);
/* records_emitted, or UINT64_MAX if unreadable. */
uint64_t records_emitted(void);

/* ---- a periodic SCHED_OTHER timer task and a memory sampler ---- */
#define LATE_BUCKETS	2001	/* 1 ms buckets; the last one is >= 2 s */

#define MAX_STALLS	64

struct timer_task {
	pthread_t th;
	volatile int stop;
	int period_ms;
	int cpu;		/* pinned to this CPU, or -1 */
	bool fifo;		/* SCHED_FIFO instead of SCHED_OTHER */
	uint64_t stall_ns;	/* record wakeups at least this late */
	int nstalls;
	uint64_t stall_from[MAX_STALLS], stall_to[MAX_STALLS];
	uint64_t ticks, max_late_ns, sum_late_ns, over_100ms, over_1s;
	uint32_t hist[LATE_BUCKETS];
	pid_t watch;		/* sample this process's VmRSS every 100 ms */
	long rss_max_kb, rss_first_kb, rss_last_kb;
};

/*
 * Starts a periodic timer thread: SCHED_OTHER unpinned (cpu -1, !fifo), or
 * a SCHED_FIFO control pinned to a CPU.  Late wakeups of at least
 * stall_ns are kept as intervals (deadline, wakeup).
 */
int timer_start(struct timer_task *t, int period_ms, pid_t watch, int cpu,
		bool fifo, uint64_t stall_ns);
/* True if [from, to] overlaps a stall recorded by c. */
bool timer_stalled(const struct timer_task *c, uint64_t from, uint64_t to);
void timer_stop(struct timer_task *t);
/* Lateness percentile in ms (p = 0..100). */
unsigned int timer_percentile(const struct timer_task *t, double p);

/* ---- the daemon's output, parsed line by line while it is written ---- */
struct dev_seen {
	bool added, removed;
	bool present;	/* announced as present when the daemon attached */
	uint64_t frames;	/* device_removed "frames" */
};

struct stream {
	pthread_t th;
	pthread_mutex_t lock;
	char path[64];
	int rfd, wfd;
	bool done;		/* EOF */
	/* the parse, under lock */
	uint64_t lines, kernel, explicit, name_records, missing, losses;
	uint64_t dup_seqs, min_seq, max_seq, backwards;
	uint64_t events, consumer_records, unconsumed_sum, suppressed_frames;
	uint64_t config_records, partial;
	uint8_t *seen;		/* bitmap of explicit seqs */
	uint64_t seen_bits;
	struct dev_seen *devs;
	unsigned int ndevs;	/* size of devs, indexed by id */
	bool have_stats, final;
	uint64_t received, lost, ring_drops, bpf_submitted, duplicates;
	char buf[1 << 16];
	size_t len;
};

/*
 * Makes a FIFO at path and starts reading it; the daemon gets path as its
 * -o.  Returns 0 or -errno.
 */
int stream_open(struct stream *s, const char *path);
/* After the daemon exited: reads to EOF and stops; frees nothing. */
void stream_close(struct stream *s);
void stream_free(struct stream *s);
/* True once device_removed of dev was read (locks). */
bool stream_has_removed(struct stream *s, unsigned int dev);
bool stream_has_added(struct stream *s, unsigned int dev);
/* Kernel records parsed so far (locks). */
uint64_t stream_kernel(struct stream *s);

/* Starts the real daemon with -o path --no-config and the extra args. */
pid_t stress_daemon_start(const char *path, const char *const *extra);
/* Daemon's exit status after SIGTERM (or -1). */
int stress_daemon_stop(pid_t pid);

/* ---- the kernel log ---- */
struct kmsg_watch {
	pthread_t th;
	int fd;
	volatile int stop;
	unsigned int bad, overruns, lines;
	char first_bad[256];
};

int kmsg_watch_start(struct kmsg_watch *k);
void kmsg_watch_stop(struct kmsg_watch *k);

#endif
