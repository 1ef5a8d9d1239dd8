// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Tests for userspace/sink/sink_file.c: modes, ownership, rotation, reopening. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "sink_file.h"

#define NOBODY	65534

FIXTURE(sink_file)
{
	char dir[64];
	char path[128];
	struct sink s;
	bool opened;
	unsigned int new_files;
	char prev[128];
	bool prev_null;
};

FIXTURE_SETUP(sink_file)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/test_sink_file.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	/* Others may enter the directory: the file's own mode must protect it. */
	ASSERT_EQ(0, chmod(self->dir, 0755));
	snprintf(self->path, sizeof(self->path), "%s/audit.jsonl", self->dir);
	memset(&self->s, 0, sizeof(self->s));
	self->opened = false;
	self->new_files = 0;
}

FIXTURE_TEARDOWN(sink_file)
{
	char cmd[128];

	if (self->opened)
		self->s.ops->close(&self->s);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		TH_LOG("cleanup of %s failed", self->dir);
}

/* A 30-byte line: {"type":"event","i":NNNNNNNN}\n plus padding. */
static size_t make_line(char *buf, size_t size, unsigned int i)
{
	return (size_t)snprintf(buf, size, "{\"type\":\"event\",\"i\":%08u}\n", i);
}

static int put(struct sink *s, const char *type, unsigned int i)
{
	struct sink_line l = {
		.type = type, .n = i, .time_ns = i * 1000ull, .severity = SINK_SEV_INFO,
	};
	char buf[64];

	if (!strcmp(type, "event"))
		l.len = make_line(buf, sizeof(buf), i);
	else
		l.len = (size_t)snprintf(buf, sizeof(buf), "{\"type\":\"%s\",\"n\":%u}\n",
					 type, i);
	l.text = buf;
	return s->ops->write(s, &l);
}

static void on_new_file(void *ctx, struct sink *s, const char *prev)
{
	FIXTURE_DATA(sink_file) *self = ctx;

	self->new_files++;
	self->prev_null = !prev;
	snprintf(self->prev, sizeof(self->prev), "%s", prev ? prev : "");
	put(s, "file_continued", self->new_files);
}

static char *slurp(const char *path)
{
	static char buf[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return NULL;
	buf[n] = 0;
	return buf;
}

static gid_t some_group(const char **name)
{
	static const char *names[] = { "adm", "daemon", "sys", "users" };
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct group *gr = getgrnam(names[i]);

		if (gr && gr->gr_gid != 0) {
			*name = names[i];
			return gr->gr_gid;
		}
	}
	*name = NULL;
	return 0;
}

/* In a child that became nobody: the errno of opening @path for reading. */
static int open_as_nobody(const char *path)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int fd;

		if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
			_exit(200);
		fd = open(path, O_RDONLY);
		_exit(fd >= 0 ? 0 : errno);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* A sink of conf c, opened; self->opened says whether to close it. */
static int open_conf(FIXTURE_DATA(sink_file) *self, const struct file_sink_conf *c)
{
	int err = sink_file_new(&self->s, c);

	if (err)
		return err;
	err = self->s.ops->open(&self->s);
	if (err) {
		self->s.ops->close(&self->s);
		return err;
	}
	self->opened = true;
	return 0;
}

static int open_sink(FIXTURE_DATA(sink_file) *self, const char *group,
		     uint64_t max_size, unsigned int keep, bool callback)
{
	struct file_sink_conf c = {
		.path = self->path, .group = group, .max_size = max_size, .keep = keep,
		.on_new_file = callback ? on_new_file : NULL, .ctx = self,
	};

	return open_conf(self, &c);
}

