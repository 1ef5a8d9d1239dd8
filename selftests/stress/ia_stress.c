// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reliability under stress, inside the VM: the real module, the real daemon
 * (unprivileged after setup, writing into a FIFO that the test parses while
 * it is written), real uinput input.
 *
 *   flood            4 devices at full speed; a 10 ms timer task keeps its
 *                    deadlines; exact accounting; the daemon's memory
 *   flood_settings   the flood with settings written in a loop and 1 s
 *                    heartbeats: every loss is a counted ring drop
 *   churn            hundreds of devices come and go while others type and
 *                    settings change; every added has a removed; no leak
 *   consumer_faults  the daemon SIGKILLed mid-stream and restarted; the gap
 *                    is accounted for by sequence numbers
 *   reload           module unload/reload while a device types
 *   sysfs_fuzz       random bytes into every writable attribute, checked
 *                    against a model of the parser
 *
 * STRESS_SECONDS=N (N > 0) selects the long version (make stress: a flood
 * of N/3 seconds, at least 10; 1000 churn cycles, 10 kills, 20 reloads,
 * 30000 fuzz writes); unset, the short one (make check: 8 s, 300, 3, 10,
 * 4000).  STRESS_SEED seeds the fuzzer and the kill
 * times (default 42), STRESS_CHURN, STRESS_KILLS, STRESS_RELOADS,
 * STRESS_FUZZ_WRITES override the counts.  Every test prints its numbers
 * as "# ..." lines.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "daemon_util.h"
#include "kmod_util.h"
#include "stress_util.h"
#include "uinput_util.h"

#define TEST_TIMEOUT	3600
#define FIFO		"/tmp/ia-stress.fifo"
#define UNLOAD_MS	20000

/* Bounds, generous because TCG is slow; the numbers are printed. */
#define MAX_LATE_NS	1000000000ull	/* no 10 ms deadline missed by > 1 s */
#define CTL_STALL_NS	300000000ull	/* a SCHED_FIFO timer this late: vCPU stall */
#define MAX_HWM_KB	(64 * 1024)	/* daemon peak RSS */
#define MAX_RSS_GROWTH_KB (8 * 1024)	/* daemon RSS growth during a flood */
/*
 * SUnreclaim growth per create/destroy cycle.  A device that the module
 * failed to free leaves at least its struct inputaudit_dev (kmalloc-512)
 * and its sysfs directory (8 kernfs nodes, about 1 KiB); the noise
 * measured over 300 to 1000 cycles is -30 to +110 bytes a cycle (per-CPU
 * slabs, task structs, kernfs nodes of the input core's own devices).
 */
#define LEAK_BYTES_PER_CYCLE 384

static long secs(void)
{
	return env_long("SECONDS", 0);
}

/*
 * STRESS_SLAB_CHECK=0 (set by scripts/debug-guest.sh on the debug kernel): slab and SUnreclaim
 * growth is reported, not checked.  There KASAN's quarantine keeps freed objects active and
 * kmemleak adds an object of its own per allocation; its scan checks for leaks instead.
 */
static bool slab_checks(void)
{
	return env_long("SLAB_CHECK", 1) != 0;
}

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64*: the same sequence for the same seed on every kernel */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static void seed_rng(void)
{
	rng_state = (uint64_t)env_long("SEED", 42) * 0x9e3779b97f4a7c15ull + 1;
}

static long sunreclaim_kb(void)
{
	return proc_kb("/proc/meminfo", "SUnreclaim:");
}

/* Waits for RCU-deferred frees and the workqueues, then reads SUnreclaim. */
static long settled_sunreclaim_kb(void)
{
	long kb = -1;

	for (int i = 0; i < 3; i++) {
		long now;

		sleep_ms(700);
		write_file("/proc/sys/vm/drop_caches", "2");
		now = sunreclaim_kb();
		if (kb < 0 || (now >= 0 && now < kb))
			kb = now;	/* frees only come later, never undone */
	}
	return kb;
}

static bool wait_removed(struct stream *s, const unsigned int *ids, int n,
			 int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited += 50) {
		int i;

		for (i = 0; i < n; i++)
			if (ids[i] && !stream_has_removed(s, ids[i]))
				break;
		if (i == n)
			return true;
		sleep_ms(50);
	}
	return false;
}

static unsigned int wait_dev_id(const char *name, int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited += 20) {
		unsigned int id = find_dev_id(name);

		if (id)
			return id;
		sleep_ms(20);
	}
	return 0;
}

static bool wait_no_consumer(int timeout_ms)
{
	char buf[256];

	for (int waited = 0; waited <= timeout_ms; waited += 20) {
		if (read_file(SYS_IA "status", buf, sizeof(buf)) > 0 &&
		    strstr(buf, "consumer=none"))
			return true;
		sleep_ms(20);
	}
	return false;
}

FIXTURE(stress) {
	uint64_t t0;
	struct kmsg_watch km;
	struct stream st;
	pid_t daemon;
	struct typer ty[4];
};

FIXTURE_SETUP(stress)
{
	memset(&self->st, 0, sizeof(self->st));
	self->st.rfd = self->st.wfd = -1;
	self->km.fd = -1;
	for (int i = 0; i < 4; i++)
		self->ty[i].fd = -1;
	self->daemon = 0;
	if (geteuid() != 0)
		SKIP(return, "needs root to load the module");
	if (access("/dev/uinput", W_OK))
		SKIP(return, "no /dev/uinput");
	if (kmod_loaded())
		kmod_unload_wait(UNLOAD_MS);
	ASSERT_FALSE(kmod_loaded());
	ASSERT_EQ(0, kmsg_watch_start(&self->km));
	seed_rng();
	self->t0 = now_ns();
}

FIXTURE_TEARDOWN(stress)
{
	for (int i = 0; i < 4; i++)
		typer_destroy(&self->ty[i]);
	if (self->daemon > 0)
		stress_daemon_stop(self->daemon);
	stream_free(&self->st);
	if (kmod_loaded())
		EXPECT_EQ(0, kmod_unload_wait(UNLOAD_MS));
	kmsg_watch_stop(&self->km);
	EXPECT_EQ(0U, self->km.bad) {
		TH_LOG("kernel log: %u splat lines, first: %s", self->km.bad,
		       self->km.first_bad);
	}
	if (self->km.overruns)
		ksft_print_msg("kernel log: %u records overwritten before read\n",
			       self->km.overruns);
	ksft_print_msg("%s: %.1f s, %u kernel log lines watched\n",
		       _metadata->name, (now_ns() - self->t0) / 1e9, self->km.lines);
}

