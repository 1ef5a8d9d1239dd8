// SPDX-License-Identifier: GPL-2.0-only
/*
 * ia_bench: the guest side of `make bench` (kernel-side figures).
 *
 * Runs ONE condition per boot (scripts/bench.sh boots once per condition)
 * under QEMU -icount shift=0,sleep=off, where guest nanoseconds count
 * instructions.  It creates a keyboard, a mouse and a 10-slot touchscreen
 * through /dev/uinput, then for each frame type injects --frames frames
 * (one write() per frame) once as a warm-up and --runs times measured,
 * timing each run with CLOCK_MONOTONIC.  Conditions (what else is running
 * while the frames go in; the module is loaded by bench/bench-guest.sh):
 *
 *   base, base-noevdev   nothing (evdev.ko loaded / unloaded)
 *   e-fifo, e-other      one evdev reader per device, blocked in read(),
 *                        woken per frame, drains its fd; SCHED_FIFO or not
 *   f                    one evdev client per device that reads only after
 *                        each run (evdev's producer cost; drops counted)
 *   b-activity, b-events inputaudit loaded, nothing attached
 *   c-activity, c-events inputaudit with the real inputauditd consuming
 *   floor                inputaudit at level events, and instead of the
 *                        daemon a bare raw_tp program on the same
 *                        tracepoint (bench/floor.bpf.c: ringbuf reserve +
 *                        submit, no wakeup) with a minimal libbpf consumer
 *
 * Consumers that batch (the daemon, the floor consumer) run when their
 * poll timeout says so, not per frame, so the share of their user-space
 * work that happens to fall into a run is arbitrary: their CPU time during
 * the run (from /proc/.../schedstat, in ns = instructions) is reported as
 * its own figure and subtracted from the run ("kernel path").  Per-frame
 * evdev readers run inside every frame; their time is reported but kept.
 * The harness' own FIFO reader (latency) is always subtracted.
 *
 * Output, one line each, prefixed "IAB" for scripts/bench.sh:
 *   IAB RUN cond frame run ns sub_ns rd_ns frames
 *   IAB FRAME cond frame ns_per_frame sub_per_frame rd_per_frame
 *             events_read syn_dropped records
 *   IAB FLOOD cond frames ns cons_window_ns cons_after_ns harness_ns
 *             wakeups records drops
 *   IAB LAT cond frames interval_ns p50_ns p99_ns max_ns received wakeups
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/input.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "daemon_util.h"
#include "inputaudit.h"
#include "kmod_util.h"
#include "uinput_util.h"
#include "floor.skel.h"

#define NKINDS		3
#define MAX_VALUES	48
#define FIFO_PATH	"/tmp/ia-bench.fifo"
#define MAX_TIDS	8

static const char *const kind_names[NKINDS] = { "key", "mouse", "touch" };

static const char *cond = "base";
static int nframes = 2000, nruns = 3, nflood = 20000, npaced = 500;
static int paced_us = 2000;
static int key_code = KEY_A;
static bool vt_off;

static void die(const char *what, int err)
{
	fprintf(stderr, "ia_bench: %s: %s\n", what, strerror(err < 0 ? -err : err));
	printf("IAB ERROR cond=%s %s\n", cond, what);
	exit(1);
}

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* ---- CPU time and wakeups of other tasks ---- */

struct task { pid_t pid, tid; };
struct taskset { struct task t[MAX_TIDS]; int n; };

static struct taskset subtract;	/* consumers that batch, and the harness */
static struct taskset harness;	/* the harness' FIFO reader alone */
static struct taskset readers;	/* per-frame evdev readers */
static struct task consumer;	/* daemon or floor consumer: wakeups */

static void taskset_add(struct taskset *s, pid_t pid, pid_t tid)
{
	if (s->n < MAX_TIDS)
		s->t[s->n++] = (struct task){ pid, tid };
}

/* sum_exec_runtime, ns: the first field of schedstat. */
static uint64_t task_cpu_ns(const struct task *t)
{
	char path[96], buf[128];
	ssize_t len;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", t->pid, t->tid);
	len = read_file(path, buf, sizeof(buf));
	return len > 0 ? strtoull(buf, NULL, 10) : 0;
}

