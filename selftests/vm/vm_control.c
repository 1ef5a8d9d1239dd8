// SPDX-License-Identifier: GPL-2.0-only
/*
 * Control-plane tests inside the VM: the privacy ladder and its lock,
 * validation of every writable file, permissions, rate limiting and the
 * accounting identities, blind time, injection verdicts, level "keys",
 * heartbeats and time without a consumer.  Real module, real daemon, real
 * input through /dev/uinput.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <linux/input.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "capture_util.h"
#include "kmod_util.h"
#include "uinput_util.h"

#define PARAM(name)	"/sys/module/inputaudit/parameters/" name
#define SYSDIR		"/sys/kernel/inputaudit/"
#define TEST_TIMEOUT	180

FIXTURE(control) {
	struct capture c;
};

FIXTURE_SETUP(control)
{
	const char *why = capture_prepare(&self->c);

	if (why)
		SKIP(return, "%s", why);
	ASSERT_FALSE(kmod_loaded());
}

FIXTURE_TEARDOWN(control)
{
	EXPECT_EQ(0, capture_cleanup(&self->c));
}

/* Writes len bytes (NULs included) in one write(); 0 or -errno. */
static int write_bytes(const char *path, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, buf, len) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* The sysfs directory of the device this process created. */
static int own_device_dir(char *dir, size_t size)
{
	char path[256], buf[256], want[32];

	snprintf(want, sizeof(want), "pid=%d ", getpid());
	for (int id = 1; id < 10000; id++) {
		snprintf(path, sizeof(path), SYSDIR "devices/%d/creator", id);
		if (read_file(path, buf, sizeof(buf)) > 0 && strstr(buf, want)) {
			snprintf(dir, size, SYSDIR "devices/%d", id);
			return 0;
		}
	}
	return -ENOENT;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The ids of the devices this process created, in order of creation. */
static int own_devices(const struct jsonl *j, uint64_t *ids, int max)
{
	uint64_t pid;
	int n = 0;

	for (size_t i = 0; i < j->count && n < max; i++)
		if (json_type_is(j->lines[i], "device_added") &&
		    json_u64(j->lines[i], "pid", &pid) &&
		    pid == (uint64_t)getpid())
			json_u64(j->lines[i], "dev", &ids[n++]);
	return n;
}

/* Lowering works, raising above max_level is refused, lock freezes everything; all logged. */
TEST_F_TIMEOUT(control, ladder_lock_and_config_records, TEST_TIMEOUT)
{
	static const char *const frozen[] = {
		"level", "window_ms", "dev_rate", "dev_burst", "global_rate",
		"global_burst", "heartbeat_ms", "time_res_ms", "inject_presses",
		"inject_interval_ms", "lock",
	};
	char dir[128], path[192], buf[64], before[64];
	uint64_t uid, dev;
	int configs = 0;

	ASSERT_EQ(0, kmod_load(""));
	self->c.daemon = daemon_start(self->c.out, NULL);
	ASSERT_LT(0, self->c.daemon);
	self->c.ufd = uinput_create(UINPUT_KEYBOARD, "ia-test-ladder");
	ASSERT_LE(0, self->c.ufd);
	ASSERT_EQ(0, own_device_dir(dir, sizeof(dir)));

	EXPECT_STREQ("events", read_value(PARAM("max_level"), buf, sizeof(buf)));
	EXPECT_EQ(0, write_file(PARAM("level"), "events\n"));
	EXPECT_EQ(0, write_file(PARAM("level"), "off"));
	EXPECT_EQ(0, write_file(PARAM("level"), "activity\n"));
	EXPECT_EQ(-EPERM, write_file(PARAM("level"), "keys\n"));
	EXPECT_STREQ("activity", read_value(PARAM("level"), buf, sizeof(buf)));
	EXPECT_EQ(0, write_file(PARAM("window_ms"), "1500\n"));
	EXPECT_EQ(0, write_file(PARAM("lock"), "1\n"));

	/* Locked: every write fails and nothing changes. */
	for (size_t i = 0; i < sizeof(frozen) / sizeof(frozen[0]); i++) {
		snprintf(path, sizeof(path), PARAM("%s"), frozen[i]);
		read_value(path, before, sizeof(before));
		EXPECT_EQ(-EPERM, write_file(path, strcmp(frozen[i], "level") ?
						   "2000\n" : "off\n")) {
			TH_LOG("%s accepted a write while locked", frozen[i]);
		}
		EXPECT_EQ(-EPERM, write_file(path, "0\n"));
		EXPECT_STREQ(before, read_value(path, buf, sizeof(buf)));
	}
	snprintf(path, sizeof(path), "%s/enabled", dir);
	EXPECT_EQ(-EPERM, write_file(path, "0\n"));
	EXPECT_STREQ("1", read_value(path, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(read_value(SYSDIR "status", buf, sizeof(buf)),
			       "lock=1"));

	dev = capture_finish(&self->c);
	ASSERT_NE(0UL, dev);
	for (size_t i = 0; i < self->c.j.count; i++) {
		if (!json_type_is(self->c.j.lines[i], "config"))
			continue;
		configs++;
		ASSERT_TRUE(json_u64(self->c.j.lines[i], "uid", &uid));
		EXPECT_EQ(0UL, uid);
	}
	/* Five accepted changes, no record for any refused one. */
	EXPECT_EQ(5, configs);
	EXPECT_TRUE(klog_contains("level changed from activity to events by uid 0"));
	EXPECT_TRUE(klog_contains("level changed from off to activity by uid 0"));
	EXPECT_TRUE(klog_contains("window_ms changed from 10000 to 1500 by uid 0"));
	EXPECT_TRUE(klog_contains("lock changed from 0 to 1 by uid 0"));
}

struct bad_value {
	const char *bytes;
	size_t len;	/* 0: strlen(bytes) */
	int err;	/* for numeric files; -1: the file's own range error */
};

#define BAD(s, e)	{ s, 0, e }

/* Malformed for every file: each must be refused with EINVAL. */
static const struct bad_value malformed[] = {
	BAD("\n", -EINVAL),			/* empty */
	BAD(" ", -EINVAL),			/* whitespace */
	BAD(" 5\n", -EINVAL),
	BAD("5 \n", -EINVAL),
	BAD("\t5", -EINVAL),
	BAD("5\n\n", -EINVAL),
	BAD("123456789012345678901234567890\n", -EINVAL),	/* overlong */
	BAD("-1\n", -EINVAL),			/* negative */
	BAD("+5\n", -EINVAL),
	BAD("abc\n", -EINVAL),			/* non-numeric */
	BAD("12abc\n", -EINVAL),		/* trailing junk */
	BAD("0x10\n", -EINVAL),
	{ "5\0" "7\n", 4, -EINVAL },		/* embedded NUL */
	{ "1\0", 2, -EINVAL },
};

struct writable {
	const char *name;	/* under parameters/, or "enabled" */
	const char *const out_of_range[3];
};

static const struct writable writables[] = {
	{ "level", { NULL } },
	{ "lock", { "2\n", "99999999999\n" } },
	{ "window_ms", { "99\n", "3600001\n", "99999999999\n" } },
	{ "dev_rate", { "0\n", "1000001\n" } },
	{ "dev_burst", { "0\n", "1000001\n" } },
	{ "global_rate", { "0\n", "10000001\n" } },
	{ "global_burst", { "0\n", "10000001\n" } },
	{ "heartbeat_ms", { "999\n", "3600001\n" } },
	{ "time_res_ms", { "0\n", "60001\n" } },
	{ "inject_presses", { "1\n", "65\n" } },
	{ "inject_interval_ms", { "0\n", "1001\n" } },
	{ "enabled", { "2\n", "4294967296\n" } },
};

/* Every writable file refuses every bad value with the right error and keeps its value. */
TEST_F_TIMEOUT(control, bad_values_rejected_and_unchanged, TEST_TIMEOUT)
{
	static const char *const bad_levels[] = {
		"verbose\n", "Events\n", "1\n", "activity events\n", "keys2\n",
	};
	char dir[128], path[192], before[64], buf[64];

	ASSERT_EQ(0, kmod_load("max_level=events"));
	self->c.ufd = uinput_create(UINPUT_KEYBOARD, "ia-test-badvalues");
	ASSERT_LE(0, self->c.ufd);
	ASSERT_EQ(0, own_device_dir(dir, sizeof(dir)));

	for (size_t w = 0; w < sizeof(writables) / sizeof(writables[0]); w++) {
		const struct writable *f = &writables[w];

		if (strcmp(f->name, "enabled"))
			snprintf(path, sizeof(path), PARAM("%s"), f->name);
		else
			snprintf(path, sizeof(path), "%s/enabled", dir);
		read_value(path, before, sizeof(before));

		for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
			const struct bad_value *b = &malformed[i];
			size_t len = b->len ? b->len : strlen(b->bytes);

			EXPECT_EQ(b->err, write_bytes(path, b->bytes, len)) {
				TH_LOG("%s <- bad value #%zu", f->name, i);
			}
			EXPECT_STREQ(before, read_value(path, buf, sizeof(buf)));
		}
		for (size_t i = 0; i < 3 && f->out_of_range[i]; i++) {
			EXPECT_EQ(-ERANGE, write_file(path, f->out_of_range[i])) {
				TH_LOG("%s <- %s", f->name, f->out_of_range[i]);
			}
			EXPECT_STREQ(before, read_value(path, buf, sizeof(buf)));
		}
	}

	for (size_t i = 0; i < sizeof(bad_levels) / sizeof(bad_levels[0]); i++) {
		EXPECT_EQ(-EINVAL, write_file(PARAM("level"), bad_levels[i]));
		EXPECT_STREQ("activity", read_value(PARAM("level"), buf, sizeof(buf)));
	}
	EXPECT_EQ(-EPERM, write_file(PARAM("level"), "keys\n"));
	/* max_level is fixed at load: not even root may open it for writing. */
	EXPECT_EQ(-EACCES, write_file(PARAM("max_level"), "keys\n"));
	EXPECT_STREQ("events", read_value(PARAM("max_level"), buf, sizeof(buf)));
}

/* Checks run as nobody; returns a bitmask of what went wrong. */
static int check_as_nobody(const char *dir)
{
	static const char *const readable[] = {
		PARAM("level"), PARAM("max_level"), PARAM("lock"), SYSDIR "status",
	};
	static const char *const root_only[] = {
		SYSDIR "counters", SYSDIR "records_emitted", SYSDIR "no_consumer_ns",
	};
	static const char *const dev_files[] = {
		"counters", "activity", "creator", "name", "id", "enabled",
	};
	char buf[256], path[192];
	int bad = 0;

	if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
		return 1;
	for (size_t i = 0; i < sizeof(readable) / sizeof(readable[0]); i++)
		if (read_file(readable[i], buf, sizeof(buf)) <= 0)
			bad |= 2;
	for (size_t i = 0; i < sizeof(root_only) / sizeof(root_only[0]); i++)
		if (read_file(root_only[i], buf, sizeof(buf)) != -EACCES)
			bad |= 4;
	for (size_t i = 0; i < sizeof(dev_files) / sizeof(dev_files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, dev_files[i]);
		if (read_file(path, buf, sizeof(buf)) != -EACCES)
			bad |= 8;
	}
	if (write_file(PARAM("level"), "off\n") != -EACCES ||
	    write_file(PARAM("window_ms"), "500\n") != -EACCES)
		bad |= 16;
	snprintf(path, sizeof(path), "%s/enabled", dir);
	if (write_file(path, "0\n") != -EACCES)
		bad |= 32;
	return bad;
}

/* An ordinary user reads the level and status, but no counters, and writes nothing. */
TEST_F_TIMEOUT(control, unprivileged_user_reads_level_only, TEST_TIMEOUT)
{
	char dir[128], buf[64];
	int status;
	pid_t pid;

	ASSERT_EQ(0, kmod_load(""));
	self->c.ufd = uinput_create(UINPUT_KEYBOARD, "ia-test-nobody");
	ASSERT_LE(0, self->c.ufd);
	ASSERT_EQ(0, own_device_dir(dir, sizeof(dir)));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(check_as_nobody(dir));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("as nobody: failure mask %#x (1 setuid, 2 public read, "
		       "4 global counters, 8 device files, 16 write, 32 enabled)",
		       WEXITSTATUS(status));
	}
	EXPECT_STREQ("activity", read_value(PARAM("level"), buf, sizeof(buf)));
}

