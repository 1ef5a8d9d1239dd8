/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Replacing a small file atomically: a reader (inputauditctl, node
 * exporter) sees the old file or the new one, never a part of either.
 */
#ifndef INPUTAUDITD_ATOMIC_FILE_H
#define INPUTAUDITD_ATOMIC_FILE_H

#include <stddef.h>
#include <sys/types.h>

/**
 * atomic_file_write() - replace @dirfd/@name with @len bytes of @buf
 * @dirfd: the directory, held open (after the privilege drop nothing is
 *	opened by an absolute path)
 * @name: the file's name in it
 * @tmp: the temporary file's name in it, one a reader ignores
 * @buf: the new content
 * @len: its length
 * @mode: the new file's mode, set with fchmod() (the umask does not narrow it)
 *
 * Writes @tmp (after unlinking a stale one; created O_EXCL, O_NOFOLLOW),
 * fsyncs it and renames it over @name.  Syscalls: unlinkat, openat,
 * fchmod, write, fsync, close, renameat (renameat2 on some libcs).
 *
 * Return: 0 or a negative errno (@name is then left as it was, @tmp removed).
 */
int atomic_file_write(int dirfd, const char *name, const char *tmp,
		      const void *buf, size_t len, mode_t mode);

#endif /* INPUTAUDITD_ATOMIC_FILE_H */
