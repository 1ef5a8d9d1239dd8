/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Certificates and private keys a sink needs after the privilege drop, read
 * while still root into a sealed memfd: a library that opens files by path
 * (librelp) is given "/proc/self/fd/N" (Landlock does not restrict files
 * on the kernel's internal shmem mount, memfds among them).  A private key
 * is read with secret_file_read() (secret_file.h: the chain key's checks);
 * a certificate is any regular file.
 */
#ifndef INPUTAUDIT_KEYFILE_H
#define INPUTAUDIT_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>

#define KEYFILE_MAX			(256 * 1024)

/*
 * Copy @path into a new sealed memfd (close-on-exec) in *@fd.
 * Return: 0; -EPERM for a file that fails the checks, -EFBIG, or another
 * negative errno; @err says which ("PATH: reason").
 */
int keyfile_to_memfd(const char *path, bool secret, int *fd, char *err, size_t errlen);

#endif /* INPUTAUDIT_KEYFILE_H */
