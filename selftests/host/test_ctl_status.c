// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Tests for userspace/lib/status.c (the daemon's status.json) and
 * `inputauditctl status` against a fake sysfs tree in a temporary
 * directory.  inputauditctl is the sanitizer build next to this test.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "run_cmd.h"
#include "status.h"

#define OUT_MAX	65536

/* Whether out contains s; says what is missing, and where, if not. */
static bool has(const char *out, const char *s)
{
	if (strstr(out, s))
		return true;
	printf("# missing \"%s\" in:\n", s);
	for (; *out; out = strchrnul(out, '\n') + !!*strchrnul(out, '\n'))
		printf("#   %.*s\n", (int)(strchrnul(out, '\n') - out), out);
	return false;
}

static void put(const char *root, const char *rel, const char *text)
{
	char path[512], dir[512], *slash;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	for (slash = strchr(dir + strlen(root) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(dir, 0755);
		*slash = '/';
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    close(fd))
		abort();
}

/* The files and formats of kmod/sysfs.c, kmod/devsysfs.c and kmod/settings.c. */
static void fake_sysfs(const char *root)
{
	static const char *const params[][2] = {
		{ "level", "events\n" }, { "max_level", "keys\n" }, { "lock", "0\n" },
		{ "window_ms", "1000\n" }, { "dev_rate", "1000\n" },
		{ "dev_burst", "2000\n" }, { "global_rate", "10000\n" },
		{ "global_burst", "20000\n" }, { "heartbeat_ms", "10000\n" },
		{ "time_res_ms", "10\n" }, { "inject_presses", "5\n" },
		{ "inject_interval_ms", "50\n" },
	};
	char rel[128];
	size_t i;

	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		snprintf(rel, sizeof(rel), "module/inputaudit/parameters/%s", params[i][0]);
		put(root, rel, params[i][1]);
	}
	put(root, "kernel/inputaudit/status",
	    "level=events max_level=keys lock=0 devices=3 open=2 consumer=attached observer=passive\n");
	put(root, "kernel/inputaudit/records_emitted", "4242\n");
	put(root, "kernel/inputaudit/records_unconsumed", "17\n");
	put(root, "kernel/inputaudit/no_consumer_ns", "2500000000\n");
	put(root, "kernel/inputaudit/counters",
	    "frames_seen 900\nframes_emitted 840\nframes_suppressed 60\nblind_ns 1250000000\n");

	put(root, "kernel/inputaudit/devices/2/name", "ia-type keyboard\n");
	put(root, "kernel/inputaudit/devices/2/phys", "\n");
	put(root, "kernel/inputaudit/devices/2/id",
	    "bus=0003 vendor=1d6b product=0104 version=0001\n");
	put(root, "kernel/inputaudit/devices/2/origin", "uinput\n");
	put(root, "kernel/inputaudit/devices/2/creator", "pid=117 uid=0 comm=ia-type\n");
	put(root, "kernel/inputaudit/devices/2/enabled", "1\n");
	put(root, "kernel/inputaudit/devices/2/counters",
	    "frames_seen 500\nframes_emitted 470\nframes_suppressed 30\nblind_ns 750000000\nrecords 321\n");
	put(root, "kernel/inputaudit/devices/2/activity",
	    "key_presses 12\nbutton_clicks 0\nmotion 0\ntouches 0\nswitches 0\n");

	put(root, "kernel/inputaudit/devices/10/name", "AT Translated Set 2 keyboard\n");
	put(root, "kernel/inputaudit/devices/10/phys", "isa0060/serio0/input0\n");
	put(root, "kernel/inputaudit/devices/10/id",
	    "bus=0011 vendor=0001 product=0001 version=ab41\n");
	put(root, "kernel/inputaudit/devices/10/origin", "hardware\n");
	put(root, "kernel/inputaudit/devices/10/creator", "none\n");
	put(root, "kernel/inputaudit/devices/10/enabled", "0\n");
	put(root, "kernel/inputaudit/devices/10/counters",
	    "frames_seen 400\nframes_emitted 370\nframes_suppressed 30\nblind_ns 0\nrecords 99\n");
	put(root, "kernel/inputaudit/devices/10/activity",
	    "key_presses 3\nbutton_clicks 0\nmotion 0\ntouches 0\nswitches 0\n");

	/* a uhid keyboard whose creator the kernel could not name */
	put(root, "kernel/inputaudit/devices/11/name", "Logitech USB Keyboard\n");
	put(root, "kernel/inputaudit/devices/11/phys", "\n");
	put(root, "kernel/inputaudit/devices/11/id",
	    "bus=0003 vendor=046d product=c31c version=0110\n");
	put(root, "kernel/inputaudit/devices/11/origin", "uhid\n");
	put(root, "kernel/inputaudit/devices/11/creator", "unknown\n");
	put(root, "kernel/inputaudit/devices/11/enabled", "1\n");
	put(root, "kernel/inputaudit/devices/11/counters",
	    "frames_seen 0\nframes_emitted 0\nframes_suppressed 0\nblind_ns 0\nrecords 0\n");
	put(root, "kernel/inputaudit/devices/11/activity",
	    "key_presses 0\nbutton_clicks 0\nmotion 0\ntouches 0\nswitches 0\n");
}

