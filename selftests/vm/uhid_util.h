/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Real HID devices through /dev/uhid, the guest's extra kernel modules and
 * input device lookup, for the VM tests.  A uhid device goes through the
 * whole HID stack (hid core, hid-generic, hid-input) like a USB one, so it
 * has what a uinput device lacks: a HID parent and open/close callbacks the
 * test can watch (UHID_OPEN when the input device gets its first user,
 * UHID_CLOSE when it loses its last).
 */
#ifndef _UHID_UTIL_H
#define _UHID_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Loads kernel modules and their dependencies with the guest's modprobe
 * (busybox, /lib/modules/RELEASE/modules.dep: scripts/guest-modules.sh);
 * modules already loaded are fine.  mods is a NULL-terminated list of names
 * ("xhci-pci" or "xhci_pci").  Returns 0, -ENOENT when one of them is
 * neither loaded nor in modules.dep (a test skips then), or -EIO when
 * modprobe failed.
 */
int vm_modprobe(const char *const mods[]);
/* modprobe uhid and hid-generic: what uhid_dev_create() needs. */
int uhid_load_modules(void);

/* The phys of every device uhid_dev_create() makes. */
#define UHID_PHYS	"uhid-vm"

enum uhid_kind {
	UHID_KEYBOARD,	/* boot keyboard: modifiers, 6 keys, 5 LEDs */
	UHID_MOUSE,	/* boot mouse: 3 buttons, relative X/Y */
};

struct uhid_dev {
	int fd;			/* /dev/uhid, non-blocking */
	int uevent_fd;		/* uevents until the bind: uhid_dev_wait_started() */
	enum uhid_kind kind;
	char name[128];
	bool started;		/* UHID_START: a HID driver's probe started the device */
	bool bound;		/* the "bind" uevent: that probe has returned */
	bool opened;		/* UHID_OPEN seen and no UHID_CLOSE since */
	unsigned int opens;	/* UHID_OPEN events seen */
	unsigned int closes;	/* UHID_CLOSE events seen */
	unsigned int outputs;	/* UHID_OUTPUT reports seen (keyboard LEDs) */
	uint8_t leds;		/* keyboard: the last LED report (bit 0 NumLock) */
};

/*
 * Creates a device with UHID_CREATE2: name, bus (BUS_USB, BUS_BLUETOOTH...),
 * vendor and product as given, phys "uhid-vm", and a standard boot keyboard
 * or boot mouse report descriptor.  The HID device is added asynchronously:
 * wait with uhid_dev_wait_started() and input_find_by_name().  Returns 0 or
 * -errno (-ENOENT: no /dev/uhid, load the modules first).
 */
int uhid_dev_create(struct uhid_dev *d, enum uhid_kind kind, const char *name,
		    uint16_t bus, uint32_t vendor, uint32_t product);
/* UHID_DESTROY and close; the input device goes away. */
void uhid_dev_destroy(struct uhid_dev *d);

/*
 * Reads one event from the kernel, waiting up to timeout_ms for it (0: only
 * if one is pending), and handles it: updates the state above and answers
 * UHID_GET_REPORT and UHID_SET_REPORT (with -EIO and 0: hid-generic sends
 * none, but the kernel waits 5 s for an answer).  Returns the event type
 * (UHID_START, UHID_OPEN, UHID_CLOSE, ...), 0 when none came in time, or
 * -errno.
 */
int uhid_dev_read_event(struct uhid_dev *d, int timeout_ms);
/* Handles every pending event without waiting; returns how many or -errno. */
int uhid_dev_poll(struct uhid_dev *d);
/*
 * Waits until a HID driver has bound the device: UHID_START and then the
 * HID device's "bind" uevent, which comes after the driver's probe returns.
 * Reports sent before that are lost: hid-core drops input reports while the
 * probe runs (__hid_input_report(): -EBUSY on driver_input_lock), and
 * UHID_START, the input device's registration and the VT keyboard handler's
 * open all happen inside the probe.  Answers the device's requests while it
 * waits.  0, -ETIMEDOUT, or -ENOTCONN when there was no uevent socket.
 */
int uhid_dev_wait_started(struct uhid_dev *d, int timeout_ms);
/* Reads events until d->opened == open; 0 or -ETIMEDOUT. */
int uhid_dev_wait_open(struct uhid_dev *d, bool open, int timeout_ms);

/* Sends an input report (UHID_INPUT2); returns 0 or -errno. */
int uhid_send_report(struct uhid_dev *d, const void *report, size_t size);
/*
 * Keyboard: one boot report, modifiers (bit 0 left Ctrl ... bit 7 right GUI)
 * and up to 6 HID keyboard usages (0x04 'a' ... 0x1d 'z', 0x28 Enter);
 * keys may be NULL for none.
 */
int uhid_key_report(struct uhid_dev *d, uint8_t modifiers, const uint8_t keys[6]);
/* Keyboard: presses and releases one key (a HID usage), two reports. */
int uhid_tap_key(struct uhid_dev *d, uint8_t usage);
/* Mouse: buttons (bit 0 left, 1 right, 2 middle) and a relative motion. */
int uhid_mouse_report(struct uhid_dev *d, uint8_t buttons, int8_t dx, int8_t dy);

/*
 * Waits up to timeout_ms for an input device called name (its "name" in
 * sysfs, as in /proc/bus/input/devices) that evdev has connected to.  Fills
 * sysname ("input7", may be NULL) and event ("/dev/input/event3", may be
 * NULL).  Returns 0, -ETIMEDOUT, or -ENOSPC when a buffer is too small.
 */
int input_find_by_name(const char *name, char *sysname, size_t sysname_size,
		       char *event, size_t event_size, int timeout_ms);

#endif
