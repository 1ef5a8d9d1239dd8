// SPDX-License-Identifier: GPL-2.0-only
/*
 * `inputauditctl status` against the real module's sysfs files inside the
 * VM: userspace/ctl/ctl_status.c and status.c linked in (the inputauditctl
 * binary itself is dynamically linked against libcrypto), a uinput
 * keyboard created by this process, and a status.json written by the
 * daemon's writer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "capture_util.h"
#include "ctl_status.h"
#include "kmod_util.h"
#include "status.h"
#include "uinput_util.h"

#define TEST_TIMEOUT	120
#define DEV_NAME	"vm-ctl keyboard"

FIXTURE(ctl) {
	struct capture c;
	char dir[64];
	char *out;
	size_t len;
};

FIXTURE_SETUP(ctl)
{
	const char *why = capture_prepare(&self->c);

	self->out = NULL;
	snprintf(self->dir, sizeof(self->dir), "/tmp/vm_ctl.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	if (why)
		SKIP(return, "%s", why);
}

FIXTURE_TEARDOWN(ctl)
{
	char path[128];

	free(self->out);
	snprintf(path, sizeof(path), "%s/%s", self->dir, STATUS_FILE);
	unlink(path);
	rmdir(self->dir);
	EXPECT_EQ(0, capture_cleanup(&self->c));
}

/* ctl_status() into self->out; returns its exit code. */
static int status(FIXTURE_DATA(ctl) *self, bool json)
{
	FILE *f;
	int rc;

	free(self->out);
	self->out = NULL;
	f = open_memstream(&self->out, &self->len);
	if (!f)
		return -errno;
	rc = ctl_status("/sys", self->dir, json, f);
	fclose(f);
	return rc;
}

/* Text as TAP comment lines. */
static void show(const char *out)
{
	for (; *out; out = strchrnul(out, '\n') + !!*strchrnul(out, '\n'))
		printf("#   %.*s\n", (int)(strchrnul(out, '\n') - out), out);
}

static bool has(const char *out, const char *s)
{
	if (strstr(out, s))
		return true;
	printf("# missing \"%s\" in:\n", s);
	show(out);
	return false;
}

TEST_F_TIMEOUT(ctl, real_sysfs, TEST_TIMEOUT)
{
	struct daemon_status st = { 0 };
	char want[256];
	int dfd;

	ASSERT_EQ(0, kmod_load("level=events max_level=keys window_ms=2000"));
	self->c.ufd = uinput_create(UINPUT_KEYBOARD, DEV_NAME);
	ASSERT_GE(self->c.ufd, 0);
	ASSERT_EQ(3, uinput_type(self->c.ufd, "abc"));

	ASSERT_EQ(CTL_EXIT_OK, status(self, false));
	EXPECT_TRUE(has(self->out, "level      events (max_level keys, lock 0)\n"));
	EXPECT_TRUE(has(self->out, " window_ms=2000 "));
	EXPECT_TRUE(has(self->out, "status     level=events max_level=keys lock=0 devices="));
	EXPECT_TRUE(has(self->out, "records    emitted "));
	EXPECT_TRUE(has(self->out, "frames     seen "));
	EXPECT_TRUE(has(self->out, DEV_NAME "  "));
	snprintf(want, sizeof(want), "(pid %d)", getpid());
	EXPECT_TRUE(has(self->out, want));
	EXPECT_TRUE(has(self->out, "daemon: not running (no status file)\n"));

	ASSERT_EQ(CTL_EXIT_OK, status(self, true));
	EXPECT_TRUE(has(self->out, "{\"module\":{\"loaded\":true,\"level\":\"events\",\"max_level\":\"keys\",\"lock\":0,"));
	EXPECT_TRUE(has(self->out, "\"settings\":{\"window_ms\":2000,"));
	EXPECT_TRUE(has(self->out, "\"name\":\"" DEV_NAME "\""));
	snprintf(want, sizeof(want), "\"creator\":{\"pid\":%d,\"uid\":0,\"comm\":\"vm_ctl\"},\"enabled\":1,\"counters\":{\"frames_seen\":",
		 getpid());
	EXPECT_TRUE(has(self->out, want));
	EXPECT_TRUE(has(self->out, "\"loss\":{\"records_emitted\":"));
	EXPECT_TRUE(has(self->out, "\"daemon\":{\"running\":false,\"reason\":\"no status file\""));

	/* the daemon's status file */
	st.pid = getpid();
	st.uid = 65534;
	st.chain_n = 12;
	strcpy(st.key_id, "00112233aabbccdd");
	st.nsinks = 1;
	strcpy(st.sinks[0].name, "file:/var/log/inputaudit/audit.jsonl");
	strcpy(st.sinks[0].kind, "file");
	strcpy(st.sinks[0].health.state, "ok");
	dfd = open(self->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_GE(dfd, 0);
	ASSERT_EQ(0, status_write(dfd, &st));
	close(dfd);
	ASSERT_EQ(CTL_EXIT_OK, status(self, false));
	show(self->out);	/* for the log */
	snprintf(want, sizeof(want), "daemon: running, pid %d, uid 65534", getpid());
	EXPECT_TRUE(has(self->out, want));
	EXPECT_TRUE(has(self->out, "file:/var/log/inputaudit/audit.jsonl  file  ok"));

	uinput_destroy(self->c.ufd);
	self->c.ufd = -1;
	ASSERT_EQ(0, kmod_unload_wait(WAIT_MS));
	EXPECT_EQ(CTL_EXIT_NO_MODULE, status(self, false));
	EXPECT_TRUE(has(self->out, "module not loaded\n"));
}

TEST_HARNESS_MAIN
