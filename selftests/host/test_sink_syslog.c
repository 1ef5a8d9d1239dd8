// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Tests for userspace/sink/sink_syslog.c and spool.c.  The delivery tests run a
 * real rsyslogd (collector.h: imtcp on 127.0.0.1 and a free port, omfile
 * writing MSGID, STRUCTURED-DATA and MSG of every message it parsed to a
 * file in a temporary directory).  The framing tests use a plain TCP
 * listener to see the exact bytes.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
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
#include "collector.h"
#include "sink_syslog.h"

#define RSYSLOGD	COLLECTOR_RSYSLOGD
#define CHAIN_HEX	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define MAX_LINES	1000
#define TIMEOUT_MS	15000

FIXTURE(syslog)
{
	char dir[64];
	char out[160];
	char spool[128];
	unsigned int port;
	struct collector col;
	struct sink s;
	bool opened;
	/* What arrived, in order: n of each line, its type. */
	unsigned int nlines;
	uint64_t got_n[MAX_LINES];
	char got_type[MAX_LINES][32];
	unsigned int bad;
	const char *sd_id;	/* for open_sink(); NULL: the default */
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

FIXTURE_SETUP(syslog)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/test_sink_syslog.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->spool, sizeof(self->spool), "%s/spool", self->dir);
	ASSERT_EQ(0, collector_init(&self->col, self->dir));
	snprintf(self->out, sizeof(self->out), "%s", self->col.out);
	self->port = self->col.port;
	self->opened = false;
	self->nlines = 0;
	self->bad = 0;
	self->sd_id = NULL;
	memset(&self->s, 0, sizeof(self->s));
}

static void stop_rsyslogd(FIXTURE_DATA(syslog) *self)
{
	collector_stop(&self->col);
}

FIXTURE_TEARDOWN(syslog)
{
	char cmd[128];

	if (self->opened)
		self->s.ops->close(&self->s);
	stop_rsyslogd(self);
	if (getenv("KEEP_TMP"))
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		TH_LOG("cleanup of %s failed", self->dir);
}

/* Start rsyslogd and wait until it listens.  Return: 0 or -1. */
static int start_rsyslogd(FIXTURE_DATA(syslog) *self)
{
	return collector_start(&self->col, TIMEOUT_MS);
}

/* Line n: a kernel-like record with strings that need escaping in SD. */
static size_t make_line(char *buf, size_t size, const char *type, uint64_t n)
{
	return (size_t)snprintf(buf, size,
		"{\"seq\":%" PRIu64 ",\"time_ns\":%" PRIu64 "000,\"type\":\"%s\",\"dev\":3,"
		"\"name\":\"kbd \\\"x\\\" ]\\\\y\",\"ok\":true,\"v\":[1,2],\"o\":{\"a\":1},"
		"\"nil\":null,\"n\":%" PRIu64 ",\"chain\":\"" CHAIN_HEX "\"}\n",
		n + 100, n, type, n);
}

/* The structured data rsyslogd must have parsed from make_line()'s line. */
static void expected_sd(FIXTURE_DATA(syslog) *self, char *buf, size_t size,
			const char *type, uint64_t n)
{
	snprintf(buf, size,
		 "[%s seq=\"%" PRIu64 "\" time_ns=\"%" PRIu64 "000\" "
		 "type=\"%s\" dev=\"3\" name=\"kbd \\\"x\\\" \\]\\\\y\" ok=\"true\" "
		 "o.a=\"1\" n=\"%" PRIu64 "\" chain=\"" CHAIN_HEX "\"]",
		 self->sd_id ? self->sd_id : "inputaudit@32473", n + 100, n, type, n);
}

static int put(struct sink *s, const char *type, uint64_t n, enum sink_severity sev)
{
	char buf[1024];
	struct sink_line l = {
		.text = buf, .type = type, .seq = n + 100, .n = n, .time_ns = n * 1000,
		.realtime_ns = 1700000000123456789ULL, .severity = sev,
	};

	l.len = make_line(buf, sizeof(buf), type, n);
	return s->ops->write(s, &l);
}