/* A flood stays within rate x time + burst + one suppressed record a second; all accounted. */
TEST_F_TIMEOUT(control, flood_rate_limited_and_accounted, TEST_TIMEOUT)
{
	const int rate = 50, burst = 20;
	uint64_t before, after, dev, kernel, missing, v;
	uint64_t seen, emitted, suppressed;
	char dir[128], counters[192];
	double start, elapsed;
	const char *stats;
	long frames = 0;
	int events;

	ASSERT_EQ(0, kmod_load("level=events dev_rate=50 dev_burst=20"));
	ASSERT_EQ(0, read_u64(SYSDIR "records_emitted", &before));
	self->c.daemon = daemon_start(self->c.out, NULL);
	ASSERT_LT(0, self->c.daemon);
	self->c.ufd = uinput_create(UINPUT_KEYBOARD, "ia-test-flood");
	ASSERT_LE(0, self->c.ufd);
	ASSERT_EQ(0, own_device_dir(dir, sizeof(dir)));
	snprintf(counters, sizeof(counters), "%s/counters", dir);

	/*
	 * As fast as uinput goes for 3 s: one key event per frame, ending
	 * with a release (else destroying the device releases the key: one
	 * more frame after the counters were read).
	 */
	start = now_s();
	do {
		ASSERT_EQ(0, uinput_emit(self->c.ufd, EV_KEY, KEY_A, !(frames & 1)));
		ASSERT_EQ(0, uinput_sync(self->c.ufd));
		frames++;
	} while (now_s() - start < 3.0 || (frames & 1));
	elapsed = now_s() - start;
	TH_LOG("%ld frames in %.2f s", frames, elapsed);

	seen = counter(counters, "frames_seen");
	emitted = counter(counters, "frames_emitted");
	suppressed = counter(counters, "frames_suppressed");
	EXPECT_EQ((uint64_t)frames, seen);
	EXPECT_EQ(seen, emitted + suppressed);
	EXPECT_LT(0UL, suppressed);

	dev = capture_finish(&self->c);
	ASSERT_NE(0UL, dev);
	ASSERT_EQ(0, read_u64(SYSDIR "records_emitted", &after));

	/* Each emitted frame is exactly one key record. */
	events = count_events(&self->c.j, dev, "key_press", NULL) +
		 count_events(&self->c.j, dev, "key_release", NULL);
	EXPECT_EQ(emitted, (uint64_t)events);
	EXPECT_GE(rate * elapsed + burst + 1, events);
	/* Suppressed frames are all reported, at most one record a second. */
	EXPECT_EQ(suppressed, sum_field(&self->c.j, "suppressed", dev, "frames"));
	EXPECT_LE(1, count_type(&self->c.j, "suppressed", dev));
	EXPECT_GE(elapsed + 2, count_type(&self->c.j, "suppressed", dev));

	/* Every record the module emitted was received or reported lost. */
	count_records(&self->c.j, &kernel, &missing);
	EXPECT_EQ(after - before, kernel + missing);
	stats = final_stats(&self->c.j);
	ASSERT_NE(NULL, stats);
	ASSERT_TRUE(json_u64(stats, "ring_drops", &v));
	EXPECT_EQ(missing, v);
}

