// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A full disk under a file sink, with the real daemon (the sanitizer
 * build) on a small tmpfs of the test's own: the daemon keeps running, the
 * other sink receives every line, the lines the full sink could not write
 * are counted exactly (in-band, in the log, in status.json), no line is
 * left half-written, and once space is back the sink resumes with a
 * sink_gap line that `inputauditctl verify` accepts as an accounted loss.
 *
 * Each test runs in a mount namespace of its own (the harness forks every
 * test); the host's mounts are never touched.  Needs root; skipped
 * otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "recfile.h"

#define MAX_RECS	4096
struct stream {
	struct inputaudit_record rec[MAX_RECS];
	unsigned int n;
};
#include "recgen.h"
#include "daemon_run.h"

#define USB		0x03
#define DROP_USER	"nobody"
#define BIG		(1 << 20)

/* ---- helpers ---- */

/* A private mount namespace and a small tmpfs at dir.  NULL or why not. */
static const char *small_tmpfs(const char *dir, const char *opts)
{
	static char why[160];

	if (geteuid() != 0)
		return "needs root (a tmpfs of its own)";
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", dir, "tmpfs", 0, opts)) {
		snprintf(why, sizeof(why), "cannot mount a tmpfs: %s", strerror(errno));
		return why;
	}
	return NULL;
}

static int count(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* The number after key (e.g. "\"dropped\":") in text, or 0. */
static uint64_t field(const char *text, const char *key)
{
	const char *p = text ? strstr(text, key) : NULL;

	return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

/* The whole line of text holding needle (static buffer), or NULL. */
static const char *line_with(const char *text, const char *needle)
{
	static char line[4096];
	const char *p = strstr(text, needle), *b, *e;

	if (!p)
		return NULL;
	for (b = p; b > text && b[-1] != '\n'; b--)
		;
	e = strchr(p, '\n');
	snprintf(line, sizeof(line), "%.*s", (int)(e ? e - b : (long)strlen(b)), b);
	return line;
}

/*
 * Walk the lines of text: each must be whole ('\n'-terminated) and carry
 * "n"; a sink_gap line stands for first_n..last_n.  Returns the number of
 * lines and whether their n run 1, 2, 3, ... with no hole (gaps accounted).
 */
static bool n_consecutive(const char *text, unsigned int *lines, uint64_t *last)
{
	uint64_t expect = 1, n;
	const char *p = text, *e;
	char line[4096];

	*lines = 0;
	for (; *p; p = e + 1) {
		e = strchr(p, '\n');
		if (!e)
			return false;	/* a torn last line */
		snprintf(line, sizeof(line), "%.*s", (int)(e - p), p);
		n = field(line, ",\"n\":");
		if (n != expect)
			return false;
		expect = strstr(line, "\"type\":\"sink_gap\"") ?
			 field(line, "\"last_n\":") + 1 : n + 1;
		++*lines;
	}
	*last = expect - 1;
	return true;
}

/* Fill the filesystem at dir with a root file of size bytes. */
static int fill(const char *path, size_t size)
{
	static char block[4096];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0)
		return -errno;
	memset(block, 'x', sizeof(block));
	for (; size >= sizeof(block); size -= sizeof(block))
		if (write(fd, block, sizeof(block)) != (ssize_t)sizeof(block)) {
			close(fd);
			return -ENOSPC;
		}
	close(fd);
	return 0;
}

/* @s: one USB keyboard and its key presses, @n records, saved to @path.  Return: 0 or -errno. */
static int write_stream(struct stream *s, unsigned int n, const char *path)
{
	struct recfile rf;
	int err;

	s->n = 0;
	device(s, 1, "ia-test keyboard", USB, 1, 1, NULL);
	while (s->n < n)
		key_press(s, 1);
	err = recfile_create(&rf, path);
	if (err)
		return err;
	for (unsigned int i = 0; !err && i < s->n; i++)
		err = recfile_write(&rf, &s->rec[i]);
	return recfile_close(&rf) ?: err;
}

static void rm_rf(const char *dir)
{
	char cmd[160];

	if (getenv("KEEP_TMP"))
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "cleanup of %s failed\n", dir);
}

