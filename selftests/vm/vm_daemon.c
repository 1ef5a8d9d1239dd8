// SPDX-License-Identifier: GPL-2.0-only
/*
 * The daemon as a fleet deploys it, inside the VM: configured by a file,
 * applying kernel settings, filtering by device rules, chaining its output
 * for tamper evidence and running unprivileged; then inputauditctl verify
 * on what it wrote.  Real module, real uinput input, real daemon.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "capture_util.h"
#include "kmod_util.h"
#include "uinput_util.h"

#define PARAMS		"/sys/module/inputaudit/parameters/"
#define TEST_TIMEOUT	180
#define CTL		"/bin/inputauditctl"
#define LOGDIR		"/tmp/ia-log"
#define KEY		"/tmp/ia-chain.key"

/* A random 32-byte chain key, root-only, as the daemon requires. */
static int make_key(void)
{
	unsigned char key[32];
	int in, out;
	ssize_t n;

	in = open("/dev/urandom", O_RDONLY);
	if (in < 0)
		return -errno;
	n = read(in, key, sizeof(key));
	close(in);
	if (n != sizeof(key))
		return -EIO;
	unlink(KEY);
	out = open(KEY, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (out < 0)
		return -errno;
	n = write(out, key, sizeof(key));
	close(out);
	return n == sizeof(key) ? 0 : -EIO;
}

/* Writes the config: the common part, then extra sections. */
static int write_conf(const char *path, const char *out, const char *level,
		      const char *extra)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return -errno;
	fprintf(f,
		"# vm_daemon test config\n"
		"[kernel]\nlevel = %s\n\n"
		"[daemon]\nuser = nobody\ngroup = nogroup\n"
		"state_dir = /run/inputaudit\nstats_interval_ms = 0\n\n"
		"[chain]\nkey = " KEY "\n\n"
		"[sink file main]\npath = %s\n\n%s",
		level, out, extra ? extra : "");
	return fclose(f) ? -errno : 0;
}

