// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The file sink; see sink_file.h. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "log.h"
#include "sink_file.h"

#define FILE_BUFSIZE	(64 * 1024)

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

	uint64_t lines;
	int last_err;
	/*
	 * Rotations that failed in a row (0: the last one worked), and all of
	 * them; the daemon reports each new streak in-band (sink_file_take_
	 * rotate_failure()).
	 */
	unsigned int rotate_failing;
	uint64_t rotate_failures;
	bool rotate_failure_reported;
};

static int fs_flush_buf(struct file_sink *f)
{
	int err = 0;

	if (f->buflen && f->fd >= 0)
		err = write_all(f->fd, f->buf, f->buflen);
	f->buflen = 0;
	if (err)
		f->last_err = err;
	return err;
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
	if (err)
		return err;
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
	if (f->rotate_failing == 1)
		log_warnc(err, "%s: rotation failed; appending to the current file", f->path);
	return err;
}

static bool fs_would_pass(const struct file_sink *f, size_t len)
{
	return !f->is_stdout && f->regular && f->max_size && !f->in_callback &&
	       f->size > f->base_size && f->size + len > f->max_size;
}

int sink_file_prepare(struct sink *s, size_t len)
{
	struct file_sink *f = s->priv;

	if (!fs_would_pass(f, len))
		return 0;
	return fs_rotate(s);
}

uint64_t sink_file_size(struct sink *s)
{
	return ((struct file_sink *)s->priv)->size;
}

static int fs_write(struct sink *s, const struct sink_line *line)
{
	struct file_sink *f = s->priv;
	int err;

	/* A rotation that fails is counted and reported; the line goes on here. */
	if (!f->on_new_file && fs_would_pass(f, line->len))
		fs_rotate(s);
	if (f->buflen + line->len > FILE_BUFSIZE) {
		err = fs_flush_buf(f);
		if (err)
			return err;
	}
	if (line->len > FILE_BUFSIZE) {
		err = write_all(f->fd, line->text, line->len);
		if (err) {
			f->last_err = err;
			return err;
		}
	} else {
		memcpy(f->buf + f->buflen, line->text, line->len);
		f->buflen += line->len;
	}
	f->size += line->len;
	f->lines++;
	return 0;
}

static int fs_flush(struct sink *s)
{
	return fs_flush_buf(s->priv);
}

static void fs_tick(struct sink *s, uint64_t now_ms)
{
	(void)s;
	(void)now_ms;
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
		 f->rotate_failing ? "rotation_failed" : f->last_err ? "error" : "ok");
	h->lines = f->lines;
	h->last_err = f->last_err;
}

static void fs_free(struct file_sink *f)
{
	free(f->path);
	free(f->dir);
	free(f->base);
	free(f->group);
	free(f->buf);
	free(f);
}

static int fs_close(struct sink *s)
{
	struct file_sink *f = s->priv;
	int err;

	if (!f)
		return 0;
	err = fs_flush_buf(f);
	if (!f->is_stdout && f->fd >= 0 && close(f->fd) < 0 && !err)
		err = -errno;
	if (f->dirfd >= 0)
		close(f->dirfd);
	fs_free(f);
	s->priv = NULL;
	return err;
}

static const struct sink_ops file_sink_ops = {
	.kind = "file",
	.open = fs_open,
	.write = fs_write,
	.flush = fs_flush,
	.tick = fs_tick,
	.reopen = fs_reopen,
	.health = fs_health,
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
	f->buf = malloc(FILE_BUFSIZE);
	if (!f->buf)
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