/* The identities of one daemon run over seqs (e_start, e_end]. */
static void check_run(struct __test_metadata *_metadata, struct stream *s,
		      uint64_t e_start, uint64_t e_end)
{
	EXPECT_TRUE(s->have_stats && s->final);
	EXPECT_EQ(e_end - e_start, s->received + s->lost) {
		TH_LOG("emitted %" PRIu64 " != received %" PRIu64 " + lost %" PRIu64,
		       e_end - e_start, s->received, s->lost);
	}
	EXPECT_EQ(s->received, s->kernel);
	EXPECT_EQ(s->lost, s->missing);
	EXPECT_EQ(0UL, s->dup_seqs);
	EXPECT_EQ(0UL, s->duplicates);
	EXPECT_EQ(0UL, s->partial);
	if (s->explicit) {
		EXPECT_LT(e_start, s->min_seq);
		EXPECT_GE(e_end, s->max_seq);
	}
}

static void check_identity(struct __test_metadata *_metadata, const char *what,
			   const struct ia_counters *c)
{
	EXPECT_EQ(c->seen, c->emitted + c->suppressed) {
		TH_LOG("%s: seen %" PRIu64 " != emitted %" PRIu64 " + suppressed %"
		       PRIu64, what, c->seen, c->emitted, c->suppressed);
	}
}

/*
 * Four devices (two keyboards, a mouse, a touchscreen) write as fast as
 * they can, half the time under the default rate limits and half with the
 * limits at their maximum, at level events, while the daemon consumes.
 */
TEST_F_TIMEOUT(stress, flood, TEST_TIMEOUT)
{
	static const enum uinput_kind kinds[4] = {
		UINPUT_KEYBOARD, UINPUT_KEYBOARD, UINPUT_MOUSE, UINPUT_TOUCH,
	};
	long flood_s = secs() ? (secs() / 3 > 10 ? secs() / 3 : 10) : 8;
	unsigned int ids[4] = { 0 };
	uint64_t frames[4], e0, e1, total = 0, t0, t1;
	struct ia_counters c, g;
	struct timer_task tm, ctl[2];
	int host_stalls = 0, guest_misses = 0;
	char path[128];
	long hwm, rss;
	double cpu;

	ASSERT_EQ(0, kmod_load("level=events"));
	e0 = records_emitted();
	ASSERT_EQ(0, stream_open(&self->st, FIFO));
	self->daemon = stress_daemon_start(FIFO, NULL);
	ASSERT_LT(0, self->daemon);
	ASSERT_EQ(0, timer_start(&tm, 10, self->daemon, -1, false, MAX_LATE_NS));
	for (int i = 0; i < 2; i++)
		ASSERT_EQ(0, timer_start(&ctl[i], 10, 0, i, true, CTL_STALL_NS));

	t0 = now_ns();
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "ia-flood-%d", i);
		ASSERT_EQ(0, typer_start(&self->ty[i], kinds[i], path, 0, 16));
	}
	for (int i = 0; i < 4; i++) {
		ids[i] = wait_dev_id(self->ty[i].name, 10000);
		ASSERT_NE(0U, ids[i]);
	}
	sleep_ms(flood_s * 500);
	ASSERT_EQ(0, write_file(PARAMS "dev_rate", "1000000"));
	ASSERT_EQ(0, write_file(PARAMS "dev_burst", "1000000"));
	ASSERT_EQ(0, write_file(PARAMS "global_rate", "10000000"));
	ASSERT_EQ(0, write_file(PARAMS "global_burst", "10000000"));
	sleep_ms(flood_s * 500);
	for (int i = 0; i < 4; i++) {
		frames[i] = typer_halt(&self->ty[i]);
		total += frames[i];
		EXPECT_EQ(0, self->ty[i].err);
	}
	t1 = now_ns();

	/* Every frame written was seen and decided exactly once. */
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), SYS_IA "devices/%u/counters", ids[i]);
		ASSERT_EQ(0, read_counters(path, &c));
		check_identity(_metadata, self->ty[i].name, &c);
		EXPECT_EQ(frames[i], c.seen);
		ksft_print_msg("flood: %s: %" PRIu64 " frames (%.0f/s): emitted %"
			       PRIu64 ", suppressed %" PRIu64 ", records %" PRIu64
			       "\n", self->ty[i].name, frames[i],
			       frames[i] / ((t1 - t0) / 1e9), c.emitted,
			       c.suppressed, c.records);
		typer_destroy(&self->ty[i]);
	}
	EXPECT_TRUE(wait_removed(&self->st, ids, 4, 300000));
	timer_stop(&tm);
	timer_stop(&ctl[0]);
	timer_stop(&ctl[1]);
	/*
	 * A miss while a SCHED_FIFO control pinned to either vCPU was late
	 * too is the emulated CPU not running (the host is busy), not the
	 * guest's scheduler: reported, not failed.
	 */
	for (int i = 0; i < tm.nstalls; i++) {
		if (timer_stalled(&ctl[0], tm.stall_from[i], tm.stall_to[i]) ||
		    timer_stalled(&ctl[1], tm.stall_from[i], tm.stall_to[i]))
			host_stalls++;
		else
			guest_misses++;
	}

	ASSERT_EQ(0, read_counters(SYS_IA "counters", &g));
	check_identity(_metadata, "global", &g);
	EXPECT_LE(total, g.seen);

	snprintf(path, sizeof(path), "/proc/%d/status", self->daemon);
	hwm = proc_kb(path, "VmHWM:");
	rss = proc_kb(path, "VmRSS:");
	cpu = proc_cpu_s(self->daemon);
	EXPECT_EQ(0, stress_daemon_stop(self->daemon));
	self->daemon = 0;
	stream_close(&self->st);
	e1 = records_emitted();
	check_run(_metadata, &self->st, e0, e1);
	for (int i = 0; i < 4; i++) {
		EXPECT_TRUE(ids[i] < self->st.ndevs &&
			    self->st.devs[ids[i]].frames == frames[i]);
	}

	ksft_print_msg("flood: %ld s, %" PRIu64 " frames (%.0f/s), records %"
		       PRIu64 " (%.0f/s): received %" PRIu64 ", lost %" PRIu64
		       " in %" PRIu64 " loss records, ring_drops %" PRIu64
		       ", suppressed %" PRIu64 " frames\n", flood_s, total,
		       total / ((t1 - t0) / 1e9), e1 - e0,
		       (e1 - e0) / ((t1 - t0) / 1e9), self->st.received,
		       self->st.lost, self->st.losses, self->st.ring_drops,
		       self->st.suppressed_frames);
	ksft_print_msg("flood: daemon CPU %.1f s (drain included) for a %.1f s flood on 2 vCPUs shared with 4 flooding threads: %.0f records received per CPU second\n",
		       cpu, (t1 - t0) / 1e9, self->st.received / (cpu > 0 ? cpu : 1));
	ksft_print_msg("flood: timer 10 ms: %" PRIu64 " ticks, lateness p50 %u ms, p99 %u ms, max %.1f ms, >100 ms %" PRIu64 ", >1 s %" PRIu64 "\n",
		       tm.ticks, timer_percentile(&tm, 50),
		       timer_percentile(&tm, 99), tm.max_late_ns / 1e6,
		       tm.over_100ms, tm.over_1s);
	ksft_print_msg("flood: SCHED_FIFO control timers on vCPU 0 / 1: max lateness %.1f / %.1f ms, >100 ms %" PRIu64 " / %" PRIu64 "; SCHED_OTHER misses > 1 s: %d during a vCPU stall, %d not\n",
		       ctl[0].max_late_ns / 1e6, ctl[1].max_late_ns / 1e6,
		       ctl[0].over_100ms, ctl[1].over_100ms, host_stalls,
		       guest_misses);
	ksft_print_msg("flood: daemon VmRSS first %ld kB, max %ld kB, last %ld kB; VmHWM %ld kB (bounds: HWM %d kB, growth %d kB)\n",
		       tm.rss_first_kb, tm.rss_max_kb, rss, hwm, MAX_HWM_KB,
		       MAX_RSS_GROWTH_KB);
	EXPECT_EQ(0, guest_misses);
	EXPECT_LT(0, hwm);
	EXPECT_GT(MAX_HWM_KB, hwm);
	EXPECT_GT(MAX_RSS_GROWTH_KB, rss - tm.rss_first_kb);
}

