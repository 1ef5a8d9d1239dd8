// SPDX-License-Identifier: GPL-2.0-only
/* Stress tests inside the VM: helpers; see stress_util.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"

#include "daemon_util.h"
#include "kmod_util.h"
#include "stress_util.h"

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

long env_long(const char *name, long def)
{
	char var[64], *end;
	const char *v;
	long val;

	snprintf(var, sizeof(var), "STRESS_%s", name);
	v = getenv(var);
	if (!v || !*v)
		return def;
	val = strtol(v, &end, 10);
	return *end ? def : val;
}

/* ---- input ---- */

static const unsigned short keys[] = {
	KEY_A, KEY_S, KEY_D, KEY_F, KEY_J, KEY_K, KEY_L, KEY_SPACE,
};

static int frame_events(enum uinput_kind kind, uint64_t k,
			struct input_event *ev)
{
	int n = 0;

#define EV(t, c, v) (ev[n].type = (t), ev[n].code = (c), ev[n].value = (v), n++)
	switch (kind) {
	case UINPUT_KEYBOARD:	/* press, release: every frame changes a key */
		EV(EV_KEY, keys[(k / 2) % 8], !(k & 1));
		break;
	case UINPUT_MOUSE:
		if (k % 8 < 2)
			EV(EV_KEY, BTN_LEFT, !(k & 1));
		else
			EV(EV_REL, REL_X, (k & 1) ? 3 : -3), EV(EV_REL, REL_Y, 1);
		break;
	default:		/* touch down, touch up on slot 0 */
		if (!(k & 1)) {
			EV(EV_ABS, ABS_MT_SLOT, 0);
			EV(EV_ABS, ABS_MT_TRACKING_ID, (int)((k / 2) % 60000));
			EV(EV_ABS, ABS_MT_POSITION_X, (int)(k * 7 % 4096));
			EV(EV_ABS, ABS_MT_POSITION_Y, (int)(k * 13 % 4096));
			EV(EV_KEY, BTN_TOUCH, 1);
			EV(EV_ABS, ABS_X, (int)(k * 7 % 4096));
		} else {
			EV(EV_ABS, ABS_MT_TRACKING_ID, -1);
			EV(EV_KEY, BTN_TOUCH, 0);
		}
		break;
	}
	EV(EV_SYN, SYN_REPORT, 0);
#undef EV
	return n;
}

int write_frames(int fd, enum uinput_kind kind, uint64_t *state, int nframes)
{
	struct input_event ev[64 * 8];
	int n = 0, f;

	if (nframes > 64)
		nframes = 64;
	memset(ev, 0, sizeof(ev));
	for (f = 0; f < nframes; f++)
		n += frame_events(kind, (*state)++, ev + n);
	if (write(fd, ev, n * sizeof(ev[0])) != (ssize_t)(n * sizeof(ev[0])))
		return -errno ?: -EIO;
	return 0;
}

static void *typer_main(void *arg)
{
	struct typer *t = arg;

	while (!t->stop) {
		int err = write_frames(t->fd, t->kind, &t->state, t->batch);

		if (err) {
			t->err = err;
			break;
		}
		__atomic_add_fetch(&t->frames, t->batch, __ATOMIC_RELAXED);
		if (t->pace_us)
			usleep(t->pace_us);
	}
	__atomic_store_n(&t->stopped, 1, __ATOMIC_RELEASE);
	return NULL;
}

int typer_start(struct typer *t, enum uinput_kind kind, const char *name,
		int pace_us, int batch)
{
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->pace_us = pace_us;
	t->batch = batch < 1 ? 1 : batch > 64 ? 64 : batch;
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->fd = uinput_create(kind, name);
	if (t->fd < 0)
		return t->fd;
	if (pthread_create(&t->th, NULL, typer_main, t)) {
		uinput_destroy(t->fd);
		t->fd = -1;
		return -EAGAIN;
	}
	t->running = true;
	return 0;
}

uint64_t typer_halt(struct typer *t)
{
	if (t->running) {
		t->stop = 1;
		pthread_join(t->th, NULL);
		t->running = false;
	}
	return t->frames;
}

void typer_destroy(struct typer *t)
{
	typer_halt(t);
	if (t->fd >= 0)
		uinput_destroy(t->fd);
	t->fd = -1;
}