TEST_F(sink_file, mode_0600)
{
	struct stat st;
	char line[64];

	if (geteuid())
		SKIP(return, "needs root (changes to user nobody)");
	umask(0);
	ASSERT_EQ(0, open_sink(self, NULL, 0, 0, false));
	ASSERT_EQ(0, put(&self->s, "event", 1));
	ASSERT_EQ(0, put(&self->s, "event", 2));
	/* Buffered until flush. */
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_EQ(0, st.st_size);
	ASSERT_EQ(0, self->s.ops->flush(&self->s));
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_EQ(60, st.st_size);
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
	make_line(line, sizeof(line), 2);
	EXPECT_NE(NULL, strstr(slurp(self->path), line));
	EXPECT_EQ(EACCES, open_as_nobody(self->path));
	EXPECT_STREQ("file", self->s.ops->kind);
	EXPECT_EQ(0, strncmp(self->s.name, "file:/tmp/test_sink_file.", 25));
	umask(022);
}

TEST_F(sink_file, mode_0640_group)
{
	const char *gname;
	gid_t gid = some_group(&gname);
	struct stat st;

	if (geteuid())
		SKIP(return, "needs root (chown to a group)");
	if (!gname)
		SKIP(return, "no non-root group among adm, daemon, sys, users");
	ASSERT_EQ(0, open_sink(self, gname, 0, 0, false));
	ASSERT_EQ(0, put(&self->s, "event", 1));
	ASSERT_EQ(0, self->s.ops->flush(&self->s));
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_EQ(0640, st.st_mode & 07777);
	EXPECT_EQ(gid, st.st_gid);
	/* nobody is not in that group. */
	EXPECT_EQ(EACCES, open_as_nobody(self->path));
}

TEST_F(sink_file, unknown_group)
{
	struct file_sink_conf c = { .path = self->path, .group = "no-such-group-xyz" };

	ASSERT_EQ(0, sink_file_new(&self->s, &c));
	EXPECT_EQ(-ENOENT, self->s.ops->open(&self->s));
	EXPECT_EQ(0, self->s.ops->close(&self->s));
}

TEST_F(sink_file, existing_file_tightened)
{
	const char *gname;
	gid_t gid = some_group(&gname);
	struct stat st;
	int fd;

	if (geteuid())
		SKIP(return, "needs root (changes to user nobody)");
	fd = open(self->path, O_WRONLY | O_CREAT, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fchmod(fd, 0666));
	ASSERT_EQ(4, write(fd, "old\n", 4));
	close(fd);
	EXPECT_EQ(0, open_as_nobody(self->path));

	ASSERT_EQ(0, open_sink(self, NULL, 0, 0, false));
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(4, sink_file_size(&self->s));
	EXPECT_EQ(EACCES, open_as_nobody(self->path));
	ASSERT_EQ(0, put(&self->s, "event", 7));
	ASSERT_EQ(0, self->s.ops->close(&self->s));
	self->opened = false;
	EXPECT_EQ(0, strncmp(slurp(self->path), "old\n{", 5));

	if (!gname)
		return;
	ASSERT_EQ(0, chmod(self->path, 0664));
	ASSERT_EQ(0, open_sink(self, gname, 0, 0, false));
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_EQ(0640, st.st_mode & 07777);
	EXPECT_EQ(gid, st.st_gid);
}

TEST_F(sink_file, symlink_refused)
{
	ASSERT_EQ(0, symlink("/etc/passwd", self->path));
	EXPECT_EQ(-ELOOP, open_sink(self, NULL, 0, 0, false));
}

/*
 * A FIFO nobody reads is refused at once: opening it must not block (one
 * planted in the log directory would hold the start forever).  A FIFO
 * with a reader (a pipe the operator set up) is written to.
 */
TEST_F(sink_file, fifo_without_reader_refused_without_blocking)
{
	char buf[64];
	int rfd;

	ASSERT_EQ(0, mkfifo(self->path, 0600));
	EXPECT_EQ(-EINVAL, open_sink(self, NULL, 0, 0, false));
	rfd = open(self->path, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, rfd);
	ASSERT_EQ(0, open_sink(self, NULL, 0, 0, false));
	ASSERT_EQ(0, put(&self->s, "event", 1));
	ASSERT_EQ(0, self->s.ops->flush(&self->s));
	EXPECT_EQ(30, read(rfd, buf, sizeof(buf)));
	close(rfd);
}