/* Writes n frames of one key event each (press, release, ...) at once. */
static void key_frames(struct __test_metadata *_metadata, int fd, int n)
{
	for (int i = 0; i < n; i++) {
		ASSERT_EQ(0, uinput_emit(fd, EV_KEY, KEY_A, !(i & 1)));
		ASSERT_EQ(0, uinput_sync(fd));
	}
}

/*
 * A frame that the global limit refuses takes no token from its device's
 * bucket: after a burst the global limit cut to one frame, the device
 * still has the rest of its own burst once the global limit is lifted.
 */
TEST_F_TIMEOUT(control, refused_frame_consumes_no_other_bucket, TEST_TIMEOUT)
{
	char dir[128], counters[192];
	uint64_t first, second;

	/* Device: 10 frames at once, then one a second; global: one frame. */
	ASSERT_EQ(0, kmod_load("level=events dev_rate=1 dev_burst=10 global_rate=1 global_burst=1"));
	self->c.daemon = daemon_start(self->c.out, NULL);
	ASSERT_LT(0, self->c.daemon);
	self->c.ufd = uinput_create(UINPUT_KEYBOARD, "ia-test-buckets");
	ASSERT_LE(0, self->c.ufd);
	ASSERT_EQ(0, own_device_dir(dir, sizeof(dir)));
	snprintf(counters, sizeof(counters), "%s/counters", dir);

	key_frames(_metadata, self->c.ufd, 10);
	first = counter(counters, "frames_emitted");
	EXPECT_EQ(10UL, counter(counters, "frames_seen"));
	EXPECT_GE(2UL, first);

	/* The global limit lifted: the device's own bucket decides alone. */
	ASSERT_EQ(0, write_file(PARAM("global_rate"), "10000"));
	ASSERT_EQ(0, write_file(PARAM("global_burst"), "20000"));
	key_frames(_metadata, self->c.ufd, 10);
	second = counter(counters, "frames_emitted") - first;
	TH_LOG("frames passed: %" PRIu64 " of the first 10, %" PRIu64
	       " of the next 10", first, second);
	/* Its burst of 10 less what passed the first time (and a refill). */
	EXPECT_LE(10 - first, second);
	ASSERT_NE(0UL, capture_finish(&self->c));
}

