// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Tests for userspace/sink/sink_journal.c with the real libsystemd: each test runs
 * in its own mount namespace (the harness forks per test) with a tmpfs on
 * /run/systemd/journal and a datagram socket bound where journald's would
 * be; the test reads what sd_journal_sendv() sent (native protocol).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "sink_journal.h"

#define JOURNAL_DIR	"/run/systemd/journal"
#define JOURNAL_SOCK	JOURNAL_DIR "/socket"
#define CHAIN_HEX	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

FIXTURE(journal)
{
	int fd;
	struct sink s;
	char buf[65536];
	char skip[128];
};

FIXTURE_SETUP(journal)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	self->fd = -1;
	self->skip[0] = 0;
	memset(&self->s, 0, sizeof(self->s));
	if (unshare(CLONE_NEWNS) < 0) {
		snprintf(self->skip, sizeof(self->skip), "unshare(CLONE_NEWNS): %s",
			 strerror(errno));
		return;
	}
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	ASSERT_EQ(0, system("mkdir -p " JOURNAL_DIR));
	ASSERT_EQ(0, mount("tmpfs", JOURNAL_DIR, "tmpfs", 0, "mode=0755"));
	self->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, self->fd);
	strcpy(sun.sun_path, JOURNAL_SOCK);
	ASSERT_EQ(0, bind(self->fd, (struct sockaddr *)&sun, sizeof(sun)));
}

FIXTURE_TEARDOWN(journal)
{
	if (self->s.ops)
		self->s.ops->close(&self->s);
	if (self->fd >= 0)
		close(self->fd);
}

/* Receive one entry into self->buf (NUL terminated); return its length or -1. */
static ssize_t recv_entry(FIXTURE_DATA(journal) *self)
{
	ssize_t n = recv(self->fd, self->buf, sizeof(self->buf) - 1, MSG_DONTWAIT);

	if (n >= 0)
		self->buf[n] = 0;
	return n;
}

