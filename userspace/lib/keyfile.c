// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Certificates and keys into memfds before the drop; see keyfile.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keyfile.h"

static int copy_all(int from, int to, off_t size)
{
	char buf[8192];
	off_t done = 0;
	ssize_t n, w;

	while (done < size) {
		n = read(from, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		for (w = 0; w < n;) {
			ssize_t k = write(to, buf + w, (size_t)(n - w));

			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				return -errno;
			w += k;
		}
		done += n;
	}
	return 0;
}

int keyfile_to_memfd(const char *path, unsigned int flags, int *fd_out, char *err,
		     size_t errlen)
{
	struct stat st;
	int fd, mfd = -1, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, ret == -ELOOP ?
			 "is a symbolic link; refusing it" : strerror(-ret));
		return ret == -ELOOP ? -EPERM : ret;
	}
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		goto out;
	}
	ret = -EPERM;
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file; refusing it", path);
		goto out;
	}
	if ((flags & KEYFILE_SECRET) && flags != KEYFILE_SECRET_ANY_OWNER && st.st_uid != 0) {
		snprintf(err, errlen, "%s: owned by uid %u, not root; refusing it as private key",
			 path, (unsigned int)st.st_uid);
		goto out;
	}
	if ((flags & KEYFILE_SECRET) && (st.st_mode & 077)) {
		snprintf(err, errlen,
			 "%s: mode %04o gives group/other access; a private key must be 0600 or 0400",
			 path, (unsigned int)(st.st_mode & 07777));
		goto out;
	}
	ret = -EFBIG;
	if (st.st_size > KEYFILE_MAX) {
		snprintf(err, errlen, "%s: larger than %d bytes", path, KEYFILE_MAX);
		goto out;
	}
	mfd = memfd_create("inputaudit-tls", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0) {
		ret = -errno;
		snprintf(err, errlen, "memfd_create: %s", strerror(-ret));
		goto out;
	}
	ret = copy_all(fd, mfd, st.st_size);
	/* Sealed: nobody holding the fd can change what the library reads. */
	if (!ret && fcntl(mfd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK |
			  F_SEAL_SEAL) < 0)
		ret = -errno;
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		close(mfd);
		goto out;
	}
	*fd_out = mfd;
out:
	close(fd);
	return ret;
}