/*
 * A device disabled through its own file is not looked at: its frames are neither captured nor
 * counted anywhere, and the change is a config record.
 */
TEST_F_TIMEOUT(control, disabled_device_not_looked_at, TEST_TIMEOUT)
{
	char dir[128], enabled[192], counters[192];
	uint64_t dev;

	ASSERT_EQ(0, kmod_load("level=events"));
	self->c.daemon = daemon_start(self->c.out, NULL);
	ASSERT_LT(0, self->c.daemon);
	self->c.ufd = uinput_create(UINPUT_KEYBOARD, "ia-test-disabled");
	ASSERT_LE(0, self->c.ufd);
	ASSERT_EQ(0, own_device_dir(dir, sizeof(dir)));
	snprintf(enabled, sizeof(enabled), "%s/enabled", dir);
	snprintf(counters, sizeof(counters), "%s/counters", dir);

	ASSERT_EQ(0, write_file(enabled, "0\n"));
	ASSERT_EQ(5, uinput_type(self->c.ufd, "abcde"));
	ASSERT_EQ(0, write_file(enabled, "1\n"));
	ASSERT_EQ(3, uinput_type(self->c.ufd, "fgh"));
	EXPECT_EQ(UINT64_MAX, counter(counters, "frames_filtered"));	/* no such line */
	EXPECT_EQ(6UL, counter(counters, "frames_emitted"));
	EXPECT_EQ(6UL, counter(counters, "frames_seen"));

	dev = capture_finish(&self->c);
	ASSERT_NE(0UL, dev);
	EXPECT_EQ(3, count_events(&self->c.j, dev, "key_press", NULL));
	EXPECT_EQ(2, count_type(&self->c.j, "config", dev));
	EXPECT_EQ(3UL, sum_field(&self->c.j, "activity", dev, "key_presses"));
}

