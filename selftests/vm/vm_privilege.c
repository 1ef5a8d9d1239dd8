// SPDX-License-Identifier: GPL-2.0-only
/*
 * The daemon's privilege drop, inside the VM: the real daemon started as
 * root with --user inputaudit, read back from /proc/<pid>/status (ids,
 * capabilities, no_new_privs, seccomp), records still flowing from real
 * uinput typing, its output unreadable to the unprivileged users, and the
 * seccomp filter killing the test build (inputauditd-test) with SIGSYS
 * when it makes a syscall outside the allowlist.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "capture_util.h"
#include "kmod_util.h"
#include "uinput_util.h"

#define TEST_TIMEOUT	180
#define DROP_WAIT_MS	10000
/* The guest's /etc/passwd (scripts/vm-run.sh). */
#define IA_USER		"inputaudit"
#define IA_UID		990ULL
#define IA_GID		990ULL
#define NOBODY_UID	65534
#define NOBODY_GID	65534
#define TEST_DAEMON	"/bin/inputauditd-test"

FIXTURE(priv) {
	struct capture c;
};

FIXTURE_SETUP(priv)
{
	const char *why = capture_prepare(&self->c);

	if (why)
		SKIP(return, "%s", why);
	if (access("/proc/self/status", R_OK))
		SKIP(return, "no /proc");
	ASSERT_EQ(0, kmod_load("level=events"));
}

FIXTURE_TEARDOWN(priv)
{
	EXPECT_EQ(0, capture_cleanup(&self->c));
}

/* The numbers after "Name:" in /proc/pid/status; returns how many. */
static int status_field(pid_t pid, const char *name, unsigned long long *v,
			int max, int base)
{
	char path[64], buf[4096], key[32];
	const char *p;
	char *end;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	snprintf(key, sizeof(key), "\n%s:", name);
	p = strstr(buf, key);
	if (!p)
		return -1;
	p += strlen(key);
	while (n < max) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\n' || !*p)
			break;
		v[n] = strtoull(p, &end, base);
		if (end == p)
			break;
		n++;
		p = end;
	}
	return n;
}

/* Waits until the daemon has loaded its seccomp filter (the last step). */
static bool wait_dropped(pid_t pid)
{
	unsigned long long mode;

	for (int waited = 0; waited <= DROP_WAIT_MS; waited += 20) {
		if (status_field(pid, "Seccomp", &mode, 1, 10) == 1 && mode == 2)
			return true;
		sleep_ms(20);
	}
	return false;
}

/* Can uid/gid open path for reading?  Returns 0 or the errno it got. */
static int open_as(const char *path, uid_t uid, gid_t gid)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (setgroups(0, NULL) || setresgid(gid, gid, gid) ||
		    setresuid(uid, uid, uid))
			_exit(255);
		_exit(open(path, O_RDONLY) < 0 ? errno : 0);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Waits up to DROP_WAIT_MS for pid to end; returns its wait status, or -1 (then killed). */
