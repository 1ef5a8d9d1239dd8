// SPDX-License-Identifier: GPL-2.0-only
/* Real HID devices through /dev/uhid, modprobe, input device lookup. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/uhid.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "uhid_util.h"

extern char **environ;

/* HID 1.11, appendix B.1: the boot keyboard (8-byte input report, 1-byte LED output report). */
static const uint8_t boot_keyboard_rdesc[] = {
	0x05, 0x01,		/* Usage Page (Generic Desktop) */
	0x09, 0x06,		/* Usage (Keyboard) */
	0xa1, 0x01,		/* Collection (Application) */
	0x05, 0x07,		/*   Usage Page (Keyboard/Keypad) */
	0x19, 0xe0,		/*   Usage Minimum (Left Control) */
	0x29, 0xe7,		/*   Usage Maximum (Right GUI) */
	0x15, 0x00,		/*   Logical Minimum (0) */
	0x25, 0x01,		/*   Logical Maximum (1) */
	0x75, 0x01,		/*   Report Size (1) */
	0x95, 0x08,		/*   Report Count (8) */
	0x81, 0x02,		/*   Input (Data, Variable, Absolute): modifiers */
	0x95, 0x01,		/*   Report Count (1) */
	0x75, 0x08,		/*   Report Size (8) */
	0x81, 0x01,		/*   Input (Constant): reserved byte */
	0x95, 0x05,		/*   Report Count (5) */
	0x75, 0x01,		/*   Report Size (1) */
	0x05, 0x08,		/*   Usage Page (LEDs) */
	0x19, 0x01,		/*   Usage Minimum (Num Lock) */
	0x29, 0x05,		/*   Usage Maximum (Kana) */
	0x91, 0x02,		/*   Output (Data, Variable, Absolute): LEDs */
	0x95, 0x01,		/*   Report Count (1) */
	0x75, 0x03,		/*   Report Size (3) */
	0x91, 0x01,		/*   Output (Constant): padding */
	0x95, 0x06,		/*   Report Count (6) */
	0x75, 0x08,		/*   Report Size (8) */
	0x15, 0x00,		/*   Logical Minimum (0) */
	0x25, 0x65,		/*   Logical Maximum (101) */
	0x05, 0x07,		/*   Usage Page (Keyboard/Keypad) */
	0x19, 0x00,		/*   Usage Minimum (0) */
	0x29, 0x65,		/*   Usage Maximum (101) */
	0x81, 0x00,		/*   Input (Data, Array): 6 keys */
	0xc0,			/* End Collection */
};