static void fill_status(struct daemon_status *st)
{
	memset(st, 0, sizeof(*st));
	st->pid = getpid();
	st->uid = 999;
	st->gid = 998;
	st->start_time = 1764403200;	/* 2025-11-29 08:00:00 UTC */
	st->start_boottime_ns = 5000000000ULL;
	st->update_time = time(NULL);
	st->received = 4000;
	st->lost = 2;
	st->duplicates = 1;
	st->ring_drops = 2;
	st->bpf_submitted = 3998;
	st->last_seq = 4242;
	st->chain_n = 4321;
	strcpy(st->key_id, "0123456789abcdef");
	strcpy(st->version, "0.4.0");
	memset(st->config_sha256, 'a', sizeof(st->config_sha256) - 1);
	st->have_frames = true;
	st->frames_seen = 900;
	st->frames_suppressed = 60;
	st->blind_ns = 1250000000;
	st->have_no_consumer = true;
	st->no_consumer_ns = 2500000000ULL;
	st->metrics_failures = 3;
	st->metrics_last_err = -EACCES;
	st->nsinks = 3;
	strcpy(st->sinks[0].name, "file:/var/log/inputaudit/audit.jsonl");
	strcpy(st->sinks[0].kind, "file");
	strcpy(st->sinks[0].health.state, "full");	/* its disk: counting lost lines */
	st->sinks[0].health.lines = 4242;
	st->sinks[0].health.dropped = 79;
	st->sinks[0].health.have_free = true;
	st->sinks[0].health.free_bytes = 245760;
	strcpy(st->sinks[1].name, "syslog:siem \"eu\"");
	strcpy(st->sinks[1].kind, "syslog");
	strcpy(st->sinks[1].health.state, "spooling");
	st->sinks[1].health.lines = 4000;
	st->sinks[1].health.spooled = 321;
	st->sinks[1].health.dropped = 7;
	st->sinks[1].health.last_err = -ECONNREFUSED;
	strcpy(st->sinks[2].name, "journal:inputaudit");
	strcpy(st->sinks[2].kind, "journal");
	strcpy(st->sinks[2].health.state, "ok");
	st->sinks[2].health.up = true;
	st->sinks[2].health.lines = 4321;
}

FIXTURE(ctl)
{
	char dir[64];
	char root[128];
	char state[128];
	char ctl[4096];
	char *out;
	struct daemon_status st;
};

FIXTURE_SETUP(ctl)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/test_ctl_status.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->root, sizeof(self->root), "%s/sys", self->dir);
	snprintf(self->state, sizeof(self->state), "%s/run", self->dir);
	ASSERT_EQ(0, mkdir(self->root, 0755));
	ASSERT_EQ(0, mkdir(self->state, 0700));
	build_path("INPUTAUDITCTL_TEST", "host-tests/inputauditctl", self->ctl,
		   sizeof(self->ctl));
	self->out = malloc(OUT_MAX);
	ASSERT_NE(NULL, self->out);
	fill_status(&self->st);
}

FIXTURE_TEARDOWN(ctl)
{
	char cmd[128];

	free(self->out);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd))
		TH_LOG("could not remove %s", self->dir);
}

