// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Dropping privileges after setup; see privdrop.h. */
#define _GNU_SOURCE
#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/ioctl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "log.h"
#include "privdrop.h"
#include "sandbox.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * The seccomp allowlist: every syscall the daemon makes once it is set up,
 * and why.  Checked with strace on a running daemon (the capture loop,
 * SIGTERM, the final drain and exit): after setup libbpf makes no bpf()
 * call at all (the ring buffer and the .bss counters are mmap'd pages,
 * detaching is a close()), so bpf() is not allowed.  Not allowed either,
 * among others: execve, fork/clone, ptrace, mount, chmod by path, any
 * socket family but these three, and executable memory.
 *
 * | syscall                          | why                                             |
 * |----------------------------------|-------------------------------------------------|
 * | epoll_pwait, epoll_wait          | waiting on the ring buffer (capture_wait)       |
 * | ppoll, poll                      | sinks waiting on sockets (connect, backoff)     |
 * | read, pread64, readv             | held fds: records_emitted at exit, spool replay |
 * | write, writev, pwrite64          | output lines (stdio), log messages, spool       |
 * | close                            | detach (the link fd), rotation, exit            |
 * | fstat, newfstatat, statx, lseek  | stdio on a (re)opened file, size checks         |
 * | fstatfs                          | a file sink's free space (space_left, retries)  |
 * | openat                           | rotation, spool, status.json, metrics file,     |
 * |                                  | config reload: seccomp cannot check paths,      |
 * |                                  | Landlock does: only beneath the directories the |
 * |                                  | daemon holds (its sinks', spools', state and    |
 * |                                  | metrics directories; the config's for reading); |
 * |                                  | also the unit's ProtectSystem=                  |
 * | renameat, renameat2, unlinkat    | rotation, atomic status.json and metrics file,  |
 * |                                  | spool cleanup                                   |
 * | fsync, fdatasync, ftruncate      | durable spool, status and metrics files; a line |
 * |                                  | a full disk took only part of is cut off again  |
 * | fchmod, fchown                   | a rotated or reopened output file narrowed to   |
 * |                                  | 0600, or 0640 with the sink's group (the kernel |
 * |                                  | lets a user give a file only its own groups);   |
 * |                                  | status.json 0600 and the metrics file 0644      |
 * |                                  | whatever the umask                              |
 * | clock_gettime, clock_nanosleep,  | timestamps and timeouts (the vDSO falls back to |
 * | nanosleep, gettimeofday          | the syscall on clocksources it cannot read)     |
 * | getpid, gettid                   | self-signals                                    |
 * | socket (AF_INET, AF_INET6 only)  | the syslog sink reconnecting (TCP); the journal |
 * |                                  | sink's AF_UNIX socket is made before the drop   |
 * | connect, shutdown                | the same (Landlock: TCP only to the collectors' |
 * |                                  | ports, on kernels with its ABI 4)               |
 * | sendto, recvfrom                 | the same.  Not sendmsg, sendmmsg: no descriptor |
 * |                                  | (SCM_RIGHTS) can leave the process, not even    |
 * |                                  | the held module-setting fds; the journal sink   |
 * |                                  | writev()s to its connected socket               |
 * | getsockopt, setsockopt           | SO_ERROR after a non-blocking connect, SO_SNDBUF|
 * | fcntl                            | O_NONBLOCK, FD_CLOEXEC                          |
 * | ioctl (TCGETS only)              | stdio's isatty() on a stream's first write      |
 * | rt_sigaction, rt_sigprocmask,    | signal handling (SIGHUP/SIGTERM), the masked    |
 * | rt_sigreturn, sigaltstack,       | wait, interrupted calls                         |
 * | restart_syscall                  |                                                 |
 * | tgkill, kill (own pid only)      | abort() and raise() still end the process with  |
 * |                                  | the intended signal                             |
 * | brk, munmap, mremap, madvise     | malloc                                          |
 * | mmap, mprotect (not PROT_EXEC)   | malloc; no executable memory                    |
 * | futex                            | locks in libc, OpenSSL                          |
 * | getrandom                        | libc and OpenSSL                                |
 * | uname                            | libc and OpenSSL                                |
 * | exit, exit_group                 | the end                                         |
 * | clone (CLONE_THREAD set only)    | the RELP sink's sender thread (sink_relp.h),    |
 * |                                  | made after the drop: it inherits this filter    |
 * |                                  | and the Landlock domain; no process can be made |
 * | clone3: fails with ENOSYS        | glibc's pthread_create() falls back to clone    |
 * |                                  | (clone3's flags are in memory seccomp can't see)|
 * | set_robust_list, rseq            | a new thread's start (glibc)                    |
 * | sysinfo, sched_getaffinity       | the sender thread's first TLS connect (librelp, |
 * |                                  | OpenSSL: memory and CPU counts; read only)      |
 */