static uint64_t taskset_cpu_ns(const struct taskset *s)
{
	uint64_t sum = 0;

	for (int i = 0; i < s->n; i++)
		sum += task_cpu_ns(&s->t[i]);
	return sum;
}

static uint64_t task_wakeups(const struct task *t)
{
	char path[96], buf[4096], *p;

	if (!t->pid)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", t->pid, t->tid);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return 0;
	p = strstr(buf, "\nvoluntary_ctxt_switches:");
	return p ? strtoull(p + 25, NULL, 10) : 0;
}

/* ---- frames ---- */

struct frames {
	struct input_event ev[2][MAX_VALUES];	/* two variants, alternated */
	int n[2];
};

static void put(struct frames *f, int v, unsigned short type,
		unsigned short code, int value)
{
	f->ev[v][f->n[v]++] = (struct input_event){ .type = type, .code = code,
						    .value = value };
}

/*
 * Every value must differ from the last one of its kind, or the input core
 * drops it: keys alternate press/release, motion alternates direction,
 * touch positions alternate by one unit.
 */
static void build_frames(int kind, struct frames *f)
{
	memset(f, 0, sizeof(*f));
	for (int v = 0; v < 2; v++) {
		switch (kind) {
		case 0:
			put(f, v, EV_KEY, key_code, !v);
			break;
		case 1:
			put(f, v, EV_REL, REL_X, v ? -1 : 1);
			put(f, v, EV_REL, REL_Y, v ? -1 : 1);
			break;
		default:
			for (int s = 0; s < 10; s++) {
				put(f, v, EV_ABS, ABS_MT_SLOT, s);
				put(f, v, EV_ABS, ABS_MT_POSITION_X, 100 + 300 * s + v);
				put(f, v, EV_ABS, ABS_MT_POSITION_Y, 2000 + v);
			}
			break;
		}
		put(f, v, EV_SYN, SYN_REPORT, 0);
	}
}

static void write_frame(int fd, const struct frames *f, int i)
{
	size_t len = f->n[i & 1] * sizeof(struct input_event);

	if (write(fd, f->ev[i & 1], len) != (ssize_t)len)
		die("uinput write", errno);
}

/* Ten contacts down, once, before any measurement. */
static void touch_down(int fd)
{
	struct frames f = { 0 };

	for (int s = 0; s < 10; s++) {
		put(&f, 0, EV_ABS, ABS_MT_SLOT, s);
		put(&f, 0, EV_ABS, ABS_MT_TRACKING_ID, s + 1);
		put(&f, 0, EV_ABS, ABS_MT_POSITION_X, 100 + 300 * s + 1);
		put(&f, 0, EV_ABS, ABS_MT_POSITION_Y, 2001);
	}
	put(&f, 0, EV_KEY, BTN_TOUCH, 1);
	put(&f, 0, EV_SYN, SYN_REPORT, 0);
	write_frame(fd, &f, 0);
}

/* ---- evdev readers ---- */

struct reader {
	int fd;
	bool late;		/* condition f: read only between runs */
	pid_t tid;
	uint64_t events, dropped;
};

static void count_events(struct reader *r, const struct input_event *ev, ssize_t n)
{
	for (ssize_t i = 0; i < n / (ssize_t)sizeof(*ev); i++) {
		r->events++;
		if (ev[i].type == EV_SYN && ev[i].code == SYN_DROPPED)
			r->dropped++;
	}
}

static void *reader_thread(void *arg)
{
	struct reader *r = arg;
	struct input_event ev[64];
	ssize_t n;

	__atomic_store_n(&r->tid, gettid_(), __ATOMIC_RELEASE);
	for (;;) {
		n = read(r->fd, ev, sizeof(ev));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		count_events(r, ev, n);
	}
	return NULL;
}