/* Read rsyslogd's output file; check every line against what was sent. */
static void read_output(FIXTURE_DATA(syslog) *self)
{
	char line[4096], sd[1024], json[1024], type[32];
	FILE *f = fopen(self->out, "r");

	self->nlines = 0;
	self->bad = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && self->nlines < MAX_LINES) {
		char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		char *n_at;
		uint64_t n;

		if (!t2) {
			self->bad++;
			continue;
		}
		*t1 = *t2 = 0;
		n_at = strstr(t2 + 1, "\"n\":");
		if (!n_at || sscanf(n_at, "\"n\":%" SCNu64, &n) != 1) {
			self->bad++;
			continue;
		}
		snprintf(type, sizeof(type), "%.31s", line);
		snprintf(self->got_type[self->nlines], 32, "%s", type);
		self->got_n[self->nlines++] = n;
		if (strcmp(type, "sink_loss")) {
			expected_sd(self, sd, sizeof(sd), type, n);
			make_line(json, sizeof(json), type, n);
			if (strcmp(sd, t1 + 1) || strcmp(json, t2 + 1)) {
				if (!self->bad)
					fprintf(stderr, "# got %s|%s|%s# want %s|%s", type, t1 + 1,
						t2 + 1, sd, json);
				self->bad++;
			}
		}
	}
	fclose(f);
}

/* Tick the sink until @want lines arrived and it is "ok".  Return: lines seen. */
static unsigned int wait_lines(FIXTURE_DATA(syslog) *self, unsigned int want)
{
	uint64_t until = now_ms() + TIMEOUT_MS;
	struct sink_health h;

	do {
		self->s.ops->tick(&self->s, now_ms());
		self->s.ops->flush(&self->s);
		self->s.ops->health(&self->s, &h);
		read_output(self);
		if (self->nlines >= want && !strcmp(h.state, "ok"))
			break;
		usleep(20000);
	} while (now_ms() < until);
	return self->nlines;
}

static int open_sink(FIXTURE_DATA(syslog) *self, uint64_t spool_max)
{
	struct syslog_sink_conf c = {
		.host = "127.0.0.1", .port = self->port, .app_name = "inputaudit",
		.sd_id = self->sd_id, .transport = SYSLOG_TRANSPORT_TCP,
		.hostname = "testhost", .spool_dir = self->spool, .spool_max = spool_max,
		.backoff_min_ms = 20, .backoff_max_ms = 200, .spool_uid = (uid_t)-1,
	};
	int err = sink_syslog_new(&self->s, &c);

	if (err)
		return err;
	self->opened = true;
	return self->s.ops->open(&self->s);
}

static unsigned int spool_files(const char *dir)
{
	unsigned int n = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((de = readdir(d)))
		n += strstr(de->d_name, ".spool") != NULL;
	closedir(d);
	return n;
}

#define NEED_RSYSLOGD()							\
	do {								\
		if (access(RSYSLOGD, X_OK))				\
			SKIP(return, RSYSLOGD " not installed (Debian package rsyslog)"); \
		ASSERT_EQ(0, start_rsyslogd(self));			\
	} while (0)

TEST_F(syslog, all_lines_arrive)
{
	struct sink_health h;
	unsigned int i, n = 300;

	NEED_RSYSLOGD();
	ASSERT_EQ(0, open_sink(self, 1 << 20));
	EXPECT_STREQ("syslog", self->s.ops->kind);
	EXPECT_EQ(0, strncmp("syslog:127.0.0.1:", self->s.name, 17));
	for (i = 1; i <= n; i++) {
		ASSERT_EQ(0, put(&self->s, "event", i, SINK_SEV_INFO));
		if (i % 25 == 0) {
			self->s.ops->tick(&self->s, now_ms());
			self->s.ops->flush(&self->s);
		}
	}
	ASSERT_EQ(n, wait_lines(self, n));
	EXPECT_EQ(0, self->bad);
	for (i = 0; i < n; i++)
		EXPECT_EQ(i + 1, self->got_n[i]);
	self->s.ops->health(&self->s, &h);
	EXPECT_STREQ("ok", h.state);
	EXPECT_EQ(n, h.lines);
	EXPECT_EQ(0, h.dropped);
	EXPECT_EQ(0, h.spooled);
	EXPECT_EQ(0, spool_files(self->spool));
}

/*
 * The configured SD-ID (sd_id) opens the structured data of every message
 * the collector parses.
 */
