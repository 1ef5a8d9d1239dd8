// SPDX-License-Identifier: GPL-2.0-only
/*
 * End-to-end tests inside the VM: the real module, the real daemon, real
 * input injected through /dev/uinput, and what really reached the daemon's
 * output.  Each test loads the module afresh and unloads it at the end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "capture_util.h"
#include "kmod_util.h"
#include "uinput_util.h"

#define EMITTED		"/sys/kernel/inputaudit/records_emitted"
#define STATUS		"/sys/kernel/inputaudit/status"
#define TEST_TIMEOUT	180

FIXTURE(audit) {
	struct capture c;
};

FIXTURE_SETUP(audit)
{
	const char *why = capture_prepare(&self->c);

	if (why)
		SKIP(return, "%s", why);
	ASSERT_FALSE(kmod_loaded());
}

FIXTURE_TEARDOWN(audit)
{
	EXPECT_EQ(0, capture_cleanup(&self->c));
}

/* The module loads and unloads, twice, and lists its handler for devices. */
TEST_F_TIMEOUT(audit, load_unload_lists_handler, TEST_TIMEOUT)
{
	static char buf[1 << 16];
	char *block;

	for (int round = 0; round < 2; round++) {
		ASSERT_EQ(0, kmod_load(""));
		ASSERT_TRUE(kmod_loaded());
		ASSERT_LT(0, read_file("/proc/bus/input/handlers", buf,
				       sizeof(buf)));
		EXPECT_NE(NULL, strstr(buf, "Name=inputaudit"));

		self->c.ufd = uinput_create(UINPUT_KEYBOARD, "ia-test-listed");
		ASSERT_LE(0, self->c.ufd);
		ASSERT_LT(0, read_file("/proc/bus/input/devices", buf,
				       sizeof(buf)));
		block = strstr(buf, "N: Name=\"ia-test-listed\"");
		ASSERT_NE(NULL, block);
		block = strstr(block, "H: Handlers=");
		ASSERT_NE(NULL, block);
		*strchrnul(block, '\n') = '\0';
		EXPECT_NE(NULL, strstr(block, "inputaudit")) {
			TH_LOG("handlers line: %s", block);
		}
		uinput_destroy(self->c.ufd);
		self->c.ufd = -1;

		ASSERT_LT(0, read_file(STATUS, buf, sizeof(buf)));
		EXPECT_NE(NULL, strstr(buf, "level=activity"));
		ASSERT_EQ(0, kmod_unload(O_NONBLOCK));
		ASSERT_FALSE(kmod_loaded());
	}
}

/* At level events, N typed keys give exactly N presses and N releases, in order. */
TEST_F_TIMEOUT(audit, events_level_keys_in_order, TEST_TIMEOUT)
{
	const char *typed = "thequickbrownfox1234";
	const int n = strlen(typed);
	uint64_t dev, last_seq = 0, seq;
	int presses = 0, releases = 0;
	char ev[32], class[32];

	ASSERT_EQ(0, kmod_load("level=events"));
	self->c.daemon = daemon_start(self->c.out, NULL);
	ASSERT_LT(0, self->c.daemon);
	self->c.ufd = uinput_create(UINPUT_KEYBOARD, "ia-test-events");
	ASSERT_LE(0, self->c.ufd);
	ASSERT_EQ(n, uinput_type(self->c.ufd, typed));
	dev = capture_finish(&self->c);
	ASSERT_NE(0UL, dev);

	for (size_t i = 0; i < self->c.j.count; i++) {
		const char *line = self->c.j.lines[i];
		uint64_t d;

		/*
		 * In order per device: its records are numbered and committed
		 * under its event lock.  Records of different CPUs may be
		 * committed in the other order (seqtrack.h), so the order
		 * across devices is not checked here.
		 */
		if (!json_u64(line, "dev", &d) || d != dev)
			continue;
		if (json_u64(line, "seq", &seq)) {
			EXPECT_LT(last_seq, seq);
			last_seq = seq;
		}
		if (!json_type_is(line, "event"))
			continue;
		ASSERT_TRUE(json_str(line, "event", ev, sizeof(ev)));
		ASSERT_TRUE(json_str(line, "class", class, sizeof(class)));
		EXPECT_STREQ("text", class);
		EXPECT_EQ(NULL, strstr(line, "\"code\""));
		/* Strictly press, release, press, release... */
		if (presses == releases) {
			EXPECT_STREQ("key_press", ev);
			presses++;
		} else {
			EXPECT_STREQ("key_release", ev);
			releases++;
		}
	}
	EXPECT_EQ(n, presses);
	EXPECT_EQ(n, releases);
}