static int wait_exit(pid_t pid)
{
	int status;

	for (int waited = 0; waited <= DROP_WAIT_MS; waited += 20) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		sleep_ms(20);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/* Runs the daemon to its end (it should refuse to start); returns the wait status. */
static int run_refused(const char *const *args)
{
	const char *argv[16] = { "/bin/inputauditd", "-o", "/dev/null" };
	int argc = 3;
	pid_t pid;

	for (; *args && argc < 15; args++)
		argv[argc++] = *args;
	argv[argc] = NULL;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return wait_exit(pid);
}

/* After setup the daemon runs as inputaudit: ids, capabilities, no_new_privs, seccomp. */
TEST_F_TIMEOUT(priv, status_shows_the_drop, TEST_TIMEOUT)
{
	static const char *const args[] = { "--user", IA_USER, NULL };
	static const char *const caps[] = {
		"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb",
	};
	unsigned long long v[8];
	pid_t pid;

	pid = self->c.daemon = daemon_start(self->c.out, args);
	ASSERT_LT(0, pid);
	ASSERT_TRUE(wait_dropped(pid));

	ASSERT_EQ(4, status_field(pid, "Uid", v, 4, 10));
	for (int i = 0; i < 4; i++)
		EXPECT_EQ(IA_UID, v[i]);
	ASSERT_EQ(4, status_field(pid, "Gid", v, 4, 10));
	for (int i = 0; i < 4; i++)
		EXPECT_EQ(IA_GID, v[i]);
	ASSERT_EQ(1, status_field(pid, "Groups", v, 8, 10));
	EXPECT_EQ(IA_GID, v[0]);
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		ASSERT_EQ(1, status_field(pid, caps[i], v, 1, 16));
		EXPECT_EQ(0ULL, v[0]) {
			TH_LOG("%s: %llx", caps[i], v[0]);
		}
	}
	ASSERT_EQ(1, status_field(pid, "NoNewPrivs", v, 1, 10));
	EXPECT_EQ(1ULL, v[0]);
	ASSERT_EQ(1, status_field(pid, "Seccomp", v, 1, 10));
	EXPECT_EQ(2ULL, v[0]);
	ASSERT_EQ(1, status_field(pid, "Seccomp_filters", v, 1, 10));
	EXPECT_EQ(1ULL, v[0]);
}

/*
 * Records keep flowing after the drop: every typed key arrives, nothing is
 * lost, and the daemon still settles its losses against records_emitted
 * (a root-only file it opened before the drop) and exits 0 on SIGTERM.
 */
TEST_F_TIMEOUT(priv, records_flow_after_the_drop, TEST_TIMEOUT)
{
	static const char *const args[] = { "--user", IA_USER, NULL };
	const char *typed = "unprivileged42";
	const int n = strlen(typed);
	uint64_t dev, kernel, missing, emitted;
	const char *stats;

	self->c.daemon = daemon_start(self->c.out, args);
	ASSERT_LT(0, self->c.daemon);
	ASSERT_TRUE(wait_dropped(self->c.daemon));
	self->c.ufd = uinput_create(UINPUT_KEYBOARD, "ia-test-privdrop");
	ASSERT_LE(0, self->c.ufd);
	ASSERT_EQ(n, uinput_type(self->c.ufd, typed));
	dev = capture_finish(&self->c);	/* also: the daemon exited 0 */
	ASSERT_NE(0UL, dev);

	EXPECT_EQ(n, count_events(&self->c.j, dev, "key_press", "text"));
	EXPECT_EQ(n, count_events(&self->c.j, dev, "key_release", "text"));
	count_records(&self->c.j, &kernel, &missing);
	EXPECT_EQ(0UL, missing);
	ASSERT_EQ(0, read_u64("/sys/kernel/inputaudit/records_emitted", &emitted));
	EXPECT_GE(emitted, kernel);
	stats = final_stats(&self->c.j);
	ASSERT_NE(NULL, stats);
	EXPECT_NE(NULL, strstr(stats, "\"lost\":0"));
}

/* The output stays root's, 0600: neither the daemon's user nor nobody can read it. */
TEST_F_TIMEOUT(priv, output_unreadable_after_the_drop, TEST_TIMEOUT)
{
	static const char *const args[] = { "--user", IA_USER, NULL };
	struct stat st;

	self->c.daemon = daemon_start(self->c.out, args);
	ASSERT_LT(0, self->c.daemon);
	ASSERT_TRUE(wait_dropped(self->c.daemon));

	ASSERT_EQ(0, stat(self->c.out, &st));
	EXPECT_EQ(0600U, st.st_mode & 07777);
	EXPECT_EQ(0U, st.st_uid);
	EXPECT_EQ(EACCES, open_as(self->c.out, NOBODY_UID, NOBODY_GID));
	EXPECT_EQ(EACCES, open_as(self->c.out, IA_UID, IA_GID));
	EXPECT_EQ(EACCES, open_as("/sys/kernel/inputaudit/records_emitted",
				  IA_UID, IA_GID));
	EXPECT_EQ(0, daemon_stop(self->c.daemon));
	self->c.daemon = 0;
}