/* With the daemon's user known, another user's file is not its log. */
static int open_owned(FIXTURE_DATA(sink_file) *self, uid_t owner)
{
	struct file_sink_conf c = { .path = self->path, .owner = owner };

	return open_conf(self, &c);
}

TEST_F(sink_file, owner_checked)
{
	char other[160];
	struct stat st;
	int fd;

	if (geteuid() != 0)
		SKIP(return, "needs root (file owners)");
	/* Someone else's file: refused. */
	fd = open(self->path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fchown(fd, 4242, 4242));
	close(fd);
	EXPECT_EQ(-EPERM, open_owned(self, 65534));
	/* Root's with a second link (to a file of root's elsewhere): refused. */
	ASSERT_EQ(0, chown(self->path, 0, 0));
	snprintf(other, sizeof(other), "%s.elsewhere", self->path);
	ASSERT_EQ(0, link(self->path, other));
	EXPECT_EQ(-EPERM, open_owned(self, 65534));
	ASSERT_EQ(0, unlink(other));
	/* Root's alone (the daemon made it before its drop): used, and stays root's. */
	ASSERT_EQ(0, open_owned(self, 65534));
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_EQ(0U, st.st_uid);
	EXPECT_EQ(0600U, st.st_mode & 07777);
}

/* 30-byte lines, max 100 bytes: 3 lines a file; keep 2. */
/* How many times line i appears in the sink's files (path, path.1 .. path.keep). */
static int line_count(FIXTURE_DATA(sink_file) *self, unsigned int keep, unsigned int i)
{
	char name[160], line[64], buf[8192];
	int n = 0;

	make_line(line, sizeof(line), i);
	for (unsigned int k = 0; k <= keep; k++) {
		const char *text, *p;

		if (k)
			snprintf(name, sizeof(name), "%s.%u", self->path, k);
		else
			snprintf(name, sizeof(name), "%s", self->path);
		text = slurp(name);
		if (!text)
			continue;
		snprintf(buf, sizeof(buf), "%s", text);
		for (p = buf; (p = strstr(p, line)); p++)
			n++;
	}
	return n;
}

/* A private mount namespace with a small tmpfs over self->dir. */
static const char *small_tmpfs(const char *dir, const char *opts)
{
	static char why[128];

	if (geteuid() != 0)
		return "needs root (a tmpfs of its own)";
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", dir, "tmpfs", 0, opts)) {
		snprintf(why, sizeof(why), "cannot mount a tmpfs: %s", strerror(errno));
		return why;
	}
	return NULL;
}

/*
 * A rotation whose new file cannot be made (here: no inode left on a small
 * tmpfs, as a full inode table or a quota would do) moves and removes
 * nothing: the sink keeps appending to its current file past max_size,
 * health says rotation_failed, the failure is reported once per streak,
 * and not one line is lost.  It is not retried with every line: only once
 * the back-off (1 s) is over, or at a tick that finds an inode freed; then
 * the next line rotates as usual.
 */
