// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The file sink; see sink_file.h. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "fdio.h"
#include "sandbox.h"
#include "log.h"
#include "sink_file.h"

#define FILE_BUFSIZE	(64 * 1024)
/* Lines one buffer holds at most (a full table flushes it early). */
#define FILE_BUF_LINES	1024
/* Retries of a rotation or of writing after a failure: the back-off. */
#define FILE_RETRY_MIN_MS	1000
#define FILE_RETRY_MAX_MS	60000
/* A sealed line ends in "chain":"<64 hex>"}\n */
#define CHAIN_TAIL_LEN	(9 + 64 + 3)

/* Where a buffered line ends in the buffer, and its time. */
struct fs_buffered {
	uint32_t end;
	uint64_t time_ns;
};

/*
 * A failed operation is tried again once its back-off is over or more space
 * or inodes are free than at the first tick after the failure.  The write
 * path reads no clock: sink_ops.tick starts the back-off and marks the retry
 * due.
 */
struct fs_retry {
	bool waiting;		/* failed; not to be tried before due */
	bool due;
	uint64_t delay_ms;	/* the current back-off, 0 before a failure */
	uint64_t at_ms;		/* due at (CLOCK_MONOTONIC), 0: not started */
	uint64_t bavail, ffree;	/* free blocks and inodes when it started */
};

struct file_sink {
	char *path;		/* as configured; NULL for stdout */
	char *dir;		/* directory part, "." if none */
	char *base;		/* file name in dir */
	char *group;
	gid_t gid;
	uid_t owner;		/* 0: none (file_sink_conf) */
	mode_t mode;		/* 0600 or 0640 */
	uint64_t max_size;
	unsigned int keep;
	void (*on_new_file)(void *ctx, struct sink *s, const char *prev_basename);
	void *ctx;

	int dirfd;
	int fd;
	bool is_stdout;
	bool regular;		/* rotation only for regular files */
	dev_t dev;
	ino_t ino;
	uint64_t size;		/* file size including the buffer */
	uint64_t base_size;	/* size after on_new_file: no rotation at or below */
	bool in_callback;

	char *buf;
	size_t buflen;
	struct fs_buffered *bufd;	/* one per buffered line */
	unsigned int nbuf;
	uint64_t buf_first_n;	/* n of the first buffered line */

	uint64_t lines;		/* written or buffered, not lost */
	int last_err;

	/* The last line in the file: where a gap begins. */
	uint64_t last_n;
	bool have_last_chain;
	char last_chain[65];

	/* Writing failed: lines are counted lost until a resume works. */
	enum file_full_action full_action;
	bool full;
	bool cut_pending;	/* a torn line is still to be cut off */
	struct file_gap gap;
	uint64_t lost;		/* lines lost in all */
	uint64_t write_failures;
	bool write_failure_reported;
	struct fs_retry write_retry;

	/* The filesystem's free space, read by sink_ops.tick. */
	bool have_free;
	uint64_t free_bytes;
	uint64_t bavail, ffree;	/* free blocks (for the user) and inodes */
	uint64_t space_left;	/* bytes, or percent */
	bool space_left_pct;
	bool space_low;		/* below space_left at the last tick */
	bool space_low_reported;
	uint64_t space_low_threshold;

	/*
	 * Rotations that failed in a row (0: the last one worked), and all of
	 * them; the daemon reports each new streak in-band (sink_file_take_
	 * rotate_failure()).
	 */
	unsigned int rotate_failing;
	uint64_t rotate_failures;
	bool rotate_failure_reported;
	struct fs_retry rotate_retry;
};

/* A failure: try again after the back-off (which doubles) or more space. */
static void fs_retry_failed(struct fs_retry *r)
{
	r->waiting = true;
	r->due = false;
	r->at_ms = 0;
	r->delay_ms = r->delay_ms ? r->delay_ms * 2 : FILE_RETRY_MIN_MS;
	if (r->delay_ms > FILE_RETRY_MAX_MS)
		r->delay_ms = FILE_RETRY_MAX_MS;
}

static void fs_retry_reset(struct fs_retry *r)
{
	memset(r, 0, sizeof(*r));
}

/* May it be tried now?  (Not waiting, or the tick found it due.) */
static bool fs_retry_allowed(const struct fs_retry *r)
{
	return !r->waiting || r->due;
}

