/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal QMP client for the deployed-system test's host program: typing
 * on a QEMU keyboard device (input-send-event), as a person at the machine
 * would.
 */
#ifndef _QMP_H
#define _QMP_H

/* Connects to QEMU's QMP socket @path (retrying up to @ms) and leaves capability negotiation. */
int qmp_connect(const char *path, int ms);
/*
 * Presses and releases @n keys ('a', 'b', ...) on the keyboard bound to the
 * console of the display device with QEMU id @device, @gap_ms apart.  Return: 0, or -errno / -EPROTO.
 */
int qmp_type(int fd, const char *device, int n, int gap_ms);

#endif