static const int allow_plain[] = {
	SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_wait),
	SCMP_SYS(ppoll), SCMP_SYS(poll),
	SCMP_SYS(read), SCMP_SYS(pread64), SCMP_SYS(readv),
	SCMP_SYS(write), SCMP_SYS(writev), SCMP_SYS(pwrite64),
	SCMP_SYS(close),
	SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(statx),
	SCMP_SYS(lseek),
	SCMP_SYS(fstatfs),
	SCMP_SYS(openat),
	SCMP_SYS(renameat), SCMP_SYS(renameat2), SCMP_SYS(unlinkat),
	SCMP_SYS(fsync), SCMP_SYS(fdatasync), SCMP_SYS(ftruncate),
	SCMP_SYS(fchmod), SCMP_SYS(fchown),
	SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep),
	SCMP_SYS(nanosleep), SCMP_SYS(gettimeofday),
	SCMP_SYS(getpid), SCMP_SYS(gettid),
	SCMP_SYS(connect), SCMP_SYS(shutdown),
	SCMP_SYS(sendto), SCMP_SYS(recvfrom),
	SCMP_SYS(getsockopt), SCMP_SYS(setsockopt),
	SCMP_SYS(fcntl),
	SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(sigaltstack),
	SCMP_SYS(restart_syscall),
	SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(madvise),
	SCMP_SYS(futex),
	SCMP_SYS(getrandom),
	SCMP_SYS(uname),
	SCMP_SYS(exit), SCMP_SYS(exit_group),
};

static const int socket_families[] = { AF_INET, AF_INET6 };

static int resolve(const struct priv_conf *c, uid_t *uid, gid_t *gid)
{
	struct passwd *pw;
	struct group *gr;

	errno = 0;
	pw = getpwnam(c->user);
	if (!pw) {
		log_warnx("user %s: %s", c->user,
			  errno ? strerror(errno) : "no such user");
		return errno ? -errno : -ENOENT;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	if (c->group && *c->group) {
		errno = 0;
		gr = getgrnam(c->group);
		if (!gr) {
			log_warnx("group %s: %s", c->group,
				  errno ? strerror(errno) : "no such group");
			return errno ? -errno : -ENOENT;
		}
		*gid = gr->gr_gid;
	}
	if ((*uid == 0 || *gid == 0) && !c->allow_root) {
		log_warnx("refusing to run as user %s group %s: uid or gid 0 (allow_root is for tests)",
			  c->user, c->group && *c->group ? c->group : "(login group)");
		return -EPERM;
	}
	return 0;
}

int privdrop_prepare(struct priv_conf *c)
{
	int err;

	c->resolved = false;
	if (!c->user || !*c->user)
		return 0;
	err = resolve(c, &c->uid, &c->gid);
	if (err)
		return err;
	c->resolved = true;
	return 0;
}

/* Every capability set of this process from /proc/self/status must be 0. */
static int check_no_caps(void)
{
	static const char *const sets[] = {
		"CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:",
	};
	char buf[4096], *line;
	unsigned int found = 0;
	ssize_t len;
	int fd;

	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return len < 0 ? -errno : -EIO;
	buf[len] = '\0';

	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
			size_t n = strlen(sets[i]);
			unsigned long long v;
			char *end;

			if (strncmp(line, sets[i], n))
				continue;
			errno = 0;
			v = strtoull(line + n, &end, 16);
			if (errno || end == line + n) {
				log_warnx("/proc/self/status: cannot parse '%s'", line);
				return -EIO;
			}
			if (v) {
				log_warnx("capabilities left after the drop: %s", line);
				return -EPERM;
			}
			found++;
		}
	}
	if (found != ARRAY_SIZE(sets)) {
		log_warnx("/proc/self/status: capability sets missing");
		return -EIO;
	}
	return 0;
}