struct churner {
	pthread_t th;
	volatile int stop;
	unsigned long writes, failures;
};

static int pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return -pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

struct settings_writer {
	pthread_t th;
	volatile int stop;
	int cpu;		/* pinned to it, or -1 */
	unsigned long writes, failures;
};

/*
 * Alternates dev_burst between two values as fast as sysfs takes it: each
 * write is a config record emitted from process context with interrupts
 * on, the window in which an interrupt that captures input on the same CPU
 * finds the BPF program busy.
 */
static void *settings_writer_main(void *arg)
{
	struct settings_writer *w = arg;

	if (w->cpu >= 0)
		pin_to_cpu(w->cpu);
	while (!w->stop) {
		w->failures += !!write_file(PARAMS "dev_burst",
					    w->writes % 2 ? "2000" : "2001");
		w->writes++;
	}
	return NULL;
}

/*
 * Keyboard interrupts, made by the guest itself: the i8042 controller's
 * "write keyboard output buffer" command (0xd2) hands a byte to the AT
 * keyboard driver as if the keyboard had sent it, through IRQ 1.  The
 * bytes are the set 1 codes of one harmless key, pressed and released.
 */
struct i8042_injector {
	pthread_t th;
	volatile int stop;
	int cpu;
	uint64_t bytes;
	int err;
};

#define I8042_DATA	0x60
#define I8042_STATUS	0x64
#define I8042_IBF	0x02	/* the controller has not taken the last write */
#define I8042_OBF	0x01	/* a byte waits to be read */
#define I8042_WRITE_KBD_OBUF 0xd2

static bool i8042_wait(unsigned char bit, bool set)
{
	for (int i = 0; i < 100000; i++)
		if (!!(inb(I8042_STATUS) & bit) == set)
			return true;
	return false;
}

static void *i8042_main(void *arg)
{
	struct i8042_injector *k = arg;
	struct sched_param rt = { .sched_priority = 1 };

	if (k->cpu >= 0)
		pin_to_cpu(k->cpu);
	/* Ahead of the flood on its CPU; it sleeps between bursts. */
	pthread_setschedparam(pthread_self(), SCHED_FIFO, &rt);
	if (ioperm(I8042_DATA, 5, 1)) {	/* per thread */
		k->err = -errno;
		return NULL;
	}
	while (!k->stop) {
		/* KEY_A (0x1e) down, up: the VT consumes them, nobody reads it. */
		unsigned char code = k->bytes % 2 ? 0x9e : 0x1e;

		if (!i8042_wait(I8042_IBF, false))
			continue;
		outb(I8042_WRITE_KBD_OBUF, I8042_STATUS);
		if (!i8042_wait(I8042_IBF, false))
			continue;
		outb(code, I8042_DATA);
		k->bytes++;
		/* The interrupt handler has read it. */
		i8042_wait(I8042_OBF, false);
		/* Bursts of 16: more than dev_rate lets through, in all. */
		if (k->bytes % 16 == 0)
			usleep(500);
	}
	return NULL;
}

/*
 * Runs of the daemon's BPF program that the kernel skipped because the
 * program was already running on that CPU (its recursion guard): each is
 * a tracepoint firing, one record or a batch, that never reached the ring.
 * Summed over loaded programs of that name; UINT64_MAX if unreadable.
 */
static uint64_t bpf_recursion_misses(void)
{
	union bpf_attr attr;
	uint64_t misses = 0;
	__u32 id = 0;
	bool found = false;

	for (;;) {
		struct bpf_prog_info info;
		int fd;

		memset(&attr, 0, sizeof(attr));
		attr.start_id = id;
		if (syscall(SYS_bpf, BPF_PROG_GET_NEXT_ID, &attr, sizeof(attr)))
			break;
		id = attr.next_id;
		memset(&attr, 0, sizeof(attr));
		attr.prog_id = id;
		fd = syscall(SYS_bpf, BPF_PROG_GET_FD_BY_ID, &attr, sizeof(attr));
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		memset(&attr, 0, sizeof(attr));
		attr.info.bpf_fd = fd;
		attr.info.info_len = sizeof(info);
		attr.info.info = (__u64)(unsigned long)&info;
		if (!syscall(SYS_bpf, BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)) &&
		    !strncmp(info.name, "inputaudit_reco", 15)) {
			misses += info.recursion_misses;
			found = true;
		}
		close(fd);
	}
	return found ? misses : UINT64_MAX;
}

/* The CPU that takes IRQ 1, or -1. */
static int irq_cpu(int irq)
{
	char path[64], buf[64];

	snprintf(path, sizeof(path), "/proc/irq/%d/effective_affinity_list", irq);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	return atoi(buf);
}