TEST_F(sink_file, failed_rotation_loses_nothing)
{
	char filler[160];
	struct sink_health h;
	uint64_t failures;
	unsigned int i;
	int fd, err;
	const char *why;

	/* The root directory, the file, the filler and one rotated file. */
	why = small_tmpfs(self->dir, "size=1m,nr_inodes=4,mode=0755");
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, open_sink(self, NULL, 100, 2, false));
	snprintf(filler, sizeof(filler), "%s/filler", self->dir);
	fd = open(filler, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ASSERT_LE(0, fd);
	close(fd);

	/* Lines 1-3 rotate to .1 (the last free inode), then nothing can rotate. */
	for (i = 1; i <= 20; i++)
		ASSERT_EQ(0, put(&self->s, "event", i));
	ASSERT_EQ(0, self->s.ops->flush(&self->s));
	self->s.ops->health(&self->s, &h);
	EXPECT_STREQ("rotation_failed", h.state);
	EXPECT_EQ(-ENOSPC, h.last_err);
	ASSERT_TRUE(sink_file_take_rotate_failure(&self->s, &err, &failures));
	EXPECT_EQ(-ENOSPC, err);
	EXPECT_EQ(1U, failures);	/* not retried with every line */
	EXPECT_FALSE(sink_file_take_rotate_failure(&self->s, &err, &failures));
	for (i = 1; i <= 20; i++)
		EXPECT_EQ(1, line_count(self, 2, i)) {
			TH_LOG("line %u", i);
		}
	EXPECT_LT(100, (int)sink_file_size(&self->s));

	/* The back-off starts at the first tick; before it is over, no retry. */
	self->s.ops->tick(&self->s, 10000);
	self->s.ops->tick(&self->s, 10999);
	for (i = 21; i <= 30; i++)
		ASSERT_EQ(0, put(&self->s, "event", i));
	self->s.ops->health(&self->s, &h);
	EXPECT_STREQ("rotation_failed", h.state);
	EXPECT_EQ(1U, sink_file_rotate_failures(&self->s));
	/* Over: one more try (failing), then twice as long (2 s). */
	self->s.ops->tick(&self->s, 11000);
	for (i = 31; i <= 40; i++)
		ASSERT_EQ(0, put(&self->s, "event", i));
	EXPECT_EQ(2U, sink_file_rotate_failures(&self->s));
	self->s.ops->tick(&self->s, 11001);	/* starts the 2 s back-off */
	self->s.ops->tick(&self->s, 12000);
	ASSERT_EQ(0, put(&self->s, "event", 41));
	ASSERT_EQ(0, self->s.ops->flush(&self->s));

	/* An inode free again: the next tick sees it, the next line rotates. */
	ASSERT_EQ(0, unlink(filler));
	self->s.ops->tick(&self->s, 12001);
	ASSERT_EQ(0, put(&self->s, "event", 42));
	ASSERT_EQ(0, self->s.ops->flush(&self->s));
	self->s.ops->health(&self->s, &h);
	EXPECT_STREQ("ok", h.state);
	/* Two failed tries in all: the first and the one after 1 s. */
	EXPECT_EQ(2U, sink_file_rotate_failures(&self->s));
	for (i = 1; i <= 42; i++)
		EXPECT_EQ(1, line_count(self, 2, i)) {
			TH_LOG("line %u after the recovery", i);
		}
	self->s.ops->close(&self->s);
	self->opened = false;
	umount2(self->dir, MNT_DETACH);
}

/* A whole file of up to 128 KiB, NUL terminated ("" if unreadable). */
static char *slurp_big(const char *path)
{
	static char buf[128 * 1024];
	size_t len = 0;
	ssize_t n = 1;
	int fd = open(path, O_RDONLY);

	while (fd >= 0 && n > 0 && len < sizeof(buf) - 1) {
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		len += n > 0 ? (size_t)n : 0;
	}
	if (fd >= 0)
		close(fd);
	buf[len] = '\0';
	return buf;
}

/* Whether the file holds exactly the event lines first..last, in order, whole. */
static bool holds_lines(const char *text, unsigned int first, unsigned int last)
{
	char line[64];
	size_t len;

	for (unsigned int i = first; i <= last; i++) {
		len = make_line(line, sizeof(line), i);
		if (strncmp(text, line, len))
			return false;
		text += len;
	}
	return !*text;
}

/*
 * A full disk (a 64 KiB tmpfs, mostly filled): the 64 KiB buffer's write
 * takes only part of it, and part of a line; that part is cut off again,
 * so the file holds whole lines only.  Every line not written is counted,
 * exactly, and the sink stops writing (full) without an error to the
 * daemon.  Once space is back (seen by a tick), the gap is due; its line
 * is written first, and the sink goes on.
 */