/* Condition f: drain whatever piled up, outside the measured run. */
static void reader_drain(struct reader *r)
{
	struct input_event ev[64];
	ssize_t n;

	while ((n = read(r->fd, ev, sizeof(ev))) > 0)
		count_events(r, ev, n);
}

static void open_reader(struct reader *r, int ufd, bool late, int policy)
{
	char node[64];
	int err = uinput_event_node(ufd, node, sizeof(node));
	pthread_attr_t attr;
	pthread_t th;

	if (err)
		die("event node", err);
	r->late = late;
	r->fd = open(node, O_RDONLY | O_CLOEXEC | (late ? O_NONBLOCK : 0));
	if (r->fd < 0)
		die(node, errno);
	if (late)
		return;
	pthread_attr_init(&attr);
	if (policy == SCHED_FIFO) {
		struct sched_param sp = { .sched_priority = 10 };

		pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
		pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
		pthread_attr_setschedparam(&attr, &sp);
	}
	err = pthread_create(&th, &attr, reader_thread, r);
	if (err)
		die("pthread_create reader", err);
	while (!__atomic_load_n(&r->tid, __ATOMIC_ACQUIRE))
		sched_yield();
	taskset_add(&readers, getpid(), r->tid);
}

/* ---- the daemon's output, for delivery latency ---- */

static uint64_t fifo_events;		/* "event" records read */
static uint64_t lat_base;		/* fifo_events when the paced phase began */
static int lat_active;
static uint64_t *t_inject, *t_recv;

static void *fifo_thread(void *arg)
{
	static char buf[1 << 16];
	static char line[4096];
	size_t ll = 0;
	pid_t *tid = arg;
	int fd;

	__atomic_store_n(tid, gettid_(), __ATOMIC_RELEASE);
	fd = open(FIFO_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		uint64_t t = now_ns(CLOCK_BOOTTIME);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				if (ll < sizeof(line) - 1)
					line[ll++] = buf[i];
				continue;
			}
			line[ll] = '\0';
			ll = 0;
			if (!strstr(line, "\"type\":\"event\""))
				continue;
			uint64_t k = __atomic_fetch_add(&fifo_events, 1, __ATOMIC_ACQ_REL);

			if (__atomic_load_n(&lat_active, __ATOMIC_ACQUIRE) &&
			    k >= lat_base && k - lat_base < (uint64_t)npaced)
				t_recv[k - lat_base] = t;
		}
	}
	close(fd);
	return NULL;
}

/*
 * Start a thread that first stores its tid through its argument (and never
 * touches it again); return that tid once it is there.
 */
static pid_t start_tid_thread(void *(*fn)(void *), const char *what)
{
	pid_t tid = 0;
	pthread_t th;
	int err;

	err = pthread_create(&th, NULL, fn, &tid);
	if (err)
		die(what, err);
	while (!__atomic_load_n(&tid, __ATOMIC_ACQUIRE))
		sched_yield();
	return tid;
}

static pid_t start_daemon(void)
{
	static const char *const args[] = { "--no-config", "--stats-interval-ms", "0", NULL };
	pid_t fifo_tid, pid;

	unlink(FIFO_PATH);
	if (mkfifo(FIFO_PATH, 0600))
		die("mkfifo", errno);
	fifo_tid = start_tid_thread(fifo_thread, "pthread_create fifo");
	pid = daemon_start(FIFO_PATH, args);
	if (pid < 0)
		die("inputauditd did not attach", pid);
	taskset_add(&subtract, pid, pid);
	taskset_add(&subtract, getpid(), fifo_tid);
	taskset_add(&harness, getpid(), fifo_tid);
	consumer = (struct task){ pid, pid };
	return pid;
}

/* ---- the floor: bare raw_tp + ring, minimal consumer ---- */

static struct floor_bpf *floor_skel;
static struct ring_buffer *floor_rb;
static uint64_t floor_records;

static int floor_cb(void *ctx, void *data, size_t size)
{
	(void)ctx;
	(void)data;
	/* One record, or a batch of them (see bench/floor.bpf.c). */
	floor_records += size / sizeof(struct inputaudit_record);
	return 0;
}