/* A syscall outside the allowlist kills the daemon with SIGSYS (test build's trigger). */
TEST_F_TIMEOUT(priv, forbidden_syscall_kills_with_sigsys, TEST_TIMEOUT)
{
	static const char *const args[] = { "--user", IA_USER, NULL };
	int status;
	pid_t pid;

	if (access(TEST_DAEMON, X_OK))
		SKIP(return, "%s not in the VM", TEST_DAEMON);
	ASSERT_EQ(0, setenv("INPUTAUDITD", TEST_DAEMON, 1));
	pid = self->c.daemon = daemon_start(self->c.out, args);
	unsetenv("INPUTAUDITD");
	ASSERT_LT(0, pid);
	ASSERT_TRUE(wait_dropped(pid));

	ASSERT_EQ(0, kill(pid, SIGUSR2));
	status = wait_exit(pid);
	self->c.daemon = 0;
	ASSERT_TRUE(status != -1 && WIFSIGNALED(status)) {
		TH_LOG("wait status %#x (-1: still running after SIGUSR2)", status);
	}
	EXPECT_EQ(SIGSYS, WTERMSIG(status));
}

/* sendmsg() is not allowed either: no descriptor can leave the daemon. */
TEST_F_TIMEOUT(priv, sendmsg_kills_with_sigsys, TEST_TIMEOUT)
{
	static const char *const args[] = { "--user", IA_USER, NULL };
	int status;
	pid_t pid;

	if (access(TEST_DAEMON, X_OK))
		SKIP(return, "%s not in the VM", TEST_DAEMON);
	ASSERT_EQ(0, setenv("INPUTAUDITD", TEST_DAEMON, 1));
	ASSERT_EQ(0, setenv("INPUTAUDITD_TEST_SENDMSG", "1", 1));
	pid = self->c.daemon = daemon_start(self->c.out, args);
	unsetenv("INPUTAUDITD");
	unsetenv("INPUTAUDITD_TEST_SENDMSG");
	ASSERT_LT(0, pid);
	ASSERT_TRUE(wait_dropped(pid));

	ASSERT_EQ(0, kill(pid, SIGUSR2));
	status = wait_exit(pid);
	self->c.daemon = 0;
	ASSERT_TRUE(status != -1 && WIFSIGNALED(status)) {
		TH_LOG("wait status %#x (-1: still running after SIGUSR2)", status);
	}
	EXPECT_EQ(SIGSYS, WTERMSIG(status));
}

/* Up to 5 s for @text in the file @path; its contents in @buf. */
static bool file_says(const char *path, const char *text, char *buf, size_t len)
{
	for (int waited = 0; waited < 5000; waited += 50) {
		if (read_file(path, buf, len) > 0 && strstr(buf, text))
			return true;
		sleep_ms(50);
	}
	return false;
}

/*
 * Landlock in the dropped daemon (the test build's probes, run once all is
 * applied): /etc/passwd, which the daemon's user may read, is refused, for
 * it is not beneath the daemon's directories; on kernels with Landlock's
 * network rules (ABI 4, Linux 6.7: 6.12 and 7.2 here, not 6.1) so is a TCP
 * connect to a port that is no collector's.
 */