/* A grab by another client makes the device blind: start, end, blind time, nothing captured. */
TEST_F_TIMEOUT(control, grab_yields_blind_records, TEST_TIMEOUT)
{
	uint64_t dev, duration, s_start, s_end;
	char node[64], dir[128], counters[192];
	const char *start, *end;
	int efd;

	ASSERT_EQ(0, kmod_load(""));
	self->c.daemon = daemon_start(self->c.out, NULL);
	ASSERT_LT(0, self->c.daemon);
	self->c.ufd = uinput_create(UINPUT_KEYBOARD, "ia-test-grab");
	ASSERT_LE(0, self->c.ufd);
	ASSERT_EQ(0, own_device_dir(dir, sizeof(dir)));
	snprintf(counters, sizeof(counters), "%s/counters", dir);
	ASSERT_EQ(0, uinput_event_node(self->c.ufd, node, sizeof(node)));
	efd = open(node, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, efd);

	ASSERT_EQ(0, ioctl(efd, EVIOCGRAB, 1));
	sleep_ms(700);
	ASSERT_EQ(3, uinput_type(self->c.ufd, "abc"));	/* the grabber's only */
	ASSERT_EQ(0, ioctl(efd, EVIOCGRAB, 0));
	sleep_ms(700);
	ASSERT_EQ(2, uinput_type(self->c.ufd, "de"));
	close(efd);
	EXPECT_LT(0UL, counter(counters, "blind_ns"));

	dev = capture_finish(&self->c);
	ASSERT_NE(0UL, dev);
	EXPECT_EQ(2, count_type(&self->c.j, "blind", dev));
	start = find_record(&self->c.j, "blind", dev);
	ASSERT_NE(NULL, start);
	EXPECT_NE(NULL, strstr(start, "\"blind\":\"start\""));
	end = NULL;
	for (size_t i = 0; i < self->c.j.count; i++)
		if (json_type_is(self->c.j.lines[i], "blind") &&
		    strstr(self->c.j.lines[i], "\"end\""))
			end = self->c.j.lines[i];
	ASSERT_NE(NULL, end);
	ASSERT_TRUE(json_u64(start, "seq", &s_start));
	ASSERT_TRUE(json_u64(end, "seq", &s_end));
	EXPECT_LT(s_start, s_end);
	/* 700 ms of grab, seen by a 250 ms monitor tick. */
	ASSERT_TRUE(json_u64(end, "duration_ns", &duration));
	EXPECT_LE(300000000UL, duration);
	EXPECT_GE(1500000000UL, duration);
	EXPECT_EQ(2UL, sum_field(&self->c.j, "activity", dev, "key_presses"));
}

