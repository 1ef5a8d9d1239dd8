/* SPDX-License-Identifier: GPL-2.0-only */
/* Synthetic input devices through /dev/uinput, for the VM tests. */
#ifndef _UINPUT_UTIL_H
#define _UINPUT_UTIL_H

#include <stddef.h>

enum uinput_kind {
	UINPUT_KEYBOARD,	/* letters, digits, space, enter, shift */
	UINPUT_MOUSE,		/* REL_X/Y/WHEEL, left/right/middle */
	UINPUT_TOUCH,		/* multitouch, 10 slots */
};

/* Creates a device; returns its uinput fd or -errno. */
int uinput_create(enum uinput_kind kind, const char *name);
/* Sends one event (no SYN_REPORT); returns 0 or -errno. */
int uinput_emit(int fd, unsigned short type, unsigned short code, int value);
/* Ends a frame with SYN_REPORT. */
int uinput_sync(int fd);
/* Presses and releases a key, each in its own frame. */
int uinput_tap_key(int fd, unsigned short code);
/* Types an ASCII string of [a-z0-9 ] and '\n'; returns keys pressed. */
int uinput_type(int fd, const char *text);
/* The device's /dev/input/eventN path; returns 0 or -errno. */
int uinput_event_node(int fd, char *path, size_t size);
/* Destroys the device and closes fd. */
void uinput_destroy(int fd);

#endif