static void *floor_thread(void *arg)
{
	pid_t *tid = arg;

	__atomic_store_n(tid, gettid_(), __ATOMIC_RELEASE);
	/*
	 * Records come without wakeups, so epoll never reports the ring: wait
	 * out the timeout (20 ms, the daemon's default latency), then consume,
	 * like the daemon does.
	 */
	for (;;) {
		if (ring_buffer__poll(floor_rb, 20) < 0 && errno != EINTR)
			break;
		if (ring_buffer__consume(floor_rb) < 0)
			break;
	}
	return NULL;
}

static void start_floor(void)
{
	struct bpf_link *link;
	pid_t tid;

	floor_skel = floor_bpf__open_and_load();
	if (!floor_skel)
		die("floor: open and load", errno);
	link = bpf_program__attach_raw_tracepoint(floor_skel->progs.floor_record,
						  INPUTAUDIT_TP_NAME);
	if (!link)
		link = bpf_program__attach_raw_tracepoint(floor_skel->progs.floor_record,
							  INPUTAUDIT_TP_NAME_SUFFIXED);
	if (!link)
		die("floor: attach", errno);
	if (!wait_capture_open(-1, 30000))
		die("floor: capture did not start", ETIMEDOUT);
	floor_rb = ring_buffer__new(bpf_map__fd(floor_skel->maps.floor_ring),
				    floor_cb, NULL, NULL);
	if (!floor_rb)
		die("floor: ring_buffer__new", errno);
	tid = start_tid_thread(floor_thread, "pthread_create floor");
	taskset_add(&subtract, getpid(), tid);
	consumer = (struct task){ getpid(), tid };
}

static uint64_t records_received(void)
{
	if (floor_rb)
		return __atomic_load_n(&floor_records, __ATOMIC_ACQUIRE);
	return __atomic_load_n(&fifo_events, __ATOMIC_ACQUIRE);
}

/* ---- measurements ---- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The injector runs SCHED_FIFO (priority 1) while it measures frames, so
 * whether deferred work (ksoftirqd, kworkers: e.g. the VT keyboard's
 * tasklet and console work, the same in every condition) preempts it
 * inside a run does not depend on CFS's bookkeeping, which differs between
 * conditions.  A SCHED_FIFO evdev reader (priority 10) still preempts it at
 * every frame; a SCHED_OTHER reader or the daemon runs after the run.
 */
static void set_injector_fifo(bool fifo)
{
	struct sched_param sp = { .sched_priority = fifo ? 1 : 0 };

	if (sched_setscheduler(0, fifo ? SCHED_FIFO : SCHED_OTHER, &sp))
		die("sched_setscheduler", errno);
}

static void measure_frames(int kind, int ufd, struct reader *r)
{
	struct frames f;
	uint64_t ns = 0, sub = 0, rd = 0, rec0 = records_received();

	build_frames(kind, &f);
	set_injector_fifo(true);
	for (int run = 0; run <= nruns; run++) {	/* run 0: warm-up */
		uint64_t s0, r0, t0, t1;

		sleep_ms(100);	/* consumers drain the last run */
		s0 = taskset_cpu_ns(&subtract);
		r0 = taskset_cpu_ns(&readers);
		t0 = now_ns(CLOCK_MONOTONIC);
		for (int i = 0; i < nframes; i++)
			write_frame(ufd, &f, i);
		t1 = now_ns(CLOCK_MONOTONIC);
		s0 = taskset_cpu_ns(&subtract) - s0;
		r0 = taskset_cpu_ns(&readers) - r0;
		if (r && r->late)
			reader_drain(r);
		printf("IAB RUN %s %s %d %llu %llu %llu %d\n", cond, kind_names[kind],
		       run, (unsigned long long)(t1 - t0), (unsigned long long)s0,
		       (unsigned long long)r0, nframes);
		if (run) {
			ns += t1 - t0;
			sub += s0;
			rd += r0;
		}
	}
	set_injector_fifo(false);
	sleep_ms(200);
	if (r && r->late)
		reader_drain(r);
	printf("IAB FRAME %s %s %.1f %.1f %.1f %llu %llu %llu\n", cond,
	       kind_names[kind], (double)ns / nruns / nframes,
	       (double)sub / nruns / nframes, (double)rd / nruns / nframes,
	       (unsigned long long)(r ? r->events : 0),
	       (unsigned long long)(r ? r->dropped : 0),
	       (unsigned long long)(records_received() - rec0));
}