static void type_paced(int fd, int keys, int interval_ms)
{
	for (int i = 0; i < keys; i++) {
		uinput_tap_key(fd, KEY_A + i % 3);
		sleep_ms(interval_ms);
	}
}

/* Typing every 10 ms gives one injection verdict; every 150 ms or autorepeat gives none. */
TEST_F_TIMEOUT(control, injection_verdicts, TEST_TIMEOUT)
{
	uint64_t ids[3], min_ns;
	const char *verdict;
	int fd;

	ASSERT_EQ(0, kmod_load(""));
	self->c.daemon = daemon_start(self->c.out, NULL);
	ASSERT_LT(0, self->c.daemon);

	fd = uinput_create(UINPUT_KEYBOARD, "ia-test-injector");
	ASSERT_LE(0, fd);
	type_paced(fd, 8, 10);
	uinput_destroy(fd);

	fd = uinput_create(UINPUT_KEYBOARD, "ia-test-human");
	ASSERT_LE(0, fd);
	type_paced(fd, 6, 150);
	uinput_destroy(fd);

	/* One key held down: 20 autorepeats 10 ms apart. */
	fd = uinput_create(UINPUT_KEYBOARD, "ia-test-autorepeat");
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, uinput_emit(fd, EV_KEY, KEY_B, 1));
	ASSERT_EQ(0, uinput_sync(fd));
	for (int i = 0; i < 20; i++) {
		sleep_ms(10);
		ASSERT_EQ(0, uinput_emit(fd, EV_KEY, KEY_B, 2));
		ASSERT_EQ(0, uinput_sync(fd));
	}
	ASSERT_EQ(0, uinput_emit(fd, EV_KEY, KEY_B, 0));
	ASSERT_EQ(0, uinput_sync(fd));
	uinput_destroy(fd);

	sleep_ms(300);
	ASSERT_EQ(0, capture_stop_and_load(&self->c));
	ASSERT_EQ(3, own_devices(&self->c.j, ids, 3));
	EXPECT_EQ(1, count_type(&self->c.j, "injection", ids[0]));
	EXPECT_EQ(0, count_type(&self->c.j, "injection", ids[1]));
	EXPECT_EQ(0, count_type(&self->c.j, "injection", ids[2]));
	verdict = find_record(&self->c.j, "injection", ids[0]);
	ASSERT_NE(NULL, verdict);
	EXPECT_TRUE(json_u64(verdict, "min_interval_ns", &min_ns));
	EXPECT_GT(50000000UL, min_ns);
	EXPECT_EQ(1UL, sum_field(&self->c.j, "activity", ids[2], "key_presses"));
}

static const unsigned short secret_codes[] = {
	KEY_S, KEY_E, KEY_C, KEY_R, KEY_E, KEY_T,
};

/* Checks raw records below level keys: no key code, no scancode, anywhere. */
static int raw_leaks(const struct jsonl *j)
{
	int leaks = 0;
	uint64_t t, v;

	for (size_t i = 0; i < j->count; i++) {
		const char *line = j->lines[i];

		if (!json_u64(line, "raw_type", &t))
			continue;
		for (unsigned int w = 0; w < 4 && json_v(line, w, &v); w++) {
			if (t == 4 && w > 0 && v)	/* an event's code word */
				leaks++;
			for (size_t k = 0; k < sizeof(secret_codes) / 2; k++)
				if (v == 0x70000u + secret_codes[k])
					leaks++;	/* a scancode */
		}
	}
	return leaks;
}

