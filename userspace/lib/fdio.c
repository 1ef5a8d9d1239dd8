// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Whole writes on a file descriptor; see fdio.h. */
#include <errno.h>
#include <unistd.h>

#include "fdio.h"

int write_all_count(int fd, const void *buf, size_t len, size_t *done)
{
	const char *p = buf;

	*done = 0;
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
		*done += (size_t)n;
	}
	return 0;
}

int write_all(int fd, const void *buf, size_t len)
{
	size_t done;

	return write_all_count(fd, buf, len, &done);
}