TEST_F(syslog, configured_sd_id)
{
	unsigned int i, n = 20;

	NEED_RSYSLOGD();
	self->sd_id = "fleetaudit@32473.1.2";
	ASSERT_EQ(0, open_sink(self, 1 << 20));
	for (i = 1; i <= n; i++)
		ASSERT_EQ(0, put(&self->s, i % 2 ? "event" : "alert", i,
				 i % 2 ? SINK_SEV_INFO : SINK_SEV_ALERT));
	/* read_output() checks each message's SD against expected_sd(): this SD-ID */
	ASSERT_EQ(n, wait_lines(self, n));
	EXPECT_EQ(0, self->bad);
	for (i = 0; i < n; i++)
		EXPECT_EQ(i + 1, self->got_n[i]);
}

TEST_F(syslog, spool_while_collector_down)
{
	struct sink_health h;
	unsigned int i;

	NEED_RSYSLOGD();
	ASSERT_EQ(0, open_sink(self, 1 << 20));
	for (i = 1; i <= 50; i++)
		ASSERT_EQ(0, put(&self->s, "event", i, SINK_SEV_INFO));
	ASSERT_EQ(50, wait_lines(self, 50));

	stop_rsyslogd(self);
	for (i = 51; i <= 120; i++) {
		ASSERT_EQ(0, put(&self->s, "event", i, SINK_SEV_INFO));
		if (i % 10 == 0) {
			self->s.ops->tick(&self->s, now_ms());
			self->s.ops->flush(&self->s);
		}
	}
	self->s.ops->health(&self->s, &h);
	EXPECT_STREQ("spooling", h.state);
	EXPECT_EQ(70, h.spooled);
	EXPECT_EQ(0, h.dropped);
	EXPECT_LT(0, spool_files(self->spool));
	usleep(300000);
	self->s.ops->tick(&self->s, now_ms());

	ASSERT_EQ(0, start_rsyslogd(self));
	ASSERT_EQ(120, wait_lines(self, 120));
	EXPECT_EQ(0, self->bad);
	for (i = 0; i < 120; i++)
		EXPECT_EQ(i + 1, self->got_n[i]);
	self->s.ops->health(&self->s, &h);
	EXPECT_STREQ("ok", h.state);
	EXPECT_EQ(0, h.spooled);
	EXPECT_EQ(0, spool_files(self->spool));
	EXPECT_EQ(0, sink_syslog_take_dropped(&self->s));
}

TEST_F(syslog, spool_cap_drops_counted)
{
	struct sink_health h;
	uint64_t dropped;
	unsigned int i, spooled;
	char line[1024];

	if (access(RSYSLOGD, X_OK))
		SKIP(return, RSYSLOGD " not installed (Debian package rsyslog)");
	/* Nothing listens yet: everything goes to a spool of about 4 lines. */
	ASSERT_EQ(0, open_sink(self, 4 * (make_line(line, sizeof(line), "event", 1) + 160)));
	for (i = 1; i <= 20; i++) {
		ASSERT_EQ(0, put(&self->s, "event", i, SINK_SEV_INFO));
		self->s.ops->tick(&self->s, now_ms());
	}
	self->s.ops->health(&self->s, &h);
	EXPECT_STREQ("spooling", h.state);
	spooled = (unsigned int)h.spooled;
	EXPECT_LE(2, spooled);
	EXPECT_GE(5, spooled);
	EXPECT_EQ(20 - spooled, h.dropped);
	EXPECT_EQ(20, h.lines);
	/* Not back yet: the loss is reported once the sink is. */
	EXPECT_EQ(0, sink_syslog_take_dropped(&self->s));

	ASSERT_EQ(0, start_rsyslogd(self));
	ASSERT_EQ(spooled, wait_lines(self, spooled));
	dropped = sink_syslog_take_dropped(&self->s);
	EXPECT_EQ(20 - spooled, dropped);
	EXPECT_EQ(0, sink_syslog_take_dropped(&self->s));
	for (i = 0; i < spooled; i++)
		EXPECT_EQ(i + 1, self->got_n[i]);

	/* The daemon's in-band report arrives after the spooled lines. */
	{
		char buf[256];
		struct sink_line l = { .text = buf, .type = "sink_loss", .n = 21,
				       .severity = SINK_SEV_WARNING };

		l.len = (size_t)snprintf(buf, sizeof(buf),
			"{\"time_ns\":1,\"type\":\"sink_loss\",\"sink\":\"%s\",\"dropped\":%" PRIu64
			",\"n\":21,\"chain\":\"" CHAIN_HEX "\"}\n", self->s.name, dropped);
		ASSERT_EQ(0, self->s.ops->write(&self->s, &l));
	}
	ASSERT_EQ(spooled + 1, wait_lines(self, spooled + 1));
	EXPECT_STREQ("sink_loss", self->got_type[spooled]);
	EXPECT_EQ(21, self->got_n[spooled]);
	EXPECT_EQ(0, self->bad);
}

