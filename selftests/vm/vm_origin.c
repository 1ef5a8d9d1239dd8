// SPDX-License-Identifier: GPL-2.0-only
/*
 * How a device came to be, inside the VM, with real devices of each kind:
 * a keyboard made through /dev/uhid (as Bluetooth LE daemons and keystroke
 * injectors make them) names the process that made it, even though the
 * kernel registers it from a worker; one whose /dev/uhid file no process
 * holds says its creator is unknown; a uinput keyboard made before the
 * module was loaded names its creator, not the loader; and real hardware
 * (QEMU's USB keyboard bound when usbhid is loaded, the AT keyboard after a
 * serio rescan) never has a creator, whichever process triggered its probe.
 * What the module says is checked in sysfs and in the daemon's records.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "capture_util.h"
#include "kmod_util.h"
#include "uhid_util.h"
#include "uinput_util.h"

#define SYSDIR		"/sys/kernel/inputaudit/"
#define TEST_TIMEOUT	240
#define FIND_MS		20000
#define USB_ENUM_MS	90000	/* as in vm_hw.c */
/* A uhid keyboard that claims to be a Logitech USB keyboard. */
#define FAKE_NAME	"Logitech USB Keyboard"
#define FAKE_VENDOR	0x046d
#define FAKE_PRODUCT	0xc31c
#define USB_KBD_NAME	"QEMU QEMU USB Keyboard"
#define AT_KBD_NAME	"AT Translated Set 2 keyboard"

