// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests for userspace/daemon/ksettings.c against FAKE parameter files: a temp
 * directory of regular files standing in for
 * /sys/module/inputaudit/parameters.  This checks the logic only (what is
 * read, compared, refused, written and verified); it does not talk to the
 * module.  The real sysfs files are exercised by the VM tests.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "config.h"
#include "inputaudit.h"
#include "ksettings.h"

static const char *const initial[][2] = {
	{ "window_ms", "10000" }, { "dev_rate", "1000" }, { "dev_burst", "2000" },
	{ "global_rate", "10000" }, { "global_burst", "20000" },
	{ "heartbeat_ms", "10000" }, { "time_res_ms", "10" },
	{ "inject_presses", "5" }, { "inject_interval_ms", "50" },
	{ "level", "activity" }, { "lock", "0" }, { "max_level", "events" },
};
#define NFILES	(sizeof(initial) / sizeof(initial[0]))

FIXTURE(ks)
{
	char dir[64];
	struct ksettings ks;
	struct ia_kernel_conf kc;
	char err[512];
};

static void put(const char *dir, const char *name, const char *val)
{
	char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	if (!fp)
		abort();
	fprintf(fp, "%s\n", val);
	fclose(fp);
}

/* The file's first line, as the module would show it now. */
static const char *get(const char *dir, const char *name, char *buf, size_t len)
{
	char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "r");
	if (!fp || !fgets(buf, (int)len, fp))
		snprintf(buf, len, "(unreadable)");
	if (fp)
		fclose(fp);
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/* Set every file's mtime to the epoch: a later write shows. */
static void age_all(const char *dir)
{
	struct timeval tv[2] = { { 0, 0 }, { 0, 0 } };
	char path[128];
	unsigned int i;

	for (i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, initial[i][0]);
		utimes(path, tv);
	}
}

static bool written(const char *dir, const char *name)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return !stat(path, &st) && st.st_mtime != 0;
}

FIXTURE_SETUP(ks)
{
	unsigned int i;

	strcpy(self->dir, "/tmp/ia-test-ksettings-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	for (i = 0; i < NFILES; i++)
		put(self->dir, initial[i][0], initial[i][1]);
	age_all(self->dir);
	memset(&self->kc, 0, sizeof(self->kc));
	memset(&self->ks, 0, sizeof(self->ks));
	for (i = 0; i < IA_KSET_COUNT; i++)
		self->ks.fd[i] = -1;
	self->ks.max_level_fd = -1;
}

FIXTURE_TEARDOWN(ks)
{
	char path[128];
	unsigned int i;

	ksettings_close(&self->ks);
	for (i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "%s/%s", self->dir, initial[i][0]);
		unlink(path);
	}
	rmdir(self->dir);
}

static void want(struct ia_kernel_conf *kc, enum ia_kset k, uint32_t v)
{
	kc->set[k] = true;
	kc->val[k] = v;
}

/* Only settings that differ are written, and each is read back. */
TEST_F(ks, applies_what_differs)
{
	char buf[64];

	want(&self->kc, IA_KSET_WINDOW_MS, 2500);
	want(&self->kc, IA_KSET_LEVEL, INPUTAUDIT_LEVEL_EVENTS);
	want(&self->kc, IA_KSET_DEV_RATE, 1000);	/* already so */
	want(&self->kc, IA_KSET_INJECT_PRESSES, 9);
	ASSERT_EQ(0, ksettings_open(&self->ks, self->dir, &self->kc, self->err,
				    sizeof(self->err))) TH_LOG("%s", self->err);
	EXPECT_EQ(3, ksettings_apply(&self->ks, &self->kc, self->err,
				     sizeof(self->err))) TH_LOG("%s", self->err);
	EXPECT_STREQ("2500", get(self->dir, "window_ms", buf, sizeof(buf)));
	EXPECT_STREQ("events", get(self->dir, "level", buf, sizeof(buf)));
	EXPECT_STREQ("9", get(self->dir, "inject_presses", buf, sizeof(buf)));
	EXPECT_FALSE(written(self->dir, "dev_rate"));
	EXPECT_FALSE(written(self->dir, "lock"));
	EXPECT_FALSE(written(self->dir, "max_level"));

	/* Again: nothing to do (a SIGHUP with the same file). */
	age_all(self->dir);
	EXPECT_EQ(0, ksettings_apply(&self->ks, &self->kc, self->err,
				     sizeof(self->err)));
	EXPECT_FALSE(written(self->dir, "window_ms"));
	EXPECT_FALSE(written(self->dir, "level"));
}