/* HID 1.11, appendix B.2: the boot mouse (3-byte input report). */
static const uint8_t boot_mouse_rdesc[] = {
	0x05, 0x01,		/* Usage Page (Generic Desktop) */
	0x09, 0x02,		/* Usage (Mouse) */
	0xa1, 0x01,		/* Collection (Application) */
	0x09, 0x01,		/*   Usage (Pointer) */
	0xa1, 0x00,		/*   Collection (Physical) */
	0x05, 0x09,		/*     Usage Page (Button) */
	0x19, 0x01,		/*     Usage Minimum (1) */
	0x29, 0x03,		/*     Usage Maximum (3) */
	0x15, 0x00,		/*     Logical Minimum (0) */
	0x25, 0x01,		/*     Logical Maximum (1) */
	0x95, 0x03,		/*     Report Count (3) */
	0x75, 0x01,		/*     Report Size (1) */
	0x81, 0x02,		/*     Input (Data, Variable, Absolute): buttons */
	0x95, 0x01,		/*     Report Count (1) */
	0x75, 0x05,		/*     Report Size (5) */
	0x81, 0x01,		/*     Input (Constant): padding */
	0x05, 0x01,		/*     Usage Page (Generic Desktop) */
	0x09, 0x30,		/*     Usage (X) */
	0x09, 0x31,		/*     Usage (Y) */
	0x15, 0x81,		/*     Logical Minimum (-127) */
	0x25, 0x7f,		/*     Logical Maximum (127) */
	0x75, 0x08,		/*     Report Size (8) */
	0x95, 0x02,		/*     Report Count (2) */
	0x81, 0x06,		/*     Input (Data, Variable, Relative): X, Y */
	0xc0,			/*   End Collection */
	0xc0,			/* End Collection */
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void nap_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* "hid-generic" and "hid_generic" are the same module. */
static void module_norm(const char *in, char *out, size_t size)
{
	size_t i;

	for (i = 0; in[i] && i + 1 < size; i++)
		out[i] = in[i] == '-' ? '_' : in[i];
	out[i] = '\0';
}

/* Whether modules.dep (in dep, NUL-terminated) has a line for the module. */
static bool modules_dep_has(const char *dep, const char *norm)
{
	for (const char *line = dep; *line; ) {
		const char *colon = strchr(line, ':'), *eol = strchrnul(line, '\n');
		const char *base, *dot;
		char name[64];

		if (colon && colon < eol) {
			base = memrchr(line, '/', colon - line);
			base = base ? base + 1 : line;
			dot = memchr(base, '.', colon - base);
			if (!dot)
				dot = colon;
			if ((size_t)(dot - base) < sizeof(name)) {
				char raw[64];

				memcpy(raw, base, dot - base);
				raw[dot - base] = '\0';
				module_norm(raw, name, sizeof(name));
				if (!strcmp(name, norm))
					return true;
			}
		}
		line = *eol ? eol + 1 : eol;
	}
	return false;
}

static char *read_all(const char *path)
{
	size_t len = 0, cap = 0;
	char *buf = NULL;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	do {
		if (cap - len < 4096) {
			char *nbuf = realloc(buf, cap + 65536);

			if (!nbuf) {
				free(buf);
				close(fd);
				return NULL;
			}
			buf = nbuf;
			cap += 65536;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n > 0)
			len += n;
	} while (n > 0 || (n < 0 && errno == EINTR));
	close(fd);
	buf[len] = '\0';
	return buf;
}

int vm_modprobe(const char *const mods[])
{
	const char *argv[32] = { "modprobe", "-a" };
	char path[PATH_MAX], norm[64], *dep;
	struct utsname u;
	struct stat st;
	int argc = 2, status, err;
	pid_t pid;

	if (uname(&u) < 0)
		return -errno;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", u.release);
	dep = read_all(path);
	for (int i = 0; mods[i]; i++) {
		if (argc + 1 >= (int)(sizeof(argv) / sizeof(argv[0]))) {
			free(dep);
			return -E2BIG;
		}
		module_norm(mods[i], norm, sizeof(norm));
		snprintf(path, sizeof(path), "/sys/module/%s", norm);
		if (stat(path, &st) == 0)
			continue;	/* loaded, or built in */
		if (!dep || !modules_dep_has(dep, norm)) {
			free(dep);
			return -ENOENT;
		}
		argv[argc++] = mods[i];
	}
	free(dep);
	if (argc == 2)
		return 0;
	argv[argc] = NULL;
	err = posix_spawnp(&pid, "modprobe", NULL, NULL, (char *const *)argv, environ);
	if (err)
		return -err;
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

int uhid_load_modules(void)
{
	static const char *const mods[] = { "uhid", "hid-generic", NULL };

	return vm_modprobe(mods);
}

static int uhid_write(struct uhid_dev *d, const struct uhid_event *ev)
{
	ssize_t n = write(d->fd, ev, sizeof(*ev));

	if (n < 0)
		return -errno;
	return n == sizeof(*ev) ? 0 : -EIO;
}

/*
 * A socket for the kernel's uevents, opened before UHID_CREATE2 so that the
 * HID device's "bind" cannot be missed; -1 when there is none (the wait for
 * the bind then fails).
 */
static int uevent_socket(void)
{
	struct sockaddr_nl addr = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1,		/* the kernel's uevents */
	};
	int fd, size = 1 << 20;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -1;
	/* Root in the guest; a full queue would lose the bind (ENOBUFS). */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		close(fd);
		return -1;
	}
	return fd;
}