/* Back-to-back key frames: throughput and wakeups under sustained load. */
static void measure_flood(int ufd)
{
	struct frames f;
	uint64_t c0, c1, c2, h0, h1, w0, w1, t0, t1, rec0, drops = 0;

	build_frames(0, &f);
	sleep_ms(300);
	rec0 = records_received();
	w0 = task_wakeups(&consumer);
	c0 = taskset_cpu_ns(&subtract);
	h0 = taskset_cpu_ns(&harness);
	t0 = now_ns(CLOCK_MONOTONIC);
	for (int i = 0; i < nflood; i++)
		write_frame(ufd, &f, i);
	t1 = now_ns(CLOCK_MONOTONIC);
	c1 = taskset_cpu_ns(&subtract);
	h1 = taskset_cpu_ns(&harness);
	sleep_ms(300);	/* the consumer's timeout finds the rest */
	c2 = taskset_cpu_ns(&subtract) - (taskset_cpu_ns(&harness) - h1);
	w1 = task_wakeups(&consumer);
	if (floor_skel)
		drops = floor_skel->bss->floor_drops;
	printf("IAB FLOOD %s %d %llu %llu %llu %llu %llu %llu %llu\n", cond, nflood,
	       (unsigned long long)(t1 - t0), (unsigned long long)(c1 - c0 - (h1 - h0)),
	       (unsigned long long)(c2 - c1), (unsigned long long)(h1 - h0),
	       (unsigned long long)(w1 - w0),
	       (unsigned long long)(records_received() - rec0),
	       (unsigned long long)drops);
}

/* Key frames every paced_us: delivery latency and wakeups at a steady rate. */
static void measure_latency(int ufd)
{
	struct frames f;
	uint64_t w0, w1, *lat, got = 0;
	struct timespec gap = { 0, paced_us * 1000L };

	build_frames(0, &f);
	t_inject = calloc(npaced, sizeof(*t_inject));
	t_recv = calloc(npaced, sizeof(*t_recv));
	lat = calloc(npaced, sizeof(*lat));
	if (!t_inject || !t_recv || !lat)
		die("calloc", ENOMEM);
	sleep_ms(300);
	lat_base = __atomic_load_n(&fifo_events, __ATOMIC_ACQUIRE);
	__atomic_store_n(&lat_active, 1, __ATOMIC_RELEASE);
	w0 = task_wakeups(&consumer);
	for (int i = 0; i < npaced; i++) {
		write_frame(ufd, &f, i);
		t_inject[i] = now_ns(CLOCK_BOOTTIME);
		nanosleep(&gap, NULL);
	}
	sleep_ms(300);
	w1 = task_wakeups(&consumer);
	__atomic_store_n(&lat_active, 0, __ATOMIC_RELEASE);
	for (int i = 0; i < npaced; i++)
		if (t_recv[i])
			lat[got++] = t_recv[i] > t_inject[i] ? t_recv[i] - t_inject[i] : 0;
	qsort(lat, got, sizeof(*lat), cmp_u64);
	printf("IAB LAT %s %d %d %llu %llu %llu %llu %llu\n", cond, npaced,
	       paced_us * 1000,
	       (unsigned long long)(got ? lat[(got - 1) / 2] : 0),
	       (unsigned long long)(got ? lat[(got * 99 + 99) / 100 - 1] : 0),
	       (unsigned long long)(got ? lat[got - 1] : 0),
	       (unsigned long long)got, (unsigned long long)(w1 - w0));
}

/*
 * write() takes a reference on the file only when the fd table is shared,
 * i.e. in a multi-threaded process: about 80 instructions per frame.  The
 * readers and consumers here are threads, so every condition gets one idle
 * thread from the start and the injector's syscall path is the same in all.
 */
