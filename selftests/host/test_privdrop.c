// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Tests for userspace/daemon/privdrop.c on the host kernel: a child drops to
 * nobody for real and reports what it sees; the calls the daemon needs
 * still work; each call outside the allowlist kills the child with SIGSYS
 * (sendmsg too: no descriptor can leave); with Landlock, files open only
 * beneath the directories given and TCP connects only to the ports given;
 * bad users are refused.  Needs root (skipped otherwise).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "log.h"
#include "privdrop.h"
#include "sandbox.h"

#define DROP_USER	"nobody"

static const char *cannot_run(void)
{
	if (geteuid() != 0)
		return "needs root to drop privileges";
	if (!getpwnam(DROP_USER))
		return "no user " DROP_USER;
	return NULL;
}

/* The value of a /proc/self/status field, or -1. */
static long long status_value(const char *name, int base)
{
	char buf[4096], key[32], *p;
	ssize_t len;
	int fd;

	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = '\0';
	snprintf(key, sizeof(key), "\n%s:", name);
	p = strstr(buf, key);
	return p ? strtoll(p + strlen(key), NULL, base) : -1;
}

static int test_pipe[2] = { -1, -1 };	/* made before the drop */
static int test_pair[2] = { -1, -1 };	/* AF_UNIX, made before the drop */

/*
 * Forks; the child drops to nobody (with Landlock rules @sb, if any) and
 * runs fn, whose return is its exit code.
 */
static int run_sandboxed(int (*fn)(void), struct sandbox *sb)
{
	struct priv_conf c = { .user = DROP_USER, .sandbox = sb };
	int status;
	pid_t pid;

	if (test_pipe[0] < 0 && pipe(test_pipe))
		return -1;
	if (test_pair[0] < 0 && socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, test_pair))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (privdrop_prepare(&c) || privdrop_apply(&c))
			_exit(100);
		_exit(fn());	/* _exit: no sanitizer work at exit under the filter */
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static int run_dropped(int (*fn)(void))
{
	return run_sandboxed(fn, NULL);
}

/* The four numbers of a Uid:/Gid: line all equal id; Groups: is just id. */
static bool ids_are(const char *name, unsigned int id, int count)
{
	char buf[4096], key[32], *p, *end;
	ssize_t len;
	int fd, n = 0;

	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return false;
	buf[len] = '\0';
	snprintf(key, sizeof(key), "\n%s:", name);
	p = strstr(buf, key);
	if (!p)
		return false;
	for (p += strlen(key);; p = end) {
		unsigned long v = strtoul(p, &end, 10);

		if (end == p)
			break;
		if (v != id)
			return false;
		n++;
	}
	return n == count;
}

/* Runs in the child after the drop: only allowlisted calls (no getresuid). */
static int check_state(void)
{
	struct passwd *pw = getpwnam(DROP_USER);	/* before: no NSS later */
	uid_t uid = pw->pw_uid;
	gid_t gid = pw->pw_gid;
	struct priv_conf c = { .user = DROP_USER };
	static const char *const caps[] = {
		"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb",
	};

	if (privdrop_prepare(&c) || privdrop_apply(&c))
		return 100;
	if (!ids_are("Uid", uid, 4))
		return 1;
	if (!ids_are("Gid", gid, 4))
		return 2;
	if (!ids_are("Groups", gid, 1))
		return 3;
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		if (status_value(caps[i], 16) != 0)
			return 10 + i;
	if (status_value("NoNewPrivs", 10) != 1)
		return 20;
	if (status_value("Seccomp", 10) != 2)
		return 21;
	return 0;
}

/* The drop as the daemon does it: ids, groups, capabilities, no_new_privs, filter. */
TEST(drop_to_nobody)
{
	const char *why = cannot_run();
	int status;
	pid_t pid;

	if (why)
		SKIP(return, "%s", why);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(check_state());
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status)) {
		TH_LOG("wait status %#x", status);
	}
	EXPECT_EQ(0, WEXITSTATUS(status));
}

static int allowed_calls(void)
{
	struct timespec ts;
	char buf[64];
	int fd;
	void *p;

	if (write(test_pipe[1], "x", 1) != 1 || read(test_pipe[0], buf, 1) != 1)
		return 1;
	if (syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts))
		return 2;
	fd = openat(AT_FDCWD, "/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || pread(fd, buf, sizeof(buf), 0) <= 0)
		return 3;
	close(fd);
	for (int fam = 0; fam < 2; fam++) {
		static const int fams[] = { AF_INET, AF_INET6 };

		fd = socket(fams[fam], SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0 && errno != EAFNOSUPPORT)
			return 4;
		if (fd >= 0)
			close(fd);
	}
	p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || mprotect(p, 4096, PROT_READ) || munmap(p, 1 << 20))
		return 5;
	p = malloc(8 << 20);
	if (!p)
		return 6;
	memset(p, 1, 8 << 20);
	free(p);
	if (syscall(SYS_tgkill, getpid(), gettid(), 0))
		return 7;
	if (getrandom(buf, 16, 0) != 16)
		return 8;
	return 0;
}