/* Runs prog with args to completion; returns its exit code, or -1. */
static int run_prog(const char *prog, const char *const *args)
{
	const char *argv[16] = { prog };
	int status, i;
	pid_t pid;

	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = args[i];
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		execv(prog, (char *const *)argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int run_ctl(const char *const *args)
{
	return run_prog(CTL, args);
}

static int run_daemon(const char *const *args)
{
	return run_prog(getenv("INPUTAUDITD") ?: "/bin/inputauditd", args);
}

/* The id of the device whose device_added carries name, or 0. */
static uint64_t dev_by_name(const struct jsonl *j, const char *name)
{
	char buf[128];
	uint64_t dev;

	for (size_t i = 0; i < j->count; i++)
		if (json_type_is(j->lines[i], "device_added") &&
		    json_str(j->lines[i], "name", buf, sizeof(buf)) &&
		    !strcmp(buf, name) && json_u64(j->lines[i], "dev", &dev))
			return dev;
	return 0;
}

/* Field "Name:" of /proc/PID/status, the rest of its line. */
static bool proc_status(pid_t pid, const char *name, char *val, size_t size)
{
	char path[64], buf[4096], *p;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return false;
	p = strstr(buf, name);
	if (!p)
		return false;
	p += strlen(name);
	p += strspn(p, " \t");
	snprintf(val, size, "%.*s", (int)strcspn(p, "\n"), p);
	return true;
}

FIXTURE(daemon) {
	struct capture c;
	char conf[64];
};

FIXTURE_SETUP(daemon)
{
	const char *why = capture_prepare(&self->c);

	if (why)
		SKIP(return, "%s", why);
	if (access(CTL, X_OK))
		SKIP(return, "no %s in the VM", CTL);
	mkdir(LOGDIR, 0700);
	/* The log directory belongs to the daemon's user, as tmpfiles.d sets it up. */
	ASSERT_EQ(0, chown(LOGDIR, 65534, 65534));
	snprintf(self->c.out, sizeof(self->c.out), LOGDIR "/audit.jsonl");
	snprintf(self->conf, sizeof(self->conf), "/tmp/inputauditd-%d.conf",
		 getpid());
	ASSERT_EQ(0, make_key());
}

FIXTURE_TEARDOWN(daemon)
{
	EXPECT_EQ(0, capture_cleanup(&self->c));
	unlink(self->conf);
	unlink(KEY);
}

/*
 * Module -> daemon (config file, unprivileged) -> file sink with chain,
 * then inputauditctl verify: intact, and a changed byte is found.
 */
TEST_F_TIMEOUT(daemon, chained_file_verifies, TEST_TIMEOUT)
{
	const char *args[] = { "-c", self->conf, NULL };
	const char *verify[] = { "verify", "--key", KEY, self->c.out, NULL };
	char buf[256], name[64];
	const char *added;
	struct stat st;
	uint64_t dev, n, prev_n = 0;
	FILE *f;

	ASSERT_EQ(0, kmod_load("max_level=events"));
	ASSERT_EQ(0, write_conf(self->conf, self->c.out, "events", NULL));
	self->c.daemon = daemon_start(NULL, args);
	ASSERT_LT(0, self->c.daemon);

	/* The requested level was applied through sysfs. */
	ASSERT_LT(0, read_file(PARAMS "level", buf, sizeof(buf)));
	EXPECT_EQ(0, strncmp(buf, "events", 6));

	/* It runs as nobody with no capabilities, once set up. */
	for (int waited = 0; waited < 5000; waited += 20) {
		if (proc_status(self->c.daemon, "Seccomp:", buf, sizeof(buf)) &&
		    !strcmp(buf, "2"))
			break;
		sleep_ms(20);
	}
	ASSERT_TRUE(proc_status(self->c.daemon, "Uid:", buf, sizeof(buf)));
	EXPECT_EQ(0, strcmp(buf, "65534\t65534\t65534\t65534")) {
		TH_LOG("Uid: %s", buf);
	}
	ASSERT_TRUE(proc_status(self->c.daemon, "CapEff:", buf, sizeof(buf)));
	EXPECT_STREQ("0000000000000000", buf);

	self->c.ufd = uinput_create(UINPUT_KEYBOARD, "ia-test-chained");
	ASSERT_LE(0, self->c.ufd);
	ASSERT_EQ(11, uinput_type(self->c.ufd, "hello world"));
	dev = capture_finish(&self->c);
	ASSERT_NE(0UL, dev);

	/* The name came through the record stream, merged into device_added. */
	added = find_record(&self->c.j, "device_added", dev);
	ASSERT_NE(NULL, added);
	ASSERT_TRUE(json_str(added, "name", name, sizeof(name)));
	EXPECT_STREQ("ia-test-chained", name);
	EXPECT_EQ(11, count_events(&self->c.j, dev, "key_press", NULL));

	/* Every line is chained, n counts up by one, the last is final. */
	for (size_t i = 0; i < self->c.j.count; i++) {
		ASSERT_TRUE(json_u64(self->c.j.lines[i], "n", &n));
		EXPECT_EQ(prev_n + 1, n);
		prev_n = n;
		EXPECT_NE(NULL, strstr(self->c.j.lines[i], "\"chain\":\""));
	}
	ASSERT_LT(0UL, self->c.j.count);
	EXPECT_TRUE(json_type_is(self->c.j.lines[0], "chain_start"));
	EXPECT_TRUE(json_type_is(self->c.j.lines[self->c.j.count - 1],
				 "checkpoint"));
	EXPECT_NE(NULL, strstr(self->c.j.lines[self->c.j.count - 1],
			       "\"final\":true"));

	ASSERT_EQ(0, stat(self->c.out, &st));
	EXPECT_EQ(0600U, st.st_mode & 0777);
	EXPECT_EQ(0, run_ctl(verify));

	/* One changed digit in the middle is detected. */
	f = fopen(self->c.out, "r+e");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, fseek(f, st.st_size / 2, SEEK_SET));
	for (int c; (c = fgetc(f)) != EOF;) {
		if (c >= '0' && c <= '8') {
			ASSERT_EQ(0, fseek(f, -1, SEEK_CUR));
			fputc(c + 1, f);
			break;
		}
	}
	fclose(f);
	EXPECT_EQ(1, run_ctl(verify));
}

/* Device rules: an ignored device leaves only its lifecycle records. */
TEST_F_TIMEOUT(daemon, ignore_rule_selects_devices, TEST_TIMEOUT)
{
	const char *args[] = { "-c", self->conf, NULL };
	const char *rules =
		"[rule quiet]\nmatch_name = ia-test-quiet*\naction = ignore\n\n"
		"[rule typed]\nmatch_creator = vm_daemon\naction = audit\n";
	uint64_t loud, quiet;
	int qfd;

	ASSERT_EQ(0, kmod_load("max_level=events"));
	ASSERT_EQ(0, write_conf(self->conf, self->c.out, "events", rules));
	self->c.daemon = daemon_start(NULL, args);
	ASSERT_LT(0, self->c.daemon);

	qfd = uinput_create(UINPUT_KEYBOARD, "ia-test-quiet-1");
	ASSERT_LE(0, qfd);
	self->c.ufd = uinput_create(UINPUT_KEYBOARD, "ia-test-loud");
	ASSERT_LE(0, self->c.ufd);
	ASSERT_EQ(5, uinput_type(qfd, "abcde"));
	ASSERT_EQ(5, uinput_type(self->c.ufd, "vwxyz"));
	uinput_destroy(qfd);
	ASSERT_NE(0UL, capture_finish(&self->c));
	loud = dev_by_name(&self->c.j, "ia-test-loud");
	quiet = dev_by_name(&self->c.j, "ia-test-quiet-1");
	ASSERT_NE(0UL, loud);
	ASSERT_NE(0UL, quiet);
	EXPECT_EQ(5, count_events(&self->c.j, loud, "key_press", NULL));
	EXPECT_EQ(0, count_events(&self->c.j, quiet, "key_press", NULL));
	EXPECT_EQ(0, count_type(&self->c.j, "activity", quiet));
	EXPECT_EQ(1, count_type(&self->c.j, "device_removed", quiet));
}

/* SIGHUP: a broken config is refused and the old one kept; a good one applies. */
TEST_F_TIMEOUT(daemon, sighup_reload, TEST_TIMEOUT)
{
	const char *args[] = { "-c", self->conf, NULL };
	char buf[64];
	FILE *f;

	ASSERT_EQ(0, kmod_load("max_level=events"));
	ASSERT_EQ(0, write_conf(self->conf, self->c.out, "events", NULL));
	self->c.daemon = daemon_start(NULL, args);
	ASSERT_LT(0, self->c.daemon);

	f = fopen(self->conf, "ae");
	ASSERT_NE(NULL, f);
	fputs("[rule broken]\naction = explode\n", f);
	fclose(f);
	ASSERT_EQ(0, kill(self->c.daemon, SIGHUP));
	sleep_ms(1500);
	ASSERT_EQ(0, kill(self->c.daemon, 0));
	ASSERT_LT(0, read_file(PARAMS "level", buf, sizeof(buf)));
	EXPECT_EQ(0, strncmp(buf, "events", 6));

	ASSERT_EQ(0, write_conf(self->conf, self->c.out, "activity", NULL));
	ASSERT_EQ(0, kill(self->c.daemon, SIGHUP));
	EXPECT_TRUE(wait_file_contains(PARAMS "level", "activity", 5000));
	ASSERT_EQ(0, kill(self->c.daemon, 0));
}

/* --record saves the raw records; --replay of them gives the same kernel lines. */
TEST_F_TIMEOUT(daemon, record_then_replay_same_lines, TEST_TIMEOUT)
{
	const char *rec = LOGDIR "/capture.iarec", *out2 = LOGDIR "/replayed.jsonl";
	const char *args[] = { "--no-config", "--record", rec, NULL };
	const char *replay[] = { "--replay", rec, "--no-config", "-o", out2,
				 NULL };
	struct jsonl again;
	size_t i, k = 0, n = 0;
	struct stat st;
	uint64_t seq;

	ASSERT_EQ(0, kmod_load("level=events"));
	self->c.daemon = daemon_start(self->c.out, args);
	ASSERT_LT(0, self->c.daemon);
	self->c.ufd = uinput_create(UINPUT_KEYBOARD, "ia-test-recorded");
	ASSERT_LE(0, self->c.ufd);
	ASSERT_EQ(7, uinput_type(self->c.ufd, "replay1"));
	ASSERT_NE(0UL, capture_finish(&self->c));

	ASSERT_EQ(0, stat(rec, &st));
	EXPECT_EQ(0600U, st.st_mode & 0777);
	ASSERT_EQ(0, run_daemon(replay));
	ASSERT_EQ(0, jsonl_load(&again, out2));

	/* Every kernel line, byte for byte, in the same order. */
	for (i = 0; i < self->c.j.count; i++) {
		if (!json_u64(self->c.j.lines[i], "seq", &seq))
			continue;
		n++;
		while (k < again.count && !json_u64(again.lines[k], "seq", &seq))
			k++;
		ASSERT_LT(k, again.count);
		EXPECT_STREQ(self->c.j.lines[i], again.lines[k]);
		k++;
	}
	EXPECT_LE(14UL + 3, n);	/* 7 keys pressed and released, device_added, activity, device_removed */
	jsonl_free(&again);
	unlink(rec);
	unlink(out2);
}

TEST_HARNESS_MAIN
