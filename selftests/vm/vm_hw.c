// SPDX-License-Identifier: GPL-2.0-only
/*
 * The test VM's real input hardware, without inputaudit: uhid devices
 * through the whole HID stack (uhid_util.c), QEMU's USB keyboard behind
 * the xHCI controller scripts/vm-run.sh adds (VM_USB=1), and the i8042 AT
 * keyboard disconnected and connected again by a serio rescan; and the debug
 * kernel's fault injection (fault_util.c).  These are what later tests build
 * on; here they only have to work, on every kernel of the matrix and on the
 * debug kernel.  The modules stay loaded for the rest of the boot
 * (run-vm-tests.sh runs this binary last).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/input.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "fault_util.h"
#include "uhid_util.h"

#define TEST_TIMEOUT	180
#define FIND_MS		10000
/*
 * How long QEMU's USB keyboard may take to enumerate once xhci-pci is
 * loaded: seconds alone, but more than 30 s on the debug kernel (KASAN,
 * TCG) while another VM runs beside it (make check runs two at times).
 */
#define USB_ENUM_MS	90000
#define UHID_KBD_NAME	"vm-hw uhid keyboard"
#define UHID_MOUSE_NAME	"vm-hw uhid mouse"
/* QEMU's usb-kbd: "QEMU" (manufacturer) + "QEMU USB Keyboard" (product), 0627:0001. */
#define USB_KBD_NAME	"QEMU QEMU USB Keyboard"
#define USB_KBD_ID	"Bus=0003 Vendor=0627 Product=0001"
/* xHCI's PCI class code (serial bus, USB, xHCI). */
#define PCI_CLASS_XHCI	"0x0c0330"
#define HID_USAGE_A	0x04

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* A small sysfs file, first line, no newline; 0 or -errno. */
static int read_line(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* The first line of DIR/ATTR; 0 or -errno. */
static int read_attr(const char *dir, const char *attr, char *buf, size_t size)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, attr) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	return read_line(path, buf, size);
}

/* The /proc/bus/input/devices entry whose N: line names the device; 0 or -ENOENT. */
static int proc_input_entry(const char *name, char *entry, size_t size)
{
	char want[160], line[512];
	bool match = false;
	size_t len = 0;
	FILE *f;

	snprintf(want, sizeof(want), "N: Name=\"%s\"\n", name);
	f = fopen("/proc/bus/input/devices", "re");
	if (!f)
		return -errno;
	entry[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == 'I' && line[1] == ':') {	/* first line of an entry */
			if (match)
				break;
			len = 0;
			entry[0] = '\0';
		}
		if (!strcmp(line, want))
			match = true;
		if (len + strlen(line) < size) {
			memcpy(entry + len, line, strlen(line) + 1);
			len += strlen(line);
		}
	}
	fclose(f);
	return match ? 0 : -ENOENT;
}

/*
 * Reads evdev events until EV_KEY code with value arrives (autorepeat and
 * other keys skipped); *scan gets the last MSC_SCAN of that frame, or -1.
 * Returns 0 or -ETIMEDOUT.
 */
static int expect_key(int fd, unsigned short code, int value, long *scan, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;
	struct input_event ev;
	long last_scan = -1;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long long left = end - now_ms();

		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&pfd, 1, left) <= 0)
			continue;
		while (read(fd, &ev, sizeof(ev)) == sizeof(ev)) {
			if (ev.type == EV_MSC && ev.code == MSC_SCAN)
				last_scan = ev.value;
			if (ev.type == EV_KEY && ev.code == code && ev.value == value) {
				*scan = last_scan;
				return 0;
			}
			if (ev.type == EV_SYN)
				last_scan = -1;
		}
	}
}