/*
 * The flood with settings written in a loop and a heartbeat every second,
 * plus keyboard interrupts on the CPU that writes the settings: no record
 * is lost silently.  Config and heartbeat records are emitted from process
 * context with interrupts on; an interrupt that captures input on the same
 * CPU meanwhile finds the BPF program busy.  Every record the module
 * numbered must be received or declared lost, and every loss must be a
 * ring drop the BPF program counted.
 */
TEST_F_TIMEOUT(stress, flood_settings, TEST_TIMEOUT)
{
	static const enum uinput_kind kinds[4] = {
		UINPUT_KEYBOARD, UINPUT_KEYBOARD, UINPUT_MOUSE, UINPUT_TOUCH,
	};
	/*
	 * A collision needs an interrupt that sends records (a few hundred a
	 * second) to land in the BPF run of a config record (a fraction of a
	 * microsecond each, some 10000 a second): 10 to 32 in 20 s measured
	 * on today's module, none in 8 s in some runs.
	 */
	long flood_s = secs() ? (secs() / 3 > 20 ? secs() / 3 : 20) : 20;
	unsigned int ids[4] = { 0 };
	struct settings_writer w = { .cpu = irq_cpu(1) };
	struct i8042_injector kbd = { .cpu = w.cpu >= 0 ? !w.cpu : -1 };
	/* Room for the whole run: a daemon that falls behind drops nothing. */
	const char *const ring[] = { "--ring-size", "67108864", NULL };
	uint64_t e0, e1, total = 0, misses;
	char name[32];

	ASSERT_EQ(0, kmod_load("level=events heartbeat_ms=1000"));
	e0 = records_emitted();
	ASSERT_EQ(0, stream_open(&self->st, FIFO));
	self->daemon = stress_daemon_start(FIFO, ring);
	ASSERT_LT(0, self->daemon);
	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "ia-flood-set-%d", i);
		ASSERT_EQ(0, typer_start(&self->ty[i], kinds[i], name, 0, 16));
	}
	for (int i = 0; i < 4; i++) {
		ids[i] = wait_dev_id(self->ty[i].name, 10000);
		ASSERT_NE(0U, ids[i]);
	}
	/*
	 * The writer's CPU is its own but for the keyboard interrupts (and the
	 * stage timers they arm there): the flood, the daemon and the log
	 * watcher run on the other one, where the injector takes precedence
	 * (each flooding device still writes more than dev_rate lets by).
	 */
	if (kbd.cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(kbd.cpu, &set);
		for (int i = 0; i < 4; i++)
			pthread_setaffinity_np(self->ty[i].th, sizeof(set), &set);
		pthread_setaffinity_np(self->km.th, sizeof(set), &set);
		sched_setaffinity(self->daemon, sizeof(set), &set);
	}
	ASSERT_EQ(0, pthread_create(&w.th, NULL, settings_writer_main, &w));
	ASSERT_EQ(0, pthread_create(&kbd.th, NULL, i8042_main, &kbd));
	sleep_ms(flood_s * 1000);
	w.stop = kbd.stop = 1;
	pthread_join(w.th, NULL);
	pthread_join(kbd.th, NULL);
	EXPECT_EQ(0UL, w.failures);
	if (kbd.err)
		ksft_print_msg("flood_settings: no i8042 interrupts (ioperm: %s)\n",
			       strerror(-kbd.err));
	for (int i = 0; i < 4; i++) {
		total += typer_halt(&self->ty[i]);
		EXPECT_EQ(0, self->ty[i].err);
		typer_destroy(&self->ty[i]);
	}
	EXPECT_TRUE(wait_removed(&self->st, ids, 4, 300000));
	misses = bpf_recursion_misses();
	EXPECT_EQ(0, stress_daemon_stop(self->daemon));
	self->daemon = 0;
	stream_close(&self->st);
	e1 = records_emitted();
	check_run(_metadata, &self->st, e0, e1);
	EXPECT_EQ(self->st.ring_drops, self->st.lost) {
		TH_LOG("lost %" PRIu64 " records, of which the ring dropped %" PRIu64
		       ": %" PRIu64 " lost silently", self->st.lost,
		       self->st.ring_drops, self->st.lost - self->st.ring_drops);
	}
	ksft_print_msg("flood_settings: %ld s, %" PRIu64 " frames, %lu settings writes on CPU %d (%"
		       PRIu64 " config records received), %" PRIu64
		       " keyboard interrupts from CPU %d; records %" PRIu64
		       ": received %" PRIu64 ", lost %" PRIu64 " in %" PRIu64
		       " loss records, ring_drops %" PRIu64 "; BPF runs skipped by the recursion guard %"
		       PRId64 "\n", flood_s, total,
		       w.writes, w.cpu, self->st.config_records, kbd.bytes, kbd.cpu,
		       e1 - e0, self->st.received, self->st.lost, self->st.losses,
		       self->st.ring_drops, (int64_t)misses);
}

/* Changes level, rates and window while devices come and go. */
static void *settings_main(void *arg)
{
	static const char *const levels[] = { "off", "activity", "events" };
	static const char *const files[] = {
		PARAMS "dev_rate", PARAMS "dev_burst", PARAMS "global_rate",
		PARAMS "global_burst", PARAMS "window_ms",
	};
	struct churner *ch = arg;
	uint64_t r = 12345;
	char val[32];

	while (!ch->stop) {
		r = r * 6364136223846793005ull + 1442695040888963407ull;
		if ((r >> 40) % 2) {
			ch->failures += !!write_file(PARAMS "level",
						     levels[(r >> 20) % 3]);
		} else {
			unsigned int i = (r >> 20) % 5;

			snprintf(val, sizeof(val), "%u",
				 i == 4 ? 1000 + (unsigned int)(r >> 33) % 900 :
				 1 + (unsigned int)(r >> 33) % 5000);
			ch->failures += !!write_file(files[i], val);
		}
		ch->writes++;
		sleep_ms(5);
	}
	return NULL;
}

/*
 * Devices are created and destroyed in a loop (some typing, some
 * overlapping) while two others type and the settings change.
 */