/* From sink_ops.tick: start the back-off, or find the retry due. */
static void fs_retry_tick(struct file_sink *f, struct fs_retry *r, uint64_t now_ms)
{
	if (!r->waiting || r->due)
		return;
	if (!r->at_ms) {
		r->at_ms = now_ms + r->delay_ms;
		r->bavail = f->bavail;
		r->ffree = f->ffree;
		return;
	}
	if (now_ms >= r->at_ms ||
	    (f->have_free && (f->bavail > r->bavail || f->ffree > r->ffree)))
		r->due = true;
}

/* Remember the last line now in the file (n, and its chain if sealed). */
static void fs_note_last(struct file_sink *f, const char *end, uint64_t n)
{
	const char *tail = end - CHAIN_TAIL_LEN;

	f->last_n = n;
	f->have_last_chain = end - f->buf >= CHAIN_TAIL_LEN &&
			     !memcmp(tail, "\"chain\":\"", 9) && !memcmp(end - 3, "\"}\n", 3);
	if (f->have_last_chain) {
		memcpy(f->last_chain, tail + 9, 64);
		f->last_chain[64] = '\0';
	}
}

/* One more line lost: it joins the open gap. */
static void fs_lose(struct file_sink *f, uint64_t n, uint64_t time_ns)
{
	if (!f->gap.lines) {
		f->gap.first_n = n;
		f->gap.first_time_ns = time_ns;
		f->gap.prev_n = f->last_n;
		f->gap.have_prev_chain = f->have_last_chain;
		memcpy(f->gap.prev_chain, f->last_chain, sizeof(f->gap.prev_chain));
	}
	f->gap.last_n = n;
	f->gap.last_time_ns = time_ns;
	f->gap.lines++;
	f->lost++;
}

/*
 * Cut the file back to @size after a write took part of a line.  Should
 * that fail too, the cut is tried again before the next write.
 */
static void fs_cut(struct file_sink *f, uint64_t size)
{
	f->size = size;
	f->cut_pending = ftruncate(f->fd, (off_t)size) < 0;
	if (f->cut_pending)
		log_warn("%s: cannot cut off a partly written line", f->path);
}

/*
 * A write failed: with disk_full_action keep, a regular file goes full and
 * the error is not passed on; otherwise (stop, stdout, a FIFO) it is.
 */
static int fs_failed(struct file_sink *f, int err)
{
	f->last_err = err;
	f->write_failures++;
	if (f->full_action != FILE_FULL_KEEP || !f->regular || f->is_stdout)
		return err;
	if (!f->full) {
		f->full = true;
		f->gap.err = err;
		f->write_failure_reported = false;
		log_warnc(err, "%s: write failed; counting the lines not written until it works again",
			  f->path);
	}
	fs_retry_failed(&f->write_retry);
	return 0;
}

/*
 * Write the buffer.  Lines the write did not take whole are lost: a torn
 * one is cut off again, and each is counted with its n and time.
 */
static int fs_flush_buf(struct file_sink *f)
{
	uint64_t start = f->size - f->buflen;
	size_t done = 0, whole_end = 0;
	unsigned int whole = 0, i;
	int err = 0;

	if (f->buflen && f->fd >= 0)
		err = write_all_count(f->fd, f->buf, f->buflen, &done);
	if (!err) {
		if (f->nbuf)
			fs_note_last(f, f->buf + f->buflen, f->buf_first_n + f->nbuf - 1);
		f->buflen = 0;
		f->nbuf = 0;
		return 0;
	}
	while (whole < f->nbuf && f->bufd[whole].end <= done)
		whole++;
	if (whole) {
		whole_end = f->bufd[whole - 1].end;
		fs_note_last(f, f->buf + whole_end, f->buf_first_n + whole - 1);
	}
	if (done > whole_end)
		fs_cut(f, start + whole_end);
	f->size = start + whole_end;
	for (i = whole; i < f->nbuf; i++)
		fs_lose(f, f->buf_first_n + i, f->bufd[i].time_ns);
	f->lines -= f->nbuf - whole;
	f->buflen = 0;
	f->nbuf = 0;
	return fs_failed(f, err);
}

/* Write one line at once, unbuffered; on failure none of it stays. */
static int fs_write_now(struct file_sink *f, const char *text, size_t len)
{
	size_t done = 0;
	int err;

	if (f->cut_pending) {
		if (ftruncate(f->fd, (off_t)f->size) < 0)
			return -errno;
		f->cut_pending = false;
	}
	err = write_all_count(f->fd, text, len, &done);
	if (err) {
		if (done)
			fs_cut(f, f->size);
		return err;
	}
	f->size += len;
	return 0;
}