TEST_F(sink_file, full_disk_loses_whole_lines_only)
{
	char filler[160], gapline[128], big[4096];
	unsigned int i, written;
	struct sink_health h;
	struct file_gap g;
	uint64_t failures;
	const char *why;
	struct stat st;
	int fd, err;

	why = small_tmpfs(self->dir, "size=64k,mode=0755");
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, open_sink(self, NULL, 0, 1, false));
	snprintf(filler, sizeof(filler), "%s/filler", self->dir);
	fd = open(filler, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ASSERT_LE(0, fd);
	memset(big, 'x', sizeof(big));
	for (i = 0; i < 10; i++)	/* 40 KiB: about 24 KiB stay free */
		ASSERT_EQ((ssize_t)sizeof(big), write(fd, big, sizeof(big)));
	close(fd);

	/* 2000 lines of 30 bytes: the first buffer (1024 lines) does not fit. */
	for (i = 1; i <= 2000; i++)
		ASSERT_EQ(0, put(&self->s, "event", i));
	EXPECT_EQ(0, self->s.ops->flush(&self->s));
	ASSERT_EQ(0, stat(self->path, &st));
	written = (unsigned int)(st.st_size / 30);
	EXPECT_EQ(0, st.st_size % 30);
	EXPECT_LT(0U, written);
	EXPECT_GT(1024U, written);
	EXPECT_TRUE(holds_lines(slurp_big(self->path), 1, written));
	self->s.ops->health(&self->s, &h);
	EXPECT_STREQ("full", h.state);
	EXPECT_EQ(2000U - written, h.dropped);
	EXPECT_EQ(written, h.lines);
	ASSERT_TRUE(sink_file_take_write_failure(&self->s, &err, &failures));
	EXPECT_EQ(-ENOSPC, err);
	EXPECT_FALSE(sink_file_take_write_failure(&self->s, &err, &failures));

	/* No retry before a tick says so; space back: the next tick does. */
	EXPECT_FALSE(sink_file_gap_due(&self->s, &g));
	self->s.ops->tick(&self->s, 5000);
	EXPECT_FALSE(sink_file_gap_due(&self->s, &g));
	ASSERT_EQ(0, unlink(filler));
	self->s.ops->tick(&self->s, 5001);
	self->s.ops->health(&self->s, &h);
	EXPECT_TRUE(h.have_free);
	EXPECT_LT(32768U, h.free_bytes);
	ASSERT_TRUE(sink_file_gap_due(&self->s, &g));
	EXPECT_EQ(2000U - written, g.lines);
	EXPECT_EQ(written + 1, g.first_n);
	EXPECT_EQ(2000U, g.last_n);
	EXPECT_EQ(written, g.prev_n);
	EXPECT_EQ((written + 1) * 1000ull, g.first_time_ns);
	EXPECT_EQ(2000000U, g.last_time_ns);
	EXPECT_EQ(-ENOSPC, g.err);

	/* The gap's line first, then the lines after it. */
	snprintf(gapline, sizeof(gapline), "{\"type\":\"sink_gap\",\"n\":%u}\n", written + 1);
	ASSERT_EQ(0, sink_file_resume(&self->s, gapline, strlen(gapline), NULL));
	ASSERT_EQ(0, put(&self->s, "event", 2001));
	ASSERT_EQ(0, self->s.ops->flush(&self->s));
	self->s.ops->health(&self->s, &h);
	EXPECT_STREQ("ok", h.state);
	EXPECT_EQ(2000U - written, h.dropped);
	EXPECT_NE(NULL, strstr(slurp_big(self->path), gapline));
	EXPECT_EQ(written * 30 + strlen(gapline) + 30, sink_file_size(&self->s));
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_EQ((off_t)sink_file_size(&self->s), st.st_size);
	self->s.ops->close(&self->s);
	self->opened = false;
	umount2(self->dir, MNT_DETACH);
}