/* The fds opened at start keep working when the paths are gone (as after the privilege drop). */
TEST_F(ks, fds_opened_before)
{
	char path[128];
	unsigned int i;

	ASSERT_EQ(0, ksettings_open(&self->ks, self->dir, NULL, self->err,
				    sizeof(self->err)));
	for (i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "%s/%s", self->dir, initial[i][0]);
		unlink(path);
	}
	want(&self->kc, IA_KSET_HEARTBEAT_MS, 60000);
	want(&self->kc, IA_KSET_LOCK, 1);
	EXPECT_EQ(2, ksettings_apply(&self->ks, &self->kc, self->err,
				     sizeof(self->err))) TH_LOG("%s", self->err);
}

/* A level above max_level is refused before anything is written. */
TEST_F(ks, level_above_max_level)
{
	want(&self->kc, IA_KSET_WINDOW_MS, 2500);
	want(&self->kc, IA_KSET_LEVEL, INPUTAUDIT_LEVEL_KEYS);
	ASSERT_EQ(0, ksettings_open(&self->ks, self->dir, &self->kc, self->err,
				    sizeof(self->err)));
	EXPECT_EQ(-EPERM, ksettings_apply(&self->ks, &self->kc, self->err,
					  sizeof(self->err)));
	EXPECT_STREQ("level keys is above the module's max_level events "
		     "(load the module with max_level=keys to allow it)", self->err);
	/* Refused before anything was written. */
	EXPECT_FALSE(written(self->dir, "window_ms"));
	EXPECT_FALSE(written(self->dir, "level"));
}

/* A locked module: any change is refused up front; a no-op is fine. */
TEST_F(ks, locked)
{
	put(self->dir, "lock", "1");
	age_all(self->dir);
	want(&self->kc, IA_KSET_DEV_BURST, 2000);
	want(&self->kc, IA_KSET_LOCK, 1);
	ASSERT_EQ(0, ksettings_open(&self->ks, self->dir, &self->kc, self->err,
				    sizeof(self->err)));
	EXPECT_EQ(0, ksettings_apply(&self->ks, &self->kc, self->err,
				     sizeof(self->err))) TH_LOG("%s", self->err);

	want(&self->kc, IA_KSET_TIME_RES_MS, 20);
	EXPECT_EQ(-EPERM, ksettings_apply(&self->ks, &self->kc, self->err,
					  sizeof(self->err)));
	EXPECT_STREQ("cannot change time_res_ms: the module's settings are locked "
		     "(lock=1 until it is unloaded)", self->err);
	EXPECT_FALSE(written(self->dir, "time_res_ms"));

	self->kc.set[IA_KSET_TIME_RES_MS] = false;
	want(&self->kc, IA_KSET_LOCK, 0);
	EXPECT_EQ(-EPERM, ksettings_apply(&self->ks, &self->kc, self->err,
					  sizeof(self->err)));
}

/* A missing file matters only when its setting is requested. */
TEST_F(ks, missing_files)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/global_rate", self->dir);
	unlink(path);
	ASSERT_EQ(0, ksettings_open(&self->ks, self->dir, NULL, self->err,
				    sizeof(self->err)));
	want(&self->kc, IA_KSET_GLOBAL_RATE, 5);
	EXPECT_EQ(-ENOENT, ksettings_apply(&self->ks, &self->kc, self->err,
					   sizeof(self->err)));
	EXPECT_EQ(0, strncmp(self->err, self->dir, strlen(self->dir)));
	EXPECT_NE(NULL, strstr(self->err, "/global_rate: no such setting"));
	ksettings_close(&self->ks);

	EXPECT_EQ(-ENOENT, ksettings_open(&self->ks, self->dir, &self->kc,
					  self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "/global_rate: No such file or directory "
			       "(is the inputaudit module loaded?)")) TH_LOG("%s", self->err);
	put(self->dir, "global_rate", "10000");
}

