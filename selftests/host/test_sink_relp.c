// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Tests for userspace/sink/sink_relp.c against a real rsyslogd with imrelp
 * over TLS (relp_collector.h: Debian's rsyslog-relp, librelp's OpenSSL
 * backend, a test PKI made with the openssl command in a temporary
 * directory).  Each line carries its "n"; the collector's output file says
 * which n arrived how often.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <pwd.h>

#include "kselftest_harness.h"
#include "daemon_run.h"
#include "recfile.h"
#include "relp_collector.h"
#include "sink_relp.h"
#include "sink_syslog.h"
#include <sys/resource.h>

#define MAX_RECS	3000
struct stream {
	struct inputaudit_record rec[MAX_RECS];
	unsigned int n;
};
#include "recgen.h"

#define CHAIN_HEX	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define MAX_N		40000
#define TIMEOUT_MS	30000

FIXTURE(relp)
{
	char dir[64];
	char spool[128];
	struct relp_pki pki;
	struct collector col;
	struct relp_collector_conf cc;
	struct sink s;
	bool opened;
	unsigned char count[MAX_N + 1];	/* times each n arrived (saturating) */
	unsigned int bad;		/* lines that did not parse */
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static const char *missing(void)
{
	if (access(COLLECTOR_RSYSLOGD, X_OK))
		return COLLECTOR_RSYSLOGD " not installed (Debian package rsyslog)";
	if (access(RELP_IMRELP, R_OK))
		return RELP_IMRELP " not installed (Debian package rsyslog-relp)";
	if (access(RELP_OPENSSL, X_OK))
		return RELP_OPENSSL " not installed (Debian package openssl)";
	return NULL;
}

FIXTURE_SETUP(relp)
{
	memset(&self->s, 0, sizeof(self->s));
	self->opened = false;
	if (missing())
		SKIP(return, "%s", missing());
	snprintf(self->dir, sizeof(self->dir), "/tmp/test_sink_relp.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->spool, sizeof(self->spool), "%s/spool", self->dir);
	ASSERT_EQ(0, relp_pki_make(&self->pki, self->dir));
	self->cc = (struct relp_collector_conf){
		.tls = true, .cert = self->pki.srv, .key = self->pki.srv_key,
		.ca = self->pki.ca, .require_client = true,
	};
	ASSERT_EQ(0, relp_collector_init(&self->col, self->dir, &self->cc, 0));
}

FIXTURE_TEARDOWN(relp)
{
	char cmd[128];

	if (self->opened)
		self->s.ops->close(&self->s);
	if (!self->dir[0])
		return;
	collector_stop(&self->col);
	if (getenv("KEEP_TMP"))
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		TH_LOG("cleanup of %s failed", self->dir);
}

/* Rewrite the collector's config (same port) with @cc, and start it. */
static int start_collector(FIXTURE_DATA(relp) *self, const struct relp_collector_conf *cc)
{
	if (relp_collector_init(&self->col, self->dir, cc, self->col.port))
		return -1;
	return collector_start(&self->col, TIMEOUT_MS);
}

static int put(struct sink *s, uint64_t n)
{
	char buf[512];
	struct sink_line l = {
		.text = buf, .type = "stats", .n = n, .time_ns = n * 1000,
		.realtime_ns = 1700000000123456789ULL, .severity = SINK_SEV_INFO,
	};

	l.len = (size_t)snprintf(buf, sizeof(buf),
				 "{\"time_ns\":%" PRIu64 "000,\"type\":\"stats\",\"dev\":3,"
				 "\"name\":\"kbd \\\"x\\\"\",\"n\":%" PRIu64 ",\"chain\":\""
				 CHAIN_HEX "\"}\n", n, n);
	return s->ops->write(s, &l);
}

/* Count every n in the collector's output; check each line's frame. */
static void read_output(FIXTURE_DATA(relp) *self)
{
	char line[4096];
	FILE *f = fopen(self->col.out, "r");

	memset(self->count, 0, sizeof(self->count));
	self->bad = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *tab = strchr(line, '\t'), *n_at;
		uint64_t n;

		char *chain;

		/* A whole line: its JSON ends with n and a 64-digit chain value. */
		n_at = tab ? strstr(tab, ",\"n\":") : NULL;
		chain = n_at ? strstr(n_at, ",\"chain\":\"") : NULL;
		if (!n_at || sscanf(n_at, ",\"n\":%" SCNu64, &n) != 1 || n > MAX_N || !chain ||
		    strspn(chain + 10, "0123456789abcdef") != 64 || strcmp(chain + 74, "\"}\n")) {
			self->bad++;
			continue;
		}
		if (self->count[n] < 255)
			self->count[n]++;
	}
	fclose(f);
}

/* How many of n = 1..@last arrived at least once; *@dups: more than once. */
static unsigned int arrived(FIXTURE_DATA(relp) *self, unsigned int last, unsigned int *dups)
{
	unsigned int i, got = 0;

	*dups = 0;
	for (i = 1; i <= last; i++) {
		got += self->count[i] > 0;
		*dups += self->count[i] > 1;
	}
	return got;
}

static int open_sink(FIXTURE_DATA(relp) *self, bool client_cert, const char *peer)
{
	struct relp_sink_conf c = {
		.host = "127.0.0.1", .port = self->col.port, .tls = true,
		.tls_ca = self->pki.ca, .tls_cert = client_cert ? self->pki.clt : NULL,
		.tls_key = client_cert ? self->pki.clt_key : NULL,
		.tls_peer_name = peer ? peer : "collector.test",
		.hostname = "testhost", .spool_dir = self->spool, .spool_max = 64 << 20,
		.backoff_min_ms = 20, .backoff_max_ms = 200, .spool_uid = (uid_t)-1,
	};
	int err = sink_relp_new(&self->s, &c);

	if (!err)
		err = self->s.ops->open(&self->s);
	self->opened = !err;
	return err;
}

/* Tick until @want lines are acknowledged (or the time is up); the health then. */
static void wait_acked(FIXTURE_DATA(relp) *self, uint64_t want, struct sink_health *h,
		       int ms)
{
	uint64_t until = now_ms() + (uint64_t)ms;

	do {
		self->s.ops->tick(&self->s, now_ms());
		self->s.ops->health(&self->s, h);
		if (h->acked >= want && !h->unacked)
			return;
		usleep(20000);
	} while (now_ms() < until);
}

/* RELP over TLS delivers every line once, framed and parsable, and all are acknowledged. */
TEST_F(relp, tls_delivers_every_line_once)
{
	const unsigned int lines = 5000;
	struct sink_health h;
	unsigned int i, dups;

	ASSERT_EQ(0, collector_start(&self->col, TIMEOUT_MS));
	ASSERT_EQ(0, open_sink(self, true, NULL));
	for (i = 1; i <= lines; i++) {
		ASSERT_EQ(0, put(&self->s, i));
		if (i % 100 == 0)
			self->s.ops->flush(&self->s);
	}
	self->s.ops->flush(&self->s);
	wait_acked(self, lines, &h, TIMEOUT_MS);
	EXPECT_EQ(lines, h.acked);
	EXPECT_EQ(0U, h.unacked);
	EXPECT_EQ(0U, h.dropped);
	EXPECT_STREQ("relp+tls", h.transport);
	EXPECT_STREQ("verified", h.verify);
	EXPECT_STREQ("ok", h.state);
	EXPECT_STREQ("127.0.0.1", strtok(h.peer, ":"));
	read_output(self);
	EXPECT_EQ(lines, arrived(self, lines, &dups));
	EXPECT_EQ(0U, dups);
	EXPECT_EQ(0U, self->bad);
}

/* A collector whose certificate comes from another CA is refused, counted, then reported. */
TEST_F(relp, collector_from_other_ca_is_refused)
{
	struct relp_collector_conf bad = self->cc;
	struct sink_health h;
	uint64_t until, failures;
	unsigned int dups;
	char why[256];

	bad.cert = self->pki.srv_other;
	bad.key = self->pki.srv_other_key;
	ASSERT_EQ(0, start_collector(self, &bad));
	ASSERT_EQ(0, open_sink(self, true, NULL));
	ASSERT_EQ(0, put(&self->s, 1));
	until = now_ms() + TIMEOUT_MS;
	do {
		self->s.ops->tick(&self->s, now_ms());
		self->s.ops->health(&self->s, &h);
		usleep(20000);
	} while (h.tls_failures < 2 && now_ms() < until);
	EXPECT_LE(2U, h.tls_failures);	/* refused, and again after the backoff */
	EXPECT_EQ(0, strncmp(h.verify, "failed: ", 8)) TH_LOG("verify: %s", h.verify);
	EXPECT_EQ(-EACCES, h.last_err);
	EXPECT_EQ(0U, h.acked);
	EXPECT_EQ(1U, h.unacked);
	/* Reported once for the streak, with librelp's reason. */
	ASSERT_TRUE(sink_relp_take_tls_failure(&self->s, why, sizeof(why), &failures));
	EXPECT_LE(1U, failures);
	EXPECT_NE('\0', why[0]);
	EXPECT_FALSE(sink_relp_take_tls_failure(&self->s, why, sizeof(why), &failures));
	read_output(self);
	EXPECT_EQ(0U, arrived(self, 1, &dups));

	/* The right collector on the same port: the line arrives, the refusals are told. */
	collector_stop(&self->col);
	ASSERT_EQ(0, start_collector(self, &self->cc));
	wait_acked(self, 1, &h, TIMEOUT_MS);
	EXPECT_EQ(1U, h.acked);
	EXPECT_STREQ("verified", h.verify);
	EXPECT_LE(2U, h.tls_failures);
	EXPECT_FALSE(sink_relp_take_tls_failure(&self->s, why, sizeof(why), &failures));
	read_output(self);
	EXPECT_EQ(1U, arrived(self, 1, &dups));
}

/* A collector with a certificate of our CA but another name is refused. */
TEST_F(relp, collector_with_other_name_is_refused)
{
	struct relp_collector_conf bad = self->cc;
	struct sink_health h;
	unsigned int dups;
	uint64_t until;

	bad.cert = self->pki.srv_wrong;
	bad.key = self->pki.srv_wrong_key;
	ASSERT_EQ(0, start_collector(self, &bad));
	ASSERT_EQ(0, open_sink(self, true, NULL));
	ASSERT_EQ(0, put(&self->s, 1));
	until = now_ms() + TIMEOUT_MS;
	do {
		self->s.ops->tick(&self->s, now_ms());
		self->s.ops->health(&self->s, &h);
		usleep(20000);
	} while (!h.tls_failures && now_ms() < until);
	EXPECT_LE(1U, h.tls_failures);
	EXPECT_EQ(0, strncmp(h.verify, "failed: ", 8)) TH_LOG("verify: %s", h.verify);
	EXPECT_EQ(0U, h.acked);
	read_output(self);
	EXPECT_EQ(0U, arrived(self, 1, &dups));
}

/* A daemon without a client certificate is refused by a collector that requires one. */
TEST_F(relp, collector_refuses_client_without_certificate)
{
	struct sink_health h;
	unsigned int dups;
	uint64_t until;

	ASSERT_EQ(0, collector_start(&self->col, TIMEOUT_MS));
	ASSERT_EQ(0, open_sink(self, false, NULL));
	ASSERT_EQ(0, put(&self->s, 1));
	until = now_ms() + 3000;
	do {
		self->s.ops->tick(&self->s, now_ms());
		usleep(20000);
	} while (now_ms() < until);
	self->s.ops->health(&self->s, &h);
	EXPECT_EQ(0U, h.acked);
	EXPECT_EQ(1U, h.unacked);
	EXPECT_NE(0, h.last_err);
	EXPECT_STREQ("spooling", h.state);
	read_output(self);
	EXPECT_EQ(0U, arrived(self, 1, &dups));
}

/*
 * The collector killed with SIGKILL while many lines are in flight, then
 * restarted: every n arrives at least once (duplicates allowed).
 */
TEST_F(relp, collector_sigkill_under_load_loses_nothing)
{
	const unsigned int lines = 30000;
	struct sink_health h;
	unsigned int i, dups, got;

	ASSERT_EQ(0, collector_start(&self->col, TIMEOUT_MS));
	ASSERT_EQ(0, open_sink(self, true, NULL));
	for (i = 1; i <= lines; i++) {
		ASSERT_EQ(0, put(&self->s, i));
		if (i % 50 == 0) {
			self->s.ops->flush(&self->s);
			usleep(200);
		}
		if (i == lines / 3) {
			/* Kill it with a session going: lines acknowledged, more in flight. */
			do {
				self->s.ops->flush(&self->s);
				self->s.ops->health(&self->s, &h);
				usleep(1000);
			} while (!h.acked && h.unacked);
			self->s.ops->health(&self->s, &h);
			TH_LOG("at the kill: %" PRIu64 " acknowledged, %" PRIu64 " not",
			       h.acked, h.unacked);
			EXPECT_LT(0U, h.acked);
			EXPECT_LT(0U, h.unacked);
			collector_kill(&self->col);
		}
		if (i == lines / 2)
			ASSERT_EQ(0, start_collector(self, &self->cc));
	}
	self->s.ops->flush(&self->s);
	wait_acked(self, lines, &h, 60000);
	EXPECT_EQ(0U, h.unacked);
	EXPECT_EQ(0U, h.dropped);
	read_output(self);
	got = arrived(self, lines, &dups);
	EXPECT_EQ(lines, got);
	EXPECT_EQ(0U, self->bad);
	TH_LOG("%u of %u arrived, %u twice or more", got, lines, dups);
}

/* Lines the collector did not acknowledge before the sink closed are sent by the next run. */
TEST_F(relp, restart_resends_unacknowledged_lines)
{
	struct sink_health h;
	unsigned int i, dups;

	ASSERT_EQ(0, open_sink(self, true, NULL));	/* no collector yet */
	for (i = 1; i <= 500; i++)
		ASSERT_EQ(0, put(&self->s, i));
	self->s.ops->flush(&self->s);
	self->s.ops->health(&self->s, &h);
	EXPECT_EQ(500U, h.unacked);
	EXPECT_EQ(0, self->s.ops->close(&self->s));
	self->opened = false;

	ASSERT_EQ(0, collector_start(&self->col, TIMEOUT_MS));
	ASSERT_EQ(0, open_sink(self, true, NULL));
	for (i = 501; i <= 600; i++)
		ASSERT_EQ(0, put(&self->s, i));
	self->s.ops->flush(&self->s);
	wait_acked(self, 100, &h, TIMEOUT_MS);
	EXPECT_EQ(0U, h.unacked);
	read_output(self);
	EXPECT_EQ(600U, arrived(self, 600, &dups));
	EXPECT_EQ(0U, dups);
}

/* A private key others may read is refused before anything is sent. */
TEST_F(relp, private_key_readable_by_others_is_refused)
{
	struct relp_sink_conf c = {
		.host = "127.0.0.1", .port = self->col.port, .tls = true,
		.tls_ca = self->pki.ca, .tls_cert = self->pki.clt, .tls_key = self->pki.clt_key,
		.spool_dir = self->spool, .spool_max = 1 << 20, .spool_uid = (uid_t)-1,
	};

	ASSERT_EQ(0, chmod(self->pki.clt_key, 0640));
	ASSERT_EQ(0, sink_relp_new(&self->s, &c));
	EXPECT_EQ(-EPERM, self->s.ops->open(&self->s));
	self->opened = true;	/* close() frees it */
}

/*
 * As deployed: the real daemon, started as root, drops to its user
 * (nobody here) under its seccomp filter and Landlock, its client key
 * root's and 0600, read before the drop; its sender thread, made after the
 * drop, connects over TLS with the certificates' memfd copies and delivers
 * every line of a replayed stream, all acknowledged before it exits.
 */
TEST_F(relp, deployed_daemon_after_privilege_drop)
{
	char rec[128], conf[128], key[128], spool[128], state[128], err[128], out[128];
	const char *argv[] = { INPUTAUDITD_BIN, "--replay", rec, "--user", "nobody",
			       "-v", "-c", conf, NULL };
	static struct stream s;
	struct recfile rf;
	struct passwd *pw;
	unsigned int i, dups, last = 0;
	FILE *f;

	if (getuid() != 0)
		SKIP(return, "needs root: the daemon drops from root to its user");
	pw = getpwnam("nobody");
	if (!pw)
		SKIP(return, "no user nobody");
	snprintf(rec, sizeof(rec), "%s/stream.rec", self->dir);
	snprintf(conf, sizeof(conf), "%s/inputauditd.conf", self->dir);
	snprintf(key, sizeof(key), "%s/chain.key", self->dir);
	snprintf(spool, sizeof(spool), "%s/relp-spool", self->dir);
	snprintf(state, sizeof(state), "%s/state", self->dir);
	snprintf(err, sizeof(err), "%s/daemon.err", self->dir);
	snprintf(out, sizeof(out), "%s/daemon.out", self->dir);
	ASSERT_EQ(0, mkdir(spool, 0700));
	ASSERT_EQ(0, chown(spool, pw->pw_uid, pw->pw_gid));
	ASSERT_EQ(0, mkdir(state, 0700));
	ASSERT_EQ(0, chown(state, pw->pw_uid, pw->pw_gid));
	ASSERT_EQ(0, write_test_key(key, 7));
	ASSERT_EQ(0, chmod(self->pki.clt_key, 0600));
	ASSERT_EQ(0, chown(self->pki.clt_key, 0, 0));

	device(&s, 1, "ia-test keyboard", 3, 0x046d, 0xc31c, NULL);
	while (s.n < MAX_RECS - 1)
		key_press(&s, 1);
	ASSERT_EQ(0, recfile_create(&rf, rec));
	for (i = 0; i < s.n; i++)
		ASSERT_EQ(0, recfile_write(&rf, &s.rec[i]));
	ASSERT_EQ(0, recfile_close(&rf));

	f = fopen(conf, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "[daemon]\nstate_dir = %s\nmetrics_file =\n[chain]\nkey = %s\n"
		"[sink relp collector]\nhost = 127.0.0.1\nport = %u\nspool_dir = %s\n"
		"tls_ca = %s\ntls_cert = %s\ntls_key = %s\ntls_peer_name = collector.test\n"
		"backoff_min_ms = 50\nbackoff_max_ms = 200\n",
		state, key, self->col.port, spool, self->pki.ca, self->pki.clt,
		self->pki.clt_key);
	ASSERT_EQ(0, fclose(f));
	ASSERT_EQ(0, chmod(conf, 0644));
	ASSERT_EQ(0, collector_start(&self->col, TIMEOUT_MS));

	/* LeakSanitizer's exit-time stop-the-world is not in the seccomp allowlist. */
	setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
	EXPECT_EQ(0, run_to_files(argv, out, err)) {
		TH_LOG("daemon: %s", slurp_into(err, (char[8192]){ 0 }, 8192));
	}
	{
		static char text[65536];

		slurp_into(err, text, sizeof(text));
		EXPECT_NE(NULL, strstr(text, "dropped privileges: user nobody")) {
			TH_LOG("daemon: %s", text);
		}
		EXPECT_EQ(NULL, strstr(text, "not acknowledged stay in the spool")) {
			TH_LOG("daemon: %s", text);
		}
		EXPECT_EQ(NULL, strstr(text, "refused")) {
			TH_LOG("daemon: %s", text);
		}
	}
	read_output(self);
	for (i = 1; i <= MAX_N; i++)
		if (self->count[i])
			last = i;
	EXPECT_LT(MAX_RECS / 2, last);
	EXPECT_EQ(last, arrived(self, last, &dups));
	EXPECT_EQ(0U, dups);
	EXPECT_EQ(0U, self->bad);
	TH_LOG("the collector got n = 1..%u", last);
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
	       ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
}

/* Lines from write() until the collector wrote the last (n = @last) to its file. */
static void wait_last(FIXTURE_DATA(relp) *self, struct sink *s, unsigned int last)
{
	uint64_t until = now_ms() + 120000;

	do {
		s->ops->tick(s, now_ms());
		s->ops->flush(s);
		read_output(self);
		if (self->count[last])
			return;
		usleep(2000);
	} while (now_ms() < until);
}

/*
 * Not a check: lines per second and this process's CPU per line (the
 * sink's work, its thread's included; ASan build) through RELP over TLS
 * and through the syslog sink's plain TCP, to the same rsyslogd, in one run.
 */
TEST_F(relp, bench_relp_tls_against_tcp_syslog)
{
	const unsigned int lines = 20000;
	struct relp_collector_conf cc = self->cc;
	double t0, c0, relp_rate, relp_cpu, tcp_rate, tcp_cpu;
	struct syslog_sink_conf sc;
	struct sink tcp = { 0 };
	unsigned int i;

	cc.tcp_port = collector_free_port();
	ASSERT_EQ(0, start_collector(self, &cc));
	ASSERT_EQ(0, open_sink(self, true, NULL));
	put(&self->s, MAX_N);	/* the session is up before the clock starts */
	wait_last(self, &self->s, MAX_N);
	t0 = (double)now_ms();
	c0 = cpu_s();
	for (i = 1; i <= lines; i++) {
		put(&self->s, i);
		if (i % 64 == 0)
			self->s.ops->flush(&self->s);
	}
	wait_last(self, &self->s, lines);
	relp_rate = lines / (((double)now_ms() - t0) / 1000);
	relp_cpu = (cpu_s() - c0) / lines * 1e6;
	ASSERT_NE(0, self->count[lines]);

	/* Same collector, its imtcp input. */
	collector_stop(&self->col);
	unlink(self->col.out);
	ASSERT_EQ(0, collector_start(&self->col, TIMEOUT_MS));
	sc = (struct syslog_sink_conf){
		.host = "127.0.0.1", .port = cc.tcp_port, .hostname = "testhost",
		.spool_dir = self->spool, .spool_max = 64 << 20, .spool_uid = (uid_t)-1,
		.transport = SYSLOG_TRANSPORT_TCP,
	};
	snprintf(self->spool, sizeof(self->spool), "%s/spool-tcp", self->dir);
	sc.spool_dir = self->spool;
	ASSERT_EQ(0, sink_syslog_new(&tcp, &sc));
	ASSERT_EQ(0, tcp.ops->open(&tcp));
	put(&tcp, MAX_N);
	wait_last(self, &tcp, MAX_N);
	t0 = (double)now_ms();
	c0 = cpu_s();
	for (i = 1; i <= lines; i++) {
		put(&tcp, i);
		if (i % 64 == 0)
			tcp.ops->flush(&tcp);
	}
	wait_last(self, &tcp, lines);
	tcp_rate = lines / (((double)now_ms() - t0) / 1000);
	tcp_cpu = (cpu_s() - c0) / lines * 1e6;
	tcp.ops->close(&tcp);
	ASSERT_NE(0, self->count[lines]);
	TH_LOG("relp+tls: %.0f lines/s, %.1f us CPU/line; tcp syslog: %.0f lines/s, "
	       "%.1f us CPU/line; relp+tls/tcp: %.2f of the rate, %.2fx the CPU",
	       relp_rate, relp_cpu, tcp_rate, tcp_cpu, relp_rate / tcp_rate, relp_cpu / tcp_cpu);
}

TEST_HARNESS_MAIN
