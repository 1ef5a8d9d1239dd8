// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Tests for userspace/sink/sink_journal.c: each test runs in its own mount
 * namespace (the harness forks per test) with a tmpfs on
 * /run/systemd/journal and a datagram socket bound where journald's would
 * be; the test reads what the sink sent (journald's native protocol).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
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
	 * journald gone (its socket closed and removed): the sink's send fails,
	 * there is nothing to connect to (ENOENT), the lines are counted as
	 * dropped, and the daemon goes on.
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

/* Bind a new socket where journald's is (after the old one was closed). */
static int bind_journal(FIXTURE_DATA(journal) *self)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	self->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (self->fd < 0)
		return -1;
	strcpy(sun.sun_path, JOURNAL_SOCK);
	return bind(self->fd, (struct sockaddr *)&sun, sizeof(sun));
}

/*
 * journald restarted with a new socket between two lines (closed, removed,
 * a new one bound at the path): the next line reaches the new socket, and
 * nothing is dropped.
 */
TEST_F(journal, socket_replaced_nothing_lost)
{
	const char *line = "{\"type\":\"stats\",\"n\":1}\n";
	struct journal_sink_conf c = { .identifier = "inputaudit-test" };
	struct sink_health h;
	int i;

	if (self->skip[0])
		SKIP(return, "%s", self->skip);
	ASSERT_EQ(0, sink_journal_new(&self->s, &c));
	ASSERT_EQ(0, self->s.ops->open(&self->s));
	for (i = 1; i <= 3; i++) {
		ASSERT_EQ(0, send_line(&self->s, line, "stats", 0, i, SINK_SEV_INFO));
		ASSERT_LT(0, recv_entry(self));
		EXPECT_EQ(i, atoi(field(self->buf, strlen(self->buf), "INPUTAUDIT_N")));
		close(self->fd);
		ASSERT_EQ(0, unlink(JOURNAL_SOCK));
		ASSERT_EQ(0, bind_journal(self));
	}
	ASSERT_EQ(0, send_line(&self->s, line, "stats", 0, 4, SINK_SEV_INFO));
	ASSERT_LT(0, recv_entry(self));
	self->s.ops->health(&self->s, &h);
	EXPECT_STREQ("ok", h.state);
	EXPECT_EQ(4, h.lines);
	EXPECT_EQ(0, h.dropped);
}

/*
 * A socket file nobody listens on (journald died without removing it): each
 * line is counted as dropped (ECONNREFUSED), and they are reported once a
 * journald listens there again.
 */
TEST_F(journal, nobody_listening_counted)
{
	const char *line = "{\"type\":\"stats\",\"n\":1}\n";
	struct journal_sink_conf c = { .identifier = "inputaudit-test" };
	struct sink_health h;

	if (self->skip[0])
		SKIP(return, "%s", self->skip);
	ASSERT_EQ(0, sink_journal_new(&self->s, &c));
	ASSERT_EQ(0, self->s.ops->open(&self->s));
	close(self->fd);	/* the file stays */
	self->fd = -1;
	EXPECT_EQ(0, send_line(&self->s, line, "stats", 0, 1, SINK_SEV_INFO));
	EXPECT_EQ(0, send_line(&self->s, line, "stats", 0, 2, SINK_SEV_INFO));
	EXPECT_EQ(0, send_line(&self->s, line, "stats", 0, 3, SINK_SEV_INFO));
	self->s.ops->health(&self->s, &h);
	EXPECT_STREQ("error", h.state);
	EXPECT_EQ(-ECONNREFUSED, h.last_err);
	EXPECT_EQ(3, h.dropped);
	EXPECT_EQ(0, sink_journal_take_dropped(&self->s));

	ASSERT_EQ(0, unlink(JOURNAL_SOCK));
	ASSERT_EQ(0, bind_journal(self));
	EXPECT_EQ(0, send_line(&self->s, line, "stats", 0, 4, SINK_SEV_INFO));
	ASSERT_LT(0, recv_entry(self));
	EXPECT_STREQ("4", field(self->buf, strlen(self->buf), "INPUTAUDIT_N"));
	EXPECT_EQ(3, sink_journal_take_dropped(&self->s));
}

/*
 * A line costs the sink one system call, its writev(): no stat() of the
 * socket's path per line, and no sendmsg(), which the daemon's seccomp
 * filter refuses (it could pass descriptors).  The lines are written in a child process whose
 * seccomp filter kills it on any other call.
 */
TEST_F(journal, one_syscall_per_line)
{
	const char *line = "{\"seq\":5,\"type\":\"event\",\"dev\":3,\"n\":17,"
			   "\"chain\":\"" CHAIN_HEX "\"}\n";
	struct journal_sink_conf c = { .identifier = "inputaudit-test" };
	struct timeval tv = { .tv_sec = 5 };
	int i, got, status, lines = 200;
	pid_t pid;

	if (self->skip[0])
		SKIP(return, "%s", self->skip);
	ASSERT_EQ(0, sink_journal_new(&self->s, &c));
	ASSERT_EQ(0, self->s.ops->open(&self->s));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
		struct sink_health h;

		/* writev per line; write for a sanitizer's report; the exit */
		if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(writev), 0) ||
		    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 0) ||
		    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(exit_group), 0) ||
		    seccomp_load(ctx))
			_exit(2);
		for (i = 1; i <= lines; i++)
			send_line(&self->s, line, "event", 5, i, SINK_SEV_INFO);
		self->s.ops->health(&self->s, &h);
		/* not _exit(): the sanitizers' exit hook makes calls of its own */
		syscall(SYS_exit_group, h.lines == (uint64_t)lines && !h.dropped ? 0 : 1);
	}
	/* received meanwhile: the socket's queue holds net.unix.max_dgram_qlen */
	ASSERT_EQ(0, setsockopt(self->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	for (got = 0; got < lines; got++) {
		ssize_t n = recv(self->fd, self->buf, sizeof(self->buf) - 1, 0);

		if (n <= 0)
			break;
		self->buf[n] = 0;
		EXPECT_EQ(got + 1, atoi(field(self->buf, n, "INPUTAUDIT_N")));
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_FALSE(WIFSIGNALED(status)) {
		TH_LOG("killed by signal %d after %d lines: a call other than writev()",
		       WTERMSIG(status), got);
	}
	ASSERT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(lines, got);
	EXPECT_EQ(-1, recv_entry(self));
}

/* Without a journald socket the sink does not open. */
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
