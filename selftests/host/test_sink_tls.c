// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Syslog over TLS (userspace/sink/tls_client.c through sink_syslog.c, and
 * the real daemon): a real rsyslogd on loopback with Debian's TLS netstream
 * driver (rsyslog-openssl, "ossl"; collector.h), real OpenSSL on both ends.
 * A test CA, a second CA, collector and client certificates are made at run
 * time with the openssl command in a temporary directory (never kept).
 * Synthetic lines only.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "collector.h"
#include "daemon_run.h"
#include "recfile.h"
#include "sink_syslog.h"

#define DRIVER		"ossl"
#define PEER_NAME	"collector.test"
#define CHAIN_HEX	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define TIMEOUT_MS	20000
#define MAX_N		200000
#define DROP_USER	"nobody"

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * The certificates: ca (the fleet's), ca2 (another one), srv (collector.test
 * from ca), srv_other (other.test from ca), srv_ca2 (collector.test from
 * ca2), cli (client.test from ca, its key root's 0600).
 */
static const char certs_sh[] =
	"set -e; cd \"$1\"; umask 077\n"
	"ca() { openssl req -x509 -new -newkey rsa:2048 -nodes -days 2 -subj \"/CN=$1\" "
	"-keyout $1.key -out $1.pem >/dev/null 2>&1; }\n"
	"leaf() { openssl req -new -newkey rsa:2048 -nodes -subj \"/CN=$1-cn.invalid\" "
	"-keyout $1.key -out $1.csr >/dev/null 2>&1; printf 'subjectAltName=DNS:%s\\n' $3 >$1.ext; "
	"openssl x509 -req -in $1.csr -CA $2.pem -CAkey $2.key -CAcreateserial -days 2 "
	"-extfile $1.ext -out $1.pem >/dev/null 2>&1; }\n"
	"ca ca; ca ca2\n"
	"leaf srv ca collector.test; leaf srv_other ca other.test; leaf srv_ca2 ca2 collector.test\n"
	"leaf cli ca client.test\n"
	"openssl x509 -in srv.pem -outform DER | sha256sum | cut -c1-64 >srv.fp\n"
	"chmod 0644 *.pem; chmod 0600 *.key\n";

FIXTURE(tls)
{
	char dir[64], spool[96];
	struct collector col;
	struct sink s;
	bool opened;
	char *got;		/* the collector's output */
	unsigned char *seen;	/* per n: how many times it arrived whole */
	char log[16384];
};

static char *path(FIXTURE_DATA(tls) *self, const char *name)
{
	static char buf[4][160];
	static unsigned int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", self->dir, name);
	return buf[i];
}

FIXTURE_SETUP(tls)
{
	char cmd[256];

	/*
	 * As inputauditd does (main): OpenSSL writes to the socket without
	 * MSG_NOSIGNAL, so a write to a collector just killed raised SIGPIPE
	 * and ended collector_killed_loss_within_reported_ranges (signal 13)
	 * where the daemon gets EPIPE and reports the break.
	 */
	signal(SIGPIPE, SIG_IGN);
	if (access(COLLECTOR_RSYSLOGD, X_OK))
		SKIP(return, COLLECTOR_RSYSLOGD " not installed (Debian package rsyslog)");
	if (!collector_tls_available(DRIVER))
		SKIP(return, "rsyslog's TLS driver lmnsd_" DRIVER " is missing (Debian package rsyslog-openssl)");
	if (system("command -v openssl >/dev/null"))
		SKIP(return, "no openssl command (Debian package openssl)");
	snprintf(self->dir, sizeof(self->dir), "/tmp/test_sink_tls.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	ASSERT_EQ(0, chmod(self->dir, 0755));
	snprintf(self->spool, sizeof(self->spool), "%s/spool", self->dir);
	{
		FILE *f = fopen(path(self, "certs.sh"), "w");

		ASSERT_NE(NULL, f);
		fputs(certs_sh, f);
		ASSERT_EQ(0, fclose(f));
	}
	snprintf(cmd, sizeof(cmd), "sh %s/certs.sh %s", self->dir, self->dir);
	ASSERT_EQ(0, system(cmd));
	self->seen = calloc(MAX_N + 1, 1);
	ASSERT_NE(NULL, self->seen);
}

FIXTURE_TEARDOWN(tls)
{
	char cmd[128];

	if (self->opened)
		self->s.ops->close(&self->s);
	collector_kill(&self->col);
	free(self->got);
	free(self->seen);
	if (self->dir[0] && !getenv("KEEP_TMP")) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
		if (system(cmd))
			TH_LOG("cleanup of %s failed", self->dir);
	}
}

/*
 * A collector with certificate @srv ("srv", "srv_other", "srv_ca2"),
 * requiring a client certificate from ca; @priority: OpenSSL settings
 * ("Protocol=-ALL,TLSv1.2"), or NULL.
 */
static int start_collector_with(FIXTURE_DATA(tls) *self, const char *srv,
				const char *authmode, const char *priority)
{
	struct collector_tls t = {
		.driver = DRIVER, .ca = path(self, "ca.pem"), .authmode = authmode,
		.priority = priority,
	};
	char cert[160], key[160];
	int err;

	snprintf(cert, sizeof(cert), "%s/%s.pem", self->dir, srv);
	snprintf(key, sizeof(key), "%s/%s.key", self->dir, srv);
	t.cert = cert;
	t.key = key;
	if (!strcmp(authmode, "x509/name"))
		t.permitted_peer = "client.test";
	err = collector_init_tls(&self->col, self->dir, &t);
	if (err)
		return err;
	return collector_start(&self->col, TIMEOUT_MS);
}

static int start_collector(FIXTURE_DATA(tls) *self, const char *srv, const char *authmode)
{
	return start_collector_with(self, srv, authmode, NULL);
}

struct sink_opts {
	bool tcp, no_client_cert, no_ca;
	const char *peer_name;		/* NULL: PEER_NAME; "": none */
	const char *fingerprint;
	unsigned int port;		/* 0: the collector's */
};

static int open_sink(FIXTURE_DATA(tls) *self, const struct sink_opts *o)
{
	struct syslog_sink_conf c = {
		.name = "collector", .host = "127.0.0.1",
		.port = o->port ? o->port : self->col.port,
		.hostname = "testhost", .spool_dir = self->spool, .spool_max = 1 << 26,
		.backoff_min_ms = 20, .backoff_max_ms = 200,
		.spool_uid = (uid_t)-1, .spool_gid = (gid_t)-1,
		.transport = o->tcp ? SYSLOG_TRANSPORT_TCP : SYSLOG_TRANSPORT_TLS,
	};
	int err;

	if (!o->tcp) {
		c.tls.ca_file = o->no_ca ? NULL : path(self, "ca.pem");
		c.tls.peer_name = !o->peer_name ? PEER_NAME : *o->peer_name ? o->peer_name : NULL;
		c.tls.peer_fingerprint = o->fingerprint;
		if (!o->no_client_cert) {
			c.tls.cert_file = path(self, "cli.pem");
			c.tls.key_file = path(self, "cli.key");
		}
	}
	memset(&self->s, 0, sizeof(self->s));
	err = sink_syslog_new(&self->s, &c);
	if (err)
		return err;
	err = self->s.ops->open(&self->s);
	self->opened = !err;
	return err;
}

static void write_line(FIXTURE_DATA(tls) *self, uint64_t n)
{
	char text[256];
	struct sink_line l = {
		.text = text, .type = "config", .n = n, .severity = SINK_SEV_INFO,
	};

	l.len = (size_t)snprintf(text, sizeof(text),
				 "{\"type\":\"config\",\"time_ns\":%" PRIu64 ",\"dev\":0,"
				 "\"item\":\"level\",\"old\":\"activity\",\"new\":\"events\","
				 "\"n\":%" PRIu64 ",\"chain\":\"" CHAIN_HEX "\"}\n", n * 1000, n);
	self->s.ops->write(&self->s, &l);
}

/* Tick and flush until the sink is up with nothing waiting, or @ms pass. */
static bool settle(FIXTURE_DATA(tls) *self, int ms)
{
	uint64_t until = now_ms() + ms;
	struct sink_health h;

	do {
		self->s.ops->tick(&self->s, now_ms());
		self->s.ops->flush(&self->s);
		self->s.ops->health(&self->s, &h);
		if (h.up && !h.spooled)
			return true;
		usleep(5000);
	} while (now_ms() < until);
	return false;
}

/*
 * Parse the collector's output: per n, whole lines (MSGID config, the SD
 * param n="N" and the same n in MSG).  Return: lines that did not parse.
 */
static unsigned int read_collector(FIXTURE_DATA(tls) *self)
{
	unsigned int bad = 0;
	char *line, *save = NULL, *tab;
	FILE *f;
	size_t len = 0;

	free(self->got);
	self->got = NULL;
	memset(self->seen, 0, MAX_N + 1);
	f = fopen(self->col.out, "r");
	if (!f)
		return 0;
	if (getdelim(&self->got, &len, 0, f) < 0) {
		free(self->got);
		self->got = NULL;
	}
	fclose(f);
	if (!self->got)
		return 0;
	for (line = strtok_r(self->got, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long n, n2;
		char *sd, *msg;

		tab = strchr(line, '\t');
		sd = tab ? tab + 1 : NULL;
		msg = sd ? strchr(sd, '\t') : NULL;
		if (!msg || strncmp(line, "config\t", 7) || !strstr(sd, "[inputaudit@32473 ") ||
		    !strstr(sd, " n=\"") || !(msg = strstr(msg, "\"n\":")) ||
		    sscanf(strstr(sd, " n=\"") + 4, "%llu", &n) != 1 ||
		    sscanf(msg + 4, "%llu", &n2) != 1 || n != n2 || !n || n > MAX_N ||
		    !strstr(msg, CHAIN_HEX "\"}")) {
			bad++;
			continue;
		}
		if (self->seen[n] < 255)
			self->seen[n]++;
	}
	/* strtok_r() cut it up: read it again whole for callers that search it. */
	free(self->got);
	self->got = NULL;
	f = fopen(self->col.out, "r");
	if (f) {
		len = 0;
		if (getdelim(&self->got, &len, 0, f) < 0) {
			free(self->got);
			self->got = NULL;
		}
		fclose(f);
	}
	return bad;
}

/* Wait until the collector has every n of 1..@n at least once. */
static bool wait_all(FIXTURE_DATA(tls) *self, uint64_t n, int ms)
{
	uint64_t until = now_ms() + ms, i;

	do {
		read_collector(self);
		for (i = 1; i <= n && self->seen[i]; i++)
			;
		if (i > n)
			return true;
		usleep(20000);
	} while (now_ms() < until);
	return false;
}

/* 1. TLS with mutual authentication delivers every line, framed and parsable, each n once. */
TEST_F(tls, delivers_every_line_once)
{
	const uint64_t N = 5000;
	struct sink_health h;
	uint64_t n;

	ASSERT_EQ(0, start_collector(self, "srv", "x509/name"));
	ASSERT_EQ(0, open_sink(self, &(struct sink_opts){ 0 }));
	for (n = 1; n <= N; n++) {
		write_line(self, n);
		if (n % 100 == 0)
			settle(self, 0);
	}
	EXPECT_TRUE(settle(self, TIMEOUT_MS));
	self->s.ops->health(&self->s, &h);
	EXPECT_STREQ("tls", h.transport);
	/* Confirmed: rsyslog sent its session tickets, it accepted our certificate. */
	EXPECT_STREQ("verified (TLSv1.3 TLS_AES_128_GCM_SHA256)", h.verify);
	EXPECT_NE(NULL, strstr(h.peer, "name=" PEER_NAME));
	EXPECT_EQ(0U, h.tls_failures);
	EXPECT_TRUE(wait_all(self, N, TIMEOUT_MS));
	EXPECT_EQ(0U, read_collector(self));
	for (n = 1; n <= N; n++)
		if (self->seen[n] != 1) {
			EXPECT_EQ(1, self->seen[n]) TH_LOG("n=%" PRIu64, n);
			break;
		}
}

/* A pinned certificate (its SHA-256) authenticates without a CA; another pin is refused. */
TEST_F(tls, fingerprint_pin)
{
	char fp[80] = "sha256:";
	struct sink_health h;
	FILE *f;

	f = fopen(path(self, "srv.fp"), "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(fp + 7, sizeof(fp) - 7, f));
	fclose(f);
	fp[7 + 64] = 0;
	ASSERT_EQ(0, start_collector(self, "srv", "x509/certvalid"));
	ASSERT_EQ(0, open_sink(self, &(struct sink_opts){ .no_ca = true, .peer_name = "",
							.fingerprint = fp }));
	write_line(self, 1);
	EXPECT_TRUE(settle(self, TIMEOUT_MS));
	EXPECT_TRUE(wait_all(self, 1, TIMEOUT_MS));
	self->s.ops->close(&self->s);
	self->opened = false;

	fp[7] = fp[7] == '0' ? '1' : '0';	/* another certificate's */
	ASSERT_EQ(0, open_sink(self, &(struct sink_opts){ .no_ca = true, .peer_name = "",
							.fingerprint = fp }));
	EXPECT_FALSE(settle(self, 500));
	self->s.ops->health(&self->s, &h);
	EXPECT_LE(1U, h.tls_failures);
	EXPECT_STREQ("failed: certificate verify failed: fingerprint mismatch", h.verify);
}

/*
 * 2. A collector that cannot prove itself is refused: counted, retried
 * with the backoff, reported (once per streak) and in the health that
 * status shows; nothing is sent to it, the lines wait in the spool.
 */
static void refused(struct __test_metadata *_metadata, FIXTURE_DATA(tls) *self,
		    const char *srv, const char *want)
{
	char why[256];
	uint64_t failures;
	struct sink_health h;

	ASSERT_EQ(0, start_collector(self, srv, "x509/certvalid"));
	ASSERT_EQ(0, open_sink(self, &(struct sink_opts){ 0 }));
	write_line(self, 1);
	write_line(self, 2);
	EXPECT_FALSE(settle(self, 1500));
	self->s.ops->health(&self->s, &h);
	EXPECT_LE(3U, h.tls_failures) TH_LOG("only %" PRIu64 " attempts in 1.5 s", h.tls_failures);
	EXPECT_EQ(0, strncmp(h.verify, want, strlen(want))) TH_LOG("verify: %s", h.verify);
	EXPECT_STREQ("spooling", h.state);
	EXPECT_EQ(2U, h.spooled);
	EXPECT_TRUE(sink_syslog_take_tls_failure(&self->s, why, sizeof(why), &failures));
	EXPECT_EQ(0, strncmp(why, want + strlen("failed: "), strlen(want) - strlen("failed: ")));
	EXPECT_FALSE(sink_syslog_take_tls_failure(&self->s, why, sizeof(why), &failures));
	EXPECT_EQ(0U, read_collector(self));
	EXPECT_EQ(0, self->seen[1] + self->seen[2]);
}

TEST_F(tls, collector_from_another_ca_refused)
{
	refused(_metadata, self, "srv_ca2",
		"failed: certificate verify failed: unable to get local issuer certificate");
}

TEST_F(tls, collector_with_another_name_refused)
{
	refused(_metadata, self, "srv_other",
		"failed: certificate verify failed: hostname mismatch (want " PEER_NAME ")");
}

/*
 * A daemon without a client certificate is refused by a collector that
 * requires one.  Under TLS 1.3 the client's handshake ends before the
 * collector has checked the client; the refusal is an alert one round trip
 * later, where an accepting collector sends its session tickets.  The sink
 * waits for that answer before it sends: the refusal is counted, reported
 * with its reason and shown as failed, no line is written to the refused
 * connections (no broken connection to report), every line waits in the
 * spool, and the collector stores nothing.
 */
TEST_F(tls, client_without_certificate_refused_by_collector)
{
	static const char want[] = "the collector refused us without a client certificate";
	uint64_t first = 0, last = 0, lines = 0, failures, n;
	struct sink_health h;
	char why[256];

	ASSERT_EQ(0, start_collector(self, "srv", "x509/certvalid"));
	ASSERT_EQ(0, open_sink(self, &(struct sink_opts){ .no_client_cert = true }));
	for (n = 1; n <= 20; n++) {
		write_line(self, n);
		settle(self, 50);
	}
	EXPECT_FALSE(settle(self, 1000));
	self->s.ops->health(&self->s, &h);
	EXPECT_LE(2U, h.tls_failures);
	EXPECT_STREQ("spooling", h.state);
	EXPECT_EQ(20U, h.spooled);
	EXPECT_EQ(0, strncmp(h.verify, "failed: ", 8)) TH_LOG("verify: %s", h.verify);
	EXPECT_NE(NULL, strstr(h.verify, want)) TH_LOG("verify: %s", h.verify);
	EXPECT_NE(NULL, strstr(h.verify, "certificate required")) TH_LOG("verify: %s", h.verify);
	EXPECT_TRUE(sink_syslog_take_tls_failure(&self->s, why, sizeof(why), &failures));
	EXPECT_NE(NULL, strstr(why, want)) TH_LOG("reported: %s", why);
	EXPECT_FALSE(sink_syslog_take_disconnect(&self->s, &first, &last, &lines)) {
		TH_LOG("lines n=%" PRIu64 "..%" PRIu64 " (%" PRIu64 ") were written to a refused connection",
		       first, last, lines);
	}
	EXPECT_NE(NULL, strstr(slurp_into(path(self, "rsyslogd.log"), self->log, sizeof(self->log)),
			       "peer did not return a certificate"));
	usleep(300000);
	EXPECT_EQ(0U, read_collector(self));
	for (n = 1; n <= 20; n++)
		EXPECT_EQ(0, self->seen[n]);
}

/*
 * TLS 1.2 (the collector allows no other): the collector checks our
 * certificate before its Finished, so the handshake itself fails without a
 * certificate (refused, with the reason) and succeeds with one (verified at
 * once, lines delivered).
 */
TEST_F(tls, tls12_collector_refuses_in_the_handshake)
{
	static const char want[] = "failed: the collector refused us without a client certificate";
	struct sink_health h;
	char why[256];
	uint64_t failures;

	ASSERT_EQ(0, start_collector_with(self, "srv", "x509/certvalid", "Protocol=-ALL,TLSv1.2"));
	ASSERT_EQ(0, open_sink(self, &(struct sink_opts){ .no_client_cert = true }));
	write_line(self, 1);
	EXPECT_FALSE(settle(self, 1000));
	self->s.ops->health(&self->s, &h);
	EXPECT_LE(2U, h.tls_failures);
	EXPECT_EQ(1U, h.spooled);
	EXPECT_EQ(0, strncmp(h.verify, want, strlen(want))) TH_LOG("verify: %s", h.verify);
	EXPECT_TRUE(sink_syslog_take_tls_failure(&self->s, why, sizeof(why), &failures));
	self->s.ops->close(&self->s);
	self->opened = false;
	read_collector(self);
	EXPECT_EQ(0, self->seen[1]);

	ASSERT_EQ(0, open_sink(self, &(struct sink_opts){ 0 }));
	write_line(self, 2);
	EXPECT_TRUE(settle(self, TIMEOUT_MS));
	self->s.ops->health(&self->s, &h);
	EXPECT_STREQ("verified (TLSv1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)", h.verify);
	EXPECT_EQ(0U, h.tls_failures);
	EXPECT_TRUE(wait_all(self, 2, TIMEOUT_MS));
}

/*
 * A collector that sends no TLS 1.3 session tickets: openssl s_server, its
 * output in @out; its stdin a pipe whose other end, *@in, stays open (at
 * the end of its input it would stop).
 */
static pid_t start_s_server(FIXTURE_DATA(tls) *self, unsigned int port, const char *out,
			    int *in)
{
	char accept[32], buf[4096];
	int p[2];
	pid_t pid;

	snprintf(accept, sizeof(accept), "127.0.0.1:%u", port);
	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (!pid) {
		const char *argv[] = { "/usr/bin/openssl", "s_server", "-accept", accept,
				       "-cert", path(self, "srv.pem"), "-key", path(self, "srv.key"),
				       "-CAfile", path(self, "ca.pem"), "-Verify", "1",
				       "-num_tickets", "0", "-tls1_3", "-ign_eof", NULL };
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd < 0 || dup2(p[0], 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(126);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(p[0]);
	*in = p[1];
	if (pid < 0)
		return -1;
	/* It says when it listens. */
	if (!wait_file_text(&pid, out, "ACCEPT", TIMEOUT_MS, buf, sizeof(buf))) {
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		return -1;
	}
	return pid;
}

/*
 * A collector that sends no session tickets never confirms that it
 * accepted us: after the confirm timeout (2 s) the connection is used,
 * and status says it was not confirmed.  Its refusal, an alert, is still
 * seen before anything is sent when it comes within that time.
 */
TEST_F(tls, collector_without_tickets)
{
	char out[160];
	struct sink_health h;
	uint64_t t0;
	pid_t srv;
	int in = -1;

	if (access("/usr/bin/openssl", X_OK))
		SKIP(return, "no /usr/bin/openssl");
	snprintf(out, sizeof(out), "%s/s_server.out", self->dir);
	self->col.port = collector_free_port();
	srv = start_s_server(self, self->col.port, out, &in);
	ASSERT_LT(0, srv);

	ASSERT_EQ(0, open_sink(self, &(struct sink_opts){ .no_client_cert = true }));
	write_line(self, 1);
	EXPECT_FALSE(settle(self, 1000));
	self->s.ops->health(&self->s, &h);
	EXPECT_LE(1U, h.tls_failures);
	EXPECT_EQ(1U, h.spooled);
	EXPECT_NE(NULL, strstr(h.verify, "the collector refused us")) TH_LOG("verify: %s", h.verify);
	self->s.ops->close(&self->s);
	self->opened = false;

	t0 = now_ms();
	ASSERT_EQ(0, open_sink(self, &(struct sink_opts){ 0 }));
	write_line(self, 7);
	EXPECT_TRUE(settle(self, TIMEOUT_MS));
	self->s.ops->health(&self->s, &h);
	EXPECT_LE(1900U, now_ms() - t0) TH_LOG("up without the collector's answer");
	EXPECT_STREQ("verified (TLSv1.3 TLS_AES_128_GCM_SHA256), our certificate not confirmed by the collector",
		     h.verify);
	{
		char buf[16384];

		EXPECT_TRUE(wait_file_text(&srv, out, "\"n\":7,", TIMEOUT_MS, buf, sizeof(buf)))
			TH_LOG("s_server: %s", buf);
	}
	self->s.ops->close(&self->s);
	self->opened = false;
	if (srv > 0) {
		kill(srv, SIGKILL);
		waitpid(srv, NULL, 0);
	}
	close(in);
}

/*
 * A collector that ends an established connection (stopped while the sink
 * is idle) is noticed at the next flush without a line being written, and
 * the n range written to that connection is reported.
 */
TEST_F(tls, idle_connection_end_noticed)
{
	uint64_t first, last, lines, n;
	struct sink_health h;

	ASSERT_EQ(0, start_collector(self, "srv", "x509/name"));
	ASSERT_EQ(0, open_sink(self, &(struct sink_opts){ 0 }));
	for (n = 1; n <= 50; n++)
		write_line(self, n);
	EXPECT_TRUE(settle(self, TIMEOUT_MS));
	EXPECT_TRUE(wait_all(self, 50, TIMEOUT_MS));
	collector_stop(&self->col);
	usleep(100000);
	self->s.ops->flush(&self->s);
	self->s.ops->health(&self->s, &h);
	EXPECT_STRNE("ok", h.state);
	ASSERT_TRUE(sink_syslog_take_disconnect(&self->s, &first, &last, &lines));
	EXPECT_EQ(1U, first);
	EXPECT_EQ(50U, last);
	EXPECT_EQ(50U, lines);
	EXPECT_EQ(0U, h.tls_failures);
}

/*
 * 3. The collector is killed (SIGKILL) under load and restarted: every n
 * that did not arrive lies in a range the sink reported for a broken
 * connection (sink_disconnect); lines after the break are spooled and
 * arrive.  How many were lost is printed.
 */
TEST_F(tls, collector_killed_loss_within_reported_ranges)
{
	const uint64_t N = 30000, KILL_AT = 10000, RESTART_AT = 14000;
	uint64_t first, last, lines, n, missing = 0, covered_lines = 0;
	uint64_t r_first[64], r_last[64];
	unsigned int nr = 0, i;

	ASSERT_EQ(0, start_collector(self, "srv", "x509/name"));
	ASSERT_EQ(0, open_sink(self, &(struct sink_opts){ 0 }));
	for (n = 1; n <= N; n++) {
		write_line(self, n);
		if (n % 50 == 0)
			settle(self, 0);
		if (n == KILL_AT)
			collector_kill(&self->col);
		if (n == RESTART_AT)
			ASSERT_EQ(0, collector_start(&self->col, TIMEOUT_MS));
		while (nr < 64 && sink_syslog_take_disconnect(&self->s, &first, &last, &lines)) {
			r_first[nr] = first;
			r_last[nr++] = last;
			covered_lines += lines;
		}
	}
	EXPECT_TRUE(settle(self, TIMEOUT_MS));
	while (nr < 64 && sink_syslog_take_disconnect(&self->s, &first, &last, &lines)) {
		r_first[nr] = first;
		r_last[nr++] = last;
		covered_lines += lines;
	}
	/* Wait for the last line, then a little for the collector to write out the rest. */
	{
		uint64_t until = now_ms() + TIMEOUT_MS;

		while (read_collector(self), !self->seen[N] && now_ms() < until)
			usleep(50000);
		usleep(300000);
		read_collector(self);
	}
	EXPECT_LE(1U, nr) TH_LOG("the kill was not noticed as a broken connection");
	for (n = 1; n <= N; n++) {
		bool in = false;

		if (self->seen[n])
			continue;
		missing++;
		for (i = 0; i < nr; i++)
			in |= n >= r_first[i] && n <= r_last[i];
		EXPECT_TRUE(in) {
			TH_LOG("n=%" PRIu64 " missing and not in a reported range", n);
			break;
		}
	}
	for (n = RESTART_AT + 100; n <= N; n++)
		if (!self->seen[n]) {
			EXPECT_NE(0, self->seen[n]) TH_LOG("n=%" PRIu64 " after the restart missing", n);
			break;
		}
	TH_LOG("SIGKILL at n=%" PRIu64 ": %" PRIu64 " of %" PRIu64 " lines missing; %u broken connection(s) reported, %" PRIu64 " lines in their ranges (first %" PRIu64 "..%" PRIu64 ")",
	       KILL_AT, missing, N, nr, covered_lines, nr ? r_first[0] : 0, nr ? r_last[0] : 0);
}

/* ---- the daemon as deployed ---- */

/* The daemon's user: its own where the host has it, else nobody. */
static const char *daemon_user(void)
{
	return getpwnam("inputaudit") ? "inputaudit" : DROP_USER;
}

/* @path: a directory @dir/@name with @mode, owned by @pw. */
static int user_dir(char *path, size_t size, const char *dir, const char *name, mode_t mode,
		    const struct passwd *pw)
{
	snprintf(path, size, "%s/%s", dir, name);
	if (mkdir(path, mode) || chown(path, pw->pw_uid, pw->pw_gid))
		return -errno;
	return 0;
}

/* What the collector stored of the daemon's run. */
struct run_seen {
	unsigned int lines, stats, disconnects;
	uint64_t max_n, first_n[16], last_n[16];
	bool final;
};

static void read_run(FIXTURE_DATA(tls) *self, struct run_seen *r)
{
	char *line, *save = NULL, *msg;
	unsigned long long n, a, b;

	memset(r, 0, sizeof(*r));
	memset(self->seen, 0, MAX_N + 1);
	free(self->got);
	self->got = NULL;
	{
		FILE *f = fopen(self->col.out, "r");
		size_t len = 0;

		if (!f)
			return;
		if (getdelim(&self->got, &len, 0, f) < 0) {
			free(self->got);
			self->got = NULL;
		}
		fclose(f);
	}
	for (line = self->got ? strtok_r(self->got, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		msg = strrchr(line, '\t');
		if (!msg || !(msg = strstr(msg, "\"n\":")) || sscanf(msg, "\"n\":%llu", &n) != 1 ||
		    n > MAX_N)
			continue;
		r->lines++;
		self->seen[n]++;
		if (n > r->max_n)
			r->max_n = n;
		r->stats += !strncmp(line, "stats\t", 6);
		r->final |= !strncmp(line, "stats\t", 6) && strstr(line, "\"final\":true");
		if (!strncmp(line, "sink_disconnect\t", 16) && r->disconnects < 16 &&
		    strstr(line, "\"first_n\":") && strstr(line, "\"last_n\":") &&
		    sscanf(strstr(line, "\"first_n\":"), "\"first_n\":%llu", &a) == 1 &&
		    sscanf(strstr(line, "\"last_n\":"), "\"last_n\":%llu", &b) == 1) {
			r->first_n[r->disconnects] = a;
			r->last_n[r->disconnects++] = b;
		}
	}
}

/* Wait until the collector has @min_stats stats lines and, if @disconnects, a sink_disconnect. */
static bool wait_run(FIXTURE_DATA(tls) *self, struct run_seen *r, unsigned int min_stats,
		     unsigned int disconnects, bool final)
{
	uint64_t until = now_ms() + TIMEOUT_MS;

	do {
		read_run(self, r);
		if (r->stats >= min_stats && r->disconnects >= disconnects && (!final || r->final))
			return true;
		usleep(50000);
	} while (now_ms() < until);
	return false;
}

static void write_daemon_conf(FIXTURE_DATA(tls) *self, const char *conf, const char *user,
			      const char *state, const char *spool, const char *key)
{
	char key_path[160];	/* path()'s buffers are reused below */
	FILE *f;

	snprintf(key_path, sizeof(key_path), "%s", key);
	if (access(path(self, "chain.key"), F_OK) && write_test_key(path(self, "chain.key"), 7))
		abort();
	f = fopen(conf, "w");
	if (!f)
		abort();
	fprintf(f, "[daemon]\nuser = %s\nstats_interval_ms = 100\nstate_dir = %s\n"
		"metrics_file =\n[chain]\nkey = %s\n"
		"[sink syslog collector]\nhost = 127.0.0.1\nport = %u\nspool_dir = %s\n"
		"backoff_min_ms = 50\nbackoff_max_ms = 200\n"
		"tls_ca = %s\ntls_peer_name = " PEER_NAME "\n"
		"tls_cert = %s\ntls_key = %s\n",
		user, state, path(self, "chain.key"), self->col.port, spool, path(self, "ca.pem"),
		path(self, "cli.pem"), key_path);
	if (fclose(f))
		abort();
}

/*
 * As deployed: the real daemon, started as root with a config file, reads
 * its CA, certificate and root-only key, drops to its user (inputaudit, or
 * nobody) under its seccomp filter and Landlock, and forwards over TLS to
 * a collector that requires a client certificate: the run arrives, n = 1,
 * 2, 3...  inputauditctl status shows the sink's transport, peer and
 * verification.  Then the key file is removed and the collector
 * restarted: the daemon reconnects all the same (the key is held since
 * the start, never read again), reports the broken connection, and every
 * n the collector lacks lies in the reported range.
 */
TEST_F_TIMEOUT(tls, deployed_daemon_forwards_over_tls, 120)
{
	char state[128], spool[128], conf[160], out[160], err[160], ctl_out[160], ctl_err[160];
	char buf[16384];
	const char *user = daemon_user();
	struct passwd *pw;
	struct run_seen r;
	uint64_t n, before;
	unsigned int i;
	pid_t pid;
	int st;

	if (geteuid())
		SKIP(return, "needs root (the daemon starts as root and drops)");
	pw = getpwnam(user);
	if (!pw)
		SKIP(return, "no user %s", user);
	ASSERT_EQ(0, user_dir(state, sizeof(state), self->dir, "state", 0755, pw));
	ASSERT_EQ(0, user_dir(spool, sizeof(spool), self->dir, "dspool", 0700, pw));
	snprintf(conf, sizeof(conf), "%s/d.conf", self->dir);
	snprintf(out, sizeof(out), "%s/out.jsonl", self->dir);
	snprintf(err, sizeof(err), "%s/stderr", self->dir);
	ASSERT_EQ(0, start_collector(self, "srv", "x509/name"));
	write_daemon_conf(self, conf, user, state, spool, path(self, "cli.key"));
	{
		const char *argv[] = { INPUTAUDITD_BIN, "--no-attach", "--user", user, "-v",
				       "-o", out, "-c", conf, NULL };

		pid = spawn_daemon(argv, err);
	}
	ASSERT_LT(0, pid);
	ASSERT_TRUE(wait_file_text(&pid, err, "dropped privileges", TIMEOUT_MS, buf, sizeof(buf)))
		TH_LOG("stderr: %s", buf);
	/* Under its seccomp filter, and Landlock where the kernel has it (TCP: ABI 4). */
	EXPECT_NE(NULL, strstr(buf, "no capabilities, no_new_privs, seccomp allowlist"));
	if (syscall(SYS_landlock_create_ruleset, NULL, 0, 1U) >= 4)
		EXPECT_NE(NULL, strstr(buf, "TCP to 1 port")) TH_LOG("stderr: %s", buf);

	/* The run arrives over TLS from its first line. */
	ASSERT_TRUE(wait_run(self, &r, 5, 0, false)) TH_LOG("collector: %u lines", r.lines);
	for (n = 1; n <= r.max_n; n++)
		if (self->seen[n] != 1) {
			EXPECT_EQ(1, self->seen[n]) TH_LOG("n=%" PRIu64 " of 1..%" PRIu64, n, r.max_n);
			break;
		}
	EXPECT_EQ(0U, r.disconnects);

	/* inputauditctl status: the sink's transport, peer and verification. */
	snprintf(ctl_out, sizeof(ctl_out), "%s/ctl.out", self->dir);
	snprintf(ctl_err, sizeof(ctl_err), "%s/ctl.err", self->dir);
	sleep(2);	/* the status file is written at the daemon's 1 s tick */
	{
		const char *argv[] = { INPUTAUDITCTL_BIN, "status", "--state-dir", state, NULL };

		st = run_to_files(argv, ctl_out, ctl_err);
	}
	EXPECT_TRUE(st == 0 || st == 3) TH_LOG("inputauditctl status: exit %d", st);
	snprintf(buf, sizeof(buf), "collector: transport tls, peer 127.0.0.1:%u name=" PEER_NAME
		 ", verified (TLSv1.3 TLS_AES_128_GCM_SHA256)", self->col.port);
	EXPECT_NE(NULL, strstr(slurp_into(ctl_out, self->log, sizeof(self->log)), buf))
		TH_LOG("want \"%s\" in: %s", buf, self->log);

	/* The key is gone; the collector restarts: the daemon reconnects with the key it holds. */
	ASSERT_EQ(0, unlink(path(self, "cli.key")));
	read_run(self, &r);
	before = r.max_n;
	collector_stop(&self->col);
	usleep(500000);
	ASSERT_EQ(0, collector_start(&self->col, TIMEOUT_MS));
	EXPECT_TRUE(wait_run(self, &r, r.stats + 5, 1, false)) {
		TH_LOG("after the restart: %u stats, %u sink_disconnect; daemon: %s", r.stats,
		       r.disconnects, slurp_into(err, buf, sizeof(buf)));
	}
	EXPECT_LT(before + 5, r.max_n);

	/* A clean stop: every n arrived, or lies in a reported range. */
	EXPECT_EQ(0, term_and_wait(&pid)) TH_LOG("stderr: %s", slurp_into(err, buf, sizeof(buf)));
	EXPECT_TRUE(wait_run(self, &r, 0, 1, true));
	for (n = 1; n <= r.max_n; n++) {
		bool in = false;

		if (self->seen[n])
			continue;
		for (i = 0; i < r.disconnects; i++)
			in |= n >= r.first_n[i] && n <= r.last_n[i];
		EXPECT_TRUE(in) {
			TH_LOG("n=%" PRIu64 " missing and not in a reported range", n);
			break;
		}
	}
	slurp_into(err, buf, sizeof(buf));
	EXPECT_EQ(NULL, strstr(buf, "TLS refused")) TH_LOG("stderr: %s", buf);
	EXPECT_EQ(NULL, strstr(buf, "cli.key")) TH_LOG("stderr: %s", buf);
	TH_LOG("%" PRIu64 " lines; the restart cost %" PRIu64 " (reported range %" PRIu64
	       "..%" PRIu64 ")", r.max_n, r.max_n - r.lines, r.first_n[0], r.last_n[0]);
}

/*
 * A client key that is not root's alone stops the start, with an error
 * naming the file: readable by others (0644), or owned by another user.
 */
TEST_F(tls, deployed_daemon_refuses_an_exposed_key)
{
	char state[128], spool[128], conf[160], out[160], err[160], buf[8192], want[256];
	const char *user = daemon_user();
	struct passwd *pw;
	int status, round;
	pid_t pid;

	if (geteuid())
		SKIP(return, "needs root (the daemon starts as root and drops)");
	pw = getpwnam(user);
	if (!pw)
		SKIP(return, "no user %s", user);
	ASSERT_EQ(0, user_dir(state, sizeof(state), self->dir, "state", 0755, pw));
	ASSERT_EQ(0, user_dir(spool, sizeof(spool), self->dir, "dspool", 0700, pw));
	snprintf(conf, sizeof(conf), "%s/d.conf", self->dir);
	snprintf(out, sizeof(out), "%s/out.jsonl", self->dir);
	snprintf(err, sizeof(err), "%s/stderr", self->dir);
	self->col.port = collector_free_port();
	write_daemon_conf(self, conf, user, state, spool, path(self, "cli.key"));
	for (round = 0; round < 2; round++) {
		const char *argv[] = { INPUTAUDITD_BIN, "--no-attach", "--user", user, "-v",
				       "-o", out, "-c", conf, NULL };

		if (!round) {
			ASSERT_EQ(0, chmod(path(self, "cli.key"), 0644));
			snprintf(want, sizeof(want), "%s: mode 0644 gives group/other access",
				 path(self, "cli.key"));
		} else {
			ASSERT_EQ(0, chmod(path(self, "cli.key"), 0600));
			ASSERT_EQ(0, chown(path(self, "cli.key"), pw->pw_uid, pw->pw_gid));
			snprintf(want, sizeof(want), "%s: owned by uid %u, not root",
				 path(self, "cli.key"), (unsigned int)pw->pw_uid);
		}
		pid = spawn_daemon(argv, err);
		ASSERT_LT(0, pid);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0);
		slurp_into(err, buf, sizeof(buf));
		EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("want \"%s\" in: %s", want, buf);
		EXPECT_EQ(NULL, strstr(buf, "dropped privileges"));
	}
}

/* A relay between the sink and the collector recording what the sink sends. */
static pid_t start_proxy(unsigned int listen_port, unsigned int to_port, const char *capture)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(listen_port) };
	int lfd, one = 1;
	pid_t pid;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) || listen(lfd, 4))
		return -1;
	pid = fork();
	if (pid) {
		close(lfd);
		return pid;
	}
	for (;;) {
		int cap = open(capture, O_WRONLY | O_CREAT | O_APPEND, 0600);
		int a = accept(lfd, NULL, NULL), b;
		struct sockaddr_in up = sin;
		char buf[16384];

		up.sin_port = htons(to_port);
		b = socket(AF_INET, SOCK_STREAM, 0);
		if (a < 0 || b < 0 || connect(b, (struct sockaddr *)&up, sizeof(up)))
			_exit(1);
		for (;;) {
			struct pollfd p[2] = { { .fd = a, .events = POLLIN },
					       { .fd = b, .events = POLLIN } };
			ssize_t r;

			if (poll(p, 2, -1) < 0)
				_exit(1);
			if (p[0].revents) {
				r = read(a, buf, sizeof(buf));
				if (r <= 0 || write(cap, buf, r) != r || write(b, buf, r) != r)
					break;
			}
			if (p[1].revents) {
				r = read(b, buf, sizeof(buf));
				if (r <= 0 || write(a, buf, r) != r)
					break;
			}
		}
		close(a);
		close(b);
		close(cap);
	}
}

static bool capture_has(const char *capture, const char *needle)
{
	static char buf[1 << 20];
	int fd = open(capture, O_RDONLY);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, sizeof(buf));

	if (fd >= 0)
		close(fd);
	return n > 0 && memmem(buf, (size_t)n, needle, strlen(needle));
}