/* Sums EV_REL events of one axis until timeout_ms passes or the sum reaches want. */
static int sum_rel(int fd, unsigned short code, int want, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;
	struct input_event ev;
	int sum = 0;

	while (sum != want && now_ms() < end) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (poll(&pfd, 1, end - now_ms()) <= 0)
			continue;
		while (read(fd, &ev, sizeof(ev)) == sizeof(ev))
			if (ev.type == EV_REL && ev.code == code)
				sum += ev.value;
	}
	return sum;
}

FIXTURE(uhid) {
	struct uhid_dev d;
};

FIXTURE_SETUP(uhid)
{
	int err;

	self->d.fd = -1;
	err = uhid_load_modules();
	if (err == -ENOENT)
		SKIP(return, "uhid or hid-generic not in this kernel's guest modules");
	ASSERT_EQ(0, err);
	if (access("/dev/uhid", R_OK | W_OK))
		SKIP(return, "no /dev/uhid after modprobe uhid");
}

FIXTURE_TEARDOWN(uhid)
{
	uhid_dev_destroy(&self->d);
}

/*
 * A uhid boot keyboard becomes an input device with the bus, vendor and
 * product it was created with; it is open (UHID_OPEN) once it has a user,
 * and a key report arrives through evdev as KEY_A pressed and released,
 * with the HID usage as its scancode.
 */
TEST_F_TIMEOUT(uhid, keyboard_reports_arrive_through_evdev, TEST_TIMEOUT)
{
	char sys[32], event[64], entry[1024];
	long scan;
	int fd;

	ASSERT_EQ(0, uhid_dev_create(&self->d, UHID_KEYBOARD, UHID_KBD_NAME, BUS_USB,
				     0x1d6b, 0x0110));
	ASSERT_EQ(0, uhid_dev_wait_started(&self->d, FIND_MS));
	ASSERT_EQ(0, input_find_by_name(UHID_KBD_NAME, sys, sizeof(sys), event,
					sizeof(event), FIND_MS));
	ASSERT_EQ(0, proc_input_entry(UHID_KBD_NAME, entry, sizeof(entry)));
	EXPECT_NE(NULL, strstr(entry, "Bus=0003 Vendor=1d6b Product=0110"))
		TH_LOG("%s", entry);
	ASSERT_LE(0, uhid_dev_poll(&self->d));
	/* The VT keyboard handler opens every keyboard as it connects. */
	ksft_print_msg("%s is %s, %s open before evdev is (%u UHID_OPEN)\n",
		       UHID_KBD_NAME, sys, self->d.opened ? "already" : "not", self->d.opens);

	fd = open(event, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, uhid_dev_wait_open(&self->d, true, 5000));
	ASSERT_EQ(0, uhid_tap_key(&self->d, HID_USAGE_A));
	EXPECT_EQ(0, expect_key(fd, KEY_A, 1, &scan, 5000));
	EXPECT_EQ(0x70000 + HID_USAGE_A, scan);
	EXPECT_EQ(0, expect_key(fd, KEY_A, 0, &scan, 5000));
	close(fd);
}

/*
 * A key pressed as soon as uhid_dev_wait_started() returns is held down in
 * the input device.  hid-core drops every report that comes while the HID
 * driver's probe is still running (__hid_input_report(): -EBUSY on
 * driver_input_lock), and UHID_START, the input device and the VT keyboard
 * handler's open all happen inside that probe: a wait for UHID_START alone
 * let a test type into that window under load, and its key was lost.
 * EVIOCGKEY shows the input core's key state, whoever reads the events.
 */