/* Logs the failed call and returns its -errno. */
static int fail_errno(const char *call, unsigned int id)
{
	int err = errno;

	log_warnc(err, "%s(%u)", call, id);
	return -err;
}

static int drop_ids_and_caps(uid_t uid, gid_t gid)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	int rc;

	/*
	 * The bounding and ambient sets first, while CAP_SETPCAP is held:
	 * the bounding set then stops anything regaining a capability
	 * through execve() even if seccomp were absent.
	 */
	if (capng_get_caps_process()) {
		log_warnx("cannot read this process's capabilities");
		return -EIO;
	}
	capng_clear(CAPNG_SELECT_BOUNDS | CAPNG_SELECT_AMBIENT);
	rc = capng_apply(CAPNG_SELECT_BOUNDS | CAPNG_SELECT_AMBIENT);
	if (rc) {
		log_warnx("cannot clear the bounding and ambient capability sets (libcap-ng %d; needs CAP_SETPCAP)",
			  rc);
		return -EPERM;
	}

	if (setgroups(1, &gid) < 0)
		return fail_errno("setgroups", (unsigned int)gid);
	if (setresgid(gid, gid, gid) < 0)
		return fail_errno("setresgid", (unsigned int)gid);
	/* Without PR_SET_KEEPCAPS this also empties the permitted set. */
	if (setresuid(uid, uid, uid) < 0)
		return fail_errno("setresuid", (unsigned int)uid);

	/* Then what is left (everything, when uid is 0 under allow_root). */
	capng_clear(CAPNG_SELECT_CAPS);
	rc = capng_apply(CAPNG_SELECT_CAPS);
	if (rc) {
		log_warnx("cannot clear the capabilities (libcap-ng %d)", rc);
		return -EPERM;
	}

	/* Trust, but verify. */
	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return -errno;
	if (ru != uid || eu != uid || su != uid || rg != gid || eg != gid ||
	    sg != gid) {
		log_warnx("ids after the drop are not uid %u gid %u",
			  (unsigned int)uid, (unsigned int)gid);
		return -EPERM;
	}
	if (uid != 0 && (setuid(0) == 0 || errno != EPERM)) {
		log_warnx("uid 0 could be regained after the drop");
		return -EPERM;
	}
	return check_no_caps();
}

static int load_seccomp(unsigned int *count)
{
	scmp_filter_ctx ctx;
	pid_t self = getpid();
	int err = 0;
	size_t i;

	ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		return -ENOMEM;
	/* Foreign architectures (i386, x32 calls) get the default: killed. */
	err = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (err)
		goto out;

	for (i = 0; i < ARRAY_SIZE(allow_plain) && !err; i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allow_plain[i], 0);
	for (i = 0; i < ARRAY_SIZE(socket_families) && !err; i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
				       SCMP_A0(SCMP_CMP_EQ, socket_families[i]));
	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
				       SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
				       SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				       SCMP_A1(SCMP_CMP_EQ, TCGETS));
	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
				       SCMP_A0(SCMP_CMP_EQ, self));
	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1,
				       SCMP_A0(SCMP_CMP_EQ, self));
	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
				       SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(set_robust_list), 0);
	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(rseq), 0);
	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(sysinfo), 0);
	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(sched_getaffinity), 0);

	/* socket, mmap, mprotect, ioctl, tgkill, kill, clone, clone3 (refused),
	 * set_robust_list, rseq, sysinfo, sched_getaffinity: with conditions or apart
	 */
	*count = ARRAY_SIZE(allow_plain) + 12;
	if (err)
		goto out;
	err = seccomp_load(ctx);