TEST_F_TIMEOUT(stress, churn, TEST_TIMEOUT)
{
	long cycles = env_long("CHURN", secs() ? 1000 : 300), warm = 20;
	uint64_t e0, e1, state = 0, added = 0, removed = 0, unmatched = 0;
	long base_devs, slab0, slab1, slab_load, slab_unload, delta_b;
	static struct slab_snap snap_load, snap_unload, snap0, snap1;
	struct churner ch = { 0 };
	uint64_t t0;
	char name[64];
	int fd, prev = -1;

	slab_load = settled_sunreclaim_kb();
	slab_snap(&snap_load);
	ASSERT_EQ(0, kmod_load("level=activity window_ms=1000"));
	e0 = records_emitted();
	ASSERT_EQ(0, stream_open(&self->st, FIFO));
	self->daemon = stress_daemon_start(FIFO, NULL);
	ASSERT_LT(0, self->daemon);
	base_devs = count_devices();
	ASSERT_LE(0, base_devs);
	ASSERT_EQ(0, typer_start(&self->ty[0], UINPUT_KEYBOARD, "ia-churn-kbd",
				 3000, 2));
	ASSERT_EQ(0, typer_start(&self->ty[1], UINPUT_MOUSE, "ia-churn-mouse",
				 3000, 2));
	ASSERT_EQ(0, pthread_create(&ch.th, NULL, settings_main, &ch));

	t0 = now_ns();
	slab0 = 0;
	for (long i = 0; i < warm + cycles; i++) {
		if (i == warm) {
			slab0 = settled_sunreclaim_kb();
			slab_snap(&snap0);
		}
		snprintf(name, sizeof(name), "ia-churn-%ld", i);
		fd = uinput_create((enum uinput_kind)(i % 3), name);
		ASSERT_LE(0, fd);
		if (i % 2)
			EXPECT_EQ(0, write_frames(fd, (enum uinput_kind)(i % 3),
						  &state, 4));
		/* Every fourth device outlives the next one's creation. */
		if (prev >= 0) {
			uinput_destroy(prev);
			prev = -1;
		}
		if (i % 4 == 0)
			prev = fd;
		else
			uinput_destroy(fd);
	}
	if (prev >= 0)
		uinput_destroy(prev);
	ch.stop = 1;
	pthread_join(ch.th, NULL);
	typer_destroy(&self->ty[0]);
	typer_destroy(&self->ty[1]);
	EXPECT_EQ(0, self->ty[0].err);
	EXPECT_EQ(0UL, ch.failures);

	/* No stuck device: the module lists what it listed before. */
	for (int waited = 0; count_devices() != base_devs && waited < 30000;
	     waited += 50)
		sleep_ms(50);
	EXPECT_EQ(base_devs, count_devices());

	/* Every device_added has its device_removed. */
	for (int waited = 0; waited < 120000; waited += 100) {
		pthread_mutex_lock(&self->st.lock);
		added = removed = unmatched = 0;
		for (unsigned int d = 0; d < self->st.ndevs; d++) {
			/* Devices present at the attach stay: not counted. */
			if (self->st.devs[d].present)
				continue;
			added += self->st.devs[d].added;
			removed += self->st.devs[d].removed;
			unmatched += self->st.devs[d].added != self->st.devs[d].removed;
		}
		pthread_mutex_unlock(&self->st.lock);
		if (added == (uint64_t)(warm + cycles + 2) && !unmatched)
			break;
		sleep_ms(100);
	}
	EXPECT_EQ((uint64_t)(warm + cycles + 2), added);
	EXPECT_EQ(added, removed);
	EXPECT_EQ(0UL, unmatched);
	slab1 = settled_sunreclaim_kb();
	slab_snap(&snap1);
	/* No cache holds one more object for every other cycle. */
	int leaky = slab_diff("churn, after warm-up to after the cycles", &snap0, &snap1, cycles / 2);
	if (slab_checks())
		EXPECT_EQ(0, leaky);

	EXPECT_EQ(0, stress_daemon_stop(self->daemon));
	self->daemon = 0;
	stream_close(&self->st);
	e1 = records_emitted();
	check_run(_metadata, &self->st, e0, e1);
	EXPECT_EQ(0, kmod_unload_wait(UNLOAD_MS));
	slab_unload = settled_sunreclaim_kb();
	slab_snap(&snap_unload);
	/*
	 * Reported only: this window also holds the first device, daemon and
	 * BPF load of the test, and kernfs_node_cache grew there by 224 to 352
	 * objects whether 300 or 1000 devices came and went, while the
	 * windows above and in the reload test stay flat.
	 */
	slab_diff("churn, before load to after unload", &snap_load,
		  &snap_unload, cycles);

	delta_b = (slab1 - slab0) * 1024 / cycles;
	ksft_print_msg("churn: %ld cycles (+%ld warm-up) in %.1f s, %lu settings writes, %" PRIu64
		       " devices added/removed, %" PRIu64 " records, %" PRIu64
		       " config records, lost %" PRIu64 "\n", cycles, warm,
		       (now_ns() - t0) / 1e9, ch.writes, added, e1 - e0,
		       self->st.config_records, self->st.lost);
	ksft_print_msg("churn: SUnreclaim %ld kB after warm-up, %ld kB after the cycles (%+ld B/cycle, bound %d); %ld kB before load, %ld kB after unload (%+ld kB)\n",
		       slab0, slab1, delta_b, LEAK_BYTES_PER_CYCLE, slab_load,
		       slab_unload, slab_unload - slab_load);
	if (slab_checks())
		EXPECT_GT(LEAK_BYTES_PER_CYCLE, delta_b);
}

/*
 * The daemon is killed with SIGKILL while a keyboard types, and restarted;
 * each run's records are accounted for by sequence numbers, the records
 * that died with a killed daemon are the gap up to records_emitted at
 * detach, and the module reports the time without a consumer.
 */
