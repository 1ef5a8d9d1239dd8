// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests for userspace/daemon/recfile.c: --record/--replay files round-trip,
 * are created 0600, and bad headers and truncated records are reported.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "recfile.h"

FIXTURE(recfile)
{
	char dir[64];
	char path[128];
};

FIXTURE_SETUP(recfile)
{
	strcpy(self->dir, "/tmp/ia-test-recfile-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/rec.bin", self->dir);
}

FIXTURE_TEARDOWN(recfile)
{
	unlink(self->path);
	rmdir(self->dir);
}

static void make_rec(struct inputaudit_record *r, unsigned int i)
{
	memset(r, 0, sizeof(*r));
	r->seq = i + 1;
	r->time_ns = 1000000000ull * i;
	r->type = INPUTAUDIT_REC_EVENT;
	r->flags = INPUTAUDIT_EV_KEY_PRESS;
	r->dev_id = 7;
	r->v[0] = INPUTAUDIT_KEY_TEXT;
	r->v[3] = 0x0102030405060708ull + i;
}

static void write_records(struct __test_metadata *_metadata, const char *path,
			  unsigned int n)
{
	struct inputaudit_record r;
	struct recfile rf;
	unsigned int i;

	ASSERT_EQ(0, recfile_create(&rf, path)) TH_LOG("%s", rf.err);
	for (i = 0; i < n; i++) {
		make_rec(&r, i);
		ASSERT_EQ(0, recfile_write(&rf, &r));
	}
	EXPECT_EQ(n, rf.records);
	ASSERT_EQ(0, recfile_close(&rf));
}

static void write_bytes(const char *path, const void *buf, size_t len, int flags)
{
	int fd = open(path, O_WRONLY | O_CREAT | flags, 0600);

	if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
		abort();
	close(fd);
}

TEST_F(recfile, round_trip)
{
	struct inputaudit_record r, want;
	unsigned char hdr[16];
	struct recfile rf;
	struct stat st;
	unsigned int i;
	FILE *fp;

	write_records(_metadata, self->path, 100);
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(16 + 100 * 56, st.st_size);

	/* The header, byte for byte. */
	fp = fopen(self->path, "rb");
	ASSERT_NE(NULL, fp);
	ASSERT_EQ(1, fread(hdr, sizeof(hdr), 1, fp));
	fclose(fp);
	EXPECT_EQ(0, memcmp(hdr, "IAREC\0\0\1\x38\0\0\0\0\0\0\0", 16));

	ASSERT_EQ(0, recfile_open(&rf, self->path)) TH_LOG("%s", rf.err);
	for (i = 0; i < 100; i++) {
		ASSERT_EQ(1, recfile_read(&rf, &r));
		make_rec(&want, i);
		EXPECT_EQ(0, memcmp(&want, &r, sizeof(r)));
	}
	EXPECT_EQ(0, recfile_read(&rf, &r));
	EXPECT_EQ(100, rf.records);
	EXPECT_EQ(0, recfile_close(&rf));
}

/* An existing file is truncated and narrowed to 0600. */
TEST_F(recfile, existing_file_narrowed)
{
	struct stat st;

	write_bytes(self->path, "old contents that are longer than a header", 42, 0);
	ASSERT_EQ(0, chmod(self->path, 0644));
	write_records(_metadata, self->path, 1);
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(16 + 56, st.st_size);
}

TEST_F(recfile, empty_file_ok)
{
	struct inputaudit_record r;
	struct recfile rf;

	write_records(_metadata, self->path, 0);
	ASSERT_EQ(0, recfile_open(&rf, self->path));
	EXPECT_EQ(0, recfile_read(&rf, &r));
	recfile_close(&rf);
}

TEST_F(recfile, bad_headers)
{
	static const struct {
		const char *hdr;
		size_t len;
		const char *why;
	} cases[] = {
		{ "", 0, "short header: 0 of 16 bytes" },
		{ "IAREC\0\0\1\x38\0\0", 11, "short header: 11 of 16 bytes" },
		{ "{\"seq\":1,\"time_n", 16, "not a record file (bad magic)" },
		{ "IAREC\0\0\2\x38\0\0\0\0\0\0\0", 16,
		  "unsupported record file version 2" },
		{ "IAREC\0\0\1\x40\0\0\0\0\0\0\0", 16,
		  "record size 64, expected 56" },
		{ "IAREC\0\0\1\x38\0\0\0\1\0\0\0", 16,
		  "reserved header field is 1, expected 0" },
	};
	struct recfile rf;
	char want[256];
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_bytes(self->path, cases[i].hdr, cases[i].len, O_TRUNC);
		EXPECT_EQ(-EINVAL, recfile_open(&rf, self->path));
		snprintf(want, sizeof(want), "%s: %s", self->path, cases[i].why);
		EXPECT_STREQ(want, rf.err);
		EXPECT_EQ(-1, rf.fd);
	}
}

TEST_F(recfile, missing_file)
{
	struct recfile rf;

	EXPECT_EQ(-ENOENT, recfile_open(&rf, "/nonexistent/rec.bin"));
	EXPECT_STREQ("/nonexistent/rec.bin: No such file or directory", rf.err);
}

/* Whole records are delivered, then the partial one is reported. */
TEST_F(recfile, truncated_final_record)
{
	struct inputaudit_record r;
	struct recfile rf;

	write_records(_metadata, self->path, 3);
	ASSERT_EQ(0, truncate(self->path, 16 + 2 * 56 + 20));
	ASSERT_EQ(0, recfile_open(&rf, self->path));
	EXPECT_EQ(1, recfile_read(&rf, &r));
	EXPECT_EQ(1, r.seq);
	EXPECT_EQ(1, recfile_read(&rf, &r));
	EXPECT_EQ(2, r.seq);
	EXPECT_EQ(-ENODATA, recfile_read(&rf, &r));
	EXPECT_STREQ("truncated final record at offset 128: 20 of 56 bytes", rf.err);
	EXPECT_EQ(2, rf.records);
	recfile_close(&rf);
}

/* A path that is a symlink is not followed. */
TEST_F(recfile, no_symlink)
{
	char link[160];
	struct recfile rf;

	snprintf(link, sizeof(link), "%s/link", self->dir);
	ASSERT_EQ(0, symlink(self->path, link));
	EXPECT_EQ(-ELOOP, recfile_create(&rf, link));
	EXPECT_EQ(-1, access(self->path, F_OK));
	unlink(link);
}

TEST_HARNESS_MAIN
