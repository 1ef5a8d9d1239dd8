// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * At the collector: the daemon's syslog sink to a real rsyslogd on
 * loopback that stores every message whole (RFC 5424); `inputauditctl
 * verify --collector` verifies each host's chain from that file, and
 * `verify --follow` watches it grow: it raises an alert for a forged
 * message at the first line, and for a daemon killed (no final
 * checkpoint) once its checkpoints stop for --max-missed heartbeats.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "bpf_feed.h"
#include "collector.h"
#include "daemon_run.h"
#include "recfile.h"

#define MAX_RECS	400
struct stream {
	struct inputaudit_record rec[MAX_RECS];
	unsigned int n;
};
#include "recgen.h"

#define DROP_USER	"nobody"

FIXTURE(col)
{
	char dir[64], rec[128], conf[128], key[128], state[128], spool[128];
	char out[128], err[128], fout[128], ferr[128], host[256];
	struct collector c;
	struct stream s;
	pid_t daemon, follower;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path)
{
	static char buf[1 << 20];

	return slurp_into(path, buf, sizeof(buf));
}

FIXTURE_SETUP(col)
{
	struct passwd *pw = getpwnam(DROP_USER);

	self->daemon = self->follower = 0;
	if (access(COLLECTOR_RSYSLOGD, X_OK))
		SKIP(return, COLLECTOR_RSYSLOGD " not installed (Debian package rsyslog)");
	if (!pw)
		SKIP(return, "no user " DROP_USER);
	snprintf(self->dir, sizeof(self->dir), "/tmp/ia-test-col-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	ASSERT_EQ(0, chmod(self->dir, 0755));
	snprintf(self->rec, sizeof(self->rec), "%s/r.iarec", self->dir);
	snprintf(self->conf, sizeof(self->conf), "%s/d.conf", self->dir);
	snprintf(self->key, sizeof(self->key), "%s/chain.key", self->dir);
	snprintf(self->state, sizeof(self->state), "%s/state", self->dir);
	snprintf(self->spool, sizeof(self->spool), "%s/spool", self->dir);
	snprintf(self->out, sizeof(self->out), "%s/stdout", self->dir);
	snprintf(self->err, sizeof(self->err), "%s/stderr", self->dir);
	snprintf(self->fout, sizeof(self->fout), "%s/follow.out", self->dir);
	snprintf(self->ferr, sizeof(self->ferr), "%s/follow.err", self->dir);
	ASSERT_EQ(0, mkdir(self->spool, 0700));
	ASSERT_EQ(0, chown(self->spool, pw->pw_uid, pw->pw_gid));
	{
		const char *init[] = { INPUTAUDITCTL_BIN, "key", "init", "--state-dir",
				       self->state, "--key", self->key, "--no-print", NULL };

		ASSERT_EQ(0, run_to_files(init, self->out, self->err));
	}
	ASSERT_EQ(0, gethostname(self->host, sizeof(self->host)));
	ASSERT_EQ(0, collector_init_format(&self->c, self->dir, true));
	ASSERT_EQ(0, collector_start(&self->c, 15000));
}

FIXTURE_TEARDOWN(col)
{
	char cmd[128];

	if (self->daemon > 0)
		term_and_wait(&self->daemon);
	if (self->follower > 0)
		term_and_wait(&self->follower);
	collector_stop(&self->c);
	if (!self->dir[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (!getenv("KEEP_TMP") && system(cmd))
		TH_LOG("cleanup of %s failed", self->dir);
}

static void write_conf(FIXTURE_DATA(col) *self, bool user)
{
	FILE *f = fopen(self->conf, "w");

	if (!f)
		abort();
	(void)user;	/* --user on the command line: its own group */
	fprintf(f, "[chain]\nkey = %s\nstate_dir = %s\n"
		"[alert]\ncreator = no\nnew_device = no\n"
		"[sink syslog collector]\ntransport = tcp\nhost = 127.0.0.1\nport = %u\nspool_dir = %s\n"
		"backoff_min_ms = 50\nbackoff_max_ms = 200\n",
		self->key, self->state,
		self->c.port, self->spool);
	if (fclose(f))
		abort();
}

/* Until @n lines of the collector's file hold @needle, or @ms pass. */
static bool collector_has(FIXTURE_DATA(col) *self, const char *needle, int n, int ms)
{
	double until = now_s() + ms / 1000.0;

	do {
		const char *p = slurp(self->c.out);
		int k = 0;

		while ((p = strstr(p, needle))) {
			k++;
			p++;
		}
		if (k >= n)
			return true;
		usleep(20000);
	} while (now_s() < until);
	return false;
}

/* inputauditctl verify --follow on the collector's file, in the background. */
static pid_t follow(FIXTURE_DATA(col) *self, const char *max_missed)
{
	const char *argv[] = { INPUTAUDITCTL_BIN, "verify", "--follow", "--key", self->key,
			       "--max-missed", max_missed, "--poll-ms", "50",
			       "--fail-on-alert", self->c.out, NULL };
	pid_t pid = fork();

	if (pid == 0) {
		int o = open(self->fout, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(self->ferr, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		dup2(o, 1);
		dup2(e, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

/* The follower's exit status within @ms, or -1 if it is still running. */
static int follower_exit(pid_t *pid, int ms)
{
	double until = now_s() + ms / 1000.0;
	int status;

	do {
		if (waitpid(*pid, &status, WNOHANG) == *pid) {
			*pid = 0;
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
		}
		usleep(10000);
	} while (now_s() < until);
	return -1;
}

/* Send one RFC 5424 message to the collector, as anyone on the network can. */
static int send_forged(unsigned int port, const char *msg)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	char frame[4096];
	int fd = socket(AF_INET, SOCK_STREAM, 0), n, ret = 0;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	n = snprintf(frame, sizeof(frame), "%zu %s", strlen(msg), msg);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    write(fd, frame, n) != n)
		ret = -errno;
	if (fd >= 0)
		close(fd);
	return ret;
}

/*
 * Two runs through the syslog sink: the collector's file verifies per host
 * with the runs linked; then a forged message for the host at the
 * collector: the follower alerts at that one line.
 */
TEST_F(col, collector_verifies_and_follow_alerts_at_a_break)
{
	const char *argv[] = { INPUTAUDITD_BIN, "--replay", self->rec, "-c", self->conf,
			       NULL };
	const char *verify[] = { INPUTAUDITCTL_BIN, "verify", "--collector", "--key",
				 self->key, self->c.out, NULL };
	struct recfile rf;
	char msg[1024], want[512];
	unsigned int i;
	int rc;

	device(&self->s, 1, "ia-test keyboard", 0x0003, 0x046d, 0xc31c, NULL);
	for (i = 0; i < 60; i++) {
		key_press(&self->s, 1);
		if (i % 20 == 19)
			add(&self->s, INPUTAUDIT_REC_HEARTBEAT, 0, 0, 10, 0, 0, 0);
	}
	ASSERT_EQ(0, recfile_create(&rf, self->rec));
	for (i = 0; i < self->s.n; i++)
		ASSERT_EQ(0, recfile_write(&rf, &self->s.rec[i]));
	ASSERT_EQ(0, recfile_close(&rf));
	write_conf(self, false);
	ASSERT_EQ(0, run_to_files(argv, self->out, self->err)) {
		TH_LOG("%s", slurp(self->err));
	}
	ASSERT_EQ(0, run_to_files(argv, self->out, self->err));
	ASSERT_TRUE(collector_has(self, "\"final\":true,\"n\":", 2, 10000)) {
		TH_LOG("collector: %s", slurp(self->c.out));
	}
	rc = run_to_files(verify, self->out, self->err);
	EXPECT_EQ(0, rc) {
		TH_LOG("%s %s", slurp(self->out), slurp(self->err));
	}
	snprintf(want, sizeof(want), "host %s: ok: ", self->host);
	EXPECT_NE(NULL, strstr(slurp(self->out), want)) {
		TH_LOG("%s", slurp(self->out));
	}
	EXPECT_NE(NULL, strstr(slurp(self->out), "(runs 1..2)"));
	/* a key per host: DIR/HOST.hex, as key init prints it; another host has none */
	{
		char keydir[160], path[512], hex[80];
		const char *bykey[] = { INPUTAUDITCTL_BIN, "verify", "--collector", "--key-dir",
					keydir, self->c.out, NULL };
		unsigned char k[64];
		ssize_t n;
		int fd;
		FILE *f;

		snprintf(keydir, sizeof(keydir), "%s/hosts", self->dir);
		ASSERT_EQ(0, mkdir(keydir, 0700));
		fd = open(self->key, O_RDONLY);
		ASSERT_LE(0, fd);
		n = read(fd, k, sizeof(k));
		close(fd);
		ASSERT_EQ(32, n);
		for (i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", k[i]);
		snprintf(path, sizeof(path), "%s/%s.hex", keydir, self->host);
		f = fopen(path, "w");
		ASSERT_NE(NULL, f);
		fprintf(f, "%s\n", hex);
		fclose(f);
		EXPECT_EQ(0, run_to_files(bykey, self->out, self->err)) {
			TH_LOG("%s %s", slurp(self->out), slurp(self->err));
		}
		unlink(path);
		EXPECT_EQ(1, run_to_files(bykey, self->out, self->err));
		EXPECT_NE(NULL, strstr(slurp(self->out), ": no key for it")) {
			TH_LOG("%s", slurp(self->out));
		}
	}

	self->follower = follow(self, "3");
	ASSERT_LT(0, self->follower);
	/* nothing wrong yet: the follower keeps watching */
	EXPECT_EQ(-1, follower_exit(&self->follower, 500)) {
		TH_LOG("%s", slurp(self->fout));
	}
	snprintf(msg, sizeof(msg),
		 "<38>1 2026-01-01T00:00:00.000000Z %s inputauditd 1 event - "
		 "{\"seq\":9999,\"time_ns\":1,\"type\":\"event\",\"dev\":1,\"event\":\"key_press\","
		 "\"class\":\"text\",\"n\":999,\"chain\":\"%064d\"}", self->host, 0);
	ASSERT_EQ(0, send_forged(self->c.port, msg));
	EXPECT_EQ(1, follower_exit(&self->follower, 5000)) {
		TH_LOG("follow: %s %s", slurp(self->fout), slurp(self->ferr));
	}
	snprintf(want, sizeof(want), "ALERT host=%s kind=", self->host);
	EXPECT_NE(NULL, strstr(slurp(self->fout), want)) {
		TH_LOG("%s", slurp(self->fout));
	}
	/* located at the forged line, the collector file's last */
	{
		char *text = slurp(self->c.out);
		unsigned int lines = 0;

		for (char *p = text; (p = strchr(p, '\n')); p++)
			lines++;
		snprintf(want, sizeof(want), ":%u detail=", lines);
		EXPECT_NE(NULL, strstr(slurp(self->fout), want)) {
			TH_LOG("%s", slurp(self->fout));
		}
	}
	/* and the one-shot verify says so too */
	EXPECT_EQ(1, run_to_files(verify, self->out, self->err));
}

/*
 * A live daemon (as deployed: privileges dropped, its chain state in a
 * directory of its user's) sends a checkpoint per heartbeat; killed, its
 * checkpoints stop, and the follower alerts "silent" within --max-missed
 * heartbeats.
 */
TEST_F(col, follow_alerts_when_a_daemon_dies)
{
	const char *argv[] = { INPUTAUDITD_BIN, "--no-attach", "--user", DROP_USER, "-v", "-c",
			       self->conf, NULL };
	static char buf[1 << 16];
	double killed, took, interval = 0.3;
	int prog, rc;
	unsigned int i;

	if (geteuid())
		SKIP(return, "needs root (BPF_PROG_TEST_RUN)");
	write_conf(self, true);
	self->daemon = spawn_daemon(argv, self->err);
	ASSERT_LT(0, self->daemon);
	ASSERT_TRUE(wait_file_text(&self->daemon, self->err, "dropped privileges", 30000,
				   buf, sizeof(buf))) {
		TH_LOG("%s", slurp(self->err));
	}
	prog = bpf_feed_prog(self->daemon);
	ASSERT_LE(0, prog);
	ASSERT_TRUE(collector_has(self, "chain_start", 1, 10000));
	self->follower = follow(self, "3");
	ASSERT_LT(0, self->follower);
	memset(&self->s, 0, sizeof(self->s));
	for (i = 0; i < 8; i++) {
		key_press(&self->s, 1);
		ASSERT_EQ(0, bpf_feed_record(prog, &self->s.rec[self->s.n - 1]));
		add(&self->s, INPUTAUDIT_REC_HEARTBEAT, 0, 0, 10, 0, 0, 0);
		ASSERT_EQ(0, bpf_feed_record(prog, &self->s.rec[self->s.n - 1]));
		usleep((useconds_t)(interval * 1e6));
	}
	ASSERT_TRUE(collector_has(self, "\"type\":\"checkpoint\"", 6, 5000));
	EXPECT_EQ(-1, follower_exit(&self->follower, 10)) {
		TH_LOG("alert before the daemon died: %s", slurp(self->fout));
	}
	/* the chain state lives in its user's directory, not readable by others */
	{
		struct stat sb;
		char path[192];

		snprintf(path, sizeof(path), "%s/chain.state", self->state);
		ASSERT_EQ(0, stat(path, &sb));
		EXPECT_EQ(0600, sb.st_mode & 0777);
		EXPECT_EQ(getpwnam(DROP_USER)->pw_uid, sb.st_uid);
	}
	kill(self->daemon, SIGKILL);
	killed = now_s();
	waitpid(self->daemon, &rc, 0);
	self->daemon = 0;
	close(prog);
	rc = follower_exit(&self->follower, 10000);
	took = now_s() - killed;
	EXPECT_EQ(1, rc) {
		TH_LOG("follow: %s %s", slurp(self->fout), slurp(self->ferr));
	}
	EXPECT_NE(NULL, strstr(slurp(self->fout), "kind=silent")) {
		TH_LOG("%s", slurp(self->fout));
	}
	/* 3 heartbeats, and a poll and the collector's write for slack */
	EXPECT_GT(3 * interval + 1.0, took) {
		TH_LOG("alert %.2f s after the kill", took);
	}
	EXPECT_LT(interval, took);
}

/* A clean stop (a final checkpoint) is not silence: no alert. */
TEST_F(col, follow_quiet_after_a_clean_stop)
{
	const char *argv[] = { INPUTAUDITD_BIN, "--no-attach", "--user", DROP_USER, "-v", "-c",
			       self->conf, NULL };
	static char buf[1 << 16];
	double interval = 0.3;
	unsigned int i;
	int prog;

	if (geteuid())
		SKIP(return, "needs root (BPF_PROG_TEST_RUN)");
	write_conf(self, true);
	self->daemon = spawn_daemon(argv, self->err);
	ASSERT_LT(0, self->daemon);
	ASSERT_TRUE(wait_file_text(&self->daemon, self->err, "dropped privileges", 30000,
				   buf, sizeof(buf)));
	prog = bpf_feed_prog(self->daemon);
	ASSERT_LE(0, prog);
	ASSERT_TRUE(collector_has(self, "chain_start", 1, 10000));
	self->follower = follow(self, "3");
	ASSERT_LT(0, self->follower);
	for (i = 0; i < 5; i++) {
		add(&self->s, INPUTAUDIT_REC_HEARTBEAT, 0, 0, 10, 0, 0, 0);
		ASSERT_EQ(0, bpf_feed_record(prog, &self->s.rec[self->s.n - 1]));
		usleep((useconds_t)(interval * 1e6));
	}
	close(prog);
	EXPECT_EQ(0, term_and_wait(&self->daemon));
	ASSERT_TRUE(collector_has(self, "\"final\":true", 1, 5000));
	/* well past 3 heartbeats: still watching, nothing said */
	EXPECT_EQ(-1, follower_exit(&self->follower, (int)(6 * interval * 1000))) {
		TH_LOG("follow: %s", slurp(self->fout));
	}
	EXPECT_EQ(NULL, strstr(slurp(self->fout), "ALERT")) {
		TH_LOG("follow: %s", slurp(self->fout));
	}
}

TEST_HARNESS_MAIN