/*
 * 4. No plaintext: the bytes the sink sends over TLS, captured by a relay,
 * hold none of the records' names; the same relay with transport = tcp
 * sees them (the control that lets this test fail).
 */
TEST_F(tls, no_plaintext_on_the_wire)
{
	static const char *const names[] = { "\"type\"", "config", "\"dev\"", "\"n\":",
					     "inputaudit@32473", "testhost", "level" };
	unsigned int port = collector_free_port(), i;
	char capture[160];
	pid_t proxy;
	int status;

	snprintf(capture, sizeof(capture), "%s/wire.bin", self->dir);
	ASSERT_EQ(0, start_collector(self, "srv", "x509/name"));
	proxy = start_proxy(port, self->col.port, capture);
	ASSERT_LT(0, proxy);
	ASSERT_EQ(0, open_sink(self, &(struct sink_opts){ .port = port }));
	for (i = 1; i <= 200; i++)
		write_line(self, i);
	EXPECT_TRUE(settle(self, TIMEOUT_MS));
	EXPECT_TRUE(wait_all(self, 200, TIMEOUT_MS));
	self->s.ops->close(&self->s);
	self->opened = false;
	EXPECT_TRUE(capture_has(capture, "\x16\x03\x01"));	/* a TLS ClientHello */
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		EXPECT_FALSE(capture_has(capture, names[i])) TH_LOG("%s in clear", names[i]);
	kill(proxy, SIGKILL);
	waitpid(proxy, &status, 0);
	collector_kill(&self->col);

	/* The control: plain TCP through the same relay shows every name. */
	unlink(capture);
	unlink(self->col.out);
	ASSERT_EQ(0, collector_init(&self->col, self->dir));
	ASSERT_EQ(0, collector_start(&self->col, TIMEOUT_MS));
	port = collector_free_port();
	proxy = start_proxy(port, self->col.port, capture);
	ASSERT_LT(0, proxy);
	ASSERT_EQ(0, open_sink(self, &(struct sink_opts){ .tcp = true, .port = port }));
	for (i = 1; i <= 200; i++)
		write_line(self, i);
	EXPECT_TRUE(settle(self, TIMEOUT_MS));
	EXPECT_TRUE(wait_all(self, 200, TIMEOUT_MS));
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		EXPECT_TRUE(capture_has(capture, names[i])) TH_LOG("%s not seen over tcp", names[i]);
	kill(proxy, SIGKILL);
	waitpid(proxy, &status, 0);
}

TEST_HARNESS_MAIN