static const char *field(const char *entry, size_t len, const char *key)
{
	static char val[4096];
	size_t klen = strlen(key);
	const char *p = entry, *end = entry + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (l > klen && !memcmp(p, key, klen) && p[klen] == '=') {
			snprintf(val, sizeof(val), "%.*s", (int)(l - klen - 1), p + klen + 1);
			return val;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return NULL;
}

static int send_line(struct sink *s, const char *text, const char *type, uint64_t seq,
		     uint64_t n, enum sink_severity sev)
{
	struct sink_line l = {
		.text = text, .len = strlen(text), .type = type, .seq = seq, .n = n,
		.severity = sev,
	};

	return s->ops->write(s, &l);
}

TEST_F(journal, kernel_record_fields)
{
	const char *line = "{\"seq\":5,\"time_ns\":1000,\"type\":\"injection\",\"dev\":3,"
			   "\"presses\":7,\"n\":17,\"chain\":\"" CHAIN_HEX "\"}\n";
	struct journal_sink_conf c = { .identifier = "inputaudit-test" };
	ssize_t len;

	if (self->skip[0])
		SKIP(return, "%s", self->skip);
	ASSERT_EQ(0, sink_journal_new(&self->s, &c));
	EXPECT_STREQ("journal", self->s.ops->kind);
	EXPECT_STREQ("journal:inputaudit-test", self->s.name);
	ASSERT_EQ(0, self->s.ops->open(&self->s));
	ASSERT_EQ(0, send_line(&self->s, line, "injection", 5, 17, SINK_SEV_WARNING));
	ASSERT_EQ(0, self->s.ops->flush(&self->s));
	len = recv_entry(self);
	ASSERT_LT(0, len);
	EXPECT_EQ(strlen(line) - 1, strlen(field(self->buf, len, "MESSAGE")));
	EXPECT_EQ(0, strncmp(line, field(self->buf, len, "MESSAGE"), strlen(line) - 1));
	EXPECT_STREQ("4", field(self->buf, len, "PRIORITY"));
	EXPECT_STREQ("inputaudit-test", field(self->buf, len, "SYSLOG_IDENTIFIER"));
	EXPECT_STREQ("injection", field(self->buf, len, "INPUTAUDIT_TYPE"));
	EXPECT_STREQ("5", field(self->buf, len, "INPUTAUDIT_SEQ"));
	EXPECT_STREQ("17", field(self->buf, len, "INPUTAUDIT_N"));
	EXPECT_STREQ("3", field(self->buf, len, "INPUTAUDIT_DEV"));
	EXPECT_STREQ(CHAIN_HEX, field(self->buf, len, "INPUTAUDIT_CHAIN"));
	/* One entry per line. */
	EXPECT_EQ(-1, recv_entry(self));
}

TEST_F(journal, daemon_record_and_health)
{
	const char *line = "{\"time_ns\":1000,\"type\":\"alert\",\"reason\":\"loss\","
			   "\"detail\":{\"dev\":9},\"n\":2,\"chain\":\"" CHAIN_HEX "\"}\n";
	struct journal_sink_conf c = { .name = "j1", .identifier = NULL };
	struct sink_health h;
	ssize_t len;

	if (self->skip[0])
		SKIP(return, "%s", self->skip);
	ASSERT_EQ(0, sink_journal_new(&self->s, &c));
	EXPECT_STREQ("j1", self->s.name);
	ASSERT_EQ(0, self->s.ops->open(&self->s));
	ASSERT_EQ(0, send_line(&self->s, line, "alert", 0, 2, SINK_SEV_ALERT));
	len = recv_entry(self);
	ASSERT_LT(0, len);
	EXPECT_STREQ("1", field(self->buf, len, "PRIORITY"));
	EXPECT_STREQ("inputaudit", field(self->buf, len, "SYSLOG_IDENTIFIER"));
	EXPECT_STREQ("alert", field(self->buf, len, "INPUTAUDIT_TYPE"));
	EXPECT_STREQ("2", field(self->buf, len, "INPUTAUDIT_N"));
	/* No seq for daemon records; a nested "dev" is not the record's device. */
	EXPECT_EQ(NULL, field(self->buf, len, "INPUTAUDIT_SEQ"));
	EXPECT_EQ(NULL, field(self->buf, len, "INPUTAUDIT_DEV"));
	self->s.ops->health(&self->s, &h);
	EXPECT_STREQ("ok", h.state);
	EXPECT_EQ(1, h.lines);
	EXPECT_EQ(0, h.dropped);

	/*
	 * journald gone: libsystemd would drop entries silently (ENOENT is not
	 * an error for sd_journal_sendv); the sink sees the socket missing and
	 * counts the lines as dropped, and the daemon goes on.
	 */
	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(0, unlink(JOURNAL_SOCK));
	EXPECT_EQ(0, send_line(&self->s, line, "alert", 0, 3, SINK_SEV_ALERT));
	EXPECT_EQ(0, send_line(&self->s, line, "alert", 0, 4, SINK_SEV_ALERT));
	self->s.ops->health(&self->s, &h);
	EXPECT_STREQ("error", h.state);
	EXPECT_EQ(-ENOENT, h.last_err);
	EXPECT_EQ(2, h.dropped);
	EXPECT_EQ(0, sink_journal_take_dropped(&self->s));	/* not back */

	/* journald back: lines go through, and the two are handed in for a sink_loss line. */
	{
		struct sockaddr_un sun = { .sun_family = AF_UNIX };

		self->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		ASSERT_LE(0, self->fd);
		strcpy(sun.sun_path, JOURNAL_SOCK);
		ASSERT_EQ(0, bind(self->fd, (struct sockaddr *)&sun, sizeof(sun)));
	}
	EXPECT_EQ(0, send_line(&self->s, line, "alert", 0, 5, SINK_SEV_ALERT));
	ASSERT_LT(0, recv_entry(self));
	self->s.ops->health(&self->s, &h);
	EXPECT_STREQ("ok", h.state);
	EXPECT_EQ(2, sink_journal_take_dropped(&self->s));
	EXPECT_EQ(0, sink_journal_take_dropped(&self->s));
}

/* Without a journald socket the sink does not open (libsystemd would say nothing). */
TEST_F(journal, no_socket_is_an_error)
{
	struct journal_sink_conf c = { .identifier = "inputaudit-test" };

	if (self->skip[0])
		SKIP(return, "%s", self->skip);
	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(0, unlink(JOURNAL_SOCK));
	ASSERT_EQ(0, sink_journal_new(&self->s, &c));
	EXPECT_EQ(-ENOENT, self->s.ops->open(&self->s));
}

TEST(journal_bad_identifier)
{
	struct journal_sink_conf c = { .identifier = "a\nb" };
	struct sink s;

	EXPECT_EQ(-EINVAL, sink_journal_new(&s, &c));
	c.identifier = "";
	EXPECT_EQ(-EINVAL, sink_journal_new(&s, &c));
}

TEST_HARNESS_MAIN
