/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Whole writes on a file descriptor. */
#ifndef INPUTAUDITD_FDIO_H
#define INPUTAUDITD_FDIO_H

#include <stddef.h>

/* Write all len bytes, retrying after EINTR.  Return: 0 or -errno. */
int write_all(int fd, const void *buf, size_t len);

/*
 * write_all(), and how many bytes were written before an error in *done
 * (a full disk takes part of a write: the caller can cut it back).
 * Return: 0 or -errno.
 */
int write_all_count(int fd, const void *buf, size_t len, size_t *done);

#endif /* INPUTAUDITD_FDIO_H */