/* ---- sysfs ---- */

int read_counters(const char *path, struct ia_counters *c)
{
	char buf[512], *p;
	ssize_t n = read_file(path, buf, sizeof(buf));
	static const struct { const char *key; size_t off; } f[] = {
		{ "frames_seen ", offsetof(struct ia_counters, seen) },
		{ "frames_emitted ", offsetof(struct ia_counters, emitted) },
		{ "frames_suppressed ", offsetof(struct ia_counters, suppressed) },
		{ "records ", offsetof(struct ia_counters, records) },
	};

	memset(c, 0, sizeof(*c));
	if (n <= 0)
		return n < 0 ? (int)n : -ENODATA;
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		p = strstr(buf, f[i].key);
		if (!p) {
			if (i < 3)
				return -EINVAL;
			continue;
		}
		*(uint64_t *)((char *)c + f[i].off) =
			strtoull(p + strlen(f[i].key), NULL, 10);
	}
	return 0;
}

unsigned int find_dev_id(const char *name)
{
	char path[300], buf[128];
	unsigned int id = 0;
	struct dirent *d;
	DIR *dp = opendir(SYS_IA "devices");

	if (!dp)
		return 0;
	while ((d = readdir(dp))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), SYS_IA "devices/%s/name", d->d_name);
		if (read_file(path, buf, sizeof(buf)) > 0) {
			buf[strcspn(buf, "\n")] = '\0';
			if (!strcmp(buf, name)) {
				id = strtoul(d->d_name, NULL, 10);
				break;
			}
		}
	}
	closedir(dp);
	return id;
}

int count_devices(void)
{
	struct dirent *d;
	DIR *dp = opendir(SYS_IA "devices");
	int n = 0;

	if (!dp)
		return -errno;
	while ((d = readdir(dp)))
		n += d->d_name[0] != '.';
	closedir(dp);
	return n;
}

long proc_kb(const char *path, const char *field)
{
	char buf[8192], *p;

	if (read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	p = strstr(buf, field);
	if (!p)
		return -1;
	return strtol(p + strlen(field), NULL, 10);
}

int slab_snap(struct slab_snap *s)
{
	char line[512];
	FILE *f = fopen("/proc/slabinfo", "re");

	s->n = 0;
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f) && s->n < 400) {
		long active, num, size, per_slab;
		char name[64];

		if (line[0] == '#' || !strncmp(line, "slabinfo", 8))
			continue;
		if (sscanf(line, "%63s %ld %ld %ld %ld", name, &active, &num,
			   &size, &per_slab) != 5)
			continue;
		snprintf(s->c[s->n].name, sizeof(s->c[0].name), "%s", name);
		s->c[s->n].objs = active;
		s->c[s->n].size = size;
		s->c[s->n++].per_slab = per_slab;
	}
	fclose(f);
	return 0;
}

int slab_diff(const char *what, const struct slab_snap *a,
	      const struct slab_snap *b, long min_objs)
{
	/*
	 * /proc/slabinfo counts as active every object of the slabs a CPU
	 * holds (SLUB: its current slab and its partial ones, up to about 4
	 * a CPU for small objects), free or not: with nothing leaked a cache
	 * can look up to 4 slabs a CPU bigger (vm_area_struct, 26 objects a
	 * slab, once grew by 227 on 2 vCPUs in the reload test).  A leak is
	 * called only past twice that.
	 */
	long noise_slabs = 8L * get_nprocs();
	long total = 0;
	int shown = 0, grew = 0;

	for (int i = 0; i < b->n; i++) {
		long before = 0, d;

		for (int j = 0; j < a->n; j++)
			if (!strcmp(a->c[j].name, b->c[i].name))
				before = a->c[j].objs;
		d = b->c[i].objs - before;
		total += d * b->c[i].size;
		if (d >= min_objs && d > noise_slabs * b->c[i].per_slab) {
			grew++;
			ksft_print_msg("%s: slab %s grew by %ld objects (%ld per slab): leak?\n",
				       what, b->c[i].name, d, b->c[i].per_slab);
		} else if (d * b->c[i].size >= 16 * 1024 && shown++ < 8) {
			ksft_print_msg("%s: slab %s %+ld objects, %+ld kB\n", what,
				       b->c[i].name, d, d * b->c[i].size / 1024);
		}
	}
	ksft_print_msg("%s: slabinfo active objects %+ld kB in total\n", what,
		       total / 1024);
	return grew;
}