static int write_status(FIXTURE_DATA(ctl) *self)
{
	int dfd = open(self->state, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ret;

	if (dfd < 0)
		return -errno;
	ret = status_write(dfd, &self->st);
	close(dfd);
	return ret;
}

static int ctl(FIXTURE_DATA(ctl) *self, bool json)
{
	char *argv[] = {
		self->ctl, "status", "--sysfs-root", self->root, "--state-dir",
		self->state, json ? "--json" : NULL, NULL,
	};

	return run_cmd(argv, self->out, OUT_MAX);
}

/* Written 0600 through a temporary file, read back field for field. */
TEST_F(ctl, status_file)
{
	struct daemon_status back;
	char path[256];
	struct stat sb;

	ASSERT_EQ(0, write_status(self));
	snprintf(path, sizeof(path), "%s/%s", self->state, STATUS_FILE);
	ASSERT_EQ(0, stat(path, &sb));
	EXPECT_EQ(0600, sb.st_mode & 07777);
	snprintf(path, sizeof(path), "%s/%s", self->state, STATUS_TMP_FILE);
	EXPECT_EQ(-1, access(path, F_OK));

	ASSERT_EQ(0, status_read(self->state, &back));
	EXPECT_EQ(0, memcmp(&self->st, &back, sizeof(back)));

	/* replaced, also over a stale temporary file of a crashed writer */
	put(self->state, STATUS_TMP_FILE, "garbage");
	ASSERT_EQ(0, chmod(path, 0644));
	self->st.chain_n = 5000;
	self->st.nsinks = 1;
	memset(&self->st.sinks[1], 0, sizeof(self->st.sinks) - sizeof(self->st.sinks[0]));
	ASSERT_EQ(0, write_status(self));
	EXPECT_EQ(-1, access(path, F_OK));
	snprintf(path, sizeof(path), "%s/%s", self->state, STATUS_FILE);
	ASSERT_EQ(0, stat(path, &sb));
	EXPECT_EQ(0600, sb.st_mode & 07777);
	ASSERT_EQ(0, status_read(self->state, &back));
	EXPECT_EQ(5000, back.chain_n);
	EXPECT_EQ(1, back.nsinks);
	EXPECT_EQ(0, memcmp(&self->st, &back, sizeof(back)));

	put(self->state, STATUS_FILE, "{\"pid\":1,");
	EXPECT_EQ(-EINVAL, status_read(self->state, &back));
	put(self->state, STATUS_FILE, "{\"pid\":7,\"future\":{\"a\":[1,true,null,\"x\"]},\"sinks\":[]}\n");
	EXPECT_EQ(0, status_read(self->state, &back));
	EXPECT_EQ(7, back.pid);
	EXPECT_EQ(-ENOENT, status_read(self->dir, &back));
}

/* A status too big for the buffer is refused, never cut. */
/* The state directory is the daemon's user's: a link there is not followed. */
TEST_F(ctl, status_symlink_not_followed)
{
	char path[256], target[256];
	struct daemon_status back;
	int fd;

	snprintf(target, sizeof(target), "%s/elsewhere.json", self->dir);
	fd = open(target, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(2, write(fd, "{}", 2));
	close(fd);
	snprintf(path, sizeof(path), "%s/" STATUS_FILE, self->state);
	unlink(path);
	ASSERT_EQ(0, symlink(target, path));
	EXPECT_EQ(-ELOOP, status_read(self->state, &back));
	unlink(path);
	ASSERT_EQ(0, mkfifo(path, 0600));
	EXPECT_EQ(-EINVAL, status_read(self->state, &back));
	unlink(path);
}

/* Numbers at the edges of int64_t: INT64_MIN parses (no overflow), past it is refused. */
TEST(status_number_edges)
{
	static const char min[] = "{\"pid\":-9223372036854775808}";
	static const char past_min[] = "{\"pid\":-9223372036854775809}";
	static const char past_max[] = "{\"pid\":9223372036854775808}";
	struct daemon_status st;

	ASSERT_EQ(0, status_parse(min, sizeof(min) - 1, &st));
	EXPECT_EQ(INT64_MIN, st.pid);
	EXPECT_EQ(-EINVAL, status_parse(past_min, sizeof(past_min) - 1, &st));
	EXPECT_EQ(-EINVAL, status_parse(past_max, sizeof(past_max) - 1, &st));
}

TEST_F(ctl, status_too_big)
{
	char buf[256];

	EXPECT_EQ(-ENOSPC, status_format(&self->st, buf, sizeof(buf)));
	EXPECT_GT(status_format(&self->st, self->out, STATUS_JSON_MAX), 0);
}

/* The table: settings, status, counters, one aligned row per device, the daemon and its sinks. */
TEST_F(ctl, table)
{
	static const char *const want[] = {
		"level      events (max_level keys, lock 0)",
		"window_ms=1000",
		"inject_interval_ms=50",
		"status     level=events max_level=keys lock=0 devices=3 open=2 consumer=attached observer=passive\n",
		"emitted 4242, unconsumed 17, without consumer 2.500 s",
		"seen 900, emitted 840, suppressed 60, blind 1.250 s\n",
		"devices: 3",
		"ia-type keyboard",
		"AT Translated Set 2 keyboard",
		"1d6b",
		"0104",
		"ia-type (pid 117)",
		"0.750 s",
		"daemon: running, pid ",
		"uid 999, started 2025-11-29 08:00:00 UTC",
		"received 4000, lost 2, duplicates 1, ring drops 2, last seq 4242",
		"n 4321, key_id 0123456789abcdef",
		"metrics    3 writes failed, the last: Permission denied\n",
		"sinks: 3",
		"file:/var/log/inputaudit/audit.jsonl",
		"FREE",
		"full",
		"245760",
		"syslog:siem \"eu\"",
		"spooling",
		"Connection refused",
		"journal:inputaudit",
	};
	char *dev2, *dev10, *dev11, *hdr, *row;
	size_t i;

	fake_sysfs(self->root);
	ASSERT_EQ(0, write_status(self));
	ASSERT_EQ(0, ctl(self, false)) {
		TH_LOG("%.900s", self->out);
	}
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		EXPECT_TRUE(has(self->out, want[i]));
	EXPECT_EQ(NULL, strstr(self->out, "FILTERED"));
	EXPECT_EQ(NULL, strstr(self->out, "filtered"));
	/* devices by id: 2 before 10 before 11 */
	dev2 = strstr(self->out, "ia-type keyboard");
	dev10 = strstr(self->out, "AT Translated");
	dev11 = strstr(self->out, "Logitech USB Keyboard");
	EXPECT_TRUE(dev2 && dev10 && dev11 && dev2 < dev10 && dev10 < dev11);

	/* aligned: each column starts at the same offset in header and rows */
	hdr = strstr(self->out, "  ID  NAME");
	ASSERT_NE(NULL, hdr);
	row = strchr(hdr, '\n') + 1;
	EXPECT_EQ(strstr(hdr, "VENDOR") - hdr, strstr(row, "1d6b") - row);
	EXPECT_EQ(strstr(hdr, "ORIGIN") - hdr, strstr(row, "uinput") - row);
	EXPECT_EQ(strstr(hdr, "CREATOR") - hdr, strstr(row, "ia-type (pid") - row);
	EXPECT_EQ(strstr(hdr, "SEEN") - hdr, strstr(row, "500") - row);
	EXPECT_EQ(strstr(hdr, "RECORDS") - hdr, strstr(row, "321") - row);
	row = strchr(row, '\n') + 1;
	EXPECT_EQ(strstr(hdr, "ORIGIN") - hdr, strstr(row, "hardware") - row);
	EXPECT_EQ(strstr(hdr, "CREATOR") - hdr, strstr(row, "none") - row);
	row = strchr(row, '\n') + 1;
	EXPECT_EQ(strstr(hdr, "ORIGIN") - hdr, strstr(row, "uhid") - row);
	EXPECT_EQ(strstr(hdr, "CREATOR") - hdr, strstr(row, "unknown") - row);
	hdr = strstr(self->out, "\n  NAME ");
	ASSERT_NE(NULL, hdr);
	hdr++;
	row = strchr(hdr, '\n') + 1;
	row = strchr(row, '\n') + 1;	/* the syslog sink */
	EXPECT_EQ(strstr(hdr, "STATE") - hdr, strstr(row, "spooling") - row);
	EXPECT_EQ(strstr(hdr, "SPOOLED") - hdr, strstr(row, "321") - row);
}

/* Whether JSON text parses: python3 if there is one. */
static int json_valid(const char *text, const char *dir)
{
	char path[256], cmd[512];
	FILE *f;

	if (access("/usr/bin/python3", X_OK))
		return -1;
	snprintf(path, sizeof(path), "%s/out.json", dir);
	f = fopen(path, "w");
	if (!f)
		return 0;
	fputs(text, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' %s", path);
	return system(cmd) == 0;
}

/* --json: the same as one JSON object on one line. */
TEST_F(ctl, json)
{
	static const char *const want[] = {
		"{\"module\":{\"loaded\":true,\"level\":\"events\",\"max_level\":\"keys\",\"lock\":0,",
		"\"settings\":{\"window_ms\":1000,",
		"\"status\":\"level=events max_level=keys lock=0 devices=3 open=2 consumer=attached observer=passive\",\"device_count\":3,\"open_count\":2,\"consumer\":\"attached\",\"observer\":\"passive\"}",
		"\"counters\":{\"frames_seen\":900,\"frames_emitted\":840,\"frames_suppressed\":60,\"blind_ns\":1250000000}",
		"\"loss\":{\"records_emitted\":4242,\"records_unconsumed\":17,\"no_consumer_ns\":2500000000}",
		"{\"id\":2,\"name\":\"ia-type keyboard\",\"phys\":\"\",\"bus\":\"0x0003\",\"vendor\":\"0x1d6b\",\"product\":\"0x0104\",\"version\":\"0x0001\",\"origin\":\"uinput\",\"creator_unknown\":false,\"creator\":{\"pid\":117,\"uid\":0,\"comm\":\"ia-type\"},\"enabled\":1,",
		"\"blind_ns\":750000000,\"records\":321}",
		"\"activity\":{\"key_presses\":12,",
		"{\"id\":10,\"name\":\"AT Translated Set 2 keyboard\"",
		"\"origin\":\"hardware\",\"creator_unknown\":false,\"creator\":null,\"enabled\":0",
		"{\"id\":11,\"name\":\"Logitech USB Keyboard\",\"phys\":\"\",\"bus\":\"0x0003\",\"vendor\":\"0x046d\",\"product\":\"0xc31c\",\"version\":\"0x0110\",\"origin\":\"uhid\",\"creator_unknown\":true,\"creator\":null,\"enabled\":1,",
		"\"daemon\":{\"running\":true,\"status\":{\"pid\":",
		"\"uid\":999,",
		"\"chain_n\":4321,\"key_id\":\"0123456789abcdef\",\"version\":\"0.4.0\",\"config_sha256\":\"aaaa",
		"\"frames_seen\":900,\"frames_suppressed\":60,\"blind_ns\":1250000000,\"no_consumer_ns\":2500000000,\"metrics_failures\":3,\"metrics_last_err\":-13,",
		"\"state\":\"full\",\"up\":false,\"lines\":4242,\"dropped\":79,\"spooled\":0,\"free\":245760,\"last_err\":0}",
		"{\"name\":\"syslog:siem \\\"eu\\\"\",\"kind\":\"syslog\",\"state\":\"spooling\",\"up\":false,\"lines\":4000,\"dropped\":7,\"spooled\":321,\"last_err\":-111}",
		"\"state\":\"ok\",\"up\":true,\"lines\":4321,",
	};
	size_t i;
	int valid;

	fake_sysfs(self->root);
	ASSERT_EQ(0, write_status(self));
	ASSERT_EQ(0, ctl(self, true)) {
		TH_LOG("%.900s", self->out);
	}
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		EXPECT_TRUE(has(self->out, want[i]));
	EXPECT_EQ(1, strlen(strchr(self->out, '\n')));	/* one line */
	valid = json_valid(self->out, self->dir);
	if (valid >= 0)
		EXPECT_EQ(1, valid);
}

/* Without the module: exit 3 and "module not loaded"; without a status file: not running. */
TEST_F(ctl, no_module_no_daemon)
{
	ASSERT_EQ(3, ctl(self, false));
	EXPECT_NE(NULL, strstr(self->out, "module not loaded\n"));
	EXPECT_NE(NULL, strstr(self->out, "daemon: not running (no status file)\n"));

	ASSERT_EQ(3, ctl(self, true));
	EXPECT_NE(NULL, strstr(self->out, "{\"module\":{\"loaded\":false},"));
	EXPECT_NE(NULL, strstr(self->out, "\"daemon\":{\"running\":false,\"reason\":\"no status file\",\"status\":null}"));
	if (json_valid(self->out, self->dir) >= 0)
		EXPECT_EQ(1, json_valid(self->out, self->dir));
}

/* A status line without open= and observer= (a module before them) has null for them in JSON. */
TEST_F(ctl, status_without_open)
{
	fake_sysfs(self->root);
	put(self->root, "kernel/inputaudit/status",
	    "level=events max_level=keys lock=0 devices=3 consumer=none\n");
	ASSERT_EQ(0, ctl(self, true));
	EXPECT_TRUE(has(self->out, "\"device_count\":3,\"open_count\":null,\"consumer\":\"none\",\"observer\":null}"));
}

/* A status file left behind by a daemon that is gone. */
TEST_F(ctl, stale_status)
{
	pid_t pid = fork();

	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(0);
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	self->st.pid = pid;
	fake_sysfs(self->root);
	ASSERT_EQ(0, write_status(self));
	ASSERT_EQ(0, ctl(self, false));
	EXPECT_NE(NULL, strstr(self->out, "daemon: not running (stale status file of pid ")) {
		TH_LOG("%.900s", self->out);
	}
	ASSERT_EQ(0, ctl(self, true));
	EXPECT_NE(NULL, strstr(self->out, "\"daemon\":{\"running\":false,\"status\":{\"pid\":"));
}

/* A device name with a terminal escape sequence: shown harmless, escaped in JSON. */
TEST_F(ctl, hostile_name)
{
	fake_sysfs(self->root);
	put(self->root, "kernel/inputaudit/devices/2/name", "evil\x1b]0;pwned\x07\x1b[2Jkbd\n");
	put(self->root, "kernel/inputaudit/devices/2/creator", "pid=9 uid=1000 comm=a b\x1b[1m\n");
	ASSERT_EQ(0, ctl(self, false));
	EXPECT_EQ(NULL, strchr(self->out, 0x1b));
	EXPECT_EQ(NULL, strchr(self->out, 0x07));
	EXPECT_TRUE(has(self->out, "evil?]0;pwned??[2Jkbd"));
	EXPECT_TRUE(has(self->out, "a b?[1m (pid 9)"));
	ASSERT_EQ(0, ctl(self, true));
	EXPECT_EQ(NULL, strchr(self->out, 0x1b));
	EXPECT_TRUE(has(self->out, "\"name\":\"evil\\u001b]0;pwned\\u0007\\u001b[2Jkbd\""));
	EXPECT_TRUE(has(self->out, "\"creator\":{\"pid\":9,\"uid\":1000,\"comm\":\"a b\\u001b[1m\"}"));
}

static void fake_health(struct sink *s, struct sink_health *h)
{
	snprintf(h->state, sizeof(h->state), "%s", (const char *)s->priv);
	h->lines = 10;
	h->spooled = 3;
	h->last_err = -EPIPE;
}

/* status_add_sink() takes name, kind and health from the sink itself. */
TEST_F(ctl, add_sink)
{
	static const struct sink_ops ops = { .kind = "syslog", .health = fake_health };
	struct sink s = { .ops = &ops, .name = "syslog:central", .priv = "connecting" };
	struct daemon_status st = { 0 };
	unsigned int i;

	ASSERT_EQ(0, status_add_sink(&st, &s));
	EXPECT_EQ(1, st.nsinks);
	EXPECT_STREQ("syslog:central", st.sinks[0].name);
	EXPECT_STREQ("syslog", st.sinks[0].kind);
	EXPECT_STREQ("connecting", st.sinks[0].health.state);
	EXPECT_EQ(10, st.sinks[0].health.lines);
	EXPECT_EQ(3, st.sinks[0].health.spooled);
	EXPECT_EQ(-EPIPE, st.sinks[0].health.last_err);
	for (i = 1; i < STATUS_MAX_SINKS; i++)
		EXPECT_EQ(0, status_add_sink(&st, &s));
	EXPECT_EQ(-ENOSPC, status_add_sink(&st, &s));
	EXPECT_EQ(STATUS_MAX_SINKS, st.nsinks);
	/* the largest status still fits */
	memset(st.sinks[0].name, '"', sizeof(st.sinks[0].name) - 1);
	for (i = 1; i < STATUS_MAX_SINKS; i++)
		st.sinks[i] = st.sinks[0];
	EXPECT_GT(status_format(&st, self->out, STATUS_JSON_MAX), 0);
}

/* Bad arguments: exit 2 and the usage. */
TEST_F(ctl, usage)
{
	char *argv[] = { self->ctl, "status", "extra", NULL };
	char *argv2[] = { self->ctl, "frobnicate", NULL };
	char *argv3[] = { self->ctl, NULL };

	EXPECT_EQ(2, run_cmd(argv, self->out, OUT_MAX));
	EXPECT_EQ(2, run_cmd(argv2, self->out, OUT_MAX));
	EXPECT_EQ(2, run_cmd(argv3, self->out, OUT_MAX));
	EXPECT_NE(NULL, strstr(self->out, "usage: inputauditctl verify"));
}

TEST_HARNESS_MAIN