/* What the daemon does after setup still works under the filter. */
TEST(allowed_calls_work)
{
	const char *why = cannot_run();
	int status;

	if (why)
		SKIP(return, "%s", why);
	status = run_dropped(allowed_calls);
	ASSERT_TRUE(WIFEXITED(status)) {
		TH_LOG("wait status %#x", status);
	}
	EXPECT_EQ(0, WEXITSTATUS(status));
}

static int do_ptrace(void)
{
	return syscall(SYS_ptrace, 0, 0, 0, 0) ? 1 : 2;
}

static int do_exec_mmap(void)
{
	return mmap(NULL, 4096, PROT_READ | PROT_EXEC,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED;
}

static int do_exec_mprotect(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 1;
	return mprotect(p, 4096, PROT_READ | PROT_EXEC);
}

static int do_netlink(void)
{
	return socket(AF_NETLINK, SOCK_RAW, 0);
}

static int do_unix(void)
{
	return socket(AF_UNIX, SOCK_DGRAM, 0);
}

/* Passes a descriptor over a socket pair made before the drop. */
static int do_sendmsg_rights(void)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, byte = 'x';
	struct iovec iov = { &byte, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	int fd = 0;

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(fd));
	return (int)sendmsg(test_pair[0], &mh, 0);
}

static int do_packet(void)
{
	return socket(AF_PACKET, SOCK_RAW, 0);
}

static int do_bpf(void)
{
	return syscall(SYS_bpf, 0, NULL, 0);
}

static int do_execve(void)
{
	static char *const argv[] = { "/bin/true", NULL };

	return execve(argv[0], argv, NULL);
}

static int do_fork(void)
{
	return syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
}

static int do_kill_other(void)
{
	return kill(getppid(), 0);
}

static int do_ioctl(void)
{
	int n;

	return ioctl(0, FIONREAD, &n);
}

static int do_setuid(void)
{
	return syscall(SYS_setuid, 0);
}

static int do_unshare(void)
{
	return unshare(CLONE_NEWUSER);
}

static int do_mknod(void)
{
	return mknodat(AT_FDCWD, "/tmp/ia-privdrop-fifo", S_IFIFO | 0600, 0);
}

static int do_chmod_path(void)
{
	return chmod("/tmp", 0777);
}

/* Every call outside the allowlist kills the process, whatever it was. */
TEST(forbidden_calls_kill_with_sigsys)
{
	static const struct {
		const char *name;
		int (*fn)(void);
	} calls[] = {
		{ "ptrace", do_ptrace },
		{ "mmap PROT_EXEC", do_exec_mmap },
		{ "mprotect PROT_EXEC", do_exec_mprotect },
		{ "socket AF_NETLINK", do_netlink },
		{ "socket AF_PACKET", do_packet },
		{ "socket AF_UNIX", do_unix },
		{ "sendmsg SCM_RIGHTS", do_sendmsg_rights },
		{ "bpf", do_bpf },
		{ "execve", do_execve },
		{ "clone", do_fork },
		{ "kill another process", do_kill_other },
		{ "ioctl FIONREAD", do_ioctl },
		{ "setuid", do_setuid },
		{ "unshare", do_unshare },
		{ "mknodat", do_mknod },
		{ "chmod", do_chmod_path },
	};
	const char *why = cannot_run();

	if (why)
		SKIP(return, "%s", why);
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		int status = run_dropped(calls[i].fn);

		EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS) {
			TH_LOG("%s: wait status %#x, not killed by SIGSYS",
			       calls[i].name, status);
		}
	}
}

/* Root, an unknown user or group: refused before anything changes. */
/* For the Landlock test: made before the drop, probed after it. */
static char ll_dir[64];
static int ll_dirfd = -1;
static uint16_t ll_port_ok, ll_port_other;

/* A TCP connect to 127.0.0.1:@port; 0 or -errno. */
static int tcp_connect(uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
		err = -errno;
	close(fd);
	return err;
}