int uhid_dev_create(struct uhid_dev *d, enum uhid_kind kind, const char *name,
		    uint16_t bus, uint32_t vendor, uint32_t product)
{
	const uint8_t *rdesc = kind == UHID_KEYBOARD ? boot_keyboard_rdesc : boot_mouse_rdesc;
	size_t rsize = kind == UHID_KEYBOARD ? sizeof(boot_keyboard_rdesc) : sizeof(boot_mouse_rdesc);
	struct uhid_event ev;
	int err;

	memset(d, 0, sizeof(*d));
	d->kind = kind;
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->uevent_fd = uevent_socket();
	d->fd = open("/dev/uhid", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (d->fd < 0) {
		err = -errno;
		goto fail;
	}

	memset(&ev, 0, sizeof(ev));
	ev.type = UHID_CREATE2;
	snprintf((char *)ev.u.create2.name, sizeof(ev.u.create2.name), "%s", name);
	snprintf((char *)ev.u.create2.phys, sizeof(ev.u.create2.phys), UHID_PHYS);
	ev.u.create2.rd_size = rsize;
	ev.u.create2.bus = bus;
	ev.u.create2.vendor = vendor;
	ev.u.create2.product = product;
	ev.u.create2.version = 1;
	memcpy(ev.u.create2.rd_data, rdesc, rsize);
	err = uhid_write(d, &ev);
	if (!err)
		return 0;
	close(d->fd);
	d->fd = -1;
fail:
	if (d->uevent_fd >= 0)
		close(d->uevent_fd);
	d->uevent_fd = -1;
	return err;
}

void uhid_dev_destroy(struct uhid_dev *d)
{
	struct uhid_event ev = { .type = UHID_DESTROY };

	/* A fixture that never called uhid_dev_create() set only fd = -1. */
	if (d->fd < 0)
		return;
	if (d->uevent_fd >= 0)
		close(d->uevent_fd);
	d->uevent_fd = -1;
	uhid_write(d, &ev);
	close(d->fd);
	d->fd = -1;
}

int uhid_dev_read_event(struct uhid_dev *d, int timeout_ms)
{
	struct pollfd pfd = { .fd = d->fd, .events = POLLIN };
	struct uhid_event ev, answer;
	ssize_t n;
	int r;

	r = poll(&pfd, 1, timeout_ms);
	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	if (r == 0)
		return 0;
	n = read(d->fd, &ev, sizeof(ev));
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	if (n < (ssize_t)sizeof(ev.type))
		return -EIO;

	switch (ev.type) {
	case UHID_START:
		d->started = true;
		break;
	case UHID_STOP:
		d->started = false;
		break;
	case UHID_OPEN:
		d->opened = true;
		d->opens++;
		break;
	case UHID_CLOSE:
		d->opened = false;
		d->closes++;
		break;
	case UHID_OUTPUT:
		d->outputs++;
		/* The LED report is the only output report; no report ID. */
		if (ev.u.output.size >= 1)
			d->leds = ev.u.output.data[0];
		break;
	case UHID_GET_REPORT:
		memset(&answer, 0, sizeof(answer));
		answer.type = UHID_GET_REPORT_REPLY;
		answer.u.get_report_reply.id = ev.u.get_report.id;
		answer.u.get_report_reply.err = EIO;
		r = uhid_write(d, &answer);
		if (r)
			return r;
		break;
	case UHID_SET_REPORT:
		memset(&answer, 0, sizeof(answer));
		answer.type = UHID_SET_REPORT_REPLY;
		answer.u.set_report_reply.id = ev.u.set_report.id;
		answer.u.set_report_reply.err = 0;
		r = uhid_write(d, &answer);
		if (r)
			return r;
		break;
	default:
		break;
	}
	return ev.type;
}

int uhid_dev_poll(struct uhid_dev *d)
{
	int n = 0, r;

	while ((r = uhid_dev_read_event(d, 0)) > 0)
		n++;
	return r < 0 ? r : n;
}

/*
 * Reads the pending uevents and sets d->bound when one is the "bind" of
 * this device's HID device: SUBSYSTEM=hid with the name and phys it was
 * created with.  0 or -errno.
 */
static int uhid_read_uevents(struct uhid_dev *d)
{
	char buf[8192], want_name[160], want_phys[64];

	snprintf(want_name, sizeof(want_name), "HID_NAME=%s", d->name);
	snprintf(want_phys, sizeof(want_phys), "HID_PHYS=%s", UHID_PHYS);
	for (;;) {
		bool bind = false, hid = false, name = false, phys = false;
		ssize_t n = recv(d->uevent_fd, buf, sizeof(buf) - 1, 0);
		size_t off;

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			return -errno;	/* ENOBUFS: the bind may be lost */
		}
		buf[n] = '\0';
		/* "ACTION@DEVPATH", then KEY=VALUE strings, each NUL-terminated. */
		for (off = 0; off < (size_t)n; off += strlen(buf + off) + 1) {
			const char *kv = buf + off;

			bind |= !strcmp(kv, "ACTION=bind");
			hid |= !strcmp(kv, "SUBSYSTEM=hid");
			name |= !strcmp(kv, want_name);
			phys |= !strcmp(kv, want_phys);
		}
		if (bind && hid && name && phys)
			d->bound = true;
	}
}