/* At the default level a typed secret leaves no trace but a press count. */
TEST_F_TIMEOUT(audit, canary_secret_never_leaves_kernel, TEST_TIMEOUT)
{
	const char *secret = "correct horse battery staple 42";
	const char *forms[] = {
		"correct horse", "correcthorse", "CORRECT", "staple 42",
		"636f7272656374", /* hex of "correct" */
	};
	static char file[1 << 20];
	uint64_t dev, presses = 0, v;

	ASSERT_EQ(0, kmod_load(""));
	self->c.daemon = daemon_start(self->c.out, NULL);
	ASSERT_LT(0, self->c.daemon);
	self->c.ufd = uinput_create(UINPUT_KEYBOARD, "ia-test-canary");
	ASSERT_LE(0, self->c.ufd);
	ASSERT_EQ((int)strlen(secret), uinput_type(self->c.ufd, secret));
	dev = capture_finish(&self->c);
	ASSERT_NE(0UL, dev);

	for (size_t i = 0; i < self->c.j.count; i++) {
		const char *line = self->c.j.lines[i];
		uint64_t d;

		EXPECT_FALSE(json_type_is(line, "event")) {
			TH_LOG("event record at default level: %s", line);
		}
		EXPECT_EQ(NULL, strstr(line, "\"class\""));
		EXPECT_EQ(NULL, strstr(line, "\"code\""));
		if (json_type_is(line, "activity") &&
		    json_u64(line, "dev", &d) && d == dev) {
			ASSERT_TRUE(json_u64(line, "key_presses", &v));
			presses += v;
		}
	}
	EXPECT_EQ(strlen(secret), presses);

	ASSERT_LT(0, read_file(self->c.out, file, sizeof(file)));
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		EXPECT_EQ(NULL, strcasestr(file, forms[i])) {
			TH_LOG("secret form '%s' in the output", forms[i]);
		}
	}
}

/* Added and removed records name the process that created the device. */
TEST_F_TIMEOUT(audit, uinput_creator_pid_and_comm, TEST_TIMEOUT)
{
	const char *added, *removed;
	uint64_t dev, pid, uid, s_added, s_removed;
	char comm[32];

	ASSERT_EQ(0, prctl(PR_SET_NAME, "ia-creator"));
	ASSERT_EQ(0, kmod_load(""));
	self->c.daemon = daemon_start(self->c.out, NULL);
	ASSERT_LT(0, self->c.daemon);
	self->c.ufd = uinput_create(UINPUT_MOUSE, "ia-test-creator");
	ASSERT_LE(0, self->c.ufd);
	dev = capture_finish(&self->c);
	ASSERT_NE(0UL, dev);

	added = find_record(&self->c.j, "device_added", dev);
	removed = find_record(&self->c.j, "device_removed", dev);
	ASSERT_NE(NULL, added);
	ASSERT_NE(NULL, removed);
	ASSERT_TRUE(json_u64(added, "pid", &pid));
	EXPECT_EQ((uint64_t)getpid(), pid);
	ASSERT_TRUE(json_u64(added, "uid", &uid));
	EXPECT_EQ((uint64_t)getuid(), uid);
	ASSERT_TRUE(json_str(added, "comm", comm, sizeof(comm)));
	EXPECT_STREQ("ia-creator", comm);
	ASSERT_TRUE(json_u64(added, "seq", &s_added));
	ASSERT_TRUE(json_u64(removed, "seq", &s_removed));
	EXPECT_LT(s_added, s_removed);
}