/* After the drop: what Landlock lets through, as an exit code (0: as it should). */
static int landlock_probe(void)
{
	char path[128];
	int fd;

	/* a file beneath the directory: made, written, read, removed */
	fd = openat(ll_dirfd, "new", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, "x", 1) != 1 || ftruncate(fd, 0))
		return 1;
	close(fd);
	snprintf(path, sizeof(path), "%s/new", ll_dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);	/* by absolute path: beneath too */
	if (fd < 0)
		return 2;
	close(fd);
	if (renameat(ll_dirfd, "new", ll_dirfd, "renamed") || unlinkat(ll_dirfd, "renamed", 0))
		return 3;
	/* outside it: readable to nobody, refused by Landlock */
	if (open("/etc/passwd", O_RDONLY | O_CLOEXEC) >= 0 || errno != EACCES)
		return 4;
	if (openat(ll_dirfd, "../ia-escape", O_WRONLY | O_CREAT | O_CLOEXEC, 0600) >= 0 ||
	    errno != EACCES)
		return 5;
	/* TCP: the collector's port, not another one (ABI 4 on) */
	if (tcp_connect(ll_port_ok))
		return 6;
	if (ll_port_other && tcp_connect(ll_port_other) != -EACCES)
		return 7;
	return 0;
}

/* A listening socket on loopback; its port in @port. */
static int tcp_listener(uint16_t *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, 4) ||
	    getsockname(fd, (struct sockaddr *)&sin, &len))
		return -1;
	*port = ntohs(sin.sin_port);
	return fd;
}

/*
 * Landlock after the drop: files only beneath the directory given, TCP
 * only to the port given; "/etc/passwd" (which nobody may read) and a
 * second listener on loopback are refused.
 */
TEST(landlock_confines_files_and_tcp)
{
	const char *why = cannot_run();
	struct sandbox sb = { 0 };
	int l1, l2, status;
	long abi;

	if (why)
		SKIP(return, "%s", why);
	abi = syscall(SYS_landlock_create_ruleset, NULL, 0, 1U);
	if (abi < 1)
		SKIP(return, "no Landlock in this kernel (%s)", strerror(errno));
	snprintf(ll_dir, sizeof(ll_dir), "/tmp/ia-landlock.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(ll_dir));
	ASSERT_EQ(0, chmod(ll_dir, 0777));
	ll_dirfd = open(ll_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, ll_dirfd);
	l1 = tcp_listener(&ll_port_ok);
	l2 = tcp_listener(&ll_port_other);
	ASSERT_LE(0, l1);
	ASSERT_LE(0, l2);
	if (abi < 4) {
		TH_LOG("Landlock ABI %ld: TCP not confined, only files tested", abi);
		ll_port_other = 0;
	}
	sandbox_add_dir(&sb, ll_dirfd, true);
	sandbox_add_tcp_port(&sb, ll_port_ok);
	status = run_sandboxed(landlock_probe, &sb);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		TH_LOG("wait status %#x: probe %d failed", status,
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}
	/* without rules the same probe gets through where it should not */
	status = run_dropped(landlock_probe);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 4);
	close(l1);
	close(l2);
	close(ll_dirfd);
	unlink("/tmp/ia-escape");
	rmdir(ll_dir);
}

TEST(bad_users_refused)
{
	struct priv_conf root = { .user = "root" };
	struct priv_conf root_group = { .user = DROP_USER, .group = "root" };
	struct priv_conf allowed = { .user = "root", .allow_root = true };
	struct priv_conf unknown = { .user = "ia-no-such-user" };
	struct priv_conf bad_group = { .user = DROP_USER,
				       .group = "ia-no-such-group" };
	struct priv_conf none = { 0 };

	if (!getpwnam(DROP_USER))
		SKIP(return, "no user " DROP_USER);
	log_init("test_privdrop", false);
	EXPECT_EQ(-EPERM, privdrop_prepare(&root));
	EXPECT_EQ(-EPERM, privdrop_prepare(&root_group));
	EXPECT_EQ(0, privdrop_prepare(&allowed));
	EXPECT_TRUE(allowed.resolved);
	EXPECT_EQ(0U, allowed.uid);
	EXPECT_EQ(-ENOENT, privdrop_prepare(&unknown));
	EXPECT_EQ(-ENOENT, privdrop_prepare(&bad_group));
	EXPECT_EQ(-EPERM, privdrop_apply(&root));
	/* No user: nothing to do, nothing done. */
	EXPECT_EQ(0, privdrop_prepare(&none));
	EXPECT_FALSE(none.resolved);
	EXPECT_EQ(0, privdrop_apply(&none));
	EXPECT_EQ(0, status_value("Seccomp", 10));
	EXPECT_EQ(0, status_value("NoNewPrivs", 10));
}

TEST_HARNESS_MAIN