out:
	seccomp_release(ctx);
	return err;
}

#ifdef INPUTAUDITD_TEST_HOOKS
/*
 * Test builds only: SIGUSR2 makes a syscall the allowlist does not have.
 * The filter kills the process right there, so a test sees SIGSYS from
 * waitpid(); if the filter were missing, ptrace(PTRACE_TRACEME) would
 * merely succeed and the daemon live on, which the test catches.
 */
static bool trigger_sendmsg;	/* INPUTAUDITD_TEST_SENDMSG: sendmsg, not ptrace */

static void on_forbidden_trigger(int sig)
{
	struct msghdr mh = { 0 };

	(void)sig;
	if (trigger_sendmsg)
		sendmsg(-1, &mh, 0);
	else
		syscall(SYS_ptrace, 0 /* PTRACE_TRACEME */, 0, 0, 0);
}

static int install_test_hook(void)
{
	struct sigaction sa = { .sa_handler = on_forbidden_trigger };

	trigger_sendmsg = getenv("INPUTAUDITD_TEST_SENDMSG");
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR2, &sa, NULL) < 0)
		return -errno;
	log_info("test build: SIGUSR2 makes a forbidden syscall (%s)",
		 trigger_sendmsg ? "sendmsg" : "ptrace");
	return 0;
}

/* Test builds: what the environment asks to try once all is applied. */
static void run_test_probes(void)
{
	const char *path = getenv("INPUTAUDITD_TEST_OPEN");
	const char *dst = getenv("INPUTAUDITD_TEST_CONNECT");
	struct sockaddr_in sin = { .sin_family = AF_INET };
	unsigned int a, b, c, d, port;
	int fd;

	if (path) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		log_info("test probe: open %s: %s", path, fd >= 0 ? "ok" : strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	if (dst && sscanf(dst, "%u.%u.%u.%u:%u", &a, &b, &c, &d, &port) == 5) {
		sin.sin_addr.s_addr = htonl(a << 24 | b << 16 | c << 8 | d);
		sin.sin_port = htons((uint16_t)port);
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0)
			log_info("test probe: connect %s: ok", dst);
		else
			log_info("test probe: connect %s: %s", dst, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
}
#else
static int install_test_hook(void)
{
	return 0;
}

static void run_test_probes(void)
{
}
#endif

int privdrop_apply(const struct priv_conf *c)
{
	char landlock[128] = "no landlock rules";
	unsigned int nsys = 0;
	uid_t uid;
	gid_t gid;
	int err;

	if (!c->user || !*c->user) {
		log_debug("no user configured: staying root, no seccomp filter");
		return 0;
	}
	if (c->resolved) {
		uid = c->uid;
		gid = c->gid;
	} else {
		err = resolve(c, &uid, &gid);
		if (err)
			return err;
	}

	err = drop_ids_and_caps(uid, gid);
	if (err)
		goto fail;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		err = -errno;
		goto fail;
	}
	err = install_test_hook();
	if (err)
		goto fail;
	if (c->sandbox) {
		err = sandbox_apply(c->sandbox);
		if (err) {
			log_warnc(err, "landlock");
			goto fail;
		}
		sandbox_describe(c->sandbox, landlock, sizeof(landlock));
	}
	err = load_seccomp(&nsys);
	if (err)
		goto fail;
	log_info("dropped privileges: user %s (uid %u) group %s (gid %u), "
		 "no capabilities, no_new_privs, seccomp allowlist of %u syscalls, %s",
		 c->user, (unsigned int)uid,
		 c->group && *c->group ? c->group : "(login group)",
		 (unsigned int)gid, nsys, landlock);
	run_test_probes();
	return 0;
fail:
	log_warnc(err, "cannot drop privileges to user %s", c->user);
	return err;
}