/* At keys the codes appear; at every lower level neither codes nor scancodes leave the kernel. */
TEST_F_TIMEOUT(control, key_codes_only_at_keys_level, TEST_TIMEOUT)
{
	static const char *const lower[] = { "events", "activity", "off" };
	const char *const raw[] = { "--raw", NULL };
	uint64_t t, flags, code;
	size_t n = 0;

	ASSERT_EQ(0, kmod_load("max_level=keys level=keys"));
	EXPECT_TRUE(klog_contains("max_level=keys: key codes may be captured"));
	self->c.daemon = daemon_start(self->c.out, raw);
	ASSERT_LT(0, self->c.daemon);
	self->c.ufd = uinput_create(UINPUT_KEYBOARD, "ia-test-keys");
	ASSERT_LE(0, self->c.ufd);
	ASSERT_EQ(6, uinput_type(self->c.ufd, "secret"));
	uinput_destroy(self->c.ufd);
	self->c.ufd = -1;
	sleep_ms(300);
	ASSERT_EQ(0, capture_stop_and_load(&self->c));
	for (size_t i = 0; i < self->c.j.count; i++) {
		const char *line = self->c.j.lines[i];

		if (json_u64(line, "raw_type", &t) && t == 4 &&
		    json_u64(line, "flags", &flags) && flags == 1 &&
		    json_v(line, 1, &code) && n < 6)
			EXPECT_EQ(secret_codes[n++], code);
	}
	EXPECT_EQ(6UL, n);

	for (size_t l = 0; l < sizeof(lower) / sizeof(lower[0]); l++) {
		unlink(self->c.out);
		ASSERT_EQ(0, write_file(PARAM("level"), lower[l]));
		self->c.daemon = daemon_start(self->c.out, raw);
		ASSERT_LT(0, self->c.daemon);
		self->c.ufd = uinput_create(UINPUT_KEYBOARD, "ia-test-lower");
		ASSERT_LE(0, self->c.ufd);
		ASSERT_EQ(6, uinput_type(self->c.ufd, "secret"));
		uinput_destroy(self->c.ufd);
		self->c.ufd = -1;
		sleep_ms(300);
		ASSERT_EQ(0, capture_stop_and_load(&self->c));
		EXPECT_LT(2UL, self->c.j.count);
		EXPECT_EQ(0, raw_leaks(&self->c.j)) {
			TH_LOG("key codes leaked at level %s", lower[l]);
		}
	}
}

/* The status line says whether a consumer is attached. */
static bool consumer_attached(void)
{
	char buf[256];

	return read_file(SYSDIR "status", buf, sizeof(buf)) > 0 &&
	       strstr(buf, "consumer=attached");
}

/*
 * With no consumer the handles are closed: the input core does not call
 * inputaudit and no frame is seen.  Attaching opens them before the attach
 * returns; the last detach closes them again.
 */
TEST_F_TIMEOUT(control, frames_seen_only_while_consumed, TEST_TIMEOUT)
{
	char dir[128], counters[192];
	uint64_t dev;

	ASSERT_EQ(0, kmod_load("level=events"));
	self->c.ufd = uinput_create(UINPUT_KEYBOARD, "ia-test-unconsumed");
	ASSERT_LE(0, self->c.ufd);
	ASSERT_EQ(0, own_device_dir(dir, sizeof(dir)));
	snprintf(counters, sizeof(counters), "%s/counters", dir);

	ASSERT_EQ(2, uinput_type(self->c.ufd, "ab"));
	EXPECT_EQ(0UL, counter(counters, "frames_seen"));

	self->c.daemon = daemon_start(self->c.out, NULL);
	ASSERT_LT(0, self->c.daemon);
	ASSERT_EQ(3, uinput_type(self->c.ufd, "cde"));
	EXPECT_EQ(6UL, counter(counters, "frames_seen"));
	EXPECT_EQ(6UL, counter(counters, "frames_emitted"));

	ASSERT_EQ(0, capture_stop_and_load(&self->c));
	EXPECT_FALSE(consumer_attached());
	ASSERT_EQ(4, uinput_type(self->c.ufd, "fghi"));
	EXPECT_EQ(6UL, counter(counters, "frames_seen"));

	/* Exactly the consumed keys became records. */
	dev = strtoull(strrchr(dir, '/') + 1, NULL, 10);
	EXPECT_EQ(3, count_events(&self->c.j, dev, "key_press", NULL));
	EXPECT_EQ(3, count_events(&self->c.j, dev, "key_release", NULL));
}

/*
 * Event records go to the ring in batches (kmod/batch.c), which must not
 * show: every record has its own seq, in the order typed, with its coarse
 * time; a lone key is delivered by the stage timer without more input; the
 * records staged when the level changes come before the config record.
 */
