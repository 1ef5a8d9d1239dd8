// SPDX-License-Identifier: GPL-2.0-only
/* Synthetic input devices through /dev/uinput, for the VM tests. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <linux/uinput.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "uinput_util.h"

static const unsigned short letter_keys[26] = {
	KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F, KEY_G, KEY_H, KEY_I,
	KEY_J, KEY_K, KEY_L, KEY_M, KEY_N, KEY_O, KEY_P, KEY_Q, KEY_R,
	KEY_S, KEY_T, KEY_U, KEY_V, KEY_W, KEY_X, KEY_Y, KEY_Z,
};

static const unsigned short digit_keys[10] = {
	KEY_0, KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8, KEY_9,
};

static int set_bits(int fd, unsigned long req, const unsigned short *codes,
		    size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ioctl(fd, req, codes[i]) < 0)
			return -errno;
	return 0;
}

static int setup_keyboard(int fd)
{
	static const unsigned short extra[] = {
		KEY_SPACE, KEY_ENTER, KEY_LEFTSHIFT, KEY_F1, KEY_LEFT,
		KEY_BACKSPACE,
	};
	int err;

	if (ioctl(fd, UI_SET_EVBIT, EV_KEY) < 0 ||
	    ioctl(fd, UI_SET_EVBIT, EV_MSC) < 0 ||
	    ioctl(fd, UI_SET_MSCBIT, MSC_SCAN) < 0)
		return -errno;
	err = set_bits(fd, UI_SET_KEYBIT, letter_keys, 26);
	if (!err)
		err = set_bits(fd, UI_SET_KEYBIT, digit_keys, 10);
	if (!err)
		err = set_bits(fd, UI_SET_KEYBIT, extra,
			       sizeof(extra) / sizeof(extra[0]));
	return err;
}

static int setup_mouse(int fd)
{
	static const unsigned short rel[] = { REL_X, REL_Y, REL_WHEEL };
	static const unsigned short btn[] = { BTN_LEFT, BTN_RIGHT, BTN_MIDDLE };

	if (ioctl(fd, UI_SET_EVBIT, EV_REL) < 0 ||
	    ioctl(fd, UI_SET_EVBIT, EV_KEY) < 0)
		return -errno;
	return set_bits(fd, UI_SET_RELBIT, rel, 3) ?:
	       set_bits(fd, UI_SET_KEYBIT, btn, 3);
}

static int setup_abs(int fd, unsigned short code, int max)
{
	struct uinput_abs_setup abs = {
		.code = code,
		.absinfo = { .minimum = 0, .maximum = max },
	};

	if (ioctl(fd, UI_SET_ABSBIT, code) < 0 ||
	    ioctl(fd, UI_ABS_SETUP, &abs) < 0)
		return -errno;
	return 0;
}

static int setup_touch(int fd)
{
	if (ioctl(fd, UI_SET_EVBIT, EV_ABS) < 0 ||
	    ioctl(fd, UI_SET_EVBIT, EV_KEY) < 0 ||
	    ioctl(fd, UI_SET_KEYBIT, BTN_TOUCH) < 0 ||
	    ioctl(fd, UI_SET_PROPBIT, INPUT_PROP_DIRECT) < 0)
		return -errno;
	return setup_abs(fd, ABS_X, 4095) ?: setup_abs(fd, ABS_Y, 4095) ?:
	       setup_abs(fd, ABS_MT_SLOT, 9) ?:
	       setup_abs(fd, ABS_MT_TRACKING_ID, 65535) ?:
	       setup_abs(fd, ABS_MT_POSITION_X, 4095) ?:
	       setup_abs(fd, ABS_MT_POSITION_Y, 4095);
}

int uinput_create(enum uinput_kind kind, const char *name)
{
	struct uinput_setup setup = {
		.id = { .bustype = BUS_USB, .vendor = 0x1d6b,
			.product = 0x0104 + kind, .version = 1 },
	};
	int fd, err;

	fd = open("/dev/uinput", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	switch (kind) {
	case UINPUT_KEYBOARD:
		err = setup_keyboard(fd);
		break;
	case UINPUT_MOUSE:
		err = setup_mouse(fd);
		break;
	default:
		err = setup_touch(fd);
		break;
	}
	strncpy(setup.name, name, UINPUT_MAX_NAME_SIZE - 1);
	if (!err && (ioctl(fd, UI_DEV_SETUP, &setup) < 0 ||
		     ioctl(fd, UI_DEV_CREATE) < 0))
		err = -errno;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int uinput_emit(int fd, unsigned short type, unsigned short code, int value)
{
	struct input_event ev = { .type = type, .code = code, .value = value };

	if (write(fd, &ev, sizeof(ev)) != sizeof(ev))
		return -errno;
	return 0;
}

int uinput_sync(int fd)
{
	return uinput_emit(fd, EV_SYN, SYN_REPORT, 0);
}

int uinput_tap_key(int fd, unsigned short code)
{
	/* Like a USB keyboard: the scancode travels with the key. */
	return uinput_emit(fd, EV_MSC, MSC_SCAN, 0x70000 + code) ?:
	       uinput_emit(fd, EV_KEY, code, 1) ?: uinput_sync(fd) ?:
	       uinput_emit(fd, EV_MSC, MSC_SCAN, 0x70000 + code) ?:
	       uinput_emit(fd, EV_KEY, code, 0) ?: uinput_sync(fd);
}

int uinput_type(int fd, const char *text)
{
	int n = 0, err;

	for (const char *c = text; *c; c++, n++) {
		unsigned short code;

		if (*c >= 'a' && *c <= 'z')
			code = letter_keys[*c - 'a'];
		else if (*c >= '0' && *c <= '9')
			code = digit_keys[*c - '0'];
		else if (*c == ' ')
			code = KEY_SPACE;
		else if (*c == '\n')
			code = KEY_ENTER;
		else
			return -EINVAL;
		err = uinput_tap_key(fd, code);
		if (err)
			return err;
	}
	return n;
}

int uinput_event_node(int fd, char *path, size_t size)
{
	char sysname[64], dir[128];
	struct dirent *d;
	DIR *dp;
	int err = -ENOENT;

	if (ioctl(fd, UI_GET_SYSNAME(sizeof(sysname)), sysname) < 0)
		return -errno;
	snprintf(dir, sizeof(dir), "/sys/class/input/%s", sysname);
	dp = opendir(dir);
	if (!dp)
		return -errno;
	while ((d = readdir(dp))) {
		if (!strncmp(d->d_name, "event", 5)) {
			snprintf(path, size, "/dev/input/%s", d->d_name);
			err = 0;
			break;
		}
	}
	closedir(dp);
	return err;
}

void uinput_destroy(int fd)
{
	ioctl(fd, UI_DEV_DESTROY);
	close(fd);
}
