// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The real daemon binary on a replayed stream: --replay feeds a record file
 * through the same policy, chain and sinks as live capture, so device rules
 * can be checked end to end on the host.  Also --check-config's contract:
 * exit 0 for a good file, 1 and FILE:LINE: reason for a bad one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "recfile.h"

#define MAX_RECS	128
struct stream {
	struct inputaudit_record rec[MAX_RECS];
	unsigned int n;
};
#include "recgen.h"
#include "daemon_run.h"

#define USB		0x03
#define VIRTUAL		0x06

/* The whole file (up to 1 MiB), NUL terminated; "" if unreadable. */
static char *slurp(const char *path)
{
	static char buf[1 << 20];

	return slurp_into(path, buf, sizeof(buf));
}

static bool has_seq(const char *text, uint64_t seq)
{
	char needle[40];

	snprintf(needle, sizeof(needle), "{\"seq\":%llu,", (unsigned long long)seq);
	return strstr(text, needle);
}

static int count(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

FIXTURE(replay) {
	char dir[64], rec[96], conf[96], key[96], out[96], log[96], err[96];
	struct stream s;
};

FIXTURE_SETUP(replay)
{
	unsigned char k[32];
	int fd;

	snprintf(self->dir, sizeof(self->dir), "/tmp/ia-test-replay-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->rec, sizeof(self->rec), "%s/stream.iarec", self->dir);
	snprintf(self->conf, sizeof(self->conf), "%s/d.conf", self->dir);
	snprintf(self->key, sizeof(self->key), "%s/chain.key", self->dir);
	snprintf(self->out, sizeof(self->out), "%s/out.jsonl", self->dir);
	snprintf(self->log, sizeof(self->log), "%s/stdout", self->dir);
	snprintf(self->err, sizeof(self->err), "%s/stderr", self->dir);
	for (unsigned int i = 0; i < sizeof(k); i++)
		k[i] = i * 7 + 1;
	fd = open(self->key, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)sizeof(k), write(fd, k, sizeof(k)));
	close(fd);
	memset(&self->s, 0, sizeof(self->s));
}

FIXTURE_TEARDOWN(replay)
{
	const char *files[] = { self->rec, self->conf, self->key, self->out,
				self->log, self->err };

	for (unsigned int i = 0; i < 6; i++)
		unlink(files[i]);
	rmdir(self->dir);
}

static void save(struct __test_metadata *_metadata, const struct stream *s,
		 const char *path)
{
	struct recfile rf;

	ASSERT_EQ(0, recfile_create(&rf, path));
	for (unsigned int i = 0; i < s->n; i++)
		ASSERT_EQ(0, recfile_write(&rf, &s->rec[i]));
	ASSERT_EQ(0, recfile_close(&rf));
}

static void write_text(struct __test_metadata *_metadata, const char *path,
		       const char *text)
{
	FILE *f = fopen(path, "w");

	ASSERT_NE(NULL, f);
	fputs(text, f);
	ASSERT_EQ(0, fclose(f));
}

/*
 * Three devices, three rules: the ignored mouse leaves only its lifecycle,
 * the process-made keyboard is forwarded with alerts, the USB keyboard is
 * forwarded; heartbeats bring checkpoints; the file ends with a final one.
 */
TEST_F(replay, device_rules_select_records)
{
	const char *argv[] = { INPUTAUDITD_BIN, "--replay", self->rec, "-c",
			       self->conf, "-o", self->out, NULL };
	const char *verify[] = { INPUTAUDITCTL_BIN, "verify", "--key",
				 self->key, self->out, NULL };
	const char *last;
	uint64_t kbd_added, kbd_key, fake_added, fake_inj, mouse_added,
		 mouse_key, mouse_rm, hb, kbd_rm, fake_key;
	char conf[1024];
	struct stat st;
	const char *text;

	kbd_added = device(&self->s, 1, "ia-test keyboard", USB, 0x046d,
			   0xc31c, NULL);
	fake_added = device(&self->s, 2, "ia-test virtual keyboard", VIRTUAL,
			    0x1234, 0x5678, "ia-faker");
	mouse_added = device(&self->s, 3, "ia-test optical mouse", USB, 0x046d,
			     0xc077, NULL);
	kbd_key = key_press(&self->s, 1);
	fake_key = key_press(&self->s, 2);
	mouse_key = key_press(&self->s, 3);
	fake_inj = injection(&self->s, 2);
	hb = add(&self->s, INPUTAUDIT_REC_HEARTBEAT, 0, 0, 10, 0, 0, 0);
	mouse_rm = removed(&self->s, 3);
	kbd_rm = removed(&self->s, 1);
	save(_metadata, &self->s, self->rec);

	snprintf(conf, sizeof(conf),
		 "[chain]\nkey = %s\n"
		 "[alert]\ninjection = yes\ncreator = no\nnew_device = no\n"
		 "[rule mice]\nmatch_name = *mouse*\naction = ignore\n"
		 "[rule made]\nmatch_virtual = yes\nmatch_creator = ia-fak*\n"
		 "action = alert\n"
		 "[rule usb]\nmatch_bus = usb\nmatch_id = 046d:*\naction = audit\n",
		 self->key);
	write_text(_metadata, self->conf, conf);

	ASSERT_EQ(0, run_to_files(argv, self->log, self->err)) {
		TH_LOG("stderr: %s", slurp(self->err));
	}
	ASSERT_EQ(0, stat(self->out, &st));
	EXPECT_EQ(0600U, st.st_mode & 0777);
	text = slurp(self->out);

	/* Exactly these kernel records were written. */
	EXPECT_TRUE(has_seq(text, kbd_added));
	EXPECT_TRUE(has_seq(text, kbd_key));
	EXPECT_TRUE(has_seq(text, kbd_rm));
	EXPECT_TRUE(has_seq(text, fake_added));
	EXPECT_TRUE(has_seq(text, fake_key));
	EXPECT_TRUE(has_seq(text, fake_inj));
	EXPECT_TRUE(has_seq(text, mouse_added));
	EXPECT_FALSE(has_seq(text, mouse_key));
	EXPECT_TRUE(has_seq(text, mouse_rm));
	EXPECT_TRUE(has_seq(text, hb));
	EXPECT_EQ(9, count(text, "{\"seq\":"));
	/* Names merged, never their own lines. */
	EXPECT_EQ(0, count(text, "\"type\":\"unknown\""));
	EXPECT_NE(NULL, strstr(text, "\"name\":\"ia-test virtual keyboard\""));
	/* Alerts: the rule at device_added, then the injection. */
	EXPECT_EQ(2, count(text, "\"type\":\"alert\""));
	EXPECT_NE(NULL, strstr(text, "\"reason\":\"device_rule\",\"dev\":2"));
	EXPECT_NE(NULL, strstr(text, "\"rule\":\"made\""));
	EXPECT_NE(NULL, strstr(text, "\"reason\":\"injection\",\"dev\":2"));
	/* Chain: a start, a checkpoint per heartbeat, and a final one. */
	EXPECT_EQ(1, count(text, "\"type\":\"chain_start\""));
	EXPECT_EQ(2, count(text, "\"type\":\"checkpoint\""));
	last = strrchr(text, '{');
	ASSERT_NE(NULL, last);
	EXPECT_EQ(0, strncmp(last, "{\"time_ns\":", 11));
	EXPECT_NE(NULL, strstr(last, "\"type\":\"checkpoint\""));
	EXPECT_NE(NULL, strstr(last, "\"final\":true"));
	EXPECT_NE(NULL, strstr(text, "\"policy_dropped\":1,"));

	/* And the verifier accepts it. */
	EXPECT_EQ(0, run_to_files(verify, self->log, self->err)) {
		TH_LOG("verify: %s %s", slurp(self->log), slurp(self->err));
	}
}

/*
 * A daemon start as the module now presents it: a consumer record with
 * nothing unconsumed, then the inventory (device_added with "present")
 * of the devices plugged in before.  A rule ignores the boot keyboard from
 * its first event on; no new_device and no loss alert is raised, and
 * "present", "virtual" and "creator_unknown" reach the output.
 */
TEST_F(replay, inventory_at_start)
{
	const char *argv[] = { INPUTAUDITD_BIN, "--replay", self->rec, "-c",
			       self->conf, "-o", self->out, NULL };
	uint64_t kbd_added, uhid_added, kbd_keys[17], uhid_key, later_added;
	char conf[512];
	const char *text;
	unsigned int i;

	add(&self->s, INPUTAUDIT_REC_CONSUMER, 0, 0, 5000000000ull, 0,
	    5000000000ull, 0);
	kbd_added = device_flags(&self->s, 1, "ia-test AT keyboard", 0x11, 1, 1,
				 NULL, INPUTAUDIT_DEV_PRESENT);
	uhid_added = device_flags(&self->s, 2, "ia-test uhid keyboard", USB,
				  0x046d, 0xc31c, NULL,
				  ORIGIN_FLAGS(INPUTAUDIT_ORIGIN_UHID) |
				  INPUTAUDIT_DEV_CREATOR_UNKNOWN |
				  INPUTAUDIT_DEV_PRESENT);
	for (i = 0; i < 17; i++)
		kbd_keys[i] = key_press(&self->s, 1);
	uhid_key = key_press(&self->s, 2);
	later_added = device(&self->s, 3, "ia-test plugged later", USB, 1, 1,
			     NULL);
	save(_metadata, &self->s, self->rec);

	snprintf(conf, sizeof(conf),
		 "[alert]\nnew_device = yes\ncreator = yes\nloss = yes\n"
		 "[rule boot-kbd]\nmatch_name = ia-test AT keyboard\n"
		 "action = ignore\n");
	write_text(_metadata, self->conf, conf);

	ASSERT_EQ(0, run_to_files(argv, self->log, self->err)) {
		TH_LOG("stderr: %s", slurp(self->err));
	}
	text = slurp(self->out);
	EXPECT_TRUE(has_seq(text, kbd_added));
	for (i = 0; i < 17; i++)
		EXPECT_FALSE(has_seq(text, kbd_keys[i]));
	EXPECT_TRUE(has_seq(text, uhid_added));
	EXPECT_TRUE(has_seq(text, uhid_key));
	EXPECT_TRUE(has_seq(text, later_added));
	EXPECT_EQ(2, count(text, "\"present\":true"));
	EXPECT_NE(NULL, strstr(text, "\"caps\":[\"keyboard\"],\"virtual\":\"uhid\","
			       "\"creator_unknown\":true,\"present\":true}"));
	/* One creator alert (the uhid keyboard), one new_device (dev 3). */
	EXPECT_EQ(2, count(text, "\"type\":\"alert\""));
	EXPECT_NE(NULL, strstr(text, "\"reason\":\"creator\",\"dev\":2"));
	EXPECT_NE(NULL, strstr(text, "\"reason\":\"new_device\",\"dev\":3"));
	EXPECT_EQ(0, count(text, "\"reason\":\"loss\""));
	EXPECT_NE(NULL, strstr(text, "\"policy_dropped\":17,"));
}

/* A truncated replay file is reported, and what came before it is kept. */
TEST_F(replay, truncated_file_reported)
{
	const char *argv[] = { INPUTAUDITD_BIN, "--replay", self->rec,
			       "--no-config", "-o", self->out, NULL };
	struct stat st;

	device(&self->s, 1, "ia-test keyboard", USB, 1, 2, NULL);
	key_press(&self->s, 1);
	save(_metadata, &self->s, self->rec);
	ASSERT_EQ(0, stat(self->rec, &st));
	ASSERT_EQ(0, truncate(self->rec, st.st_size - 10));

	EXPECT_EQ(1, run_to_files(argv, self->log, self->err));
	EXPECT_NE(NULL, strstr(slurp(self->err), "truncated")) {
		TH_LOG("stderr: %s", slurp(self->err));
	}
	EXPECT_NE(NULL, strstr(slurp(self->out), "\"type\":\"device_added\""));
}

/* --check-config: 0 and "ok" for a good file; 1 and FILE:LINE: for a bad one. */
/*
 * A file sink that cannot rotate (no inode left on its filesystem) keeps
 * every line in its current file and says so in-band: one sink_error line
 * for the streak, in the file itself.
 */
TEST_F(replay, failed_rotation_reported_in_band)
{
	char logdir[128], conf[1024], path[160], filler[192];
	const char *argv[] = { INPUTAUDITD_BIN, "--replay", self->rec, "-c",
			       self->conf, NULL };
	const char *text;
	int fd, presses;

	if (geteuid() != 0)
		SKIP(return, "needs root (a tmpfs of its own)");
	ASSERT_EQ(0, unshare(CLONE_NEWNS));
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	snprintf(logdir, sizeof(logdir), "%s/log", self->dir);
	ASSERT_EQ(0, mkdir(logdir, 0700));
	/* The directory, the file, one rotated file and the filler. */
	ASSERT_EQ(0, mount("tmpfs", logdir, "tmpfs", 0, "size=4m,nr_inodes=4,mode=0700"));
	snprintf(filler, sizeof(filler), "%s/filler", logdir);
	fd = open(filler, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ASSERT_LE(0, fd);
	close(fd);
	snprintf(path, sizeof(path), "%s/audit.jsonl", logdir);
	device(&self->s, 1, "ia-test keyboard", USB, 1, 1, NULL);
	for (unsigned int i = 0; i < 100; i++)
		key_press(&self->s, 1);
	save(_metadata, &self->s, self->rec);
	snprintf(conf, sizeof(conf),
		 "[chain]\nkey = %s\n[alert]\ncreator = no\nnew_device = no\n"
		 "[sink file audit]\npath = %s\nmax_size = 4096\nkeep = 1\n",
		 self->key, path);
	write_text(_metadata, self->conf, conf);
	ASSERT_EQ(0, run_to_files(argv, self->log, self->err)) {
		TH_LOG("stderr: %s", slurp(self->err));
	}
	text = slurp(path);
	EXPECT_EQ(1, count(text, "\"type\":\"sink_error\"")) {
		TH_LOG("stderr: %s", slurp(self->err));
	}
	EXPECT_NE(NULL, strstr(text, "\"op\":\"rotate\",\"errno\":28,"));
	/* Every key press is in the file or the one rotated before. */
	presses = count(text, "\"event\":\"key_press\"");
	snprintf(filler, sizeof(filler), "%s.1", path);
	presses += count(slurp(filler), "\"event\":\"key_press\"");
	EXPECT_EQ(100, presses);
	umount2(logdir, MNT_DETACH);
	rmdir(logdir);
}

TEST_F(replay, check_config_exit_codes)
{
	const char *argv[] = { INPUTAUDITD_BIN, "--check-config", self->conf,
			       NULL };
	char want[160];

	write_text(_metadata, self->conf,
		   "[chain]\nkey = /etc/inputaudit/chain.key\n"
		   "[rule r]\nmatch_bus = usb\naction = audit\n");
	EXPECT_EQ(0, run_to_files(argv, self->log, self->err));
	EXPECT_NE(NULL, strstr(slurp(self->log), ": ok"));

	write_text(_metadata, self->conf,
		   "[rule r]\nmatch_bus = usb\naction = explode\n");
	EXPECT_EQ(1, run_to_files(argv, self->log, self->err));
	snprintf(want, sizeof(want), "%s:3: ", self->conf);
	EXPECT_NE(NULL, strstr(slurp(self->err), want)) {
		TH_LOG("stderr: %s", slurp(self->err));
	}
}

TEST_HARNESS_MAIN
