// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The on-disk spool; see spool.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "log.h"
#include "spool.h"

#define SEG_SUFFIX	".spool"
#define SEG_NAMELEN	(16 + sizeof(SEG_SUFFIX))
#define POSITION_FILE	"position"
#define SEG_MAX		(1024 * 1024)
/* Bounds of what a spool may hold (spool_scan()). */
#define SPOOL_SEGMENTS_MAX	65536
#define SPOOL_INDEX_MAX		(UINT64_MAX >> 2)

static void seg_name(char *buf, uint64_t idx)
{
	snprintf(buf, SEG_NAMELEN, "%016" PRIx64 SEG_SUFFIX, idx);
}

static bool parse_seg_name(const char *name, uint64_t *idx)
{
	char *end;
	unsigned int i;

	if (strlen(name) != SEG_NAMELEN - 1 || strcmp(name + 16, SEG_SUFFIX))
		return false;
	for (i = 0; i < 16; i++)
		if (!strchr("0123456789abcdef", name[i]))
			return false;
	*idx = strtoull(name, &end, 16);
	return end == name + 16;
}

static uint32_t get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static int pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (int)done;
}

/*
 * Count the whole records of segment @idx; cut a torn last record off.
 * *boundary_ok: whether @pos (a saved read position) is a record boundary;
 * *before: records before it.
 */
static int scan_segment(struct spool *sp, uint64_t idx, uint64_t pos, bool *boundary_ok,
			uint64_t *before, uid_t uid)
{
	char name[SEG_NAMELEN];
	unsigned char hdr[4];
	uint64_t off = 0;
	struct stat st;
	int fd, n, err = 0;

	seg_name(name, idx);
	fd = openat(sp->dirfd, name, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	/* What check_segment() refused is not read, counted or cut. */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
		err = -EINVAL;
		goto out;
	}
	if (uid != (uid_t)-1 && st.st_uid != uid) {
		err = -EPERM;
		goto out;
	}
	for (;;) {
		uint32_t len;

		if (off == pos) {
			*boundary_ok = true;
			*before = sp->records;
		}
		n = pread_all(fd, hdr, sizeof(hdr), off);
		if (n < 0) {
			err = n;
			goto out;
		}
		if (n == 0)
			break;
		len = get_le32(hdr);
		if (n < 4 || !len || len > SPOOL_RECORD_MAX ||
		    off + 4 + len > (uint64_t)st.st_size) {
			/* Torn by a crash: keep what is whole. */
			if (ftruncate(fd, (off_t)off) < 0)
				err = -errno;
			break;
		}
		off += 4 + len;
		sp->records++;
	}
	sp->bytes += off;
	sp->tail_size = off;
out:
	close(fd);
	return err;
}

