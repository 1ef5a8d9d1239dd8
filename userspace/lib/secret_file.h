/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Secrets on disk (a TLS private key; the chain key's checks are the same,
 * chain.c): a regular file, not a symbolic link, owned by root (or, in a
 * process not running as root, by its own user: a --replay), with no
 * access for group or others (0600 or 0400).  Read whole through one
 * descriptor, so the checks hold for the bytes read (no check-then-open
 * race), while the daemon is still root.
 */
#ifndef INPUTAUDIT_SECRET_FILE_H
#define INPUTAUDIT_SECRET_FILE_H

#include <stddef.h>

/**
 * secret_file_read() - read a root-only file whole
 * @path: the file
 * @what: what it is, for messages ("TLS key")
 * @max: the most bytes it may hold
 * @data: set to a malloc()ed copy, NUL terminated (free with secret_free())
 * @len: set to its length
 * @err: "PATH: reason" on failure
 * @errlen: size of @err
 *
 * Return: 0; -EPERM (a link, not a regular file, not root's, group or
 * others may access it); -EFBIG (over @max); -ENOMEM; or open's or read's
 * -errno.
 */
int secret_file_read(const char *path, const char *what, size_t max, char **data,
		     size_t *len, char *err, size_t errlen);

/* Wipe and free what secret_file_read() returned. */
void secret_free(char *data, size_t len);

#endif /* INPUTAUDIT_SECRET_FILE_H */