TEST_F_TIMEOUT(uhid, key_pressed_once_started_is_held, TEST_TIMEOUT)
{
	const uint8_t keys[6] = { HID_USAGE_A };
	unsigned char state[KEY_MAX / 8 + 1];
	char sys[32], event[64];
	int fd;

	ASSERT_EQ(0, uhid_dev_create(&self->d, UHID_KEYBOARD, UHID_KBD_NAME, BUS_USB,
				     0x1d6b, 0x0112));
	ASSERT_EQ(0, uhid_dev_wait_started(&self->d, FIND_MS));
	ASSERT_EQ(0, uhid_key_report(&self->d, 0, keys));
	ASSERT_EQ(0, input_find_by_name(UHID_KBD_NAME, sys, sizeof(sys), event,
					sizeof(event), FIND_MS));
	fd = open(event, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, fd);
	memset(state, 0, sizeof(state));
	ASSERT_LE(0, ioctl(fd, EVIOCGKEY(sizeof(state)), state));
	EXPECT_TRUE(state[KEY_A / 8] & (1 << (KEY_A % 8)))
		TH_LOG("the key report sent right after UHID_START was dropped");
	ASSERT_EQ(0, uhid_key_report(&self->d, 0, NULL));
	close(fd);
}

/*
 * A uhid mouse, which nothing opens on its own, gets UHID_OPEN when its
 * evdev node is opened and UHID_CLOSE when that file is closed, and its
 * motion reports arrive through evdev as EV_REL.
 */
TEST_F_TIMEOUT(uhid, mouse_opened_and_closed_by_evdev, TEST_TIMEOUT)
{
	char sys[32], event[64];
	int fd;

	ASSERT_EQ(0, uhid_dev_create(&self->d, UHID_MOUSE, UHID_MOUSE_NAME, BUS_USB,
				     0x1d6b, 0x0111));
	ASSERT_EQ(0, uhid_dev_wait_started(&self->d, FIND_MS));
	ASSERT_EQ(0, input_find_by_name(UHID_MOUSE_NAME, sys, sizeof(sys), event,
					sizeof(event), FIND_MS));
	/* Give a stray opener time to show. */
	while (uhid_dev_read_event(&self->d, 300) > 0)
		;
	EXPECT_EQ(0U, self->d.opens);

	fd = open(event, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, uhid_dev_wait_open(&self->d, true, 5000));
	EXPECT_EQ(1U, self->d.opens);
	ASSERT_EQ(0, uhid_mouse_report(&self->d, 0, 5, 0));
	ASSERT_EQ(0, uhid_mouse_report(&self->d, 0, 7, 0));
	EXPECT_EQ(12, sum_rel(fd, REL_X, 12, 5000));
	close(fd);
	ASSERT_EQ(0, uhid_dev_wait_open(&self->d, false, 5000));
	EXPECT_EQ(1U, self->d.closes);
}

FIXTURE(usb) {
	char sys[32];
};

/* Whether a PCI function with the xHCI class code is present. */
static bool have_xhci(void)
{
	char path[PATH_MAX], cls[32];
	struct dirent *de;
	bool found = false;
	DIR *dp;

	dp = opendir("/sys/bus/pci/devices");
	if (!dp)
		return false;
	while (!found && (de = readdir(dp))) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", de->d_name);
		found = !read_attr(path, "class", cls, sizeof(cls)) && !strcmp(cls, PCI_CLASS_XHCI);
	}
	closedir(dp);
	return found;
}

FIXTURE_SETUP(usb)
{
	static const char *const mods[] = { "xhci-pci", "usbhid", "hid-generic", NULL };
	int err;

	if (!have_xhci())
		SKIP(return, "no xHCI controller in this VM (scripts/vm-run.sh with VM_USB=0)");
	err = vm_modprobe(mods);
	if (err == -ENOENT)
		SKIP(return, "xhci-pci, usbhid or hid-generic not in this kernel's guest modules");
	ASSERT_EQ(0, err);
}

FIXTURE_TEARDOWN(usb)
{
}

/*
 * After modprobe xhci-pci usbhid hid-generic, QEMU's USB keyboard is an
 * input device on bus USB with a USB phys, and its sysfs parents are a USB
 * device 0627:0001 and, above it, the xHCI PCI function: a physical device.
 */