TEST_F(sink_file, rotation_keep)
{
	char name[160], line[64];
	struct stat st;
	unsigned int i;
	char *text;

	ASSERT_EQ(0, open_sink(self, NULL, 100, 2, false));
	for (i = 1; i <= 10; i++)
		ASSERT_EQ(0, put(&self->s, "event", i));
	ASSERT_EQ(0, self->s.ops->flush(&self->s));

	/* Lines 1-3 rotated away, 4-6 in .2, 7-9 in .1, 10 in the file. */
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_EQ(30, st.st_size);
	EXPECT_EQ(0600, st.st_mode & 07777);
	make_line(line, sizeof(line), 10);
	EXPECT_STREQ(line, slurp(self->path));
	for (i = 1; i <= 2; i++) {
		snprintf(name, sizeof(name), "%s.%u", self->path, i);
		ASSERT_EQ(0, stat(name, &st));
		EXPECT_EQ(90, st.st_size);
		EXPECT_EQ(0600, st.st_mode & 07777);
		text = slurp(name);
		make_line(line, sizeof(line), 10 - 3 * i);
		EXPECT_EQ(0, strncmp(text, line, 30));
		make_line(line, sizeof(line), 12 - 3 * i);
		EXPECT_STREQ(line, text + 60);
	}
	snprintf(name, sizeof(name), "%s.3", self->path);
	EXPECT_EQ(-1, stat(name, &st));
	EXPECT_EQ(ENOENT, errno);
}

TEST_F(sink_file, rotation_keep0)
{
	char name[160];
	struct stat st;
	unsigned int i;

	ASSERT_EQ(0, open_sink(self, NULL, 100, 0, false));
	for (i = 1; i <= 7; i++)
		ASSERT_EQ(0, put(&self->s, "event", i));
	ASSERT_EQ(0, self->s.ops->flush(&self->s));
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_EQ(30, st.st_size);
	snprintf(name, sizeof(name), "%s.1", self->path);
	EXPECT_EQ(-1, stat(name, &st));
}

/* With a callback: the daemon prepares, the sink rotates and asks for file_continued. */
TEST_F(sink_file, rotation_callback)
{
	char name[160], line[64];
	unsigned int i;
	char *text;

	ASSERT_EQ(0, open_sink(self, NULL, 100, 3, true));
	for (i = 1; i <= 5; i++) {
		ASSERT_LE(0, sink_file_prepare(&self->s, 30));
		ASSERT_EQ(0, put(&self->s, "event", i));
	}
	ASSERT_EQ(0, self->s.ops->flush(&self->s));
	/* Lines 1-3 in .1; then file_continued (32 bytes) + 4 + 5 = 92 bytes. */
	EXPECT_EQ(1, self->new_files);
	snprintf(name, sizeof(name), "%s.1", self->path);
	EXPECT_STREQ("audit.jsonl.1", self->prev);
	EXPECT_EQ(90, strlen(slurp(name)));
	text = slurp(self->path);
	EXPECT_EQ(0, strncmp(text, "{\"type\":\"file_continued\",\"n\":1}\n", 32));
	make_line(line, sizeof(line), 5);
	EXPECT_STREQ(line, text + 32 + 30);
	/* The 6th line would pass 100 bytes: rotate again, never an empty-ish loop. */
	EXPECT_EQ(1, sink_file_prepare(&self->s, 30));
	EXPECT_EQ(2, self->new_files);
	/* A file holding only file_continued is not rotated, even for a huge line. */
	EXPECT_EQ(0, sink_file_prepare(&self->s, 1000));
	EXPECT_EQ(2, self->new_files);
}

TEST_F(sink_file, reopen_after_rename)
{
	char moved[160], line[64];
	struct stat st;

	ASSERT_EQ(0, open_sink(self, NULL, 0, 0, true));
	ASSERT_EQ(0, put(&self->s, "event", 1));
	ASSERT_EQ(0, self->s.ops->flush(&self->s));
	snprintf(moved, sizeof(moved), "%s.moved", self->path);
	ASSERT_EQ(0, rename(self->path, moved));
	/* Until the reopen, lines still go to the moved file. */
	ASSERT_EQ(0, put(&self->s, "event", 2));
	ASSERT_EQ(0, self->s.ops->reopen(&self->s));
	EXPECT_EQ(1, self->new_files);
	EXPECT_TRUE(self->prev_null);
	ASSERT_EQ(0, put(&self->s, "event", 3));
	ASSERT_EQ(0, self->s.ops->flush(&self->s));
	EXPECT_EQ(60, strlen(slurp(moved)));
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_EQ(0600, st.st_mode & 07777);
	make_line(line, sizeof(line), 3);
	EXPECT_EQ(0, strcmp(slurp(self->path) + 32, line));
	/* Reopening the same file is not a new file. */
	ASSERT_EQ(0, self->s.ops->reopen(&self->s));
	EXPECT_EQ(1, self->new_files);
}

