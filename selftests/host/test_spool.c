// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Tests for userspace/sink/spool.c: order, cap, segments, restarts, torn records. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "spool.h"

FIXTURE(spool)
{
	char dir[64];
	char sdir[96];
	struct spool sp;
	bool opened;
};

FIXTURE_SETUP(spool)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/test_spool.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->sdir, sizeof(self->sdir), "%s/spool", self->dir);
	self->opened = false;
}

FIXTURE_TEARDOWN(spool)
{
	char cmd[128];

	if (self->opened)
		spool_close(&self->sp);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		TH_LOG("cleanup of %s failed", self->dir);
}

static unsigned int count_files(const char *dir, const char *suffix)
{
	unsigned int n = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((de = readdir(d)))
		n += strstr(de->d_name, suffix) != NULL;
	closedir(d);
	return n;
}

static int add(struct spool *sp, unsigned int i)
{
	char rec[64];
	int len = snprintf(rec, sizeof(rec), "record %04u", i);

	return spool_append(sp, rec, (size_t)len);
}

/* Peek and consume one record; return its number or -1. */
static int take(struct spool *sp)
{
	char rec[64];
	unsigned int i;
	ssize_t n = spool_peek(sp, rec, sizeof(rec) - 1);

	if (n <= 0)
		return -1;
	rec[n] = 0;
	if (sscanf(rec, "record %u", &i) != 1 || spool_consume(sp))
		return -1;
	return (int)i;
}

TEST_F(spool, fifo_across_segments)
{
	struct stat st;
	unsigned int i;

	/* Records of 15 bytes + 4; segments of 1000 / 8 = 125 bytes. */
	ASSERT_EQ(0, spool_open(&self->sp, self->sdir, 1000, (uid_t)-1, (gid_t)-1));
	self->opened = true;
	ASSERT_EQ(0, stat(self->sdir, &st));
	EXPECT_EQ(0700, st.st_mode & 07777);
	for (i = 1; i <= 40; i++)
		ASSERT_EQ(0, add(&self->sp, i));
	EXPECT_EQ(40, self->sp.records);
	EXPECT_EQ(40 * 15, self->sp.bytes);
	EXPECT_LT(3, count_files(self->sdir, ".spool"));
	for (i = 1; i <= 20; i++)
		ASSERT_EQ((int)i, take(&self->sp));
	/* Appending while reading keeps the order. */
	for (i = 41; i <= 50; i++)
		ASSERT_EQ(0, add(&self->sp, i));
	for (i = 21; i <= 50; i++)
		ASSERT_EQ((int)i, take(&self->sp));
	EXPECT_EQ(-1, take(&self->sp));
	EXPECT_EQ(0, self->sp.records);
	EXPECT_EQ(0, self->sp.bytes);
	EXPECT_EQ(0, count_files(self->sdir, ".spool"));
	ASSERT_EQ(0, add(&self->sp, 51));
	ASSERT_EQ(51, take(&self->sp));
}

TEST_F(spool, cap)
{
	unsigned int i;

	ASSERT_EQ(0, spool_open(&self->sp, self->sdir, 100, (uid_t)-1, (gid_t)-1));
	self->opened = true;
	for (i = 1; i <= 6; i++)
		ASSERT_EQ(0, add(&self->sp, i));
	EXPECT_EQ(-ENOSPC, add(&self->sp, 7));
	EXPECT_EQ(6, self->sp.records);
	EXPECT_EQ(-EMSGSIZE, spool_append(&self->sp, "", 0));
	/* Room again only once whole segments are gone. */
	while (take(&self->sp) > 0)
		;
	EXPECT_EQ(0, add(&self->sp, 8));
	EXPECT_EQ(8, take(&self->sp));
}

TEST_F(spool, no_dir)
{
	char buf[16];

	ASSERT_EQ(0, spool_open(&self->sp, NULL, 1000, (uid_t)-1, (gid_t)-1));
	self->opened = true;
	EXPECT_EQ(-ENOSPC, add(&self->sp, 1));
	EXPECT_EQ(0, spool_peek(&self->sp, buf, sizeof(buf)));
}

