// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Replacing a small file atomically; see atomic_file.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "fdio.h"

int atomic_file_write(int dirfd, const char *name, const char *tmp,
		      const void *buf, size_t len, mode_t mode)
{
	int fd, ret = 0;

	if (unlinkat(dirfd, tmp, 0) < 0 && errno != ENOENT)
		return -errno;
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		    mode);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, mode) < 0)
		ret = -errno;
	if (!ret)
		ret = write_all(fd, buf, len);
	if (!ret && fsync(fd) < 0)
		ret = -errno;
	if (close(fd) < 0 && !ret)
		ret = -errno;
	if (!ret && renameat(dirfd, tmp, dirfd, name) < 0)
		ret = -errno;
	if (ret)
		unlinkat(dirfd, tmp, 0);
	return ret;
}