static char a_text[BIG], b_text[BIG], err_text[BIG];

/*
 * --replay of 3000 key presses into two file sinks, one on a 256 KiB
 * tmpfs: when it is full the daemon goes on (exit 0; before: "write
 * failed", exit 1, and the other sink got nothing more), the other sink
 * gets every record, the full one holds whole lines only, and what it
 * lost, counted from the two files, is what the sink_loss line at the
 * stop and the log say.
 */
TEST(replay_full_disk_keeps_other_sinks)
{
	char dir[] = "/tmp/ia-test-disk-XXXXXX";
	char full[96], a[128], b[96], rec[96], conf[96], key[96], out[96], err[96];
	char text[1024];
	const char *argv[] = { INPUTAUDITD_BIN, "--replay", rec, "-c", conf, NULL };
	static struct stream s;
	char want[256] = "{";
	unsigned int lines_a, lines_b, i;
	uint64_t last_a, last_b, lost, after;
	const char *loss, *why, *p;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(full, sizeof(full), "%s/full", dir);
	ASSERT_EQ(0, mkdir(full, 0700));
	why = small_tmpfs(full, "size=256k,mode=0700");
	if (why) {
		rm_rf(dir);
		SKIP(return, "%s", why);
	}
	snprintf(a, sizeof(a), "%s/audit.jsonl", full);
	snprintf(b, sizeof(b), "%s/all.jsonl", dir);
	snprintf(rec, sizeof(rec), "%s/stream.iarec", dir);
	snprintf(conf, sizeof(conf), "%s/d.conf", dir);
	snprintf(key, sizeof(key), "%s/chain.key", dir);
	snprintf(out, sizeof(out), "%s/stdout", dir);
	snprintf(err, sizeof(err), "%s/stderr", dir);
	ASSERT_EQ(0, write_test_key(key, 11));

	ASSERT_EQ(0, write_stream(&s, 3000, rec));
	snprintf(text, sizeof(text),
		 "[chain]\nkey = %s\n[alert]\ncreator = no\nnew_device = no\n"
		 "[sink file full]\npath = %s\nmax_size = 0\n"
		 "[sink file all]\npath = %s\nmax_size = 0\n", key, a, b);
	{
		FILE *f = fopen(conf, "w");

		ASSERT_NE(NULL, f);
		fputs(text, f);
		ASSERT_EQ(0, fclose(f));
	}

	EXPECT_EQ(0, run_to_files(argv, out, err)) {
		TH_LOG("stderr: %s", slurp_into(err, err_text, BIG));
	}
	slurp_into(a, a_text, BIG);
	slurp_into(b, b_text, BIG);
	slurp_into(err, err_text, BIG);

	/* The other sink: every kernel record (seq 1 is merged into 2), every line. */
	for (i = 2; i <= s.n && strstr(b_text, want); i++)
		snprintf(want, sizeof(want), "{\"seq\":%u,", i);
	EXPECT_EQ(s.n + 1, i) {
		TH_LOG("seq %u missing in the other sink", i - 1);
	}
	EXPECT_TRUE(n_consecutive(b_text, &lines_b, &last_b));
	EXPECT_EQ(lines_b, last_b);
	/* checkpoints carry the wall-clock time before "lines" (issue 18) */
	EXPECT_EQ(1, count(b_text, "\"type\":\"checkpoint\",\"realtime_ns\":"));
	EXPECT_NE(NULL, strstr(line_with(b_text, "\"type\":\"checkpoint\""), "\"final\":true"));
	/* The full sink: whole lines 1..k, no gap line (space never came back). */
	EXPECT_TRUE(n_consecutive(a_text, &lines_a, &last_a)) {
		TH_LOG("the full sink's file is not whole lines n = 1, 2, ...");
	}
	EXPECT_LT(100U, lines_a);
	EXPECT_GT(lines_b, lines_a);
	lost = lines_b - lines_a;

	/* In-band: the write failure, then at the stop the loss so far. */
	EXPECT_NE(NULL, strstr(b_text, "\"sink\":\"full\",\"op\":\"write\",\"errno\":28,"));
	ASSERT_EQ(1, count(b_text, "\"type\":\"sink_loss\",\"sink\":\"full\"")) {
		TH_LOG("stderr: %s", err_text);
	}
	loss = line_with(b_text, "\"type\":\"sink_loss\",\"sink\":\"full\"");
	EXPECT_EQ(lines_a + 1, field(loss, "\"first_n\":"));
	EXPECT_EQ(field(loss, ",\"n\":") - 1, field(loss, "\"last_n\":"));
	EXPECT_EQ(field(loss, "\"last_n\":") - field(loss, "\"first_n\":") + 1,
		  field(loss, "\"dropped\":"));
	/* Every line after it (the stop's stats, checkpoint...) was lost too. */
	p = strstr(b_text, "\"type\":\"sink_loss\",\"sink\":\"full\"");
	after = (uint64_t)count(p, "\n") - 1;
	EXPECT_EQ(lost, field(loss, "\"dropped\":") + 1 + after);
	/* The log has the final count. */
	snprintf(want, sizeof(want), "%s: %" PRIu64 " lines could not be written", a, lost);
	EXPECT_NE(NULL, strstr(err_text, want)) {
		TH_LOG("want '%s' in stderr: %s", want, err_text);
	}
	umount2(full, MNT_DETACH);
	rm_rf(dir);
}