TEST_F_TIMEOUT(stress, consumer_faults, TEST_TIMEOUT)
{
	long kills = env_long("KILLS", secs() ? 10 : 3);
	uint64_t e_prev, e_now, gap_total = 0, unconsumed_sum = 0, unc = 0;
	uint64_t received_total = 0, missing_total = 0, first_seq;
	struct ia_counters c;
	char path[128];
	unsigned int id;
	int status;

	ASSERT_EQ(0, kmod_load("level=events"));
	ASSERT_EQ(0, typer_start(&self->ty[0], UINPUT_KEYBOARD, "ia-faults-kbd",
				 5000, 2));
	id = wait_dev_id("ia-faults-kbd", 10000);
	ASSERT_NE(0U, id);
	e_prev = records_emitted();

	for (long k = 0; k <= kills; k++) {
		uint64_t before;

		ASSERT_EQ(0, stream_open(&self->st, FIFO));
		self->daemon = stress_daemon_start(FIFO, NULL);
		ASSERT_LT(0, self->daemon);
		before = stream_kernel(&self->st);
		sleep_ms(700 + rnd() % 800);
		/* Records flow (the typing goes on at level events). */
		for (int waited = 0; stream_kernel(&self->st) == before &&
		     waited < 10000; waited += 50)
			sleep_ms(50);
		EXPECT_LT(before, stream_kernel(&self->st));

		if (k < kills) {
			ASSERT_EQ(0, kill(self->daemon, SIGKILL));
			ASSERT_EQ(self->daemon, waitpid(self->daemon, &status, 0));
			EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
			self->daemon = 0;
			EXPECT_TRUE(wait_no_consumer(10000));
			e_now = records_emitted();
			stream_close(&self->st);
			/* Killed: no final stats, the tail of the ring is the gap. */
			EXPECT_FALSE(self->st.final);
			EXPECT_GE(e_now, self->st.max_seq);
			EXPECT_LT(e_prev, self->st.min_seq);
			EXPECT_EQ(0UL, self->st.dup_seqs);
			first_seq = self->st.min_seq;
			ksft_print_msg("faults: run %ld: seq %" PRIu64 "..%" PRIu64
				       ", %" PRIu64 " received, %" PRIu64
				       " lost in-band, killed: gap %" PRIu64 "..%"
				       PRIu64 " (%" PRIu64 " records), consumer records %"
				       PRIu64 " (unconsumed %" PRIu64 ")\n", k,
				       first_seq, self->st.max_seq, self->st.kernel,
				       self->st.missing, self->st.max_seq + 1, e_now,
				       e_now - self->st.max_seq,
				       self->st.consumer_records,
				       self->st.unconsumed_sum);
			/*
			 * Everything in (e_prev, e_now] was received, declared
			 * lost, or is the gap after the last record written.
			 */
			EXPECT_GE(e_now - e_prev, self->st.kernel + self->st.missing);
			gap_total += e_now - e_prev - self->st.kernel - self->st.missing;
			sleep_ms(300);	/* typing with no consumer */
		} else {
			/*
			 * Quiet, still attached: the last consumer report is
			 * out and nothing more goes unconsumed.
			 */
			typer_halt(&self->ty[0]);
			sleep_ms(700);
			ASSERT_EQ(0, read_u64(SYS_IA "records_unconsumed", &unc));
			EXPECT_EQ(0, stress_daemon_stop(self->daemon));
			self->daemon = 0;
			stream_close(&self->st);
			e_now = records_emitted();
			check_run(_metadata, &self->st, e_prev, e_now);
			ksft_print_msg("faults: final run: %" PRIu64 " received, %" PRIu64
				       " lost, clean stop\n", self->st.received,
				       self->st.lost);
		}
		/*
		 * After the first run each start reports the time without a
		 * consumer; records it missed are only lifecycle ones now (no
		 * frame is seen while nothing consumes).
		 */
		if (k > 0)
			EXPECT_LE(1UL, self->st.consumer_records);
		unconsumed_sum += self->st.unconsumed_sum;
		received_total += self->st.kernel;
		missing_total += self->st.missing;
		e_prev = e_now;
		stream_free(&self->st);
	}

	/*
	 * The module went on: every frame seen was decided, and the frames
	 * typed while no daemon ran were not seen (the handle was closed).
	 */
	typer_halt(&self->ty[0]);
	snprintf(path, sizeof(path), SYS_IA "devices/%u/counters", id);
	ASSERT_EQ(0, read_counters(path, &c));
	check_identity(_metadata, "faults keyboard", &c);
	EXPECT_LT(0UL, c.seen);
	EXPECT_GT(self->ty[0].frames, c.seen);
	ksft_print_msg("faults: %ld kills; records_emitted %" PRIu64 " = %" PRIu64
		       " received + %" PRIu64 " lost in-band + %" PRIu64
		       " in kill gaps; records_unconsumed %" PRIu64
		       " (consumer records: %" PRIu64 "); %" PRIu64 " frames typed\n",
		       kills, e_prev, received_total, missing_total, gap_total,
		       unc, unconsumed_sum, self->ty[0].frames);
	EXPECT_EQ(e_prev, received_total + missing_total + gap_total);
	/* Every unconsumed record is in exactly one consumer report. */
	EXPECT_EQ(unc, unconsumed_sum);
}

/*
 * insmod/rmmod in a loop while a keyboard types; now and then a daemon
 * attaches and detaches, opening and closing the handle under the typing.
 */
TEST_F_TIMEOUT(stress, reload, TEST_TIMEOUT)
{
	long rounds = env_long("RELOADS", secs() ? 20 : 10);
	static struct slab_snap snap0, snap1;
	long slab0, slab1;
	struct ia_counters c;
	char path[128];
	unsigned int id;

	ASSERT_EQ(0, typer_start(&self->ty[0], UINPUT_KEYBOARD, "ia-reload-kbd",
				 2000, 2));
	/*
	 * Round 0 warms the caches up (first BPF load, first daemon, first
	 * sysfs directories in this boot); the leak check starts after it.
	 */
	slab0 = 0;
	for (long i = -1; i < rounds; i++) {
		uint64_t e0, e1, seen;

		if (i == 0) {
			slab0 = settled_sunreclaim_kb();
			slab_snap(&snap0);
		}
		ASSERT_EQ(0, kmod_load("level=events"));
		id = wait_dev_id("ia-reload-kbd", 10000);
		ASSERT_NE(0U, id);
		snprintf(path, sizeof(path), SYS_IA "devices/%u/counters", id);
		/* Nothing consumes: the handle is closed, no frame is seen. */
		ASSERT_EQ(0, read_counters(path, &c));
		EXPECT_EQ(0UL, c.seen);
		if (i % 5 != 4 && i >= 0) {
			ASSERT_EQ(0, kmod_unload_wait(UNLOAD_MS));
			continue;
		}

		/* A daemon opens it: frames flow, records arrive. */
		e0 = records_emitted();
		ASSERT_EQ(0, stream_open(&self->st, FIFO));
		self->daemon = stress_daemon_start(FIFO, NULL);
		ASSERT_LT(0, self->daemon);
		for (int waited = 0; stream_kernel(&self->st) < 20 &&
		     waited < 10000; waited += 50)
			sleep_ms(50);
		ASSERT_EQ(0, read_counters(path, &c));
		EXPECT_LT(10UL, c.seen);
		/* Attached: the module is pinned. */
		EXPECT_NE(0, kmod_unload(O_NONBLOCK));
		EXPECT_EQ(0, stress_daemon_stop(self->daemon));
		self->daemon = 0;
		stream_close(&self->st);
		e1 = records_emitted();
		EXPECT_LT(20UL, self->st.received);
		check_run(_metadata, &self->st, e0, e1);
		stream_free(&self->st);

		/* Closed again while the keyboard types: seen stands still. */
		ASSERT_EQ(0, read_counters(path, &c));
		check_identity(_metadata, "reload keyboard", &c);
		seen = c.seen;
		sleep_ms(50);
		ASSERT_EQ(0, read_counters(path, &c));
		EXPECT_EQ(seen, c.seen);
		ASSERT_EQ(0, kmod_unload_wait(UNLOAD_MS));
		ASSERT_FALSE(kmod_loaded());
	}
	typer_destroy(&self->ty[0]);
	EXPECT_EQ(0, self->ty[0].err);
	slab1 = settled_sunreclaim_kb();
	slab_snap(&snap1);
	int leaky = slab_diff("reload", &snap0, &snap1, rounds);
	if (slab_checks())
		EXPECT_EQ(0, leaky);
	ksft_print_msg("reload: %ld load/unload rounds (+1 warm-up) while typing (%" PRIu64
		       " frames); SUnreclaim %ld kB before, %ld kB after (%+ld kB)\n",
		       rounds, self->ty[0].frames, slab0, slab1, slab1 - slab0);
}