/*
 * After the privilege drop: the sink was opened as root, the daemon now runs
 * as nobody, which owns the directory (but not the file) and is not in the
 * group.  Rotation still works through the directory fd; the new file is
 * nobody's and, as the group cannot be set, stays 0600.
 */
TEST_F(sink_file, rotation_unprivileged)
{
	const char *gname;
	struct stat st;
	int status;
	pid_t pid;

	some_group(&gname);
	if (geteuid())
		SKIP(return, "needs root (changes to user nobody)");
	ASSERT_EQ(0, chown(self->dir, NOBODY, NOBODY));
	ASSERT_EQ(0, chmod(self->dir, 0700));
	ASSERT_EQ(0, open_sink(self, gname, 100, 1, false));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char log[160];
		unsigned int i;
		int fd;

		/* The warning about the group goes to a file the test reads. */
		snprintf(log, sizeof(log), "%s.log", self->dir);
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(9);
		if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
			_exit(10);
		for (i = 1; i <= 5; i++)
			if (put(&self->s, "event", i))
				_exit(10 + i);
		_exit(self->s.ops->close(&self->s) ? 20 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	{
		char log[160];
		char *text;

		snprintf(log, sizeof(log), "%s.log", self->dir);
		text = slurp(log);
		unlink(log);
		if (gname) {
			ASSERT_NE(NULL, text);
			EXPECT_NE(NULL, strstr(text, "cannot set group"));
		}
	}
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_EQ(NOBODY, st.st_uid);
	EXPECT_EQ(60, st.st_size);
	EXPECT_EQ(0600, st.st_mode & 07777);
	{
		char name[160];

		snprintf(name, sizeof(name), "%s.1", self->path);
		ASSERT_EQ(0, stat(name, &st));
		EXPECT_EQ(0, st.st_uid);
		EXPECT_EQ(90, st.st_size);
		EXPECT_EQ(gname ? 0640 : 0600, st.st_mode & 07777);
	}
}

/* A setgid directory of the group gives new files the group without chown. */
TEST_F(sink_file, rotation_setgid_dir)
{
	const char *gname;
	gid_t gid = some_group(&gname);
	char name[160];
	struct stat st;
	unsigned int i;

	if (!gname)
		SKIP(return, "no non-root group among adm, daemon, sys, users");
	ASSERT_EQ(0, chown(self->dir, 0, gid));
	ASSERT_EQ(0, chmod(self->dir, 02750));
	ASSERT_EQ(0, open_sink(self, gname, 100, 1, false));
	for (i = 1; i <= 5; i++)
		ASSERT_EQ(0, put(&self->s, "event", i));
	ASSERT_EQ(0, self->s.ops->flush(&self->s));
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_EQ(gid, st.st_gid);
	EXPECT_EQ(0640, st.st_mode & 07777);
	snprintf(name, sizeof(name), "%s.1", self->path);
	ASSERT_EQ(0, stat(name, &st));
	EXPECT_EQ(0640, st.st_mode & 07777);
}

TEST_F(sink_file, stdout_sink)
{
	struct file_sink_conf c = { .path = "-", .name = "out" };
	struct sink_health h;

	ASSERT_EQ(0, sink_file_new(&self->s, &c));
	self->opened = true;
	ASSERT_EQ(0, self->s.ops->open(&self->s));
	EXPECT_STREQ("out", self->s.name);
	EXPECT_EQ(0, self->s.ops->reopen(&self->s));
	self->s.ops->health(&self->s, &h);
	EXPECT_STREQ("ok", h.state);
}

TEST_HARNESS_MAIN