/* A file of a device's sysfs directory, without its newline. */
static const char *dev_file(unsigned int id, const char *file, char *buf,
			    size_t size)
{
	char path[128];

	snprintf(path, sizeof(path), SYSDIR "devices/%u/%s", id, file);
	if (read_file(path, buf, size) <= 0)
		return "(unreadable)";
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/* The device_added record of dev in the daemon's output, or NULL. */
static const char *added(const struct jsonl *j, unsigned int dev)
{
	return find_record(j, "device_added", dev);
}

/* "comm" inside the record's "creator" object. */
static bool creator_comm(const char *line, char *comm, size_t size)
{
	const char *c = strstr(line, "\"creator\":{");

	return c && json_str(c, "comm", comm, size);
}

static int rmmod(const char *name)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		execl("/bin/rmmod", "rmmod", name, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

FIXTURE(origin) {
	struct capture c;
	struct uhid_dev d;
	pid_t child;
	int sock;
};

FIXTURE_SETUP(origin)
{
	const char *why = capture_prepare(&self->c);

	self->d.fd = -1;
	self->child = 0;
	self->sock = -1;
	if (why)
		SKIP(return, "%s", why);
}

FIXTURE_TEARDOWN(origin)
{
	uhid_dev_destroy(&self->d);
	if (self->child > 0) {
		kill(self->child, SIGKILL);
		waitpid(self->child, NULL, 0);
	}
	if (self->sock >= 0)
		close(self->sock);
	EXPECT_EQ(0, capture_cleanup(&self->c));
}

/*
 * A keyboard made through /dev/uhid claiming to be a Logitech USB keyboard
 * is uhid and virtual, and names this process as its creator (uid, comm),
 * in sysfs and in its device_added record, although the kernel registered
 * it from a worker.
 */
TEST_F_TIMEOUT(origin, uhid_keyboard_names_its_creator, TEST_TIMEOUT)
{
	char buf[128], comm[32], want[64];
	const char *line;
	unsigned int id;
	uint64_t v;
	int err = uhid_load_modules();

	if (err == -ENOENT)
		SKIP(return, "uhid or hid-generic not in this kernel's guest modules");
	ASSERT_EQ(0, err);
	ASSERT_EQ(0, kmod_load("level=events"));
	self->c.daemon = daemon_start(self->c.out, NULL);
	ASSERT_LT(0, self->c.daemon);

	ASSERT_EQ(0, uhid_dev_create(&self->d, UHID_KEYBOARD, FAKE_NAME, BUS_USB,
				     FAKE_VENDOR, FAKE_PRODUCT));
	ASSERT_EQ(0, uhid_dev_wait_started(&self->d, FIND_MS));
	id = kmod_wait_dev_id(FAKE_NAME, FIND_MS);
	ASSERT_NE(0U, id);
	EXPECT_STREQ("uhid", dev_file(id, "origin", buf, sizeof(buf)));
	snprintf(want, sizeof(want), "pid=%d uid=0 comm=", getpid());
	EXPECT_EQ(0, strncmp(dev_file(id, "creator", buf, sizeof(buf)), want,
			     strlen(want))) {
		TH_LOG("creator: %s", buf);
	}
	/*
	 * Captured like any keyboard, once the module's handle of it is open.
	 * Not UHID_OPEN: the console's keyboard handler opens every keyboard
	 * as it attaches, which may be before the module's worker does (a key
	 * typed then was not recorded, seen under load).  Every device open,
	 * as the other tests wait, not "one more open than before", which
	 * another device could make.  (The key this test lost in fresh make
	 * check runs was hid-core's: uhid_dev_wait_started() now waits until
	 * the HID driver's probe has returned.)
	 */
	EXPECT_TRUE(wait_capture_open(-1, FIND_MS));
	EXPECT_EQ(0, uhid_tap_key(&self->d, 0x04));

	uhid_dev_destroy(&self->d);
	ASSERT_EQ(0, daemon_stop(self->c.daemon));
	self->c.daemon = 0;
	ASSERT_EQ(0, capture_reload(&self->c));
	line = added(&self->c.j, id);
	ASSERT_NE(NULL, line);
	EXPECT_TRUE(json_str(line, "virtual", buf, sizeof(buf)));
	EXPECT_STREQ("uhid", buf);
	EXPECT_TRUE(json_u64(line, "pid", &v));
	EXPECT_EQ((uint64_t)getpid(), v);
	ASSERT_TRUE(creator_comm(line, comm, sizeof(comm)));
	EXPECT_STREQ(program_invocation_short_name, comm);
	EXPECT_EQ(NULL, strstr(line, "creator_unknown"));
	EXPECT_EQ(2, count_events(&self->c.j, id, "key_press", NULL) +
		     count_events(&self->c.j, id, "key_release", NULL));
}

/*
 * A uhid keyboard whose /dev/uhid file no process holds when it is
 * registered (the only reference is in flight in a socket) is uhid with
 * its creator explicitly unknown, never a silent omission.
 */
TEST_F_TIMEOUT(origin, uhid_keyboard_unknown_creator_said_so, TEST_TIMEOUT)
{
	static const char *const generic[] = { "hid-generic", NULL };
	static const char *const uhid[] = { "uhid", NULL };
	char buf[128];
	int sv[2], ready = 0;
	unsigned int id;
	const char *line;

	if (vm_modprobe(uhid) == -ENOENT)
		SKIP(return, "uhid not in this kernel's guest modules");
	/*
	 * Without hid-generic the HID device waits for a driver: no input
	 * device yet.  It is loaded once the file is in flight.
	 */
	rmmod("hid_generic");
	if (!access("/sys/module/hid_generic", F_OK))
		SKIP(return, "hid-generic is loaded and in use");
	ASSERT_EQ(0, kmod_load("level=events"));
	self->c.daemon = daemon_start(self->c.out, NULL);
	ASSERT_LT(0, self->c.daemon);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	self->sock = sv[0];

	self->child = fork();
	ASSERT_LE(0, self->child);
	if (self->child == 0) {
		struct uhid_dev d;
		char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
		struct iovec iov = { .iov_base = "u", .iov_len = 1 };
		struct msghdr msg = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
		};
		struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

		close(sv[0]);
		if (uhid_dev_create(&d, UHID_KEYBOARD, FAKE_NAME, BUS_USB,
				    FAKE_VENDOR, FAKE_PRODUCT))
			_exit(1);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &d.fd, sizeof(int));
		if (sendmsg(sv[1], &msg, 0) != 1)
			_exit(2);
		/* The only reference left is the one in the socket. */
		_exit(0);
	}
	close(sv[1]);
	ASSERT_EQ(self->child, waitpid(self->child, &ready, 0));
	self->child = 0;
	ASSERT_TRUE(WIFEXITED(ready) && WEXITSTATUS(ready) == 0);

	ASSERT_EQ(0, vm_modprobe(generic));
	id = kmod_wait_dev_id(FAKE_NAME, FIND_MS);
	ASSERT_NE(0U, id);
	EXPECT_STREQ("uhid", dev_file(id, "origin", buf, sizeof(buf)));
	EXPECT_STREQ("unknown", dev_file(id, "creator", buf, sizeof(buf)));

	/* Closing the socket drops the file: the device goes. */
	close(self->sock);
	self->sock = -1;
	for (int waited = 0; kmod_dev_id(FAKE_NAME) && waited < FIND_MS; waited += 20)
		sleep_ms(20);
	ASSERT_EQ(0, daemon_stop(self->c.daemon));
	self->c.daemon = 0;
	ASSERT_EQ(0, capture_reload(&self->c));
	line = added(&self->c.j, id);
	ASSERT_NE(NULL, line);
	EXPECT_NE(NULL, strstr(line, "\"virtual\":\"uhid\""));
	EXPECT_NE(NULL, strstr(line, "\"creator_unknown\":true"));
	EXPECT_EQ(NULL, strstr(line, "\"creator\":{"));
}