/* ---- the sysfs fuzzer ---- */

struct target {
	char path[320];
	const char *name;
	bool level;
	uint64_t min, max;
	char value[64];		/* the model's value, as read back */
};

static const struct { const char *name; bool level; uint64_t min, max; } rules[] = {
	{ "level", true, 0, 2 },	/* loaded with max_level=events */
	{ "lock", false, 0, 1 },
	/* loaded below level keys: the privacy floors apply */
	{ "window_ms", false, 1000, 3600000 },
	{ "dev_rate", false, 1, 1000000 },
	{ "dev_burst", false, 1, 1000000 },
	{ "global_rate", false, 1, 10000000 },
	{ "global_burst", false, 1, 10000000 },
	{ "heartbeat_ms", false, 1000, 3600000 },
	{ "time_res_ms", false, 10, 60000 },
	{ "inject_presses", false, 5, 64 },
	{ "inject_interval_ms", false, 1, 50 },
	{ "enabled", false, 0, 1 },
};

static const char *const level_names[] = { "off", "activity", "events", "keys" };

/* Every writable setting and every device's enabled; -1 on a surprise. */
static int enum_targets(struct target *t, int max, int *unknown)
{
	char path[300];
	struct dirent *d;
	struct stat st;
	int n = 0;
	DIR *dp;

	*unknown = 0;
	dp = opendir(PARAMS);
	if (!dp)
		return -1;
	while ((d = readdir(dp)) && n < max) {
		size_t r;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), PARAMS "%s", d->d_name);
		if (stat(path, &st) || !(st.st_mode & 0222))
			continue;
		for (r = 0; r < sizeof(rules) / sizeof(rules[0]); r++)
			if (!strcmp(rules[r].name, d->d_name))
				break;
		if (r == sizeof(rules) / sizeof(rules[0])) {
			(*unknown)++;
			continue;
		}
		snprintf(t[n].path, sizeof(t[n].path), "%s", path);
		t[n].name = rules[r].name;
		t[n].level = rules[r].level;
		t[n].min = rules[r].min;
		t[n].max = rules[r].max;
		read_value(t[n].path, t[n].value, sizeof(t[n].value));
		n++;
	}
	closedir(dp);
	dp = opendir(SYS_IA "devices");
	if (!dp)
		return -1;
	while ((d = readdir(dp)) && n < max) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(t[n].path, sizeof(t[n].path), SYS_IA "devices/%s/enabled",
			 d->d_name);
		t[n].name = "enabled";
		t[n].level = false;
		t[n].min = 0;
		t[n].max = 1;
		read_value(t[n].path, t[n].value, sizeof(t[n].value));
		n++;
	}
	closedir(dp);
	return n;
}

/*
 * What the module must do with a write: 0 (and *val) or an errno.  The
 * rules of README "Settings": one trailing newline; then 1..15 characters,
 * letters and digits only; a level name or a decimal number within range.
 */
static int oracle(const struct target *t, const char *buf, size_t len,
		  bool locked, char *val, size_t size)
{
	uint64_t v = 0;
	size_t n = len;

	if (!len) {	/* sysfs never calls the store for 0 bytes */
		snprintf(val, size, "%s", t->value);
		return 0;
	}
	if (locked)
		return EPERM;
	if (buf[n - 1] == '\n')
		n--;
	if (!n || n >= 16)
		return EINVAL;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = buf[i];

		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= 'A' && ch <= 'Z') || ch >= 0xc0))
			return EINVAL;
	}
	if (t->level) {
		for (unsigned int i = 0; i < 4; i++) {
			if (strlen(level_names[i]) == n &&
			    !memcmp(level_names[i], buf, n)) {
				if (i > t->max)
					return EPERM;
				snprintf(val, size, "%s", level_names[i]);
				return 0;
			}
		}
		return EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return EINVAL;
		v = v * 10 + (buf[i] - '0');	/* 15 digits: no overflow */
	}
	if (v > 0xffffffffull || v < t->min || v > t->max)
		return ERANGE;
	snprintf(val, size, "%" PRIu64, v);
	return 0;
}

static size_t put(char *buf, size_t len, const char *s)
{
	size_t n = strlen(s);

	if (len + n > 4096)
		n = 4096 - len;
	memcpy(buf + len, s, n);
	return len + n;
}