/*
 * disk_full_action = stop: a write that fails stops the daemon (exit 1),
 * as it did before "keep" became the default; still no torn line.
 */
TEST(replay_full_disk_stop)
{
	char dir[] = "/tmp/ia-test-disk-XXXXXX";
	char full[96], a[128], rec[96], conf[96], key[96], out[96], err[96];
	char text[1024];
	const char *argv[] = { INPUTAUDITD_BIN, "--replay", rec, "-c", conf, NULL };
	static struct stream s;
	unsigned int lines_a;
	uint64_t last_a;
	const char *why;
	FILE *f;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(full, sizeof(full), "%s/full", dir);
	ASSERT_EQ(0, mkdir(full, 0700));
	why = small_tmpfs(full, "size=64k,mode=0700");
	if (why) {
		rm_rf(dir);
		SKIP(return, "%s", why);
	}
	snprintf(a, sizeof(a), "%s/audit.jsonl", full);
	snprintf(rec, sizeof(rec), "%s/stream.iarec", dir);
	snprintf(conf, sizeof(conf), "%s/d.conf", dir);
	snprintf(key, sizeof(key), "%s/chain.key", dir);
	snprintf(out, sizeof(out), "%s/stdout", dir);
	snprintf(err, sizeof(err), "%s/stderr", dir);
	ASSERT_EQ(0, write_test_key(key, 11));
	ASSERT_EQ(0, write_stream(&s, 1000, rec));
	f = fopen(conf, "w");
	ASSERT_NE(NULL, f);
	snprintf(text, sizeof(text),
		 "[chain]\nkey = %s\n[alert]\ncreator = no\nnew_device = no\n"
		 "[sink file full]\npath = %s\nmax_size = 0\ndisk_full_action = stop\n",
		 key, a);
	fputs(text, f);
	ASSERT_EQ(0, fclose(f));

	EXPECT_EQ(1, run_to_files(argv, out, err));
	EXPECT_NE(NULL, strstr(slurp_into(err, err_text, BIG), "full: write failed: No space left on device")) {
		TH_LOG("stderr: %s", err_text);
	}
	EXPECT_TRUE(n_consecutive(slurp_into(a, a_text, BIG), &lines_a, &last_a));
	EXPECT_LT(10U, lines_a);
	umount2(full, MNT_DETACH);
	rm_rf(dir);
}

