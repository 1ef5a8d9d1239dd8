/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Certificates and private keys a sink needs after the privilege drop, read
 * while still root into a sealed memfd: a library that opens files by path
 * (librelp) is given "/proc/self/fd/N" (Landlock does not restrict files
 * on the kernel's internal shmem mount, memfds among them).  A private key must be a regular file,
 * not a symbolic link, owned by root and without any group or other
 * permission: the checks (and messages) of the chain key (chain.c).
 */
#ifndef INPUTAUDIT_KEYFILE_H
#define INPUTAUDIT_KEYFILE_H

#include <stddef.h>

#define KEYFILE_SECRET			0x1	/* a private key: root's, 0600 or 0400 */
#define KEYFILE_SECRET_ANY_OWNER	0x3	/* tests: the mode check, any owner */
#define KEYFILE_MAX			(256 * 1024)

/*
 * Copy @path into a new sealed memfd (close-on-exec) in *@fd.
 * Return: 0; -EPERM for a file that fails the checks, -EFBIG, or another
 * negative errno; @err says which ("PATH: reason").
 */
int keyfile_to_memfd(const char *path, unsigned int flags, int *fd, char *err, size_t errlen);

#endif /* INPUTAUDIT_KEYFILE_H */