/* Mouse motion is coalesced per frame, clicks are classed, positions never leave. */
TEST_F_TIMEOUT(audit, mouse_events_and_activity, TEST_TIMEOUT)
{
	uint64_t dev;

	ASSERT_EQ(0, kmod_load("level=events"));
	self->c.daemon = daemon_start(self->c.out, NULL);
	ASSERT_LT(0, self->c.daemon);
	self->c.ufd = uinput_create(UINPUT_MOUSE, "ia-test-mouse");
	ASSERT_LE(0, self->c.ufd);
	for (int i = 0; i < 25; i++) {
		/* One frame: two axes, one motion record. */
		ASSERT_EQ(0, uinput_emit(self->c.ufd, EV_REL, REL_X, 3));
		ASSERT_EQ(0, uinput_emit(self->c.ufd, EV_REL, REL_Y, -4));
		ASSERT_EQ(0, uinput_sync(self->c.ufd));
	}
	ASSERT_EQ(0, uinput_emit(self->c.ufd, EV_KEY, BTN_RIGHT, 1));
	ASSERT_EQ(0, uinput_sync(self->c.ufd));
	ASSERT_EQ(0, uinput_emit(self->c.ufd, EV_KEY, BTN_RIGHT, 0));
	ASSERT_EQ(0, uinput_sync(self->c.ufd));
	dev = capture_finish(&self->c);
	ASSERT_NE(0UL, dev);

	EXPECT_EQ(25, count_events(&self->c.j, dev, "motion", NULL));
	EXPECT_EQ(50UL, sum_field(&self->c.j, "event", dev, "count"));
	EXPECT_EQ(1, count_events(&self->c.j, dev, "button_press", "right"));
	EXPECT_EQ(1, count_events(&self->c.j, dev, "button_release", "right"));
	/* The final summary: |3| + |-4| per frame, one click. */
	EXPECT_EQ(175UL, sum_field(&self->c.j, "activity", dev, "motion"));
	EXPECT_EQ(1UL, sum_field(&self->c.j, "activity", dev, "button_clicks"));
	EXPECT_EQ(0UL, sum_field(&self->c.j, "activity", dev, "key_presses"));
}

/* Multitouch contacts are counted by tracking id; no coordinates leave. */
TEST_F_TIMEOUT(audit, touch_contacts_without_coordinates, TEST_TIMEOUT)
{
	static char file[1 << 20];
	uint64_t dev;

	ASSERT_EQ(0, kmod_load("level=events"));
	self->c.daemon = daemon_start(self->c.out, NULL);
	ASSERT_LT(0, self->c.daemon);
	self->c.ufd = uinput_create(UINPUT_TOUCH, "ia-test-touch");
	ASSERT_LE(0, self->c.ufd);
	for (int t = 0; t < 3; t++) {
		/* Two fingers down at a distinctive spot, then both up. */
		for (int slot = 0; slot < 2; slot++) {
			ASSERT_EQ(0, uinput_emit(self->c.ufd, EV_ABS, ABS_MT_SLOT, slot));
			ASSERT_EQ(0, uinput_emit(self->c.ufd, EV_ABS, ABS_MT_TRACKING_ID,
						 100 + t * 2 + slot));
			ASSERT_EQ(0, uinput_emit(self->c.ufd, EV_ABS, ABS_MT_POSITION_X, 3217));
			ASSERT_EQ(0, uinput_emit(self->c.ufd, EV_ABS, ABS_MT_POSITION_Y, 2931));
		}
		ASSERT_EQ(0, uinput_emit(self->c.ufd, EV_KEY, BTN_TOUCH, 1));
		ASSERT_EQ(0, uinput_sync(self->c.ufd));
		for (int slot = 0; slot < 2; slot++) {
			ASSERT_EQ(0, uinput_emit(self->c.ufd, EV_ABS, ABS_MT_SLOT, slot));
			ASSERT_EQ(0, uinput_emit(self->c.ufd, EV_ABS, ABS_MT_TRACKING_ID, -1));
		}
		ASSERT_EQ(0, uinput_emit(self->c.ufd, EV_KEY, BTN_TOUCH, 0));
		ASSERT_EQ(0, uinput_sync(self->c.ufd));
	}
	dev = capture_finish(&self->c);
	ASSERT_NE(0UL, dev);

	EXPECT_EQ(6, count_events(&self->c.j, dev, "touch_down", NULL));
	EXPECT_EQ(6, count_events(&self->c.j, dev, "touch_up", NULL));
	EXPECT_EQ(6UL, sum_field(&self->c.j, "activity", dev, "touches"));
	/* No value anywhere is one of the coordinates. */
	ASSERT_LT(0, read_file(self->c.out, file, sizeof(file)));
	for (const char *p = file; (p = strpbrk(p, ":[,")); p++) {
		long v = strtol(p + 1, NULL, 10);

		EXPECT_TRUE(v != 3217 && v != 2931) {
			TH_LOG("a coordinate in the output: %.40s", p);
		}
	}
}