/* ---- the deployed daemon ---- */

struct daemon_run {
	pid_t pid;
	char err[128];
};

/*
 * Start the daemon with --no-attach as DROP_USER (it drops privileges
 * under its seccomp filter, as deployed), -o out and -c conf.
 */
static void daemon_start(struct daemon_run *r, const char *conf, const char *out)
{
	const char *argv[] = { INPUTAUDITD_BIN, "--no-attach", "--user", DROP_USER,
			       "-v", "-o", out, "-c", conf, NULL };

	r->pid = spawn_daemon(argv, r->err);
	if (r->pid < 0)
		abort();
}

/*
 * The deployed daemon (dropped to nobody, seccomp) with its log on a
 * 256 KiB tmpfs that a root file nearly fills: one space_left warning,
 * then the disk is full and status says so; the other sink (-o) gets every
 * line.  The root file is removed: the sink resumes by itself, its first
 * line a sink_gap for exactly the lines it did not write, which every sink
 * also gets as sink_loss and status.json counts; `inputauditctl verify`
 * accepts the log, the gap accounted.
 */
TEST(deployed_full_disk_resumes_when_space_returns)
{
	char dir[] = "/tmp/ia-test-disk-XXXXXX";
	char logdir[96], log[128], filler[128], out[96], state[96], status[128];
	char conf[96], key[96], opts[96], text[1024], verr[96], vout[96];
	const char *verify[] = { INPUTAUDITCTL_BIN, "verify", "--key", key, log, NULL };
	const char *gap, *loss, *why;
	unsigned int lines_a, lines_b;
	uint64_t last_a, last_b, first, last, dropped;
	struct daemon_run r = { 0 };
	struct passwd *pw;
	FILE *f;

	pw = getpwnam(DROP_USER);
	if (!pw)
		SKIP(return, "no user " DROP_USER);
	ASSERT_NE(NULL, mkdtemp(dir));
	ASSERT_EQ(0, chmod(dir, 0755));
	snprintf(logdir, sizeof(logdir), "%s/log", dir);
	ASSERT_EQ(0, mkdir(logdir, 0750));
	snprintf(opts, sizeof(opts), "size=256k,mode=0750,uid=%u,gid=%u",
		 (unsigned int)pw->pw_uid, (unsigned int)pw->pw_gid);
	why = small_tmpfs(logdir, opts);
	if (why) {
		rm_rf(dir);
		SKIP(return, "%s", why);
	}
	snprintf(log, sizeof(log), "%s/audit.jsonl", logdir);
	snprintf(filler, sizeof(filler), "%s/filler", logdir);
	snprintf(out, sizeof(out), "%s/all.jsonl", dir);
	snprintf(state, sizeof(state), "%s/state", dir);
	snprintf(status, sizeof(status), "%s/status.json", state);
	snprintf(conf, sizeof(conf), "%s/d.conf", dir);
	snprintf(key, sizeof(key), "%s/chain.key", dir);
	snprintf(vout, sizeof(vout), "%s/verify.out", dir);
	snprintf(verr, sizeof(verr), "%s/verify.err", dir);
	snprintf(r.err, sizeof(r.err), "%s/stderr", dir);
	ASSERT_EQ(0, mkdir(state, 0755));
	ASSERT_EQ(0, chown(state, pw->pw_uid, pw->pw_gid));
	ASSERT_EQ(0, write_test_key(key, 11));
	/* 16 KiB stay free: a second or two of stats lines. */
	ASSERT_EQ(0, fill(filler, 240 * 1024));

	f = fopen(conf, "w");
	ASSERT_NE(NULL, f);
	snprintf(text, sizeof(text),
		 "[daemon]\nuser = %s\nstats_interval_ms = 20\nstate_dir = %s\n"
		 "[chain]\nkey = %s\n"
		 "[sink file full]\npath = %s\nmax_size = 0\nspace_left = 65536\n",
		 DROP_USER, state, key, log);
	fputs(text, f);
	ASSERT_EQ(0, fclose(f));
	daemon_start(&r, conf, out);
	ASSERT_TRUE(wait_file_text(&r.pid, r.err, "dropped privileges", 30000, err_text, BIG)) {
		TH_LOG("stderr: %s", err_text);
	}

	/* Full: status says so, and the daemon goes on. */
	EXPECT_TRUE(wait_file_text(&r.pid, status, "\"state\":\"full\"", 20000, err_text, BIG)) {
		TH_LOG("status: %s", err_text);
	}
	usleep(500 * 1000);
	ASSERT_EQ(0, unlink(filler));
	EXPECT_TRUE(wait_file_text(&r.pid, log, "\"type\":\"sink_gap\"", 20000, err_text, BIG)) {
		TH_LOG("stderr: %s", slurp_into(r.err, err_text, BIG));
	}
	usleep(300 * 1000);
	EXPECT_EQ(0, term_and_wait(&r.pid)) {
		TH_LOG("stderr: %s", slurp_into(r.err, err_text, BIG));
	}

	slurp_into(log, a_text, BIG);
	slurp_into(out, b_text, BIG);
	/* One gap in the log, and its n = 1, 2, ... with the gap accounted. */
	EXPECT_EQ(1, count(a_text, "\"type\":\"sink_gap\""));
	gap = line_with(a_text, "\"type\":\"sink_gap\"");
	ASSERT_NE(NULL, gap);
	first = field(gap, "\"first_n\":");
	last = field(gap, "\"last_n\":");
	dropped = field(gap, "\"dropped\":");
	EXPECT_LT(0U, dropped);
	EXPECT_EQ(last - first + 1, dropped);
	EXPECT_TRUE(n_consecutive(a_text, &lines_a, &last_a)) {
		TH_LOG("log: %s", a_text);
	}
	/* The other sink: every line; the log has all but the gap's. */
	EXPECT_TRUE(n_consecutive(b_text, &lines_b, &last_b));
	EXPECT_EQ(lines_b, last_b);
	EXPECT_EQ(last_b, last_a);
	EXPECT_EQ((uint64_t)lines_b, lines_a - 1 + dropped);
	/* Every sink got the count, with the same range. */
	loss = line_with(b_text, "\"type\":\"sink_loss\",\"sink\":\"full\"");
	ASSERT_NE(NULL, loss);
	EXPECT_EQ(dropped, field(loss, "\"dropped\":"));
	EXPECT_EQ(first, field(loss, "\"first_n\":"));
	EXPECT_EQ(last, field(loss, "\"last_n\":"));
	EXPECT_EQ(1, count(b_text, "\"type\":\"sink_loss\""));
	/* One space_left warning: the free space crossed it once. */
	EXPECT_EQ(1, count(b_text, "\"type\":\"sink_space_low\",\"sink\":\"full\""));
	/* status.json: the exact count, writing again. */
	slurp_into(status, err_text, BIG);
	snprintf(text, sizeof(text), "\"name\":\"full\",\"kind\":\"file\",\"state\":\"ok\"");
	EXPECT_NE(NULL, strstr(err_text, text)) {
		TH_LOG("status: %s", err_text);
	}
	EXPECT_EQ(dropped, field(strstr(err_text, "\"name\":\"full\""), "\"dropped\":"));
	/* The log verifies, the gap accounted and not taken for a deletion. */
	EXPECT_EQ(0, run_to_files(verify, vout, verr)) {
		TH_LOG("verify: %s %s", slurp_into(vout, err_text, BIG), slurp_into(verr, a_text, BIG));
	}
	snprintf(text, sizeof(text), "not written: %" PRIu64 " lines in 1 gap", dropped);
	EXPECT_NE(NULL, strstr(slurp_into(vout, err_text, BIG), text)) {
		TH_LOG("verify: %s", err_text);
	}
	umount2(logdir, MNT_DETACH);
	rm_rf(dir);
}

TEST_HARNESS_MAIN
