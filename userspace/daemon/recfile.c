// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Record files for --record and --replay; the format is in recfile.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "recfile.h"

_Static_assert(sizeof(struct inputaudit_record) == 56,
	       "struct inputaudit_record is 56 bytes");

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Read up to len bytes; return how many (short only at end of file) or -errno. */
static ssize_t read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!n)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int recfile_create(struct recfile *rf, const char *path)
{
	uint8_t hdr[RECFILE_HEADER_LEN];
	struct stat st;
	int ret;

	memset(rf, 0, sizeof(*rf));
	rf->writing = true;
	rf->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		      0600);
	if (rf->fd < 0) {
		ret = -errno;
		snprintf(rf->err, sizeof(rf->err), "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (fstat(rf->fd, &st) || !S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		snprintf(rf->err, sizeof(rf->err), "%s: not a regular file", path);
		goto fail;
	}
	if (fchmod(rf->fd, 0600)) {
		ret = -errno;
		snprintf(rf->err, sizeof(rf->err), "%s: chmod 0600: %s", path,
			 strerror(-ret));
		goto fail;
	}
	memcpy(hdr, RECFILE_MAGIC, RECFILE_MAGIC_LEN);
	put_le32(hdr + 8, sizeof(struct inputaudit_record));
	put_le32(hdr + 12, 0);
	ret = write_all(rf->fd, hdr, sizeof(hdr));
	if (ret) {
		snprintf(rf->err, sizeof(rf->err), "%s: %s", path, strerror(-ret));
		goto fail;
	}
	return 0;
fail:
	close(rf->fd);
	rf->fd = -1;
	return ret;
}

int recfile_flush(struct recfile *rf)
{
	int ret;

	if (!rf->buffered)
		return 0;
	ret = write_all(rf->fd, rf->buf, rf->buffered * sizeof(rf->buf[0]));
	if (ret) {
		snprintf(rf->err, sizeof(rf->err), "write: %s", strerror(-ret));
		return ret;
	}
	rf->buffered = 0;
	return 0;
}

int recfile_write(struct recfile *rf, const struct inputaudit_record *rec)
{
	int ret;

	if (rf->buffered == RECFILE_BUF_RECORDS) {
		ret = recfile_flush(rf);
		if (ret)
			return ret;
	}
	rf->buf[rf->buffered++] = *rec;
	rf->records++;
	return 0;
}

int recfile_open(struct recfile *rf, const char *path)
{
	uint8_t hdr[RECFILE_HEADER_LEN];
	uint32_t size, reserved;
	ssize_t n;
	int ret;

	memset(rf, 0, sizeof(*rf));
	rf->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (rf->fd < 0) {
		ret = -errno;
		snprintf(rf->err, sizeof(rf->err), "%s: %s", path, strerror(-ret));
		return ret;
	}
	n = read_full(rf->fd, hdr, sizeof(hdr));
	if (n < 0) {
		ret = (int)n;
		snprintf(rf->err, sizeof(rf->err), "%s: %s", path, strerror(-ret));
		goto fail;
	}
	ret = -EINVAL;
	if (n < (ssize_t)sizeof(hdr)) {
		snprintf(rf->err, sizeof(rf->err),
			 "%s: short header: %zd of %d bytes", path, n,
			 RECFILE_HEADER_LEN);
		goto fail;
	}
	if (memcmp(hdr, RECFILE_MAGIC, RECFILE_MAGIC_LEN - 1)) {
		snprintf(rf->err, sizeof(rf->err),
			 "%s: not a record file (bad magic)", path);
		goto fail;
	}
	if (hdr[RECFILE_MAGIC_LEN - 1] != (uint8_t)RECFILE_MAGIC[RECFILE_MAGIC_LEN - 1]) {
		snprintf(rf->err, sizeof(rf->err),
			 "%s: unsupported record file version %u", path,
			 hdr[RECFILE_MAGIC_LEN - 1]);
		goto fail;
	}
	size = get_le32(hdr + 8);
	reserved = get_le32(hdr + 12);
	if (size != sizeof(struct inputaudit_record)) {
		snprintf(rf->err, sizeof(rf->err),
			 "%s: record size %" PRIu32 ", expected %zu", path, size,
			 sizeof(struct inputaudit_record));
		goto fail;
	}
	if (reserved) {
		snprintf(rf->err, sizeof(rf->err),
			 "%s: reserved header field is %" PRIu32 ", expected 0",
			 path, reserved);
		goto fail;
	}
	rf->offset = sizeof(hdr);
	return 0;
fail:
	close(rf->fd);
	rf->fd = -1;
	return ret;
}

/*
 * Move what is left of buf to its start and read() once after it, which
 * returns what is there: records written to a pipe one at a time still
 * come out one at a time.  Return: bytes read, 0 at the end, or -errno.
 */
static ssize_t refill(struct recfile *rf)
{
	char *b = (char *)rf->buf;
	size_t left = rf->rd_have - rf->rd_pos;
	ssize_t n;

	memmove(b, b + rf->rd_pos, left);
	rf->rd_have = left;
	rf->rd_pos = 0;
	do
		n = read(rf->fd, b + left, sizeof(rf->buf) - left);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	rf->rd_have += (size_t)n;
	return n;
}

/* Buffered: a read() per record was most of --replay's cost. */
int recfile_read(struct recfile *rf, struct inputaudit_record *rec)
{
	size_t left;
	ssize_t n;

	while (rf->rd_have - rf->rd_pos < sizeof(*rec)) {
		n = refill(rf);
		if (n < 0) {
			snprintf(rf->err, sizeof(rf->err), "read: %s", strerror((int)-n));
			return (int)n;
		}
		if (!n)
			break;
	}
	left = rf->rd_have - rf->rd_pos;
	if (!left)
		return 0;
	if (left < sizeof(*rec)) {
		snprintf(rf->err, sizeof(rf->err),
			 "truncated final record at offset %" PRIu64 ": %zu of %zu bytes",
			 rf->offset, left, sizeof(*rec));
		rf->offset += left;
		rf->rd_pos = rf->rd_have;
		return -ENODATA;
	}
	memcpy(rec, (char *)rf->buf + rf->rd_pos, sizeof(*rec));
	rf->rd_pos += sizeof(*rec);
	rf->offset += sizeof(*rec);
	rf->records++;
	return 1;
}

int recfile_close(struct recfile *rf)
{
	int ret = 0;

	if (rf->fd < 0)
		return 0;
	if (rf->writing)
		ret = recfile_flush(rf);
	if (rf->writing && !ret && fsync(rf->fd) && errno != EINVAL)
		ret = -errno;
	if (close(rf->fd) && !ret && errno != EINTR)
		ret = -errno;
	rf->fd = -1;
	return ret;
}