TEST_F_TIMEOUT(usb, qemu_usb_keyboard_has_usb_parent, TEST_TIMEOUT)
{
	char path[PATH_MAX], real[PATH_MAX], val[32], entry[1024];
	bool usb_dev = false, pci_xhci = false;
	char *slash;

	ASSERT_EQ(0, input_find_by_name(USB_KBD_NAME, self->sys, sizeof(self->sys), NULL, 0,
					USB_ENUM_MS));
	ASSERT_EQ(0, proc_input_entry(USB_KBD_NAME, entry, sizeof(entry)));
	EXPECT_NE(NULL, strstr(entry, USB_KBD_ID)) TH_LOG("%s", entry);
	EXPECT_NE(NULL, strstr(entry, "P: Phys=usb-")) TH_LOG("%s", entry);

	snprintf(path, sizeof(path), "/sys/class/input/%s", self->sys);
	ASSERT_NE(NULL, realpath(path, real));
	ksft_print_msg("%s: %s\n", USB_KBD_NAME, real);
	while ((slash = strrchr(real, '/')) && slash > real) {
		*slash = '\0';
		if (!read_attr(real, "idVendor", val, sizeof(val)) && !strcmp(val, "0627"))
			usb_dev = !read_attr(real, "idProduct", val, sizeof(val)) &&
				  !strcmp(val, "0001");
		if (usb_dev && !read_attr(real, "class", val, sizeof(val)) &&
		    !strcmp(val, PCI_CLASS_XHCI))
			pci_xhci = true;
	}
	EXPECT_TRUE(usb_dev);
	EXPECT_TRUE(pci_xhci);
}

FIXTURE(serio) {
	char port[64];		/* /sys/bus/serio/devices/serioN */
	char before[32];	/* the AT keyboard's inputN before the rescan */
};

/* The inputN under a serio port, or "" when it has none; 0 or -errno. */
static int port_input(const char *port, char *sys, size_t size)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *dp;

	sys[0] = '\0';
	snprintf(path, sizeof(path), "%s/input", port);
	dp = opendir(path);
	if (!dp)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(dp)))
		if (!strncmp(de->d_name, "input", 5)) {
			if (snprintf(sys, size, "%s", de->d_name) >= (int)size)
				sys[0] = '\0';
			break;
		}
	closedir(dp);
	return 0;
}

FIXTURE_SETUP(serio)
{
	char path[PATH_MAX], drv[PATH_MAX];
	struct dirent *de;
	DIR *dp;

	self->port[0] = '\0';
	dp = opendir("/sys/bus/serio/devices");
	if (!dp)
		SKIP(return, "no serio bus (kernel without SERIO)");
	while ((de = readdir(dp))) {
		ssize_t n;

		snprintf(path, sizeof(path), "/sys/bus/serio/devices/%s/driver", de->d_name);
		n = readlink(path, drv, sizeof(drv) - 1);
		if (n <= 0)
			continue;
		drv[n] = '\0';
		if (!strcmp(strrchr(drv, '/') + 1, "atkbd") &&
		    snprintf(self->port, sizeof(self->port), "/sys/bus/serio/devices/%s",
			     de->d_name) < (int)sizeof(self->port))
			break;
		self->port[0] = '\0';
	}
	closedir(dp);
	if (!self->port[0])
		SKIP(return, "no serio port bound to atkbd (no i8042 keyboard)");
	ASSERT_EQ(0, port_input(self->port, self->before, sizeof(self->before)));
	ASSERT_NE('\0', self->before[0]);
}

FIXTURE_TEARDOWN(serio)
{
}

/*
 * Writing "rescan" to the AT keyboard's serio port makes atkbd disconnect
 * its input device and connect a new one: the old inputN is gone, a new
 * one sits under the same port, and /proc/bus/input/devices lists it.
 */
