// SPDX-License-Identifier: GPL-2.0-only
/*
 * The auditor as an observer of devices, inside the VM.  On a kernel with
 * input_handler.passive_observer (6.13 and later; status "observer=passive")
 * the auditor's open handle neither opens nor powers up a device: a HID
 * mouse made through /dev/uhid that nobody opened never sees UHID_OPEN
 * while the auditor captures, and once a reader opens its event node (the
 * device's first real user: UHID_OPEN) its clicks reach the auditor's
 * records; when that reader closes it, the device is closed again
 * (UHID_CLOSE) although the auditor still captures it.  A mouse, not a
 * keyboard: the console's keyboard handler (CONFIG_VT) opens every
 * keyboard as it attaches, so no keyboard is ever unopened.  On a kernel without
 * it ("observer=active") the auditor's handle is a user like any reader: the
 * device is opened as soon as capture starts, and stays open after the
 * reader closes it.  Both are checked, each on the kernels it describes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "capture_util.h"
#include "kmod_util.h"
#include "uhid_util.h"

#define TEST_TIMEOUT	180
#define FIND_MS		20000
#define MOUSE_NAME	"ia-observer-mouse"

/* "observer=" of the module's status line, or "" if it has none. */
static const char *observer(char *buf, size_t size)
{
	char line[256], *p;

	buf[0] = '\0';
	if (read_file("/sys/kernel/inputaudit/status", line, sizeof(line)) <= 0)
		return buf;
	p = strstr(line, "observer=");
	if (p)
		snprintf(buf, size, "%.*s", (int)strcspn(p + 9, " \n"), p + 9);
	return buf;
}

/* Whether the running kernel is 6.13 or later: it has passive observers. */
static bool kernel_has_passive_observer(void)
{
	struct utsname u;
	unsigned int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return false;
	return major > 6 || (major == 6 && minor >= 13);
}

/* Reads key events from an evdev fd until n presses (clicks) arrived; how many did. */
static int read_presses(int fd, int n, int timeout_ms)
{
	struct input_event ev;
	int got = 0;

	for (int waited = 0; got < n && waited <= timeout_ms; waited += 10) {
		while (got < n && read(fd, &ev, sizeof(ev)) == sizeof(ev))
			if (ev.type == EV_KEY && ev.value == 1)
				got++;
		if (got < n)
			sleep_ms(10);
	}
	return got;
}

FIXTURE(observer) {
	struct capture c;
	struct uhid_dev d;
	int evfd;
};

FIXTURE_SETUP(observer)
{
	const char *why = capture_prepare(&self->c);
	int err;

	self->d.fd = -1;
	self->evfd = -1;
	if (why)
		SKIP(return, "%s", why);
	err = uhid_load_modules();
	if (err == -ENOENT)
		SKIP(return, "uhid or hid-generic not in this kernel's guest modules");
	ASSERT_EQ(0, err);
}

FIXTURE_TEARDOWN(observer)
{
	if (self->evfd >= 0)
		close(self->evfd);
	uhid_dev_destroy(&self->d);
	EXPECT_EQ(0, capture_cleanup(&self->c));
}

/*
 * A mouse nobody opened is not opened by the auditor capturing it (on a
 * passive-observer kernel); its clicks once a reader opened it are
 * recorded; the reader's close closes it.
 */
TEST_F_TIMEOUT(observer, auditor_never_opens_unopened_device, TEST_TIMEOUT)
{
	bool passive = kernel_has_passive_observer();
	char buf[32], event[64];
	long open0, open1;
	unsigned int id;

	ASSERT_EQ(0, kmod_load("level=events"));
	EXPECT_STREQ(passive ? "passive" : "active", observer(buf, sizeof(buf)));
	self->c.daemon = daemon_start(self->c.out, NULL);
	ASSERT_LT(0, self->c.daemon);
	ASSERT_TRUE(module_status_field("open", &open0));

	ASSERT_EQ(0, uhid_dev_create(&self->d, UHID_MOUSE, MOUSE_NAME, BUS_USB,
				     0x1d6b, 0x0104));
	ASSERT_EQ(0, uhid_dev_wait_started(&self->d, FIND_MS));
	ASSERT_EQ(0, input_find_by_name(MOUSE_NAME, NULL, 0, event, sizeof(event),
					FIND_MS));
	id = kmod_wait_dev_id(MOUSE_NAME, FIND_MS);
	ASSERT_NE(0U, id);
	/* The auditor's handle of it is open: it is captured. */
	for (int waited = 0; waited < FIND_MS; waited += 20) {
		if (module_status_field("open", &open1) && open1 > open0)
			break;
		sleep_ms(20);
	}
	ASSERT_EQ(open0 + 1, open1);
	/* Time for an open to show. */
	while (uhid_dev_read_event(&self->d, 500) > 0)
		;
	if (passive) {
		EXPECT_EQ(0U, self->d.opens) {
			TH_LOG("the auditor opened a device nobody else had open");
		}
	} else {
		EXPECT_EQ(1U, self->d.opens) {
			TH_LOG("without passive observers the auditor's handle is a user");
		}
	}

	/* A reader opens it: on a passive kernel, its first user. */
	self->evfd = open(event, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, self->evfd);
	ASSERT_EQ(0, uhid_dev_wait_open(&self->d, true, 5000));
	EXPECT_EQ(1U, self->d.opens);
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(0, uhid_mouse_report(&self->d, 1, 0, 0));
		ASSERT_EQ(0, uhid_mouse_report(&self->d, 0, 0, 0));
	}
	EXPECT_EQ(3, read_presses(self->evfd, 3, 5000));

	/* The reader goes: a passive auditor does not keep the device open. */
	close(self->evfd);
	self->evfd = -1;
	if (passive) {
		EXPECT_EQ(0, uhid_dev_wait_open(&self->d, false, 5000));
		EXPECT_EQ(1U, self->d.closes);
	} else {
		while (uhid_dev_read_event(&self->d, 500) > 0)
			;
		EXPECT_EQ(0U, self->d.closes);
	}
	EXPECT_TRUE(module_status_field("open", &open1));
	EXPECT_EQ(open0 + 1, open1);

	uhid_dev_destroy(&self->d);
	ASSERT_EQ(0, daemon_stop(self->c.daemon));
	self->c.daemon = 0;
	ASSERT_EQ(0, capture_reload(&self->c));
	ASSERT_NE(NULL, find_record(&self->c.j, "device_added", id));
	EXPECT_EQ(3, count_events(&self->c.j, id, "button_press", "left"));
	EXPECT_EQ(3, count_events(&self->c.j, id, "button_release", "left"));
}

TEST_HARNESS_MAIN