static void *idle_thread(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cond", required_argument, NULL, 'c' },
		{ "frames", required_argument, NULL, 'n' },
		{ "runs", required_argument, NULL, 'r' },
		{ "flood", required_argument, NULL, 'F' },
		{ "paced", required_argument, NULL, 'p' },
		{ "kinds", required_argument, NULL, 'k' },
		{ "key", required_argument, NULL, 'K' },
		{ "vt-off", no_argument, NULL, 'V' },
		{ 0 }
	};
	static struct reader rd[NKINDS];
	const char *kinds = "key,mouse,touch";
	bool evdev_reader, late, daemon, floor;
	int ufd[NKINDS], opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': cond = optarg; break;
		case 'n': nframes = atoi(optarg); break;
		case 'r': nruns = atoi(optarg); break;
		case 'F': nflood = atoi(optarg); break;
		case 'p': npaced = atoi(optarg); break;
		case 'k': kinds = optarg; break;
		case 'K': key_code = atoi(optarg); break;
		case 'V': vt_off = true; break;
		default:
			fprintf(stderr, "usage: ia_bench --cond C [--frames N] [--runs R] "
				"[--flood N] [--paced N] [--kinds key,mouse,touch]\n");
			return 2;
		}
	}
	if (nframes < 1 || nruns < 1 || nflood < 0 || npaced < 0)
		die("bad arguments", EINVAL);
	{
		pthread_t th;
		int err = pthread_create(&th, NULL, idle_thread, NULL);

		if (err)
			die("pthread_create idle", err);
	}
	/*
	 * Everything is printed at the end: console output in the middle
	 * would cost guest instructions that depend on how fast the host
	 * drains the serial port, and break bit-identical repeats.
	 */
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	libbpf_set_print(NULL);

	if (vt_off) {
		int tfd = open("/dev/tty0", O_RDWR | O_CLOEXEC);

		if (tfd < 0 || ioctl(tfd, KDSETMODE, KD_GRAPHICS) < 0 ||
		    ioctl(tfd, KDSKBMODE, K_OFF) < 0)
			die("KD_GRAPHICS, K_OFF on /dev/tty0", errno);
		close(tfd);
	}
	evdev_reader = !strcmp(cond, "e-fifo") || !strcmp(cond, "e-other");
	late = !strcmp(cond, "f");
	daemon = !strncmp(cond, "c-", 2);
	floor = !strcmp(cond, "floor");

	for (int k = 0; k < NKINDS; k++) {
		char name[64];

		snprintf(name, sizeof(name), "ia-bench %s", kind_names[k]);
		ufd[k] = uinput_create(k == 0 ? UINPUT_KEYBOARD :
				       k == 1 ? UINPUT_MOUSE : UINPUT_TOUCH, name);
		if (ufd[k] < 0)
			die("uinput_create", ufd[k]);
	}
	sleep_ms(200);
	for (int k = 0; k < NKINDS; k++)
		if (evdev_reader || late)
			open_reader(&rd[k], ufd[k], late,
				    strcmp(cond, "e-fifo") ? SCHED_OTHER : SCHED_FIFO);
	if (daemon)
		start_daemon();
	if (floor)
		start_floor();
	touch_down(ufd[2]);
	sleep_ms(200);
	if (late)
		reader_drain(&rd[2]);

	printf("IAB BEGIN %s frames=%d runs=%d\n", cond, nframes, nruns);
	for (int k = 0; k < NKINDS; k++)
		if (strstr(kinds, kind_names[k]))
			measure_frames(k, ufd[k], evdev_reader || late ? &rd[k] : NULL);
	if (nflood)
		measure_flood(ufd[0]);
	if (daemon && npaced)
		measure_latency(ufd[0]);
	printf("IAB END %s\n", cond);
	fflush(stdout);
	/* Readers and consumers are threads or a child: exit takes them along. */
	if (consumer.pid && consumer.pid != getpid())
		daemon_stop(consumer.pid);
	return 0;
}