/*
 * A uinput keyboard made before the module was loaded is announced to the
 * first consumer with the process that made it, not the one that loaded
 * the module.
 */
TEST_F_TIMEOUT(origin, uinput_made_before_load_names_its_creator, TEST_TIMEOUT)
{
	char buf[128], want[64];
	int pipefd[2], status;
	unsigned int id;
	const char *line;
	uint64_t v;
	char c;

	ASSERT_EQ(0, pipe(pipefd));
	self->child = fork();
	ASSERT_LE(0, self->child);
	if (self->child == 0) {
		int fd = uinput_create(UINPUT_KEYBOARD, "ia-origin-early");

		close(pipefd[0]);
		if (fd < 0 || write(pipefd[1], "x", 1) != 1)
			_exit(1);
		pause();	/* holds the device until killed */
		_exit(0);
	}
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	close(pipefd[0]);

	ASSERT_EQ(0, kmod_load("level=events"));
	id = kmod_wait_dev_id("ia-origin-early", FIND_MS);
	ASSERT_NE(0U, id);
	EXPECT_STREQ("uinput", dev_file(id, "origin", buf, sizeof(buf)));
	snprintf(want, sizeof(want), "pid=%d uid=0 comm=", self->child);
	EXPECT_EQ(0, strncmp(dev_file(id, "creator", buf, sizeof(buf)), want,
			     strlen(want))) {
		TH_LOG("creator: %s", buf);
	}
	self->c.daemon = daemon_start(self->c.out, NULL);
	ASSERT_LT(0, self->c.daemon);
	ASSERT_EQ(0, daemon_stop(self->c.daemon));
	self->c.daemon = 0;
	kill(self->child, SIGKILL);
	ASSERT_EQ(self->child, waitpid(self->child, &status, 0));
	ASSERT_EQ(0, capture_reload(&self->c));
	line = added(&self->c.j, id);
	ASSERT_NE(NULL, line);
	EXPECT_NE(NULL, strstr(line, "\"present\":true"));
	EXPECT_NE(NULL, strstr(line, "\"virtual\":\"uinput\""));
	EXPECT_TRUE(json_u64(line, "pid", &v));
	EXPECT_EQ((uint64_t)self->child, v);
	self->child = 0;
}