TEST_F_TIMEOUT(control, batched_events_keep_order_seq_and_time, TEST_TIMEOUT)
{
	static const char typed[] = "abcdefghijklmnopqrs";	/* 38 records */
	const int nrec = 2 * (sizeof(typed) - 1);
	uint64_t dev, seq, last_seq = 0, t, config_seq = 0, kernel, missing;
	char dir[128], kind[32];
	int events = 0;

	ASSERT_EQ(0, kmod_load("level=events time_res_ms=1000"));
	self->c.daemon = daemon_start(self->c.out, NULL);
	ASSERT_LT(0, self->c.daemon);
	self->c.ufd = uinput_create(UINPUT_KEYBOARD, "ia-test-batch");
	ASSERT_LE(0, self->c.ufd);
	ASSERT_EQ(0, own_device_dir(dir, sizeof(dir)));
	dev = strtoull(strrchr(dir, '/') + 1, NULL, 10);

	/* One key, then nothing: the timer must send it, not the next key. */
	ASSERT_EQ(1, uinput_type(self->c.ufd, "z"));
	sleep_ms(500);
	ASSERT_EQ(0, capture_reload(&self->c));
	EXPECT_EQ(1, count_events(&self->c.j, dev, "key_press", NULL));
	EXPECT_EQ(1, count_events(&self->c.j, dev, "key_release", NULL));

	/* A burst, and the level lowered right after it. */
	ASSERT_EQ((int)sizeof(typed) - 1, uinput_type(self->c.ufd, typed));
	ASSERT_EQ(0, write_file(PARAM("level"), "activity\n"));
	ASSERT_NE(0UL, capture_finish(&self->c));

	for (size_t i = 0; i < self->c.j.count; i++) {
		const char *line = self->c.j.lines[i];
		uint64_t d;

		if (json_type_is(line, "config") && json_u64(line, "seq", &seq))
			config_seq = seq;
		if (!json_type_is(line, "event") || !json_u64(line, "dev", &d) ||
		    d != dev)
			continue;
		ASSERT_TRUE(json_u64(line, "seq", &seq));
		ASSERT_TRUE(json_u64(line, "time_ns", &t));
		ASSERT_TRUE(json_str(line, "event", kind, sizeof(kind)));
		EXPECT_LT(last_seq, seq);
		EXPECT_EQ(0UL, config_seq) {
			TH_LOG("event seq %llu after the config record",
			       (unsigned long long)seq);
		}
		EXPECT_EQ(0UL, t % 1000000000UL);
		/* "z", then the burst: press, release, press, ... */
		EXPECT_STREQ(events % 2 ? "key_release" : "key_press", kind);
		last_seq = seq;
		events++;
	}
	EXPECT_EQ(2 + nrec, events);
	EXPECT_LT(last_seq, config_seq);
	count_records(&self->c.j, &kernel, &missing);
	EXPECT_EQ(0UL, missing);
}

/* Heartbeats come every heartbeat_ms, time without a consumer is reported, times are coarse. */
TEST_F_TIMEOUT(control, heartbeat_consumer_and_time_resolution, TEST_TIMEOUT)
{
	uint64_t absent, unconsumed, t;
	const char *consumer = NULL;
	int heartbeats = 0;

	ASSERT_EQ(0, kmod_load("heartbeat_ms=1000 time_res_ms=100"));
	sleep_ms(400);
	self->c.daemon = daemon_start(self->c.out, NULL);
	ASSERT_LT(0, self->c.daemon);
	sleep_ms(2600);
	self->c.ufd = uinput_create(UINPUT_KEYBOARD, "ia-test-heartbeat");
	ASSERT_LE(0, self->c.ufd);
	ASSERT_EQ(3, uinput_type(self->c.ufd, "abc"));
	ASSERT_NE(0UL, capture_finish(&self->c));

	for (size_t i = 0; i < self->c.j.count; i++) {
		const char *line = self->c.j.lines[i];

		if (json_type_is(line, "heartbeat"))
			heartbeats++;
		if (json_type_is(line, "consumer") && !consumer)
			consumer = line;
		if (json_u64(line, "seq", &t) && json_u64(line, "time_ns", &t))
			EXPECT_EQ(0UL, t % 100000000UL);
	}
	EXPECT_LE(2, heartbeats);
	EXPECT_GE(5, heartbeats);
	ASSERT_NE(NULL, consumer);
	ASSERT_TRUE(json_u64(consumer, "absent_ns", &absent));
	EXPECT_LE(300000000UL, absent);
	/*
	 * Nothing went unconsumed: the devices attached at load are announced
	 * to the consumer (present), and no heartbeat is made without one.
	 */
	ASSERT_TRUE(json_u64(consumer, "unconsumed", &unconsumed));
	EXPECT_EQ(0UL, unconsumed);
}

TEST_HARNESS_MAIN