TEST_F_TIMEOUT(priv, landlock_confines_the_dropped_daemon, TEST_TIMEOUT)
{
	static const char *const args[] = { "--user", IA_USER, NULL };
	static const char log[] = "/tmp/ia-landlock.log";
	static char buf[16384];
	int fd, saved;
	pid_t pid;

	if (access(TEST_DAEMON, X_OK))
		SKIP(return, "%s not in the VM", TEST_DAEMON);
	if (syscall(SYS_landlock_create_ruleset, NULL, 0, 1U) < 1)
		SKIP(return, "no Landlock in this kernel (%s): the daemon says so and runs without",
		     strerror(errno));
	ASSERT_EQ(0, open_as("/etc/passwd", IA_UID, IA_GID));
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, setenv("INPUTAUDITD", TEST_DAEMON, 1));
	ASSERT_EQ(0, setenv("INPUTAUDITD_TEST_OPEN", "/etc/passwd", 1));
	ASSERT_EQ(0, setenv("INPUTAUDITD_TEST_CONNECT", "127.0.0.1:9", 1));
	saved = dup(2);
	ASSERT_EQ(2, dup2(fd, 2));	/* the daemon's stderr */
	pid = self->c.daemon = daemon_start(self->c.out, args);
	dup2(saved, 2);
	close(saved);
	close(fd);
	unsetenv("INPUTAUDITD");
	unsetenv("INPUTAUDITD_TEST_OPEN");
	unsetenv("INPUTAUDITD_TEST_CONNECT");
	ASSERT_LT(0, pid);
	ASSERT_TRUE(wait_dropped(pid));
	ASSERT_TRUE(file_says(log, "test probe: connect", buf, sizeof(buf))) {
		TH_LOG("daemon: %s", buf);
	}
	ASSERT_NE(NULL, strstr(buf, "landlock ABI ")) {
		TH_LOG("daemon: %s", buf);
	}
	EXPECT_NE(NULL, strstr(buf, "test probe: open /etc/passwd: Permission denied")) {
		TH_LOG("daemon: %s", buf);
	}
	if (strstr(buf, "TCP not confined")) {
		TH_LOG("Landlock without network rules in this kernel: TCP not confined");
	} else {
		EXPECT_NE(NULL, strstr(buf, "test probe: connect 127.0.0.1:9: Permission denied")) {
			TH_LOG("daemon: %s", buf);
		}
	}
	EXPECT_EQ(0, daemon_stop(self->c.daemon));
	self->c.daemon = 0;
}

/* The production build has no trigger: SIGUSR2 just ends it (default action). */
TEST_F_TIMEOUT(priv, production_build_has_no_trigger, TEST_TIMEOUT)
{
	static const char *const args[] = { "--user", IA_USER, NULL };
	int status;
	pid_t pid;

	pid = self->c.daemon = daemon_start(self->c.out, args);
	ASSERT_LT(0, pid);
	ASSERT_TRUE(wait_dropped(pid));
	ASSERT_EQ(0, kill(pid, SIGUSR2));
	status = wait_exit(pid);
	self->c.daemon = 0;
	ASSERT_TRUE(status != -1 && WIFSIGNALED(status));
	EXPECT_EQ(SIGUSR2, WTERMSIG(status));
}

/* Root, unknown users and a lone --group are refused before anything is loaded. */
TEST_F_TIMEOUT(priv, bad_users_refused, TEST_TIMEOUT)
{
	static const char *const root[] = { "--user", "root", NULL };
	static const char *const root_group[] = {
		"--user", IA_USER, "--group", "root", NULL
	};
	static const char *const unknown[] = { "--user", "no-such-user", NULL };
	static const char *const bad_group[] = {
		"--user", IA_USER, "--group", "no-such-group", NULL
	};
	static const char *const lone_group[] = { "--group", IA_USER, NULL };
	const char *const *cases[] = {
		root, root_group, unknown, bad_group, lone_group,
	};
	char buf[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int status = run_refused(cases[i]);

		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) {
			TH_LOG("case %zu: wait status %#x", i, status);
		}
	}
	ASSERT_LT(0, read_file("/sys/kernel/inputaudit/status", buf, sizeof(buf)));
	EXPECT_EQ(NULL, strstr(buf, "consumer=attached"));
}

TEST_HARNESS_MAIN