double proc_cpu_s(pid_t pid)
{
	unsigned long utime, stime;
	char path[64], buf[1024], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	p = strrchr(buf, ')');
	/* state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
			 &utime, &stime) != 2)
		return -1;
	return (double)(utime + stime) / sysconf(_SC_CLK_TCK);
}

uint64_t records_emitted(void)
{
	uint64_t v;

	return read_u64(SYS_IA "records_emitted", &v) ? UINT64_MAX : v;
}

/* ---- timer task ---- */

static void *timer_main(void *arg)
{
	struct timer_task *t = arg;
	uint64_t period = (uint64_t)t->period_ms * 1000000, next, last_sample = 0;
	struct timespec ts;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/status", t->watch);
	if (t->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(t->cpu, &set);
		pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	}
	if (t->fifo) {
		struct sched_param sp = { .sched_priority = 10 };

		pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
	}
	next = now_ns() + period;
	while (!t->stop) {
		uint64_t now, late;

		ts.tv_sec = next / 1000000000ull;
		ts.tv_nsec = next % 1000000000ull;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		now = now_ns();
		late = now > next ? now - next : 0;
		t->ticks++;
		t->sum_late_ns += late;
		if (late > t->max_late_ns)
			t->max_late_ns = late;
		t->over_100ms += late > 100000000ull;
		t->over_1s += late > 1000000000ull;
		if (t->stall_ns && late >= t->stall_ns && t->nstalls < MAX_STALLS) {
			t->stall_from[t->nstalls] = next;
			t->stall_to[t->nstalls++] = now;
		}
		t->hist[late / 1000000 < LATE_BUCKETS - 1 ? late / 1000000 :
			LATE_BUCKETS - 1]++;
		next += period;
		if (next < now)	/* missed whole periods: count them once, go on */
			next = now + period - (now - next) % period;
		if (t->watch > 0 && now - last_sample >= 100000000ull) {
			long rss = proc_kb(path, "VmRSS:");

			last_sample = now;
			if (rss > 0) {
				if (!t->rss_first_kb && t->ticks > 100)
					t->rss_first_kb = rss;
				if (rss > t->rss_max_kb)
					t->rss_max_kb = rss;
				t->rss_last_kb = rss;
			}
		}
	}
	return NULL;
}

int timer_start(struct timer_task *t, int period_ms, pid_t watch, int cpu,
		bool fifo, uint64_t stall_ns)
{
	memset(t, 0, sizeof(*t));
	t->period_ms = period_ms;
	t->watch = watch;
	t->cpu = cpu;
	t->fifo = fifo;
	t->stall_ns = stall_ns;
	return -pthread_create(&t->th, NULL, timer_main, t);
}

bool timer_stalled(const struct timer_task *c, uint64_t from, uint64_t to)
{
	for (int i = 0; i < c->nstalls; i++)
		if (c->stall_from[i] < to && c->stall_to[i] > from)
			return true;
	return false;
}

void timer_stop(struct timer_task *t)
{
	t->stop = 1;
	pthread_join(t->th, NULL);
}

unsigned int timer_percentile(const struct timer_task *t, double p)
{
	uint64_t want = (uint64_t)(t->ticks * p / 100.0), sum = 0;

	for (unsigned int i = 0; i < LATE_BUCKETS; i++) {
		sum += t->hist[i];
		if (sum > want || sum == t->ticks)
			return i;
	}
	return LATE_BUCKETS - 1;
}

/* ---- the daemon's output ---- */

static void mark_seen(struct stream *s, uint64_t seq)
{
	if (seq >= s->seen_bits) {
		uint64_t bits = s->seen_bits ? s->seen_bits : 1 << 20;
		uint8_t *p;

		while (bits <= seq)
			bits *= 2;
		p = realloc(s->seen, bits / 8);
		if (!p)
			return;
		memset(p + s->seen_bits / 8, 0, (bits - s->seen_bits) / 8);
		s->seen = p;
		s->seen_bits = bits;
	}
	if (s->seen[seq / 8] & (1u << (seq % 8)))
		s->dup_seqs++;
	s->seen[seq / 8] |= 1u << (seq % 8);
}

static struct dev_seen *dev_slot(struct stream *s, uint64_t dev)
{
	if (dev > 1000000)
		return NULL;
	if (dev >= s->ndevs) {
		unsigned int n = s->ndevs ? s->ndevs : 256;
		struct dev_seen *p;

		while (n <= dev)
			n *= 2;
		p = realloc(s->devs, n * sizeof(*p));
		if (!p)
			return NULL;
		memset(p + s->ndevs, 0, (n - s->ndevs) * sizeof(*p));
		s->devs = p;
		s->ndevs = n;
	}
	return &s->devs[dev];
}

static void parse_line(struct stream *s, const char *line)
{
	uint64_t seq, v, dev = 0;
	struct dev_seen *d;
	char type[32];

	s->lines++;
	if (!json_str(line, "type", type, sizeof(type)))
		return;
	json_u64(line, "dev", &dev);
	if (json_u64(line, "seq", &seq)) {
		s->kernel++;
		s->explicit++;
		if (!s->min_seq || seq < s->min_seq)
			s->min_seq = seq;
		if (seq < s->max_seq)
			s->backwards++;
		if (seq > s->max_seq)
			s->max_seq = seq;
		mark_seen(s, seq);
		if (json_u64(line, "name_records", &v)) {
			s->kernel += v;
			s->name_records += v;
		}
	}
	if (!strcmp(type, "device_added")) {
		d = dev_slot(s, dev);
		if (d && strstr(line, "\"present\":true"))
			d->present = true;
		else if (d)
			d->added = true;
	} else if (!strcmp(type, "device_removed")) {
		d = dev_slot(s, dev);
		if (d) {
			d->removed = true;
			json_u64(line, "frames", &d->frames);
		}
	} else if (!strcmp(type, "event")) {
		s->events++;
	} else if (!strcmp(type, "consumer")) {
		s->consumer_records++;
		if (json_u64(line, "unconsumed", &v))
			s->unconsumed_sum += v;
	} else if (!strcmp(type, "suppressed")) {
		if (json_u64(line, "frames", &v))
			s->suppressed_frames += v;
	} else if (!strcmp(type, "config")) {
		s->config_records++;
	} else if (!strcmp(type, "loss")) {
		s->losses++;
		if (json_u64(line, "missing", &v))
			s->missing += v;
	} else if (!strcmp(type, "stats")) {
		s->have_stats = true;
		json_u64(line, "received", &s->received);
		json_u64(line, "lost", &s->lost);
		json_u64(line, "ring_drops", &s->ring_drops);
		json_u64(line, "bpf_submitted", &s->bpf_submitted);
		json_u64(line, "duplicates", &s->duplicates);
		s->final = strstr(line, "\"final\":true") != NULL;
	}
}

static void *stream_main(void *arg)
{
	struct stream *s = arg;

	for (;;) {
		ssize_t n = read(s->rfd, s->buf + s->len, sizeof(s->buf) - 1 - s->len);
		char *p, *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		s->len += n;
		s->buf[s->len] = '\0';
		pthread_mutex_lock(&s->lock);
		for (p = s->buf; (nl = strchr(p, '\n')); p = nl + 1) {
			*nl = '\0';
			parse_line(s, p);
		}
		pthread_mutex_unlock(&s->lock);
		s->len -= p - s->buf;
		memmove(s->buf, p, s->len);
		if (s->len == sizeof(s->buf) - 1)
			s->len = 0;	/* a line longer than the buffer: drop it */
	}
	pthread_mutex_lock(&s->lock);
	s->partial = s->len;
	s->done = true;
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

int stream_open(struct stream *s, const char *path)
{
	int flags;

	memset(s, 0, sizeof(*s));
	s->rfd = s->wfd = -1;
	pthread_mutex_init(&s->lock, NULL);
	snprintf(s->path, sizeof(s->path), "%s", path);
	unlink(path);
	if (mkfifo(path, 0600))
		return -errno;
	/* Our own write end keeps EOF away until the daemon has come and gone. */
	s->rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (s->rfd < 0)
		return -errno;
	s->wfd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (s->wfd < 0)
		return -errno;
	flags = fcntl(s->rfd, F_GETFL);
	fcntl(s->rfd, F_SETFL, flags & ~O_NONBLOCK);
	if (pthread_create(&s->th, NULL, stream_main, s))
		return -EAGAIN;
	return 0;
}

void stream_close(struct stream *s)
{
	if (s->wfd >= 0) {
		close(s->wfd);
		s->wfd = -1;
		pthread_join(s->th, NULL);
	}
	if (s->rfd >= 0)
		close(s->rfd);
	s->rfd = -1;
	unlink(s->path);
}

void stream_free(struct stream *s)
{
	stream_close(s);
	free(s->seen);
	free(s->devs);
	s->seen = NULL;
	s->devs = NULL;
	s->ndevs = 0;
	s->seen_bits = 0;
}

static bool stream_dev(struct stream *s, unsigned int dev, bool removed)
{
	bool r;

	pthread_mutex_lock(&s->lock);
	r = dev < s->ndevs && (removed ? s->devs[dev].removed : s->devs[dev].added);
	pthread_mutex_unlock(&s->lock);
	return r;
}

bool stream_has_removed(struct stream *s, unsigned int dev)
{
	return stream_dev(s, dev, true);
}

bool stream_has_added(struct stream *s, unsigned int dev)
{
	return stream_dev(s, dev, false);
}

uint64_t stream_kernel(struct stream *s)
{
	uint64_t n;

	pthread_mutex_lock(&s->lock);
	n = s->kernel;
	pthread_mutex_unlock(&s->lock);
	return n;
}

pid_t stress_daemon_start(const char *path, const char *const *extra)
{
	const char *args[24] = { "--no-config", "--stats-interval-ms", "1000" };
	int n = 3;

	for (; extra && *extra && n < 23; extra++)
		args[n++] = *extra;
	args[n] = NULL;
	return daemon_start(path, args);
}

int stress_daemon_stop(pid_t pid)
{
	return daemon_stop(pid);
}

/* ---- the kernel log ---- */

static const char *const splats[] = {
	"WARNING:", "BUG:", "Oops", "Kernel panic", "kernel BUG at",
	"general protection fault", "UBSAN:", "KASAN:", "refcount_t:",
	"list_add corruption", "list_del corruption", "soft lockup",
	"hard LOCKUP", "self-detected stall", "blocked for more than",
	"kmemleak:", "possible circular locking", "inconsistent lock state",
	"sleeping function called",
};

static void *kmsg_main(void *arg)
{
	struct kmsg_watch *k = arg;
	char rec[2048];

	for (;;) {
		struct pollfd pfd = { .fd = k->fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, 100) <= 0) {
			if (k->stop)
				break;	/* drained */
			continue;
		}
		n = read(k->fd, rec, sizeof(rec) - 1);
		if (n < 0) {
			if (errno == EPIPE)
				k->overruns++;
			else if (errno != EAGAIN && errno != EINTR)
				break;
			continue;
		}
		rec[n] = '\0';
		k->lines++;
		for (size_t i = 0; i < sizeof(splats) / sizeof(splats[0]); i++) {
			if (strstr(rec, splats[i])) {
				if (!k->bad++) {
					char *msg = strchr(rec, ';');

					snprintf(k->first_bad, sizeof(k->first_bad),
						 "%.*s", (int)strcspn(msg ? msg + 1 : rec, "\n"),
						 msg ? msg + 1 : rec);
				}
				break;
			}
		}
	}
	return NULL;
}

int kmsg_watch_start(struct kmsg_watch *k)
{
	memset(k, 0, sizeof(*k));
	k->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->fd < 0)
		return -errno;
	lseek(k->fd, 0, SEEK_END);
	return -pthread_create(&k->th, NULL, kmsg_main, k);
}

void kmsg_watch_stop(struct kmsg_watch *k)
{
	if (k->fd < 0)
		return;
	sleep_ms(200);	/* let the last messages arrive */
	k->stop = 1;
	pthread_join(k->th, NULL);
	close(k->fd);
	k->fd = -1;
}