int uhid_dev_wait_started(struct uhid_dev *d, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;

	if (d->uevent_fd < 0)
		return -ENOTCONN;
	while (!d->started || !d->bound) {
		struct pollfd pfd[2] = {
			{ .fd = d->fd, .events = POLLIN },
			{ .fd = d->uevent_fd, .events = POLLIN },
		};
		long long left = end - now_ms();
		int r;

		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(pfd, 2, left) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		/* Answer the device's requests while the driver probes it. */
		r = pfd[0].revents & POLLIN ? uhid_dev_poll(d) : 0;
		if (r >= 0 && (pfd[1].revents & POLLIN))
			r = uhid_read_uevents(d);
		if (r < 0)
			return r;
	}
	close(d->uevent_fd);
	d->uevent_fd = -1;
	return 0;
}

int uhid_dev_wait_open(struct uhid_dev *d, bool open, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;
	int r;

	/* Events already queued first: a close right after an open counts. */
	r = uhid_dev_poll(d);
	if (r < 0)
		return r;
	while (d->opened != open) {
		long long left = end - now_ms();

		if (left <= 0)
			return -ETIMEDOUT;
		r = uhid_dev_read_event(d, left);
		if (r < 0)
			return r;
	}
	return 0;
}

int uhid_send_report(struct uhid_dev *d, const void *report, size_t size)
{
	struct uhid_event ev;

	if (size > sizeof(ev.u.input2.data))
		return -E2BIG;
	memset(&ev, 0, sizeof(ev));
	ev.type = UHID_INPUT2;
	ev.u.input2.size = size;
	memcpy(ev.u.input2.data, report, size);
	return uhid_write(d, &ev);
}

int uhid_key_report(struct uhid_dev *d, uint8_t modifiers, const uint8_t keys[6])
{
	uint8_t report[8] = { modifiers };

	if (d->kind != UHID_KEYBOARD)
		return -EINVAL;
	if (keys)
		memcpy(report + 2, keys, 6);
	return uhid_send_report(d, report, sizeof(report));
}

int uhid_tap_key(struct uhid_dev *d, uint8_t usage)
{
	const uint8_t keys[6] = { usage };

	return uhid_key_report(d, 0, keys) ?: uhid_key_report(d, 0, NULL);
}

int uhid_mouse_report(struct uhid_dev *d, uint8_t buttons, int8_t dx, int8_t dy)
{
	uint8_t report[3] = { buttons, (uint8_t)dx, (uint8_t)dy };

	if (d->kind != UHID_MOUSE)
		return -EINVAL;
	return uhid_send_report(d, report, sizeof(report));
}

/* The eventN directory under /sys/class/input/<sysname>; 0 or -ENOENT. */
static int event_of(const char *sysname, char *event, size_t size)
{
	char dir[PATH_MAX];
	struct dirent *de;
	int err = -ENOENT;
	DIR *dp;

	snprintf(dir, sizeof(dir), "/sys/class/input/%s", sysname);
	dp = opendir(dir);
	if (!dp)
		return -ENOENT;
	while ((de = readdir(dp))) {
		if (strncmp(de->d_name, "event", 5))
			continue;
		err = snprintf(event, size, "/dev/input/%s", de->d_name) < (int)size ? 0 : -ENOSPC;
		break;
	}
	closedir(dp);
	return err;
}

static int find_once(const char *name, char *sysname, size_t sysname_size,
		     char *event, size_t event_size)
{
	char path[PATH_MAX], buf[256], ev[64];
	struct dirent *de;
	int err = -ENOENT;
	DIR *dp;

	dp = opendir("/sys/class/input");
	if (!dp)
		return -ENOENT;
	while ((de = readdir(dp))) {
		ssize_t n;
		int fd;

		if (strncmp(de->d_name, "input", 5))
			continue;
		snprintf(path, sizeof(path), "/sys/class/input/%s/name", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		if (strcmp(buf, name) || event_of(de->d_name, ev, sizeof(ev)))
			continue;
		err = 0;
		if (sysname && snprintf(sysname, sysname_size, "%s", de->d_name) >= (int)sysname_size)
			err = -ENOSPC;
		if (event && snprintf(event, event_size, "%s", ev) >= (int)event_size)
			err = -ENOSPC;
		break;
	}
	closedir(dp);
	return err;
}

int input_find_by_name(const char *name, char *sysname, size_t sysname_size,
		       char *event, size_t event_size, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;

	for (;;) {
		int err = find_once(name, sysname, sysname_size, event, event_size);

		if (err != -ENOENT)
			return err;
		if (now_ms() >= end)
			return -ETIMEDOUT;
		nap_ms(20);
	}
}