/* ---- framing, with a plain listener ---- */

static int listen_on(unsigned int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, 4)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Tick and read from the accepted connection until @want bytes came. */
static size_t collect(FIXTURE_DATA(syslog) *self, int lfd, int *cfd, char *buf,
		      size_t size, size_t want)
{
	uint64_t until = now_ms() + TIMEOUT_MS;
	size_t got = 0;

	while (got < want && now_ms() < until) {
		ssize_t n;

		self->s.ops->tick(&self->s, now_ms());
		self->s.ops->flush(&self->s);
		if (*cfd < 0)
			*cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (*cfd >= 0) {
			n = recv(*cfd, buf + got, size - 1 - got, MSG_DONTWAIT);
			if (n > 0) {
				got += (size_t)n;
				continue;
			}
		}
		usleep(10000);
	}
	buf[got] = 0;
	return got;
}

TEST_F(syslog, frame_bytes)
{
	char buf[8192], line[1024], sd[1024], want[4096];
	int lfd, cfd = -1;
	size_t len, mlen;
	int m;

	lfd = listen_on(self->port);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, open_sink(self, 1 << 20));
	ASSERT_EQ(0, put(&self->s, "injection", 7, SINK_SEV_WARNING));

	len = make_line(line, sizeof(line), "injection", 7);
	line[len - 1] = 0;
	expected_sd(self, sd, sizeof(sd), "injection", 7);
	m = snprintf(want, sizeof(want),
		     "<36>1 2023-11-14T22:13:20.123456Z testhost inputaudit %d injection %s %s",
		     (int)getpid(), sd, line);
	mlen = (size_t)m;
	len = (size_t)snprintf(buf, sizeof(buf), "%zu ", mlen);
	ASSERT_EQ(len + mlen, collect(self, lfd, &cfd, buf, sizeof(buf), len + mlen));
	EXPECT_EQ(mlen, strtoul(buf, NULL, 10));
	EXPECT_STREQ(want, buf + len);
	close(cfd);
	close(lfd);
}

/*
 * A device name with control characters (any USB descriptor or uinput
 * process chooses it) never puts one into the message: in the structured
 * data each is the text \\u00XX, and no byte of the frame is below 0x20.
 */
TEST_F(syslog, control_characters_never_raw)
{
	static const char text[] =
		"{\"type\":\"device_added\",\"dev\":3,"
		"\"name\":\"a\\nFAKE 1 - - -\\u001b[31mb\\u0000c\\u007f\",\"n\":5}\n";
	static const char want_sd[] =
		"[inputaudit@32473 type=\"device_added\" dev=\"3\" "
		"name=\"a\\\\u000aFAKE 1 - - -\\\\u001b[31mb\\\\u0000c\\\\u007f\" n=\"5\"]";
	struct sink_line l = {
		.text = text, .len = sizeof(text) - 1, .type = "device_added", .seq = 9,
		.n = 5, .time_ns = 1, .realtime_ns = 1700000000123456789ULL,
		.severity = SINK_SEV_NOTICE,
	};
	char buf[4096], want[2048];
	int lfd, cfd = -1;
	size_t got, len, mlen;

	lfd = listen_on(self->port);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, open_sink(self, 1 << 20));
	ASSERT_EQ(0, self->s.ops->write(&self->s, &l));
	mlen = (size_t)snprintf(want, sizeof(want),
				"<37>1 2023-11-14T22:13:20.123456Z testhost inputaudit %d "
				"device_added %s %.*s", (int)getpid(), want_sd,
				(int)sizeof(text) - 2, text);
	len = (size_t)snprintf(buf, sizeof(buf), "%zu ", mlen);
	got = collect(self, lfd, &cfd, buf, sizeof(buf), len + mlen);
	ASSERT_EQ(len + mlen, got);
	EXPECT_STREQ(want, buf + len);
	for (size_t i = 0; i < got; i++) {
		unsigned char c = (unsigned char)buf[i];

		ASSERT_LE(0x20, c) {
			TH_LOG("control byte 0x%02x in the frame", c);
		}
	}
	close(cfd);
	close(lfd);
}