static void read_position(struct spool *sp, uint64_t *idx, uint64_t *off)
{
	char buf[64];
	ssize_t n;
	int fd;

	*idx = UINT64_MAX;
	*off = 0;
	fd = openat(sp->dirfd, POSITION_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	unlinkat(sp->dirfd, POSITION_FILE, 0);
	if (n <= 0)
		return;
	buf[n] = 0;
	if (sscanf(buf, "%" SCNx64 " %" SCNu64, idx, off) != 2)
		*idx = UINT64_MAX;
}

/*
 * The spool directory is the daemon's user's, so what a previous run (or
 * anyone running as that user) left there is checked before root touches
 * it: a segment is used only if it is a regular file with one link, owned
 * by that user or by root (a root-owned one, left by a run that spooled
 * before its privilege drop, is given to the user through its fd), opened
 * without following a link or blocking on a FIFO.  Anything else is left
 * alone and logged.  Return: 0 to use it, or -errno.
 */
static int check_segment(struct spool *sp, const char *name, uid_t uid, gid_t gid)
{
	struct stat st;
	int fd, err = 0;

	fd = openat(sp->dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		err = -errno;
	else if (!S_ISREG(st.st_mode) || st.st_nlink != 1)
		err = -EINVAL;
	else if (uid != (uid_t)-1 && st.st_uid != uid && st.st_uid != 0)
		err = -EPERM;
	else if (uid != (uid_t)-1 && st.st_uid != uid && fchown(fd, uid, gid) < 0)
		err = -errno;
	close(fd);
	return err;
}

/*
 * Find the segments a previous run left: those within SPOOL_SEGMENTS_MAX
 * indexes below the newest one, whose index leaves room to count on
 * (SPOOL_INDEX_MAX).  The walk from the oldest to the newest, here and when
 * draining, is so bounded whatever names the directory holds (a segment
 * named ffffffffffffffff.spool once hung the start).
 */
static int spool_scan(struct spool *sp, uid_t uid, gid_t gid)
{
	uint64_t idx, lo = UINT64_MAX, hi = 0, pos_idx, pos_off, before = 0;
	bool found = false, boundary_ok = false;
	struct dirent *de;
	DIR *d;
	int fd, err;

	fd = dup(sp->dirfd);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	/* The newest usable index first. */
	while ((de = readdir(d)))
		if (parse_seg_name(de->d_name, &idx) && idx <= SPOOL_INDEX_MAX && idx >= hi) {
			hi = idx;
			found = true;
		}
	if (found) {
		rewinddir(d);
		while ((de = readdir(d))) {
			if (!parse_seg_name(de->d_name, &idx))
				continue;
			if (idx > hi || hi - idx >= SPOOL_SEGMENTS_MAX) {
				log_warnx("spool: %s ignored: index out of range", de->d_name);
				continue;
			}
			err = check_segment(sp, de->d_name, uid, gid);
			if (err) {
				log_warnc(err, "spool: %s ignored", de->d_name);
				continue;
			}
			if (idx < lo)
				lo = idx;
		}
	}
	closedir(d);
	read_position(sp, &pos_idx, &pos_off);
	if (!found || lo == UINT64_MAX)
		return 0;
	sp->head_idx = lo;
	sp->next_idx = hi + 1;
	for (idx = lo; idx <= hi; idx++) {
		err = scan_segment(sp, idx, idx == pos_idx ? pos_off : UINT64_MAX,
				   &boundary_ok, &before, uid);
		if (err == -EINVAL || err == -EPERM || err == -ELOOP)
			continue;	/* not one of ours (check_segment said so) */
		if (err)
			return err;
	}
	if (pos_idx == lo && boundary_ok) {
		sp->head_off = pos_off;
		sp->records -= before;
	}
	return 0;
}

int spool_open(struct spool *sp, const char *dir, uint64_t max_bytes, uid_t uid, gid_t gid)
{
	int err;

	memset(sp, 0, sizeof(*sp));
	sp->dirfd = -1;
	sp->head_fd = -1;
	sp->tail_fd = -1;
	sp->max_bytes = max_bytes;
	sp->seg_max = max_bytes / 8 < SEG_MAX ? max_bytes / 8 : SEG_MAX;
	if (!dir)
		return 0;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	sp->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (sp->dirfd < 0)
		return -errno;
	if (uid != (uid_t)-1 && fchown(sp->dirfd, uid, gid) < 0) {
		err = -errno;
		goto err;
	}
	if (fchmod(sp->dirfd, 0700) < 0) {
		err = -errno;
		goto err;
	}
	err = spool_scan(sp, uid, gid);
	if (err)
		goto err;
	return 0;
err:
	close(sp->dirfd);
	sp->dirfd = -1;
	return err;
}

int spool_append(struct spool *sp, const void *data, size_t len)
{
	unsigned char hdr[4] = { len, len >> 8, len >> 16, len >> 24 };
	struct iovec iov[2] = {
		{ .iov_base = hdr, .iov_len = 4 },
		{ .iov_base = (void *)data, .iov_len = len },
	};
	char name[SEG_NAMELEN];
	ssize_t n;

	if (!len || len > SPOOL_RECORD_MAX)
		return -EMSGSIZE;
	if (sp->dirfd < 0 || sp->bytes + 4 + len > sp->max_bytes)
		return -ENOSPC;
	if (sp->tail_fd >= 0 && sp->tail_size >= sp->seg_max) {
		close(sp->tail_fd);
		sp->tail_fd = -1;
	}
	if (sp->tail_fd < 0) {
		/* Append to the newest segment a previous run left, else a new one. */
		bool reuse = sp->next_idx != sp->head_idx && sp->tail_size < sp->seg_max;
		uint64_t idx = reuse ? sp->next_idx - 1 : sp->next_idx;

		seg_name(name, idx);
		sp->tail_fd = openat(sp->dirfd, name, O_WRONLY | O_CREAT | O_APPEND |
				     O_CLOEXEC | O_NOFOLLOW | (reuse ? 0 : O_EXCL), 0600);
		if (sp->tail_fd < 0)
			return -errno;
		if (!reuse) {
			sp->next_idx++;
			sp->tail_size = 0;
		}
	}
	n = writev(sp->tail_fd, iov, 2);
	if (n != (ssize_t)(4 + len)) {
		int err = n < 0 ? -errno : -ENOSPC;

		/* Never leave a torn record behind. */
		if (n > 0 && ftruncate(sp->tail_fd, (off_t)sp->tail_size) < 0)
			err = -errno;
		return err;
	}
	sp->tail_size += 4 + len;
	sp->bytes += 4 + len;
	sp->records++;
	return 0;
}

static void remove_head(struct spool *sp)
{
	char name[SEG_NAMELEN];
	struct stat st;

	if (sp->head_fd >= 0) {
		if (!fstat(sp->head_fd, &st))
			sp->bytes -= (uint64_t)st.st_size < sp->bytes ? (uint64_t)st.st_size :
				     sp->bytes;
		close(sp->head_fd);
		sp->head_fd = -1;
	}
	if (sp->head_idx == sp->next_idx - 1 && sp->tail_fd >= 0) {
		close(sp->tail_fd);
		sp->tail_fd = -1;
	}
	seg_name(name, sp->head_idx);
	unlinkat(sp->dirfd, name, 0);
	sp->head_idx++;
	sp->head_off = 0;
}

/* A regular file with one link, as spool_scan() accepted it. */
static bool is_own_segment(int fd)
{
	struct stat st;

	return !fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_nlink == 1;
}

/*
 * Segment @idx for reading: its descriptor; -ENOENT if it is gone or not
 * ours (spool_scan()), or another negative errno.
 */
static int open_segment(struct spool *sp, uint64_t idx)
{
	char name[SEG_NAMELEN];
	int fd;

	seg_name(name, idx);
	fd = openat(sp->dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (!is_own_segment(fd)) {
		close(fd);
		return -ENOENT;
	}
	return fd;
}

/*
 * The record at @off of segment @fd into @buf: its length; 0 at the end of
 * the segment (no whole header there); -EIO for a bad or torn record,
 * -ENOSPC if @size is too small, or read's -errno.
 */
static ssize_t read_record(int fd, uint64_t off, void *buf, size_t size)
{
	unsigned char hdr[4];
	uint32_t len;
	int n;

	n = pread_all(fd, hdr, 4, off);
	if (n < 0)
		return n;
	if (n < 4)
		return 0;
	len = get_le32(hdr);
	if (!len || len > SPOOL_RECORD_MAX)
		return -EIO;
	if (len > size)
		return -ENOSPC;
	n = pread_all(fd, buf, len, off + 4);
	if (n < 0)
		return n;
	if ((uint32_t)n != len)
		return -EIO;
	return len;
}

/*
 * For a reader at (@idx, @off) of the spool (its head, or a cursor): opens
 * segment @idx into @fd unless it is open.  A segment that is gone (or not
 * ours) is skipped: @idx moves to the next one, @off to 0.
 * Return: 0 (@fd open), 1 (skipped: try again), or a negative errno.
 */
static int walk_open(struct spool *sp, uint64_t *idx, uint64_t *off, int *fd)
{
	int r;

	if (*fd >= 0)
		return 0;
	r = open_segment(sp, *idx);
	if (r >= 0) {
		*fd = r;
		return 0;
	}
	if (r != -ENOENT)
		return r;
	(*idx)++;
	*off = 0;
	return 1;
}

ssize_t spool_peek(struct spool *sp, void *buf, size_t size)
{
	ssize_t len;

	while (sp->records && sp->head_idx != sp->next_idx) {
		len = walk_open(sp, &sp->head_idx, &sp->head_off, &sp->head_fd);
		if (len < 0)
			return len;
		if (len)
			continue;
		len = read_record(sp->head_fd, sp->head_off, buf, size);
		if (len < 0)
			return len;
		if (!len) {
			/* This segment is done; the newest one is never torn. */
			if (sp->head_idx == sp->next_idx - 1)
				return -EIO;
			remove_head(sp);
			continue;
		}
		sp->peek_len = (uint32_t)len;
		return len;
	}
	return 0;
}

int spool_consume(struct spool *sp)
{
	if (!sp->peek_len || !sp->records)
		return -EINVAL;
	sp->head_off += 4 + sp->peek_len;
	sp->peek_len = 0;
	sp->records--;
	if (!sp->records) {
		/* Empty: delete what is left (read parts of the oldest segments). */
		while (sp->head_idx != sp->next_idx)
			remove_head(sp);
		sp->bytes = 0;
		sp->tail_size = 0;
	}
	return 0;
}

void spool_cursor_close(struct spool_cursor *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

void spool_cursor_reset(struct spool *sp, struct spool_cursor *c)
{
	spool_cursor_close(c);
	c->idx = sp->head_idx;
	c->off = sp->head_off;
	c->ahead = 0;
}

ssize_t spool_cursor_read(struct spool *sp, struct spool_cursor *c, void *buf, size_t size)
{
	ssize_t len;

	if (c->idx < sp->head_idx) {	/* behind the oldest record: never happens */
		spool_cursor_close(c);
		c->idx = sp->head_idx;
		c->off = sp->head_off;
	}
	while (c->ahead < sp->records && c->idx < sp->next_idx) {
		len = walk_open(sp, &c->idx, &c->off, &c->fd);
		if (len < 0)
			return len;
		if (len)
			continue;
		len = read_record(c->fd, c->off, buf, size);
		if (len < 0)
			return len;
		if (!len) {
			if (c->idx == sp->next_idx - 1)
				return 0;	/* the newest: more may come */
			spool_cursor_close(c);
			c->idx++;
			c->off = 0;
			continue;
		}
		c->off += 4 + (uint64_t)len;
		c->ahead++;
		return len;
	}
	return 0;
}

void spool_close(struct spool *sp)
{
	char buf[64];
	int fd, len;

	if (sp->dirfd >= 0 && sp->records && sp->head_off) {
		len = snprintf(buf, sizeof(buf), "%016" PRIx64 " %" PRIu64 "\n", sp->head_idx,
			       sp->head_off);
		fd = openat(sp->dirfd, POSITION_FILE,
			    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd >= 0) {
			if (write(fd, buf, (size_t)len) != len)
				unlinkat(sp->dirfd, POSITION_FILE, 0);
			close(fd);
		}
	}
	if (sp->head_fd >= 0)
		close(sp->head_fd);
	if (sp->tail_fd >= 0)
		close(sp->tail_fd);
	if (sp->dirfd >= 0)
		close(sp->dirfd);
	sp->head_fd = sp->tail_fd = sp->dirfd = -1;
}

int spool_save_count(struct spool *sp, const char *name, uint64_t value)
{
	char buf[32];
	int fd, len, err = 0;

	if (sp->dirfd < 0)
		return -EBADF;
	if (!value)
		return unlinkat(sp->dirfd, name, 0) < 0 && errno != ENOENT ? -errno : 0;
	len = snprintf(buf, sizeof(buf), "%" PRIu64 "\n", value);
	/* The old file goes first: never write through whatever is there. */
	if (unlinkat(sp->dirfd, name, 0) < 0 && errno != ENOENT)
		return -errno;
	fd = openat(sp->dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		    0600);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, (size_t)len) != len)
		err = errno ? -errno : -EIO;
	if (close(fd) < 0 && !err)
		err = -errno;
	return err;
}

uint64_t spool_take_count(struct spool *sp, const char *name)
{
	char buf[32];
	uint64_t value = 0;
	struct stat st;
	ssize_t n = 0;
	int fd;

	if (sp->dirfd < 0)
		return 0;
	fd = openat(sp->dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return 0;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode))
		n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	unlinkat(sp->dirfd, name, 0);
	if (n > 0) {
		buf[n] = 0;
		if (sscanf(buf, "%" SCNu64, &value) != 1)
			value = 0;
	}
	return value;
}