TEST_F(spool, resume_after_close)
{
	unsigned int i;

	ASSERT_EQ(0, spool_open(&self->sp, self->sdir, 1 << 20, (uid_t)-1, (gid_t)-1));
	for (i = 1; i <= 30; i++)
		ASSERT_EQ(0, add(&self->sp, i));
	for (i = 1; i <= 7; i++)
		ASSERT_EQ((int)i, take(&self->sp));
	spool_close(&self->sp);
	EXPECT_EQ(1, count_files(self->sdir, "position"));

	ASSERT_EQ(0, spool_open(&self->sp, self->sdir, 1 << 20, (uid_t)-1, (gid_t)-1));
	self->opened = true;
	EXPECT_EQ(23, self->sp.records);
	EXPECT_EQ(0, count_files(self->sdir, "position"));
	ASSERT_EQ(0, add(&self->sp, 31));
	for (i = 8; i <= 31; i++)
		ASSERT_EQ((int)i, take(&self->sp));
	EXPECT_EQ(-1, take(&self->sp));
}

/*
 * What the daemon's user (or whoever runs as it) leaves in the spool
 * directory is checked and bounded before root reads it: a segment named
 * with the largest index, a FIFO, another user's file and a hard link are
 * ignored, the start does not hang, and the real segments are read whole.
 */
TEST_F(spool, hostile_entries_bounded)
{
	char path[160], other[160];
	unsigned int i;
	int fd;

	if (geteuid() != 0)
		SKIP(return, "needs root (file owners)");
	ASSERT_EQ(0, spool_open(&self->sp, self->sdir, 1 << 20, 65534, 65534));
	for (i = 1; i <= 10; i++)
		ASSERT_EQ(0, add(&self->sp, i));
	spool_close(&self->sp);
	snprintf(path, sizeof(path), "%s/ffffffffffffffff.spool", self->sdir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(8, write(fd, "\4\0\0\0evil", 8));
	close(fd);
	snprintf(path, sizeof(path), "%s/0000000000000001.spool", self->sdir);
	ASSERT_EQ(0, mkfifo(path, 0600));
	snprintf(path, sizeof(path), "%s/0000000000000002.spool", self->sdir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(8, write(fd, "\4\0\0\0evil", 8));
	ASSERT_EQ(0, fchown(fd, 4242, 4242));
	close(fd);
	snprintf(other, sizeof(other), "%s/../hardlinked", self->sdir);
	fd = open(other, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ASSERT_LE(0, fd);
	close(fd);
	snprintf(path, sizeof(path), "%s/0000000000000003.spool", self->sdir);
	ASSERT_EQ(0, link(other, path));

	alarm(20);	/* a scan over 2^64 indexes would not end */
	ASSERT_EQ(0, spool_open(&self->sp, self->sdir, 1 << 20, 65534, 65534));
	alarm(0);
	self->opened = true;
	EXPECT_EQ(10, self->sp.records);
	for (i = 1; i <= 10; i++)
		EXPECT_EQ((int)i, take(&self->sp));
	EXPECT_EQ(-1, take(&self->sp));
	unlink(other);
}

/* A crash in the middle of an append leaves a torn record: it is cut off. */
TEST_F(spool, torn_record_dropped)
{
	char name[160];
	unsigned int i;
	int fd;

	ASSERT_EQ(0, spool_open(&self->sp, self->sdir, 1 << 20, (uid_t)-1, (gid_t)-1));
	for (i = 1; i <= 3; i++)
		ASSERT_EQ(0, add(&self->sp, i));
	spool_close(&self->sp);
	snprintf(name, sizeof(name), "%s/%016x.spool", self->sdir, 0);
	fd = open(name, O_WRONLY | O_APPEND);
	ASSERT_LE(0, fd);
	ASSERT_EQ(7, write(fd, "\x20\0\0\0abc", 7));
	close(fd);

	ASSERT_EQ(0, spool_open(&self->sp, self->sdir, 1 << 20, (uid_t)-1, (gid_t)-1));
	self->opened = true;
	EXPECT_EQ(3, self->sp.records);
	ASSERT_EQ(0, add(&self->sp, 4));
	for (i = 1; i <= 4; i++)
		ASSERT_EQ((int)i, take(&self->sp));
	EXPECT_EQ(-1, take(&self->sp));
}

TEST_F(spool, small_buffer)
{
	char buf[4];

	ASSERT_EQ(0, spool_open(&self->sp, self->sdir, 1 << 20, (uid_t)-1, (gid_t)-1));
	self->opened = true;
	ASSERT_EQ(0, add(&self->sp, 1));
	EXPECT_EQ(-ENOSPC, spool_peek(&self->sp, buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, spool_consume(&self->sp));
	EXPECT_EQ(1, take(&self->sp));
}

TEST_HARNESS_MAIN
