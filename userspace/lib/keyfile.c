// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Certificates and keys into memfds before the drop; see keyfile.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keyfile.h"
#include "secret_file.h"

/* A certificate: any regular file (links followed: /etc/ssl/certs holds links). */
static int public_file_read(const char *path, char **data, size_t *len, char *err,
			    size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	ssize_t n;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	ret = -EPERM;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file; refusing it", path);
		goto out;
	}
	ret = -ENOMEM;
	buf = malloc(KEYFILE_MAX + 1);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	while (got <= KEYFILE_MAX) {
		n = read(fd, buf + got, KEYFILE_MAX + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			snprintf(err, errlen, "%s: %s", path, strerror(-ret));
			goto out;
		}
		if (!n)
			break;
		got += (size_t)n;
	}
	ret = -EFBIG;
	if (got > KEYFILE_MAX) {
		snprintf(err, errlen, "%s: larger than %d bytes", path, KEYFILE_MAX);
		goto out;
	}
	*data = buf;
	*len = got;
	buf = NULL;
	ret = 0;
out:
	free(buf);
	close(fd);
	return ret;
}

int keyfile_to_memfd(const char *path, bool secret, int *fd_out, char *err, size_t errlen)
{
	char *data = NULL;
	size_t len = 0, done = 0;
	int mfd, ret;

	ret = secret ? secret_file_read(path, "private key", KEYFILE_MAX, &data, &len, err, errlen)
		     : public_file_read(path, &data, &len, err, errlen);
	if (ret)
		return ret;
	mfd = memfd_create("inputaudit-tls", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0) {
		ret = -errno;
		snprintf(err, errlen, "memfd_create: %s", strerror(-ret));
		goto out;
	}
	while (done < len) {
		ssize_t k = write(mfd, data + done, len - done);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			ret = -errno;
			break;
		}
		done += (size_t)k;
	}
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
	if (secret)
		secret_free(data, len);
	else
		free(data);
	return ret;
}