/* Hardware: sysfs says hardware, no creator; the record has neither. */
static void expect_hardware(struct __test_metadata *_metadata,
			    struct capture *c, unsigned int id)
{
	char buf[128];
	const char *line;

	EXPECT_STREQ("hardware", dev_file(id, "origin", buf, sizeof(buf)));
	EXPECT_STREQ("none", dev_file(id, "creator", buf, sizeof(buf)));
	ASSERT_EQ(0, daemon_stop(c->daemon));
	c->daemon = 0;
	ASSERT_EQ(0, capture_reload(c));
	line = added(&c->j, id);
	ASSERT_NE(NULL, line);
	EXPECT_EQ(NULL, strstr(line, "\"creator\""));
	EXPECT_EQ(NULL, strstr(line, "\"virtual\""));
	EXPECT_EQ(NULL, strstr(line, "creator_unknown"));
}

/*
 * QEMU's USB keyboard, bound when this process loads usbhid (the probe
 * runs in modprobe's context), is hardware: no creator.
 */
TEST_F_TIMEOUT(origin, usb_keyboard_bound_by_modprobe_is_hardware, TEST_TIMEOUT)
{
	static const char *const xhci[] = { "xhci-pci", "hid-generic", NULL };
	static const char *const usbhid[] = { "usbhid", NULL };
	unsigned int id;
	int err;

	err = vm_modprobe(xhci);
	if (err == -ENOENT)
		SKIP(return, "xhci-pci or hid-generic not in this kernel's guest modules");
	ASSERT_EQ(0, err);
	rmmod("usbhid");	/* bound again below, in modprobe's context */
	if (access("/sys/bus/usb/devices/1-1", F_OK) &&
	    access("/sys/bus/usb/devices/2-1", F_OK)) {
		for (int waited = 0; waited < USB_ENUM_MS &&
		     access("/sys/bus/usb/devices/1-1", F_OK) &&
		     access("/sys/bus/usb/devices/2-1", F_OK); waited += 50)
			sleep_ms(50);
	}
	if (access("/sys/bus/usb/devices/1-1", F_OK) &&
	    access("/sys/bus/usb/devices/2-1", F_OK))
		SKIP(return, "no USB device on the xHCI controller (VM_USB=0?)");

	ASSERT_EQ(0, kmod_load("level=events"));
	self->c.daemon = daemon_start(self->c.out, NULL);
	ASSERT_LT(0, self->c.daemon);
	err = vm_modprobe(usbhid);
	if (err == -ENOENT)
		SKIP(return, "usbhid not in this kernel's guest modules");
	ASSERT_EQ(0, err);
	id = kmod_wait_dev_id(USB_KBD_NAME, FIND_MS);
	ASSERT_NE(0U, id);
	expect_hardware(_metadata, &self->c, id);
}

/*
 * The AT keyboard, connected again by this process's write of "rescan" to
 * its serio port (the probe runs in this process), is hardware: no
 * creator.
 */
TEST_F_TIMEOUT(origin, serio_rescan_keyboard_is_hardware, TEST_TIMEOUT)
{
	unsigned int before, id;

	if (access("/sys/bus/serio/devices/serio0/drvctl", W_OK))
		SKIP(return, "no serio0 port");
	ASSERT_EQ(0, kmod_load("level=events"));
	before = kmod_wait_dev_id(AT_KBD_NAME, 2000);
	if (!before)
		SKIP(return, "no AT keyboard on serio0");
	self->c.daemon = daemon_start(self->c.out, NULL);
	ASSERT_LT(0, self->c.daemon);
	ASSERT_EQ(0, write_file("/sys/bus/serio/devices/serio0/drvctl", "rescan"));
	for (int waited = 0; waited < FIND_MS; waited += 20) {
		id = kmod_dev_id(AT_KBD_NAME);
		if (id && id != before)
			break;
		sleep_ms(20);
	}
	ASSERT_NE(0U, id);
	ASSERT_NE(before, id);
	expect_hardware(_metadata, &self->c, id);
}

TEST_HARNESS_MAIN