/* One fuzz input of 0..4096 bytes for target t. */
static size_t gen(const struct target *t, char *buf)
{
	static const char *const pre[] = {
		"", "", "", "+", "-", " ", "\t", "0x", "00", "\n", "0", "\v",
	};
	static const char *const suf[] = {
		"", "", "\n", "\n", "\n\n", " ", "\t", "k", "\r\n", ".5", "e3",
	};
	static const char *const words[] = {
		"off", "activity", "events", "keys", "OFF", "Events", "activ",
		"eventsx", "on", "true", "-1", "4294967295", "4294967296",
		"18446744073709551615", "18446744073709551616", "99999999999999999999",
		"000000000000001", "0000000000000001", "1", "0",
	};
	uint64_t r = rnd();
	size_t len = 0, n;
	char num[32];

	switch (r % 10) {
	case 0:
	case 1:		/* raw random bytes */
		n = (r >> 8) % 10 < 4 ? rnd() % 17 : (r >> 8) % 10 < 7 ?
		    rnd() % 65 : rnd() % 4097;
		for (size_t i = 0; i < n; i++)
			buf[i] = (char)rnd();
		return n;
	case 2:
	case 3:		/* a number of any size, decorated */
		snprintf(num, sizeof(num), "%" PRIu64,
			 rnd() >> (rnd() % 64));
		len = put(buf, len, pre[rnd() % 12]);
		len = put(buf, len, num);
		len = put(buf, len, suf[rnd() % 11]);
		return len;
	case 4:		/* words */
		len = put(buf, len, pre[rnd() % 12]);
		len = put(buf, len, words[rnd() % 20]);
		len = put(buf, len, suf[rnd() % 11]);
		return len;
	case 5:		/* a valid value */
	case 6:
		if (t->level)
			snprintf(num, sizeof(num), "%s",
				 level_names[rnd() % 4]);
		else
			snprintf(num, sizeof(num), "%" PRIu64,
				 t->min + rnd() % (t->max - t->min + 1));
		len = put(buf, len, num);
		return rnd() % 2 ? put(buf, len, "\n") : len;
	case 7:		/* just outside the range, or on it */
		snprintf(num, sizeof(num), "%" PRIu64,
			 (rnd() % 2 ? t->min : t->max) + rnd() % 3 - 1);
		len = put(buf, len, num);
		return rnd() % 2 ? put(buf, len, "\n") : len;
	case 8:		/* a valid value, an embedded NUL, junk */
		snprintf(num, sizeof(num), "%" PRIu64, t->min);
		len = put(buf, len, num);
		buf[len++] = '\0';
		n = rnd() % 40;
		for (size_t i = 0; i < n; i++)
			buf[len++] = (char)rnd();
		return len;
	default:	/* whitespace, NULs, newlines or digits, up to a page */
		n = rnd() % 4097;
		for (size_t i = 0; i < n; i++)
			buf[i] = r % 4 == 0 ? " \t"[rnd() % 2] : r % 4 == 1 ? '\0' :
				 r % 4 == 2 ? '\n' : (char)('0' + rnd() % 10);
		return n;
	}
}

/*
 * Random writes into every writable attribute.  Each write must do what
 * the model says: succeed with the value read back, or fail with the
 * model's errno (EINVAL, ERANGE, EPERM) and leave the value as it was.
 */
TEST_F_TIMEOUT(stress, sysfs_fuzz, TEST_TIMEOUT)
{
	long writes = env_long("FUZZ_WRITES", secs() ? 30000 : 4000);
	unsigned long outcome[5] = { 0 }, mismatches = 0, reloads = 0;
	static char buf[4097];
	struct target t[64];
	int n, unknown, fd, locked_writes = 0;
	bool locked = false;
	char val[64], got[64];

	ksft_print_msg("sysfs_fuzz: seed %ld, %ld writes\n", env_long("SEED", 42),
		       writes);
	ASSERT_EQ(0, kmod_load("max_level=events"));
	ASSERT_EQ(0, typer_start(&self->ty[0], UINPUT_KEYBOARD, "ia-fuzz-kbd",
				 5000, 2));
	ASSERT_EQ(0, typer_start(&self->ty[1], UINPUT_MOUSE, "ia-fuzz-mouse",
				 5000, 2));
	ASSERT_NE(0U, wait_dev_id("ia-fuzz-kbd", 10000));
	ASSERT_NE(0U, wait_dev_id("ia-fuzz-mouse", 10000));
	n = enum_targets(t, 64, &unknown);
	ASSERT_LT(12, n);
	EXPECT_EQ(0, unknown);
	/* max_level is fixed: not even root opens it for writing. */
	fd = open(PARAMS "max_level", O_WRONLY);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EACCES, errno);
	if (fd >= 0)
		close(fd);

	for (long w = 0; w < writes; w++) {
		struct target *tg = &t[rnd() % n];
		size_t len;
		ssize_t r;
		int want, err;

		if (!strcmp(tg->name, "lock") && rnd() % 4)
			tg = &t[0];	/* lock less often: it costs a reload */
		len = gen(tg, buf);
		want = oracle(tg, buf, len, locked, val, sizeof(val));
		fd = open(tg->path, O_WRONLY);
		ASSERT_LE(0, fd) {
			TH_LOG("open %s: %s", tg->path, strerror(errno));
		}
		r = write(fd, buf, len);
		err = r < 0 ? errno : 0;
		close(fd);
		read_value(tg->path, got, sizeof(got));
		if (err != want || (!err && (size_t)r != len) ||
		    strcmp(got, want ? tg->value : val)) {
			if (mismatches++ < 10) {
				char shown[80];
				size_t k;

				for (k = 0; k < len && k < 19; k++)
					snprintf(shown + 4 * k, 5, "\\x%02x",
						 (unsigned char)buf[k]);
				shown[4 * k] = '\0';
				TH_LOG("write #%ld %s len %zu [%s...]: got %s (%zd), value '%s'; expected %s, value '%s'",
				       w, tg->path, len, shown,
				       err ? strerror(err) : "ok", r, got,
				       want ? strerror(want) : "ok",
				       want ? tg->value : val);
			}
		}
		outcome[!len ? 4 : err == 0 ? 0 : err == EINVAL ? 1 :
			err == ERANGE ? 2 : 3]++;
		snprintf(tg->value, sizeof(tg->value), "%s", got);
		if (!want && !strcmp(tg->name, "lock") && !strcmp(val, "1"))
			locked = true;
		if (locked && ++locked_writes >= 20) {
			/* Locked until unload: reload and go on. */
			ASSERT_EQ(0, kmod_unload_wait(UNLOAD_MS));
			ASSERT_EQ(0, kmod_load("max_level=events"));
			ASSERT_NE(0U, wait_dev_id("ia-fuzz-kbd", 10000));
			ASSERT_NE(0U, wait_dev_id("ia-fuzz-mouse", 10000));
			n = enum_targets(t, 64, &unknown);
			ASSERT_LT(12, n);
			locked = false;
			locked_writes = 0;
			reloads++;
		}
		/* Now and then: no write changed another attribute. */
		if (w % 64 == 63) {
			for (int i = 0; i < n; i++) {
				read_value(t[i].path, got, sizeof(got));
				EXPECT_STREQ(t[i].value, got);
			}
		}
	}
	EXPECT_EQ(0UL, mismatches);
	/* The log watcher sees the module's lines about accepted changes. */
	for (int waited = 0; !self->km.lines && waited < 2000; waited += 50)
		sleep_ms(50);
	EXPECT_LT(0U, self->km.lines);
	ksft_print_msg("sysfs_fuzz: %d targets; %lu accepted, %lu EINVAL, %lu ERANGE, %lu EPERM, %lu empty; %lu lock reloads; %lu mismatches with the model\n",
		       n, outcome[0], outcome[1], outcome[2], outcome[3],
		       outcome[4], reloads, mismatches);
	typer_destroy(&self->ty[0]);
	typer_destroy(&self->ty[1]);
}

TEST_HARNESS_MAIN