/* rmmod is refused while the daemon is attached; capture goes on; then it works. */
TEST_F_TIMEOUT(audit, rmmod_refused_while_attached, TEST_TIMEOUT)
{
	uint64_t dev, presses = 0;
	int err;

	ASSERT_EQ(0, kmod_load("level=events"));
	self->c.daemon = daemon_start(self->c.out, NULL);
	ASSERT_LT(0, self->c.daemon);

	err = kmod_unload(O_NONBLOCK);
	EXPECT_TRUE(err == -EAGAIN || err == -EBUSY) {
		TH_LOG("delete_module while attached: %d", err);
	}
	ASSERT_TRUE(kmod_loaded());

	self->c.ufd = uinput_create(UINPUT_KEYBOARD, "ia-test-rmmod");
	ASSERT_LE(0, self->c.ufd);
	ASSERT_EQ(10, uinput_type(self->c.ufd, "0123456789"));
	dev = capture_finish(&self->c);
	ASSERT_NE(0UL, dev);
	for (size_t i = 0; i < self->c.j.count; i++) {
		uint64_t d;

		if (json_type_is(self->c.j.lines[i], "event") &&
		    json_u64(self->c.j.lines[i], "dev", &d) && d == dev &&
		    strstr(self->c.j.lines[i], "\"key_press\""))
			presses++;
	}
	EXPECT_EQ(10UL, presses);

	/* finish_capture() stopped the daemon: now unloading works. */
	EXPECT_EQ(0, kmod_unload_wait(WAIT_MS));
	EXPECT_FALSE(kmod_loaded());
}

/* In a normal run the daemon receives every record the module emitted. */
TEST_F_TIMEOUT(audit, nothing_lost_in_normal_run, TEST_TIMEOUT)
{
	uint64_t before, after, kernel, missing, v;
	const char *stats;
	struct stat st;

	ASSERT_EQ(0, kmod_load("level=events"));
	ASSERT_EQ(0, read_u64(EMITTED, &before));
	self->c.daemon = daemon_start(self->c.out, NULL);
	ASSERT_LT(0, self->c.daemon);
	self->c.ufd = uinput_create(UINPUT_KEYBOARD, "ia-test-noloss");
	ASSERT_LE(0, self->c.ufd);
	for (int i = 0; i < 10; i++)
		ASSERT_EQ(20, uinput_type(self->c.ufd, "abcdefghij0123456789"));
	ASSERT_NE(0UL, capture_finish(&self->c));
	ASSERT_EQ(0, read_u64(EMITTED, &after));

	/* The output is the daemon's own: root may read it, nobody else. */
	ASSERT_EQ(0, stat(self->c.out, &st));
	EXPECT_EQ(0600U, st.st_mode & 0777);

	count_records(&self->c.j, &kernel, &missing);
	EXPECT_LT(400UL, kernel);
	EXPECT_EQ(after - before, kernel);
	EXPECT_EQ(0UL, missing);
	stats = final_stats(&self->c.j);
	ASSERT_NE(NULL, stats);
	ASSERT_TRUE(json_u64(stats, "received", &v));
	EXPECT_EQ(kernel, v);
	ASSERT_TRUE(json_u64(stats, "lost", &v));
	EXPECT_EQ(0UL, v);
	ASSERT_TRUE(json_u64(stats, "ring_drops", &v));
	EXPECT_EQ(0UL, v);
}

/* A full ring shows up as a reported gap that matches the BPF drop count. */
TEST_F_TIMEOUT(audit, ring_full_reported_as_gap, TEST_TIMEOUT)
{
	const char *const args[] = { "--ring-size", "4096", NULL };
	uint64_t before, after, kernel, missing, drops, received;
	const char *stats;

	ASSERT_EQ(0, kmod_load("level=events"));
	ASSERT_EQ(0, read_u64(EMITTED, &before));
	self->c.daemon = daemon_start(self->c.out, args);
	ASSERT_LT(0, self->c.daemon);
	self->c.ufd = uinput_create(UINPUT_KEYBOARD, "ia-test-ringfull");
	ASSERT_LE(0, self->c.ufd);

	/* A stopped consumer: 4 KiB hold 64 records, 600 are sent. */
	ASSERT_EQ(0, kill(self->c.daemon, SIGSTOP));
	for (int i = 0; i < 15; i++)
		ASSERT_EQ(20, uinput_type(self->c.ufd, "abcdefghij0123456789"));
	ASSERT_EQ(0, kill(self->c.daemon, SIGCONT));
	sleep_ms(500);
	ASSERT_NE(0UL, capture_finish(&self->c));
	ASSERT_EQ(0, read_u64(EMITTED, &after));

	count_records(&self->c.j, &kernel, &missing);
	stats = final_stats(&self->c.j);
	ASSERT_NE(NULL, stats);
	ASSERT_TRUE(json_u64(stats, "received", &received));
	ASSERT_TRUE(json_u64(stats, "ring_drops", &drops));
	EXPECT_EQ(kernel, received);
	EXPECT_LT(400UL, drops);
	EXPECT_EQ(drops, missing);
	EXPECT_EQ(after - before, received + missing);
}

TEST_HARNESS_MAIN