/*
 * A stop while the collector is still away loses no drop count: it is
 * kept in the spool directory, and the next run reports it once its
 * collector is back.
 */
TEST_F(syslog, drops_pending_at_stop_survive)
{
	struct sink_health h;
	unsigned int i, spooled;
	uint64_t dropped;
	char line[1024], path[192];

	if (access(RSYSLOGD, X_OK))
		SKIP(return, RSYSLOGD " not installed (Debian package rsyslog)");
	ASSERT_EQ(0, open_sink(self, 4 * (make_line(line, sizeof(line), "event", 1) + 160)));
	for (i = 1; i <= 20; i++)
		ASSERT_EQ(0, put(&self->s, "event", i, SINK_SEV_INFO));
	self->s.ops->health(&self->s, &h);
	spooled = (unsigned int)h.spooled;
	dropped = h.dropped;
	ASSERT_LT(0U, dropped);
	EXPECT_EQ(dropped, sink_syslog_pending_dropped(&self->s));
	EXPECT_EQ(0, sink_syslog_take_dropped(&self->s));	/* not back */
	ASSERT_EQ(0, self->s.ops->close(&self->s));
	self->opened = false;
	snprintf(path, sizeof(path), "%s/dropped", self->spool);
	EXPECT_EQ(0, access(path, F_OK));

	/* The next run: the count is back, and reported once the collector is. */
	memset(&self->s, 0, sizeof(self->s));
	ASSERT_EQ(0, open_sink(self, 1 << 20));
	EXPECT_NE(0, access(path, F_OK));
	EXPECT_EQ(dropped, sink_syslog_pending_dropped(&self->s));
	ASSERT_EQ(0, start_rsyslogd(self));
	ASSERT_EQ(spooled, wait_lines(self, spooled));
	EXPECT_EQ(dropped, sink_syslog_take_dropped(&self->s));
}

/* Lines spooled by one run are sent by the next (daemon restart). */
TEST_F(syslog, spool_survives_restart)
{
	struct syslog_sink_conf c = {
		.name = "collector", .host = "127.0.0.1", .port = self->port,
		.spool_dir = self->spool, .transport = SYSLOG_TRANSPORT_TCP,
		.spool_max = 1 << 20, .backoff_min_ms = 20, .backoff_max_ms = 100,
		.spool_uid = (uid_t)-1,
	};
	char buf[65536];
	int lfd, cfd = -1;
	unsigned int i, frames = 0;
	struct sink_health h;
	size_t got, off = 0;
	struct stat st;

	ASSERT_EQ(0, open_sink(self, 1 << 20));
	for (i = 1; i <= 10; i++)
		ASSERT_EQ(0, put(&self->s, "event", i, SINK_SEV_INFO));
	ASSERT_EQ(0, self->s.ops->close(&self->s));
	self->opened = false;
	ASSERT_EQ(0, stat(self->spool, &st));
	EXPECT_EQ(0700, st.st_mode & 07777);
	EXPECT_LT(0, spool_files(self->spool));

	lfd = listen_on(self->port);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, sink_syslog_new(&self->s, &c));
	self->opened = true;
	ASSERT_EQ(0, self->s.ops->open(&self->s));
	EXPECT_STREQ("collector", self->s.name);
	self->s.ops->health(&self->s, &h);
	EXPECT_EQ(10, h.spooled);
	got = collect(self, lfd, &cfd, buf, sizeof(buf), 10 * 300);
	/* Parse the octet-counted frames: 10 whole ones, n = 1..10 in order. */
	while (off < got) {
		char *sp, *n_at;
		unsigned long mlen = strtoul(buf + off, &sp, 10);
		uint64_t n = 0;

		ASSERT_EQ(' ', *sp);
		ASSERT_GE(got, (size_t)(sp + 1 - buf) + mlen);
		n_at = memmem(sp + 1, mlen, "\"n\":", 4);
		ASSERT_NE(NULL, n_at);
		sscanf(n_at, "\"n\":%" SCNu64, &n);
		EXPECT_EQ(++frames, n);
		off = (size_t)(sp + 1 - buf) + mlen;
	}
	EXPECT_EQ(10, frames);
	self->s.ops->health(&self->s, &h);
	EXPECT_STREQ("ok", h.state);
	EXPECT_EQ(0, spool_files(self->spool));
	close(cfd);
	close(lfd);
}

