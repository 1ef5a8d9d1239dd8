// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Root-only files read whole; see secret_file.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "secret_file.h"

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void secret_free(char *data, size_t len)
{
	if (!data)
		return;
	/* volatile: the wipe of memory about to be freed must not be elided */
	for (volatile char *p = data; len--; p++)
		*p = 0;
	free(data);
}

int secret_file_read(const char *path, const char *what, size_t max, char **data,
		     size_t *len_out, char *err, size_t errlen)
{
	struct stat st;
	size_t len = 0;
	char *buf = NULL;
	ssize_t n;
	int fd, ret;

	*data = NULL;
	*len_out = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		if (ret == -ELOOP) {
			set_err(err, errlen, "%s: is a symbolic link; refusing it as %s",
				path, what);
			return -EPERM;
		}
		set_err(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		set_err(err, errlen, "%s: %s", path, strerror(-ret));
		goto out;
	}
	ret = -EPERM;
	if (!S_ISREG(st.st_mode)) {
		set_err(err, errlen, "%s: not a regular file; refusing it as %s", path, what);
		goto out;
	}
	/* root's; or, run by a user (a --replay), theirs: as the chain key */
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		set_err(err, errlen, "%s: owned by uid %u, not root; refusing it as %s",
			path, (unsigned int)st.st_uid, what);
		goto out;
	}
	if (st.st_mode & 077) {
		set_err(err, errlen,
			"%s: mode %04o gives group/other access; the %s must be 0600 or 0400",
			path, (unsigned int)(st.st_mode & 07777), what);
		goto out;
	}
	ret = -EFBIG;
	if ((uint64_t)st.st_size > max) {
		set_err(err, errlen, "%s: over %zu bytes; refusing it as %s", path, max, what);
		goto out;
	}
	ret = -ENOMEM;
	buf = malloc(max + 1);
	if (!buf) {
		set_err(err, errlen, "%s: out of memory", path);
		goto out;
	}
	while (len <= max) {
		n = read(fd, buf + len, max + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			set_err(err, errlen, "%s: %s", path, strerror(-ret));
			goto out;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	if (len > max) {
		ret = -EFBIG;
		set_err(err, errlen, "%s: over %zu bytes; refusing it as %s", path, max, what);
		goto out;
	}
	buf[len] = 0;
	*data = buf;
	*len_out = len;
	buf = NULL;
	ret = 0;
out:
	secret_free(buf, buf ? max + 1 : 0);
	close(fd);
	return ret;
}