TEST_F_TIMEOUT(serio, rescan_disconnects_and_reconnects_at_keyboard, TEST_TIMEOUT)
{
	char path[PATH_MAX], after[32] = "", entry[1024], sysfs[PATH_MAX], name[128];
	long long end;

	snprintf(path, sizeof(path), "%s/drvctl", self->port);
	{
		int fd = open(path, O_WRONLY | O_CLOEXEC);

		ASSERT_LE(0, fd);
		ASSERT_EQ(6, write(fd, "rescan", 6));
		close(fd);
	}
	end = now_ms() + 20000;
	while (now_ms() < end) {
		snprintf(path, sizeof(path), "/sys/class/input/%s", self->before);
		ASSERT_EQ(0, port_input(self->port, after, sizeof(after)));
		if (access(path, F_OK) && after[0] && strcmp(after, self->before))
			break;
		usleep(50000);
	}
	ksft_print_msg("%s: %s before the rescan, %s after\n", self->port, self->before,
		       after[0] ? after : "none");
	ASSERT_EQ(-1, access(path, F_OK));
	ASSERT_NE('\0', after[0]);
	ASSERT_STRNE(self->before, after);

	snprintf(path, sizeof(path), "/sys/class/input/%s/name", after);
	ASSERT_EQ(0, read_line(path, name, sizeof(name)));
	ASSERT_EQ(0, proc_input_entry(name, entry, sizeof(entry)));
	snprintf(sysfs, sizeof(sysfs), "/%s/input/%s\n", strrchr(self->port, '/') + 1, after);
	EXPECT_NE(NULL, strstr(entry, sysfs)) TH_LOG("%s", entry);
}

FIXTURE(fault) {
	int unused;
};

/* An error-injectable function that nothing else in the guest calls. */
#define FAULT_FUNC	"__x64_sys_getpgid"

FIXTURE_SETUP(fault)
{
	if (!fail_function_available())
		SKIP(return, "no %s (kernel without CONFIG_FAIL_FUNCTION: only the debug kernel has it)",
		     FAIL_FUNCTION_DIR);
	ASSERT_TRUE(fail_function_injectable(FAULT_FUNC));
}

FIXTURE_TEARDOWN(fault)
{
	EXPECT_EQ(0, fail_function_clear());
}

/*
 * fail_function makes an error-injectable function (here the getpgid()
 * syscall) return the injected error, only in a task marked make-it-fail
 * when the task filter is on, and only as many times as asked.
 */
TEST_F_TIMEOUT(fault, fail_function_injects_errors, TEST_TIMEOUT)
{
	ASSERT_EQ(0, fail_function_inject(FAULT_FUNC, -ENOMEM, 2, true));
	EXPECT_LE(0, getpgid(0));		/* not marked yet: no failure */
	ASSERT_EQ(0, fail_make_it_fail(0, true));
	EXPECT_EQ(-1, getpgid(0));
	EXPECT_EQ(ENOMEM, errno);
	EXPECT_EQ(-1, getpgid(0));
	EXPECT_EQ(ENOMEM, errno);
	EXPECT_LE(0, getpgid(0));		/* times = 2 used up */
	ASSERT_EQ(0, fail_make_it_fail(0, false));
}

/*
 * fail_function on should_failslab (CONFIG_FAILSLAB) fails this task's next
 * slab allocation: open() returns ENOMEM once (getname()'s allocation),
 * then works again.
 */
TEST_F_TIMEOUT(fault, failslab_fails_next_allocation, TEST_TIMEOUT)
{
	int mark, fd, err;

	if (!fail_function_injectable("should_failslab"))
		SKIP(return, "should_failslab not injectable (kernel without CONFIG_FAILSLAB)");
	mark = fail_mark_open(0);
	ASSERT_LE(0, mark);
	ASSERT_EQ(0, fail_function_inject("should_failslab", -ENOMEM, 1, true));
	ASSERT_EQ(0, fail_mark(mark, true));
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	err = errno;
	fail_mark(mark, false);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(ENOMEM, err);
	if (fd >= 0)
		close(fd);
	ASSERT_EQ(0, fail_mark(mark, true));	/* times = 1 used up */
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	fail_mark(mark, false);
	EXPECT_LE(0, fd);
	if (fd >= 0)
		close(fd);
	close(mark);
}

TEST_HARNESS_MAIN