/*
 * The collector stops reading, the socket fills (the last line may be cut
 * in the middle), then the connection breaks.  The next connection must
 * start with that line, whole, and carry every later line once, in order.
 */
TEST_F(syslog, broken_connection_resends_whole)
{
	size_t size = 4 << 20, got = 0, off = 0;
	int lfd, cfd, rcvbuf = 4096;
	unsigned int i, first_held = 0, last, expect;
	uint64_t until;
	struct sink_health h;
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	char *buf;

	lfd = listen_on(self->port);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)));
	ASSERT_EQ(0, open_sink(self, 64 << 20));
	until = now_ms() + TIMEOUT_MS;
	do {
		self->s.ops->tick(&self->s, now_ms());
		cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	} while (cfd < 0 && errno == EAGAIN && now_ms() < until && !usleep(10000));
	ASSERT_LE(0, cfd);
	for (i = 1; i <= 200000 && !first_held; i++) {
		ASSERT_EQ(0, put(&self->s, "event", i, SINK_SEV_INFO));
		self->s.ops->health(&self->s, &h);
		if (h.spooled)
			first_held = i;
	}
	ASSERT_NE(0, first_held);
	last = first_held + 20;
	for (i = first_held + 1; i <= last; i++)
		ASSERT_EQ(0, put(&self->s, "event", i, SINK_SEV_INFO));
	/* Reset the connection (unread data: RST). */
	setsockopt(cfd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(cfd);

	buf = malloc(size);
	ASSERT_NE(NULL, buf);
	cfd = -1;
	until = now_ms() + TIMEOUT_MS;
	while (now_ms() < until) {
		ssize_t n = -1;

		self->s.ops->tick(&self->s, now_ms());
		if (cfd < 0)
			cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd >= 0)
			n = recv(cfd, buf + got, size - 1 - got, MSG_DONTWAIT);
		if (n > 0) {
			got += (size_t)n;
			continue;
		}
		self->s.ops->health(&self->s, &h);
		if (cfd >= 0 && !strcmp(h.state, "ok"))
			break;
		usleep(10000);
	}
	/* Drain what is still in flight on loopback. */
	usleep(50000);
	for (;;) {
		ssize_t n = cfd >= 0 ? recv(cfd, buf + got, size - 1 - got, MSG_DONTWAIT) : -1;

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = 0;
	TH_LOG("held from line %u; second connection: %zu bytes", first_held, got);
	expect = first_held;
	while (off < got) {
		char *sp, *n_at;
		unsigned long mlen = strtoul(buf + off, &sp, 10);
		uint64_t n = 0;

		ASSERT_EQ(' ', *sp);
		ASSERT_EQ('<', sp[1]);
		ASSERT_GE(got, (size_t)(sp + 1 - buf) + mlen);
		n_at = memmem(sp + 1, mlen, "\"n\":", 4);
		ASSERT_NE(NULL, n_at);
		sscanf(n_at, "\"n\":%" SCNu64, &n);
		ASSERT_EQ(expect, n);
		expect++;
		off = (size_t)(sp + 1 - buf) + mlen;
	}
	EXPECT_EQ(last + 1, expect);
	free(buf);
	if (cfd >= 0)
		close(cfd);
	close(lfd);
}

TEST(syslog_bad_conf)
{
	struct syslog_sink_conf c = { .host = "127.0.0.1", .port = 0 };
	struct sink s;

	EXPECT_EQ(-EINVAL, sink_syslog_new(&s, &c));
	c.port = 70000;
	EXPECT_EQ(-EINVAL, sink_syslog_new(&s, &c));
	c.port = 514;
	c.host = NULL;
	EXPECT_EQ(-EINVAL, sink_syslog_new(&s, &c));
	/* an SD-ID the config parser would refuse (test_config has the full set) */
	c.host = "127.0.0.1";
	c.sd_id = "inputaudit";
	EXPECT_EQ(-EINVAL, sink_syslog_new(&s, &c));
	c.sd_id = "in put@32473";
	EXPECT_EQ(-EINVAL, sink_syslog_new(&s, &c));
}

TEST_HARNESS_MAIN