/*
 * Give an open file the configured group and exactly the configured mode.
 * @strict: fail if the group cannot be set; else fall back to 0600 (after
 * the privilege drop the daemon may not be allowed to chown).
 */
static int fs_secure(struct file_sink *f, int fd, bool strict)
{
	struct stat st;
	mode_t want = f->mode;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISREG(st.st_mode)) {
		if (f->group && st.st_gid != f->gid && fchown(fd, (uid_t)-1, f->gid) < 0) {
			int err = -errno;

			if (strict)
				return err;
			log_warnc(err, "%s: cannot set group %s, file stays 0600", f->path,
				  f->group);
			f->last_err = err;
			want = 0600;
		}
		if ((st.st_mode & 07777) != want && fchmod(fd, want) < 0)
			return -errno;
	}
	/* Only now: on failure the sink keeps describing the file it has. */
	f->regular = S_ISREG(st.st_mode);
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->size = (uint64_t)st.st_size;
	return 0;
}

/*
 * What the sink found at its path (not a file it made): a regular file of
 * its user's, or root's with a single link (made by the daemon before its
 * privilege drop; a second link could be one the user made to a file of
 * root's elsewhere), or a FIFO someone reads (a pipe to a reader: opened
 * without blocking, so one nobody reads is refused, not waited on).
 * Nothing else: a device or another user's file is not a log.
 */
static int fs_check_existing(struct file_sink *f, int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
		log_warnx("%s: neither a regular file nor a FIFO", f->path);
		return -EINVAL;
	}
	if (!f->owner || st.st_uid == f->owner)
		return 0;
	if (st.st_uid != 0 || st.st_nlink != 1) {
		log_warnx("%s: owned by uid %u with %u links: not the daemon's user's (%u), nor root's alone",
			  f->path, (unsigned int)st.st_uid, (unsigned int)st.st_nlink,
			  (unsigned int)f->owner);
		return -EPERM;
	}
	return 0;
}

static int fs_open_file(struct file_sink *f, bool strict, int *fdp)
{
	const int flags = O_WRONLY | O_APPEND | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW;
	int fd, err;

	/* Create it, or else open what is there without blocking on a FIFO. */
	fd = openat(f->dirfd, f->base, flags | O_CREAT | O_EXCL, 0600);
	if (fd >= 0) {
		;	/* made by the daemon: root's before the drop, its user's after */
	} else if (errno == EEXIST) {
		fd = openat(f->dirfd, f->base, flags | O_NONBLOCK);
		if (fd < 0 && errno == ENXIO) {	/* a FIFO nobody reads */
			log_warnx("%s: a FIFO nobody reads", f->path);
			return -EINVAL;
		}
		if (fd < 0)
			return -errno;
		err = fs_check_existing(f, fd);
		if (err || fcntl(fd, F_SETFL, O_APPEND) < 0) {
			err = err ?: -errno;
			close(fd);
			return err;
		}
	} else {
		return -errno;
	}
	err = fs_secure(f, fd, strict);
	if (err) {
		close(fd);
		return err;
	}
	*fdp = fd;
	return 0;
}

static int fs_open(struct sink *s)
{
	struct file_sink *f = s->priv;
	int err;

	if (f->is_stdout) {
		f->fd = STDOUT_FILENO;
		return 0;
	}
	if (f->group) {
		struct group *gr = getgrnam(f->group);

		if (!gr)
			return -ENOENT;
		f->gid = gr->gr_gid;
	}
	f->dirfd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (f->dirfd < 0)
		return -errno;
	err = fs_open_file(f, true, &f->fd);
	if (err) {
		close(f->dirfd);
		f->dirfd = -1;
	}
	f->base_size = 0;
	return err;
}

static void fs_new_file(struct sink *s, const char *prev)
{
	struct file_sink *f = s->priv;

	if (f->on_new_file) {
		f->in_callback = true;
		f->on_new_file(f->ctx, s, prev);
		f->in_callback = false;
	}
	f->base_size = f->size;
}

/*
 * Rotation never removes or renames a file before the new one exists: the
 * new file is made first, under a temporary name; only then are the old
 * ones shifted (path.keep removed, path.i -> path.i+1, path -> path.1),
 * and the new one renamed to path.  If the new file cannot be made (no
 * inode, quota, permissions) nothing is moved, the sink keeps appending
 * to the current file past max_size, and the failure is counted: health()
 * says "rotation_failed", the daemon writes a sink_error line, and the
 * next line tries again.  A shift that fails half-way leaves files renamed
 * but none lost, and the new file is thrown away again.
 */
