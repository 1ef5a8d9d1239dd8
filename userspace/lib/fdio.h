/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Whole writes on a file descriptor. */
#ifndef INPUTAUDITD_FDIO_H
#define INPUTAUDITD_FDIO_H

#include <stddef.h>

/* Write all len bytes, retrying after EINTR.  Return: 0 or -errno. */
int write_all(int fd, const void *buf, size_t len);

#endif /* INPUTAUDITD_FDIO_H */