/* Content that is neither a number nor a level name is refused. */
TEST_F(ks, unexpected_content)
{
	put(self->dir, "dev_rate", "-3");
	put(self->dir, "level", "loud");
	want(&self->kc, IA_KSET_DEV_RATE, 5);
	ASSERT_EQ(0, ksettings_open(&self->ks, self->dir, &self->kc, self->err,
				    sizeof(self->err)));
	EXPECT_EQ(-EBADMSG, ksettings_apply(&self->ks, &self->kc, self->err,
					    sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "/dev_rate: unexpected content '-3'"));
	self->kc.set[IA_KSET_DEV_RATE] = false;
	want(&self->kc, IA_KSET_LEVEL, INPUTAUDIT_LEVEL_OFF);
	EXPECT_EQ(-EBADMSG, ksettings_apply(&self->ks, &self->kc, self->err,
					    sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "/level: unexpected content 'loud'"));
}

/*
 * The level is written before the numbers: the module's limits for them
 * depend on it (window_ms 100 is refused below "keys").  Here window_ms
 * refuses every write, and the level is already raised when it does.
 */
TEST_F(ks, level_before_numbers)
{
	char path[128], target[64], buf[64];
	int mfd;

	mfd = memfd_create("ia-test-window_ms", MFD_ALLOW_SEALING);
	if (mfd < 0)
		SKIP(return, "memfd_create: %s", strerror(errno));
	ASSERT_EQ(6, write(mfd, "10000\n", 6));
	ASSERT_EQ(0, fcntl(mfd, F_ADD_SEALS, F_SEAL_WRITE));
	snprintf(target, sizeof(target), "/proc/self/fd/%d", mfd);
	snprintf(path, sizeof(path), "%s/window_ms", self->dir);
	unlink(path);
	ASSERT_EQ(0, symlink(target, path));

	want(&self->kc, IA_KSET_WINDOW_MS, 100);
	want(&self->kc, IA_KSET_LEVEL, INPUTAUDIT_LEVEL_EVENTS);
	want(&self->kc, IA_KSET_LOCK, 1);
	ASSERT_EQ(0, ksettings_open(&self->ks, self->dir, &self->kc, self->err,
				    sizeof(self->err))) TH_LOG("%s", self->err);
	EXPECT_EQ(-EPERM, ksettings_apply(&self->ks, &self->kc, self->err,
					  sizeof(self->err)));
	EXPECT_STREQ("events", get(self->dir, "level", buf, sizeof(buf)));
	EXPECT_FALSE(written(self->dir, "lock"));
	ksettings_close(&self->ks);
	close(mfd);
	unlink(path);
	put(self->dir, "window_ms", "10000");
}

/*
 * A write the file refuses is reported with the value and the error: the
 * stand-in is a write-sealed memfd, readable but not writable.
 */
TEST_F(ks, write_error)
{
	char path[128], target[64];
	int mfd;

	mfd = memfd_create("ia-test-window_ms", MFD_ALLOW_SEALING);
	if (mfd < 0)
		SKIP(return, "memfd_create: %s", strerror(errno));
	ASSERT_EQ(6, write(mfd, "10000\n", 6));
	ASSERT_EQ(0, fcntl(mfd, F_ADD_SEALS, F_SEAL_WRITE));
	snprintf(target, sizeof(target), "/proc/self/fd/%d", mfd);
	snprintf(path, sizeof(path), "%s/window_ms", self->dir);
	unlink(path);
	ASSERT_EQ(0, symlink(target, path));

	want(&self->kc, IA_KSET_WINDOW_MS, 2500);
	ASSERT_EQ(0, ksettings_open(&self->ks, self->dir, &self->kc, self->err,
				    sizeof(self->err))) TH_LOG("%s", self->err);
	EXPECT_EQ(-EPERM, ksettings_apply(&self->ks, &self->kc, self->err,
					  sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "/window_ms: write '2500': Operation not permitted"))
		TH_LOG("%s", self->err);
	ksettings_close(&self->ks);
	close(mfd);
	unlink(path);
	put(self->dir, "window_ms", "10000");
}

TEST_HARNESS_MAIN