static int fs_rotate(struct sink *s)
{
	struct file_sink *f = s->priv;
	size_t blen = strlen(f->base) + 24;
	char from[blen], to[blen], tmp[blen];
	const char *prev = NULL;
	unsigned int i;
	int err, fd = -1;

	err = fs_flush_buf(f);
	if (err || f->full)
		return err ?: -ENOSPC;
	snprintf(tmp, blen, ".%s.new", f->base);
	/* A leftover of a crash between the steps below; nothing of value. */
	if (unlinkat(f->dirfd, tmp, 0) < 0 && errno != ENOENT)
		goto err_errno;
	fd = openat(f->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_NOCTTY |
		    O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		goto err_errno;
	if (f->keep) {
		snprintf(to, blen, "%s.%u", f->base, f->keep);
		if (unlinkat(f->dirfd, to, 0) < 0 && errno != ENOENT)
			goto err_errno;
		for (i = f->keep - 1; i >= 1; i--) {
			snprintf(from, blen, "%s.%u", f->base, i);
			snprintf(to, blen, "%s.%u", f->base, i + 1);
			if (renameat(f->dirfd, from, f->dirfd, to) < 0 && errno != ENOENT)
				goto err_errno;
		}
		snprintf(to, blen, "%s.1", f->base);
		if (renameat(f->dirfd, f->base, f->dirfd, to) < 0)
			goto err_errno;
		prev = to;
	}
	/* keep = 0: this rename replaces (and so deletes) the old file. */
	if (renameat(f->dirfd, tmp, f->dirfd, f->base) < 0)
		goto err_errno;
	close(f->fd);
	f->fd = fd;
	f->last_err = 0;		/* the rotation's error, if any, is over */
	err = fs_secure(f, fd, false);	/* the new file's identity and size */
	if (err)
		f->last_err = err;
	f->rotate_failing = 0;
	f->rotate_failure_reported = false;
	fs_retry_reset(&f->rotate_retry);
	fs_new_file(s, prev);
	return 1;

err_errno:
	err = -errno;
	if (fd >= 0) {
		close(fd);
		unlinkat(f->dirfd, tmp, 0);
	}
	f->last_err = err;
	f->rotate_failing++;
	f->rotate_failures++;
	fs_retry_failed(&f->rotate_retry);
	if (f->rotate_failing == 1)
		log_warnc(err, "%s: rotation failed; appending to the current file", f->path);
	return err;
}

/* Rotate now?  Not while full, nor before a failed rotation's retry. */
static bool fs_would_pass(const struct file_sink *f, size_t len)
{
	return !f->is_stdout && f->regular && f->max_size && !f->in_callback &&
	       f->size > f->base_size && f->size + len > f->max_size &&
	       !f->full && fs_retry_allowed(&f->rotate_retry);
}

int sink_file_prepare(struct sink *s, size_t len)
{
	struct file_sink *f = s->priv;

	if (!fs_would_pass(f, len))
		return 0;
	return fs_rotate(s);
}

uint64_t sink_file_rotate_failures(struct sink *s)
{
	return ((struct file_sink *)s->priv)->rotate_failures;
}

uint64_t sink_file_size(struct sink *s)
{
	return ((struct file_sink *)s->priv)->size;
}

static int fs_write(struct sink *s, const struct sink_line *line)
{
	struct file_sink *f = s->priv;
	int err = 0;

	/* Full: not one write until the gap's line is written (resume). */
	if (f->full)
		goto lose;
	/* A rotation that fails is counted and reported; the line goes on here. */
	if (!f->on_new_file && fs_would_pass(f, line->len))
		fs_rotate(s);
	if (f->buflen + line->len > FILE_BUFSIZE || f->nbuf == FILE_BUF_LINES)
		err = fs_flush_buf(f);
	if (err || f->full)
		goto lose;
	if (line->len > FILE_BUFSIZE) {	/* longer than any line the daemon makes */
		err = fs_write_now(f, line->text, line->len);
		if (err) {
			fs_lose(f, line->n, line->time_ns);
			return fs_failed(f, err);
		}
		f->lines++;
		return 0;
	}
	if (!f->nbuf)
		f->buf_first_n = line->n;
	memcpy(f->buf + f->buflen, line->text, line->len);
	f->buflen += line->len;
	f->bufd[f->nbuf].end = (uint32_t)f->buflen;
	f->bufd[f->nbuf].time_ns = line->time_ns;
	f->nbuf++;
	f->size += line->len;
	f->lines++;
	return 0;

lose:
	fs_lose(f, line->n, line->time_ns);
	return err;
}

static int fs_flush(struct sink *s)
{
	return fs_flush_buf(s->priv);
}

/* The filesystem's free space, for health, retries and space_left. */
static void fs_read_space(struct file_sink *f)
{
	struct statfs sf;

	f->have_free = !f->is_stdout && f->regular && f->fd >= 0 &&
		       !fstatfs(f->fd, &sf) && sf.f_blocks;
	if (!f->have_free)
		return;
	f->bavail = sf.f_bavail;
	f->ffree = sf.f_ffree;
	f->free_bytes = (uint64_t)sf.f_bavail * (uint64_t)sf.f_bsize;
	f->space_low_threshold = f->space_left_pct ?
		(uint64_t)sf.f_blocks * (uint64_t)sf.f_bsize / 100 * f->space_left :
		f->space_left;
}

/* Below space_left: one warning per crossing. */
static void fs_check_space_left(struct file_sink *f)
{
	bool low = f->have_free && f->space_left &&
		   f->free_bytes < f->space_low_threshold;

	if (low && !f->space_low) {
		f->space_low_reported = false;
		log_warnx("%s: %" PRIu64 " bytes free, below space_left (%" PRIu64 ")",
			  f->path, f->free_bytes, f->space_low_threshold);
	}
	f->space_low = low;
}

static void fs_tick(struct sink *s, uint64_t now_ms)
{
	struct file_sink *f = s->priv;

	fs_read_space(f);
	fs_check_space_left(f);
	fs_retry_tick(f, &f->rotate_retry, now_ms);
	if (f->full)
		fs_retry_tick(f, &f->write_retry, now_ms);
}

static int fs_reopen(struct sink *s)
{
	struct file_sink *f = s->priv;
	dev_t dev = f->dev;
	ino_t ino = f->ino;
	struct stat st;
	int err, fd;

	err = fs_flush_buf(f);
	if (f->is_stdout || err)
		return err;
	/*
	 * Still the file the sink writes (a reload, not logrotate): nothing to
	 * open.  The first file is root's, made before the privilege drop and
	 * unreadable to the daemon's user, which could not open it again.
	 */
	if (!fstatat(f->dirfd, f->base, &st, AT_SYMLINK_NOFOLLOW) &&
	    st.st_dev == dev && st.st_ino == ino)
		return 0;
	err = fs_open_file(f, false, &fd);
	if (err) {
		f->last_err = err;
		return err;
	}
	if (f->dev == dev && f->ino == ino) {
		close(fd);
		return 0;
	}
	close(f->fd);
	f->fd = fd;
	f->base_size = 0;
	fs_new_file(s, NULL);
	return 0;
}

static void fs_health(struct sink *s, struct sink_health *h)
{
	struct file_sink *f = s->priv;

	memset(h, 0, sizeof(*h));
	snprintf(h->state, sizeof(h->state), "%s",
		 f->full ? "full" : f->rotate_failing ? "rotation_failed" :
		 f->space_low ? "space_low" : f->last_err ? "error" : "ok");
	h->up = !f->full;
	h->lines = f->lines;
	h->dropped = f->lost;
	h->last_err = f->last_err;
	h->have_free = f->have_free;
	h->free_bytes = f->free_bytes;
}

static void fs_free(struct file_sink *f)
{
	free(f->path);
	free(f->dir);
	free(f->base);
	free(f->group);
	free(f->buf);
	free(f->bufd);
	free(f);
}

static int fs_close(struct sink *s)
{
	struct file_sink *f = s->priv;
	int err;

	if (!f)
		return 0;
	err = fs_flush_buf(f);
	if (f->lost)
		log_warnx("%s: %" PRIu64 " lines could not be written%s", f->path, f->lost,
			  f->full ? " (still full at the stop)" : "");
	if (!f->is_stdout && f->fd >= 0 && close(f->fd) < 0 && !err)
		err = -errno;
	if (f->dirfd >= 0)
		close(f->dirfd);
	fs_free(f);
	s->priv = NULL;
	return err;
}

/* Rotation, SIGHUP reopen and the temporary file: all beneath its directory. */
static void fs_sandbox(struct sink *s, struct sandbox *sb)
{
	struct file_sink *f = s->priv;

	sandbox_add_dir(sb, f->dirfd, true);
}

static const struct sink_ops file_sink_ops = {
	.kind = "file",
	.open = fs_open,
	.write = fs_write,
	.flush = fs_flush,
	.tick = fs_tick,
	.reopen = fs_reopen,
	.health = fs_health,
	.sandbox = fs_sandbox,
	.close = fs_close,
};

int sink_file_new(struct sink *s, const struct file_sink_conf *c)
{
	struct file_sink *f;
	const char *slash;

	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->fd = -1;
	f->dirfd = -1;
	f->max_size = c->max_size;
	f->keep = c->keep;
	f->owner = c->owner;
	f->on_new_file = c->on_new_file;
	f->ctx = c->ctx;
	f->mode = c->group ? 0640 : 0600;
	f->space_left = c->space_left;
	f->space_left_pct = c->space_left_pct;
	f->full_action = c->full_action;
	f->buf = malloc(FILE_BUFSIZE);
	f->bufd = calloc(FILE_BUF_LINES, sizeof(*f->bufd));
	if (!f->buf || !f->bufd)
		goto err_nomem;
	if (!c->path || !strcmp(c->path, "-")) {
		f->is_stdout = true;
		snprintf(s->name, sizeof(s->name), "stdout");
	} else {
		slash = strrchr(c->path, '/');
		f->path = strdup(c->path);
		f->base = strdup(slash ? slash + 1 : c->path);
		if (!slash)
			f->dir = strdup(".");
		else if (slash == c->path)
			f->dir = strdup("/");
		else
			f->dir = strndup(c->path, (size_t)(slash - c->path));
		if (!f->path || !f->base || !f->dir)
			goto err_nomem;
		if (!*f->base || !strcmp(f->base, ".") || !strcmp(f->base, "..")) {
			fs_free(f);
			return -EINVAL;
		}
		snprintf(s->name, sizeof(s->name), "file:%s", c->path);
	}
	if (c->group && !(f->group = strdup(c->group)))
		goto err_nomem;
	if (c->name)
		snprintf(s->name, sizeof(s->name), "%s", c->name);
	s->ops = &file_sink_ops;
	s->priv = f;
	return 0;

err_nomem:
	fs_free(f);
	return -ENOMEM;
}

bool sink_file_take_rotate_failure(struct sink *s, int *err, uint64_t *failures)
{
	struct file_sink *f = s->priv;

	if (!f->rotate_failing || f->rotate_failure_reported)
		return false;
	f->rotate_failure_reported = true;
	*err = f->last_err;
	*failures = f->rotate_failures;
	return true;
}

bool sink_file_gap(struct sink *s, struct file_gap *g)
{
	struct file_sink *f = s->priv;

	if (!f->full)
		return false;
	*g = f->gap;
	return true;
}

bool sink_file_gap_due(struct sink *s, struct file_gap *g)
{
	struct file_sink *f = s->priv;

	if (!f->full || !f->write_retry.due || !f->gap.lines)
		return false;
	*g = f->gap;
	return true;
}

int sink_file_resume(struct sink *s, const char *line, size_t len,
		     const char *resume_chain)
{
	struct file_sink *f = s->priv;
	int err;

	if (!f->full)
		return 0;
	err = fs_write_now(f, line, len);
	if (err) {
		f->last_err = err;
		f->write_failures++;
		fs_retry_failed(&f->write_retry);
		return err;
	}
	/* A gap right after this one begins after the gap's last line. */
	f->full = false;
	f->last_err = 0;
	f->last_n = f->gap.last_n;
	f->have_last_chain = resume_chain != NULL;
	if (resume_chain)
		snprintf(f->last_chain, sizeof(f->last_chain), "%s", resume_chain);
	memset(&f->gap, 0, sizeof(f->gap));
	fs_retry_reset(&f->write_retry);
	return 0;
}

bool sink_file_take_write_failure(struct sink *s, int *err, uint64_t *failures)
{
	struct file_sink *f = s->priv;

	if (!f->full || f->write_failure_reported)
		return false;
	f->write_failure_reported = true;
	*err = f->gap.err;
	*failures = f->write_failures;
	return true;
}

bool sink_file_take_space_low(struct sink *s, uint64_t *free, uint64_t *threshold)
{
	struct file_sink *f = s->priv;

	if (!f->space_low || f->space_low_reported)
		return false;
	f->space_low_reported = true;
	*free = f->free_bytes;
	*threshold = f->space_low_threshold;
	return true;
}
