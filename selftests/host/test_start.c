// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The daemon's start on the host kernel: its BPF loader
 * (userspace/daemon/capture.c) and the real daemon binary (the sanitizer
 * build, run with --no-attach: the module is not loaded on the host).
 *
 * Each test that changes what the daemon finds runs in a mount namespace
 * of its own (the harness forks every test): a tmpfs over /boot and a
 * socket bound over /proc/config.gz (opening a socket fails with ENXIO)
 * hide the kernel config as on a minimal image or in a container; a tmpfs
 * over /sys/module holds fake module settings.  The host's own mounts are
 * never touched.  Needs root (BPF, mounts); skipped otherwise.  The sinks
 * run as deployed against real collectors: rsyslogd (collector.c) and
 * systemd-journald (journald.c, with tmpfs over its directories in the
 * test's namespace).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kselftest_harness.h"
#include "capture.h"
#include "collector.h"
#include "daemon_run.h"
#include "inputaudit.h"
#include "inputaudit.skel.h"
#include "journald.h"
#include "json_fields.h"
#include "sink.h"
#include "status.h"

#define DROP_USER	"nobody"
#define LATENCY_NS	(20 * 1000 * 1000ull)

static const char *cannot_run(void)
{
	if (geteuid() != 0)
		return "needs root (BPF programs, mounts)";
	return NULL;
}

/* A mount namespace of this test's own, nothing propagating back. */
static const char *private_mounts(char *why, size_t len)
{
	if (unshare(CLONE_NEWNS)) {
		snprintf(why, len, "no mount namespace: %s", strerror(errno));
		return why;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		snprintf(why, len, "cannot make / private: %s", strerror(errno));
		return why;
	}
	return NULL;
}

static bool opens(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static const char *boot_config(void)
{
	static char path[128 + sizeof(((struct utsname *)0)->release)];
	struct utsname uts;

	if (uname(&uts))
		return "/boot/config-?";
	snprintf(path, sizeof(path), "/boot/config-%s", uts.release);
	return path;
}

/* Whether libbpf would find a kernel config: the two files it tries. */
static bool kconfig_visible(void)
{
	return opens(boot_config()) || opens("/proc/config.gz");
}

/*
 * Hide both config files in this test's namespace.  Return: NULL, or why
 * not (err set when it is a failure rather than a reason to skip).
 */
static const char *hide_kconfig(char *why, size_t len, bool *err)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char dir[] = "/tmp/ia-test-start-XXXXXX";
	int fd;

	*err = false;
	if (private_mounts(why, len))
		return why;
	*err = true;
	if (!access("/boot", F_OK) &&
	    mount("tmpfs", "/boot", "tmpfs", 0, "mode=0755")) {
		snprintf(why, len, "tmpfs over /boot: %s", strerror(errno));
		return why;
	}
	if (!access("/proc/config.gz", F_OK)) {
		if (!mkdtemp(dir)) {
			snprintf(why, len, "mkdtemp: %s", strerror(errno));
			return why;
		}
		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/sock", dir);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) ||
		    mount(sun.sun_path, "/proc/config.gz", NULL, MS_BIND, NULL)) {
			snprintf(why, len, "socket over /proc/config.gz: %s",
				 strerror(errno));
			return why;
		}
		close(fd);
		unlink(sun.sun_path);
		rmdir(dir);
	}
	if (kconfig_visible()) {
		snprintf(why, len, "the kernel config is still readable");
		return why;
	}
	return NULL;
}

#define HIDE_KCONFIG() do {						\
	char why_[256];							\
	bool err_;							\
									\
	if (cannot_run())						\
		SKIP(return, "%s", cannot_run());			\
	if (hide_kconfig(why_, sizeof(why_), &err_)) {			\
		if (!err_)						\
			SKIP(return, "%s", why_);			\
		ASSERT_TRUE(false) {					\
			TH_LOG("%s", why_);				\
		}							\
	}								\
} while (0)

/* Run the program once as if the tracepoint fired: one activity record. */
static int fire(struct inputaudit_bpf *skel, __u64 seq)
{
	const __u64 args[9] = { seq, seq * 1000, INPUTAUDIT_REC_ACTIVITY, 0, 1 };
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.ctx_in = args,
		.ctx_size_in = sizeof(args),
	);

	if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.inputaudit_record),
				   &opts))
		return -errno;
	return opts.retval;
}

static int count_sample(void *ctx, void *data, size_t size)
{
	(void)data;
	*(unsigned int *)ctx += size / sizeof(struct inputaudit_record);
	return 0;
}

static __u64 monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static __u64 distance(__u64 a, __u64 b)
{
	return a > b ? a - b : b - a;
}

/*
 * With neither /boot/config-$(uname -r) nor /proc/config.gz the loader
 * still loads the program (CONFIG_HZ 0), takes the tick as 10 ms, and the
 * program times with bpf_ktime_get_ns() (CLOCK_MONOTONIC) instead of
 * jiffies; records still reach the ring.
 */
TEST(loader_without_kconfig)
{
	struct capture cap = { 0 };
	unsigned int records = 0;

	HIDE_KCONFIG();
	ASSERT_EQ(0, capture_load(&cap, 1 << 16, LATENCY_NS));
	EXPECT_TRUE(cap.no_kconfig);
	EXPECT_EQ(10, cap.stage_ms);
	EXPECT_EQ(0, cap.skel->kconfig->CONFIG_HZ);
	ASSERT_EQ(0, capture_ring(&cap, count_sample, &records));

	/* The first record after load forces a wakeup: it stamps the time. */
	ASSERT_EQ(0, fire(cap.skel, 1));
	EXPECT_GT(1000000000ull, distance(cap.skel->bss->last_wakeup_ns,
					  monotonic_ns()));
	EXPECT_EQ(1, capture_consume(&cap));
	EXPECT_EQ(1, records);
	capture_close(&cap);
}

/*
 * With the kernel config readable, the loader does not interfere: CONFIG_HZ
 * is the kernel's, the tick 1000 / HZ rounded up, and the program times with
 * jiffies, which run hours apart from CLOCK_MONOTONIC (they start at
 * -300 s modulo 2^32 ticks).
 */
TEST(loader_with_kconfig)
{
	struct capture cap = { 0 };
	unsigned int hz;

	if (cannot_run())
		SKIP(return, "%s", cannot_run());
	if (!kconfig_visible())
		SKIP(return, "no kernel config on this host");
	ASSERT_EQ(0, capture_load(&cap, 1 << 16, LATENCY_NS));
	EXPECT_FALSE(cap.no_kconfig);
	hz = cap.skel->kconfig->CONFIG_HZ;
	ASSERT_LT(0, hz);
	EXPECT_EQ((1000 + hz - 1) / hz, cap.stage_ms);
	ASSERT_EQ(0, fire(cap.skel, 1));
	EXPECT_LT(3600ull * 1000000000, distance(cap.skel->bss->last_wakeup_ns,
						 monotonic_ns()));
	capture_close(&cap);
}

/*
 * Why the loader passes a kconfig string (libbpf 1.1): without a config
 * file, loading fails even for the __weak CONFIG_HZ; and a kconfig string
 * that leaves a CONFIG_ extern unset makes libbpf read the file anyway, so
 * it fails as well.  Only a string that sets every extern loads.
 */
TEST(libbpf_kconfig_rules)
{
	static const char *const strings[] = {
		NULL, "CONFIG_BPF_SYSCALL=y\n", "CONFIG_HZ=0\n",
	};
	unsigned int i;
	int err;

	HIDE_KCONFIG();
	libbpf_set_print(NULL);
	for (i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		LIBBPF_OPTS(bpf_object_open_opts, opts, .kconfig = strings[i]);
		struct inputaudit_bpf *skel = inputaudit_bpf__open_opts(&opts);

		ASSERT_NE(NULL, skel);
		err = inputaudit_bpf__load(skel);
		if (strings[i] && !strcmp(strings[i], "CONFIG_HZ=0\n")) {
			EXPECT_EQ(0, err);
		} else {
			EXPECT_NE(0, err) {
				TH_LOG("kconfig %s: loaded without a config file",
				       strings[i] ?: "(none)");
			}
		}
		inputaudit_bpf__destroy(skel);
	}
}

/* ---- the daemon binary ---- */

struct daemon_run {
	char dir[64], out[96], err[96], conf[96];
	pid_t pid;
};

static void daemon_dirs(struct daemon_run *r)
{
	snprintf(r->dir, sizeof(r->dir), "/tmp/ia-test-start-XXXXXX");
	if (!mkdtemp(r->dir))
		abort();
	snprintf(r->out, sizeof(r->out), "%s/out.jsonl", r->dir);
	snprintf(r->err, sizeof(r->err), "%s/stderr", r->dir);
	snprintf(r->conf, sizeof(r->conf), "%s/d.conf", r->dir);
}

static void daemon_cleanup(struct daemon_run *r)
{
	unlink(r->out);
	unlink(r->err);
	unlink(r->conf);
	rmdir(r->dir);
}

/* Start the daemon with --no-attach as DROP_USER, -c conf (NULL: --no-config). */
static void daemon_start(struct daemon_run *r, const char *conf)
{
	const char *argv[] = { INPUTAUDITD_BIN, "--no-attach", "--user",
			       DROP_USER, "-v", "-o", r->out,
			       conf ? "-c" : "--no-config", conf, NULL };

	r->pid = spawn_daemon(argv, r->err);
	if (r->pid < 0)
		abort();
}

static char *slurp(const char *path)
{
	static char buf[1 << 16];

	return slurp_into(path, buf, sizeof(buf));
}

/* Wait up to 30 s for text in the daemon's stderr; false if it exited. */
static bool daemon_says(struct daemon_run *r, const char *text)
{
	static char buf[1 << 16];

	return wait_file_text(&r->pid, r->err, text, 30000, buf, sizeof(buf));
}

/* SIGTERM and its exit status, or -1. */
static int daemon_stop(struct daemon_run *r)
{
	return term_and_wait(&r->pid);
}

/* Exit status of a daemon that should stop by itself, or -1. */
static int daemon_wait(struct daemon_run *r)
{
	int status;

	if (waitpid(r->pid, &status, 0) != r->pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * The daemon starts without a kernel config: one line says so and names
 * the 10 ms tick it assumes, it drops its privileges and runs, and SIGTERM
 * ends it cleanly with a final stats record.
 */
TEST(daemon_without_kconfig)
{
	struct daemon_run r;
	const char *err;

	HIDE_KCONFIG();
	if (!getpwnam(DROP_USER))
		SKIP(return, "no user " DROP_USER);
	daemon_dirs(&r);
	daemon_start(&r, NULL);
	EXPECT_TRUE(daemon_says(&r, "dropped privileges")) {
		TH_LOG("stderr: %s", slurp(r.err));
	}
	err = slurp(r.err);
	EXPECT_NE(NULL, strstr(err, "no kernel config (")) {
		TH_LOG("stderr: %s", err);
	}
	EXPECT_NE(NULL, strstr(err, "the kernel tick is taken as 10 ms"));
	EXPECT_EQ(NULL, strstr(err, "cannot load the bpf program"));
	EXPECT_EQ(0, daemon_stop(&r));
	EXPECT_NE(NULL, strstr(slurp(r.out), "\"final\":true}")) {
		TH_LOG("output: %s", slurp(r.out));
	}
	daemon_cleanup(&r);
}

/*
 * Fake module setting files on a tmpfs over /sys/module (in this test's
 * namespace); the BPF program loads from the host's kernel config as usual.
 */
static const char *fake_params(const char *level, const char *max_level,
			       char *why, size_t len)
{
	static const char dir[] = "/sys/module/inputaudit/parameters";
	const char *files[][2] = { { "level", level }, { "max_level", max_level } };
	char path[128];
	unsigned int i;
	int fd;

	if (private_mounts(why, len))
		return why;
	if (mount("tmpfs", "/sys/module", "tmpfs", 0, "mode=0755") ||
	    mkdir("/sys/module/inputaudit", 0755) || mkdir(dir, 0755)) {
		snprintf(why, len, "fake %s: %s", dir, strerror(errno));
		return why;
	}
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i][0]);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, files[i][1], strlen(files[i][1])) < 0 ||
		    close(fd)) {
			snprintf(why, len, "%s: %s", path, strerror(errno));
			return why;
		}
	}
	return NULL;
}

static void write_conf(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    close(fd))
		abort();
}

#define FAKE_PARAMS(level, max_level) do {				\
	char why_[256];							\
									\
	if (cannot_run())						\
		SKIP(return, "%s", cannot_run());			\
	if (!getpwnam(DROP_USER))					\
		SKIP(return, "no user " DROP_USER);			\
	if (fake_params(level, max_level, why_, sizeof(why_)))		\
		SKIP(return, "%s", why_);				\
} while (0)

/* [kernel] settings are written during the start, before the privilege drop. */
TEST(settings_applied)
{
	struct daemon_run r;

	FAKE_PARAMS("activity\n", "events\n");
	daemon_dirs(&r);
	write_conf(r.conf, "[kernel]\nlevel = events\n");
	daemon_start(&r, r.conf);
	EXPECT_TRUE(daemon_says(&r, "dropped privileges")) {
		TH_LOG("stderr: %s", slurp(r.err));
	}
	/* written in place, as to sysfs: a plain file keeps the old tail */
	EXPECT_EQ(0, strncmp("events\n",
			     slurp("/sys/module/inputaudit/parameters/level"), 7));
	EXPECT_EQ(0, daemon_stop(&r));
	daemon_cleanup(&r);
}

/*
 * A setting the module refuses (here a level above max_level) stops the
 * start with "kernel settings: ..."; what the daemon received by then is
 * written out, closed by a final stats record.  Those lines are written
 * after the privilege drop, as every line is: a sink's file made then
 * belongs to the daemon's user.
 */
TEST(refused_setting_stops_start)
{
	struct daemon_run r;
	const char *err;

	FAKE_PARAMS("activity\n", "activity\n");
	daemon_dirs(&r);
	write_conf(r.conf, "[kernel]\nlevel = events\n");
	daemon_start(&r, r.conf);
	EXPECT_EQ(1, daemon_wait(&r));
	err = slurp(r.err);
	EXPECT_NE(NULL, strstr(err, "inputauditd: kernel settings: ")) {
		TH_LOG("stderr: %s", err);
	}
	ASSERT_NE(NULL, strstr(err, "dropped privileges"));
	EXPECT_GT(strstr(err, "dropped privileges"), strstr(err, "kernel settings: "));
	EXPECT_NE(NULL, strstr(slurp(r.out), "\"type\":\"stats\"")) {
		TH_LOG("output: %s", slurp(r.out));
	}
	EXPECT_NE(NULL, strstr(slurp(r.out), "\"final\":true}"));
	EXPECT_STREQ("activity\n",
		     slurp("/sys/module/inputaudit/parameters/level"));
	daemon_cleanup(&r);
}

/* ---- as deployed ---- */

/* Lines of the collector's output whose MSGID (the record type) is type. */
static int collector_count(const struct collector *c, const char *type)
{
	char line[8192];
	size_t len = strlen(type);
	FILE *f = fopen(c->out, "r");
	int n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		n += !strncmp(line, type, len) && line[len] == '\t';
	fclose(f);
	return n;
}

/*
 * The "n" of every line the collector got, in order, must be 1, 2, 3...:
 * nothing lost, nothing twice.  Returns how many, or -1 at the first
 * line out of order (or without n).
 */
static int collector_n_complete(const struct collector *c)
{
	char line[8192], *p;
	unsigned long long n, want = 1;
	FILE *f = fopen(c->out, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		p = strstr(line, "\"n\":");
		if (!p || sscanf(p, "\"n\":%llu", &n) != 1 || n != want) {
			fclose(f);
			return -1;
		}
		want++;
	}
	fclose(f);
	return (int)(want - 1);
}

static bool wait_for(bool (*cond)(const void *), const void *arg, int ms)
{
	for (int waited = 0; waited < ms; waited += 50) {
		if (cond(arg))
			return true;
		usleep(50 * 1000);
	}
	return cond(arg);
}

static bool exists(const void *path)
{
	struct stat st;

	return !stat(path, &st) && st.st_size > 0;
}

static bool collector_has_final(const void *c)
{
	char line[8192];
	bool found = false;
	FILE *f = fopen(((const struct collector *)c)->out, "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, "\"final\":true");
	fclose(f);
	return found;
}

static bool collector_started(const void *c)
{
	return collector_count(c, "chain_start") == 1 &&
	       collector_count(c, "stats") >= 3;
}

/* @dir/@name made with @mode, owned by @pw (the daemon's user); its path in @path. */
static int user_dir(char *path, size_t size, const char *dir, const char *name, mode_t mode,
		    const struct passwd *pw)
{
	snprintf(path, size, "%s/%s", dir, name);
	if (mkdir(path, mode) || chown(path, pw->pw_uid, pw->pw_gid))
		return -errno;
	return 0;
}

static uid_t owner(const char *path)
{
	struct stat st;

	return lstat(path, &st) ? (uid_t)-1 : st.st_uid;
}

/*
 * As a fleet deploys it: the daemon, started as root, drops to its own user
 * (nobody here) under its seccomp filter; its log, spool and state
 * directories belong to that user, as the unit's LogsDirectory=,
 * StateDirectory= and RuntimeDirectory= make them.  Every sink then works
 * end to end: a collector listening from the start receives every line,
 * chain_start first, n = 1, 2, 3... (none stuck behind a spool segment root
 * made); the file sink rotates, and on SIGHUP reopens its file after
 * logrotate moved it away, while the -o file root created (and its user
 * may not open) needs no reopen and causes no error; the status file is
 * written.
 */
TEST(deployed_sinks_work_after_privilege_drop)
{
	char log[128], rotated[160], moved[160], spool[128], state[128], key[128];
	char status[160], path[128];
	struct collector col;
	struct daemon_run r;
	struct passwd *pw;
	long abi;
	FILE *f;

	if (cannot_run())
		SKIP(return, "%s", cannot_run());
	pw = getpwnam(DROP_USER);
	if (!pw)
		SKIP(return, "no user " DROP_USER);
	if (access(COLLECTOR_RSYSLOGD, X_OK))
		SKIP(return, COLLECTOR_RSYSLOGD " not installed (Debian package rsyslog)");
	daemon_dirs(&r);
	ASSERT_EQ(0, chmod(r.dir, 0755));
	ASSERT_EQ(0, user_dir(path, sizeof(path), r.dir, "log", 0750, pw));
	ASSERT_EQ(0, user_dir(spool, sizeof(spool), r.dir, "spool", 0700, pw));
	ASSERT_EQ(0, user_dir(state, sizeof(state), r.dir, "state", 0755, pw));
	snprintf(log, sizeof(log), "%s/log/audit.jsonl", r.dir);
	snprintf(rotated, sizeof(rotated), "%s.1", log);
	snprintf(moved, sizeof(moved), "%s.logrotate", log);
	snprintf(status, sizeof(status), "%s/status.json", state);
	snprintf(key, sizeof(key), "%s/chain.key", r.dir);
	ASSERT_EQ(0, write_test_key(key, 5));
	ASSERT_EQ(0, collector_init(&col, r.dir));
	ASSERT_EQ(0, collector_start(&col, 15000));

	f = fopen(r.conf, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "[daemon]\nuser = %s\nstats_interval_ms = 100\nstate_dir = %s\n"
		"[chain]\nkey = %s\n"
		"[sink file audit]\npath = %s\nmax_size = 4096\nkeep = 2\n"
		"[sink syslog collector]\nhost = 127.0.0.1\nport = %u\nspool_dir = %s\n"
		"backoff_min_ms = 50\nbackoff_max_ms = 200\ntransport = tcp\n",
		DROP_USER, state, key, log, col.port, spool);
	ASSERT_EQ(0, fclose(f));
	daemon_start(&r, r.conf);
	ASSERT_TRUE(daemon_says(&r, "dropped privileges")) {
		TH_LOG("stderr: %s", slurp(r.err));
	}
	/* Landlock, where the kernel has it: every sink below works beneath it. */
	abi = syscall(SYS_landlock_create_ruleset, NULL, 0, 1U);
	if (abi >= 4) {
		EXPECT_NE(NULL, strstr(slurp(r.err), ": files beneath 5 directories, TCP to 1 port"));
	} else if (abi >= 1) {
		EXPECT_NE(NULL, strstr(slurp(r.err), ": files beneath 5 directories (TCP not"));
	} else {
		TH_LOG("no Landlock in this kernel: the sinks run without it");
	}

	/* The collector gets the run from its first line. */
	EXPECT_TRUE(wait_for(collector_started, &col, 15000)) {
		TH_LOG("collector got %d chain_start, %d stats; daemon: %s",
		       collector_count(&col, "chain_start"),
		       collector_count(&col, "stats"), slurp(r.err));
	}
	/*
	 * Its chain_start names this boot: the daemon read the boot id before
	 * Landlock closed /proc to it (read after the drop it was "unknown").
	 */
	{
		char id[64], want[80];

		slurp_into("/proc/sys/kernel/random/boot_id", id, sizeof(id));
		ASSERT_EQ(37U, strlen(id));
		snprintf(want, sizeof(want), "boot_id=\"%.36s\"", id);
		EXPECT_NE(NULL, strstr(slurp(col.out), want)) {
			TH_LOG("want %s in: %.300s", want, slurp(col.out));
		}
	}
	/*
	 * The file sink rotates: the first file, made before the drop, stays
	 * root's (unreadable to the daemon's user), the new one is the user's.
	 */
	EXPECT_TRUE(wait_for(exists, rotated, 15000));
	EXPECT_EQ(pw->pw_uid, owner(log));
	EXPECT_EQ(0U, owner(rotated));
	/* logrotate moves the file away; SIGHUP: the daemon writes a new one. */
	ASSERT_EQ(0, rename(log, moved));
	ASSERT_EQ(0, kill(r.pid, SIGHUP));
	EXPECT_TRUE(wait_for(exists, log, 15000));
	EXPECT_EQ(NULL, strstr(slurp(r.err), "cannot reopen")) {
		TH_LOG("stderr: %s", slurp(r.err));
	}
	/* The status file, written by the daemon's user. */
	EXPECT_TRUE(wait_for(exists, status, 5000));
	EXPECT_EQ(pw->pw_uid, owner(status));
	EXPECT_NE(NULL, strstr(slurp(status), "\"pid\":"));

	EXPECT_EQ(0, daemon_stop(&r)) {
		TH_LOG("stderr: %s", slurp(r.err));
	}
	EXPECT_TRUE(wait_for(collector_has_final, &col, 15000));
	EXPECT_LT(5, collector_n_complete(&col)) {
		TH_LOG("collector: %s", slurp(col.out));
	}
	collector_stop(&col);
	if (!getenv("KEEP_TMP")) {
		char cmd[160];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", r.dir);
		if (system(cmd))
			TH_LOG("cleanup of %s failed", r.dir);
	}
}

/* ---- the journal sink, to a real journald ---- */

#define JOURNAL_ID	"inputaudit-test"
#define MAX_LINES	4096

/* A member of a JSON object to pick out: its key, where its value goes. */
struct pick {
	const char *key;
	char *val;		/* unescaped, NUL terminated */
	size_t size;
};

struct picks {
	struct pick *p;
	unsigned int n;
	bool bad;		/* a value too long or malformed, or a key twice */
};

static int pick_member(void *ctx, const char *key, const char *val, size_t vallen,
		       enum json_kind kind)
{
	struct picks *ps = ctx;

	for (unsigned int i = 0; i < ps->n; i++) {
		struct pick *p = &ps->p[i];

		if (strcmp(key, p->key))
			continue;
		if (p->val[0])
			ps->bad = true;
		if (kind == JSON_STRING) {
			if (json_unescape(val, vallen, p->val, p->size) < 0)
				ps->bad = true;
		} else if (vallen < p->size) {
			memcpy(p->val, val, vallen);
			p->val[vallen] = '\0';
		} else {
			ps->bad = true;
		}
	}
	return 0;
}

/* Pick the members of one JSON object; false if it does not parse. */
static bool pick_members(const char *text, size_t len, struct pick *p, unsigned int n)
{
	struct picks ps = { p, n, false };

	for (unsigned int i = 0; i < n; i++)
		p[i].val[0] = '\0';
	return !json_fields(text, len, pick_member, &ps) && !ps.bad;
}

/* A line of the file sink: the reference the journal is compared with. */
struct ref_line {
	char *text;		/* without its newline */
	char type[32];
	char chain[80];
	char sink[64];		/* sink_loss: the sink that lost lines */
	char dropped[24];	/* sink_loss: how many */
	bool in_journal;
};

/*
 * The file sink's lines, which must carry n = 1, 2, 3... in order.
 * Return: how many, or -1 at the first line out of order or not parsed.
 */
static int read_reference(const char *path, struct ref_line *lines, int max)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL, n[24];
	size_t cap = 0;
	ssize_t len;
	int count = 0;

	if (!f)
		return -1;
	while (count < max && (len = getline(&buf, &cap, f)) > 0) {
		struct ref_line *l = &lines[count];
		struct pick p[] = {
			{ "n", n, sizeof(n) },
			{ "type", l->type, sizeof(l->type) },
			{ "chain", l->chain, sizeof(l->chain) },
			{ "sink", l->sink, sizeof(l->sink) },
			{ "dropped", l->dropped, sizeof(l->dropped) },
		};

		if (buf[len - 1] == '\n')
			buf[--len] = '\0';
		if (!pick_members(buf, len, p, ARRAY_SIZE(p)) ||
		    strtoull(n, NULL, 10) != (unsigned long long)count + 1) {
			count = -1;
			break;
		}
		l->text = strdup(buf);
		l->in_journal = false;
		count++;
	}
	if (count == max && getline(&buf, &cap, f) > 0)
		count = -1;	/* more than the test expects */
	free(buf);
	fclose(f);
	return count;
}

/* The PRIORITY the daemon gives a line of its own, by type (sink.h). */
static int type_priority(const char *type)
{
	static const struct {
		const char *type;
		enum sink_severity sev;
	} sevs[] = {
		{ "alert", SINK_SEV_ALERT },
		{ "sink_loss", SINK_SEV_WARNING },
		{ "chain_start", SINK_SEV_NOTICE },
		{ "stats", SINK_SEV_INFO },
		{ "checkpoint", SINK_SEV_INFO },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(sevs); i++)
		if (!strcmp(type, sevs[i].type))
			return sevs[i].sev;
	return -1;
}

/* Lines of path containing text. */
static int count_lines(const char *path, const char *text)
{
	char line[8192];
	FILE *f = fopen(path, "r");
	int n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		n += !!strstr(line, text);
	fclose(f);
	return n;
}

/* Wait up to ms for min lines of path containing text. */
static bool lines_reach(const char *path, const char *text, int min, int ms)
{
	for (int waited = 0; waited < ms; waited += 50) {
		if (count_lines(path, text) >= min)
			return true;
		usleep(50 * 1000);
	}
	return count_lines(path, text) >= min;
}

/* Stop the daemon (SIGSTOP) and wait until it is stopped. */
static bool daemon_hold(struct daemon_run *r)
{
	int status;

	return !kill(r->pid, SIGSTOP) &&
	       waitpid(r->pid, &status, WUNTRACED) == r->pid && WIFSTOPPED(status);
}

/* The journal sink's health in status.json, NULL if not there. */
static const struct sink_health *journal_health(const char *state,
						struct daemon_status *st)
{
	if (status_read(state, st))
		return NULL;
	for (unsigned int i = 0; i < st->nsinks; i++)
		if (!strcmp(st->sinks[i].name, "j"))
			return &st->sinks[i].health;
	return NULL;
}

/* Wait up to ms for status.json to show the journal sink's drops. */
static bool journal_dropping(const char *state, int ms)
{
	const struct sink_health *h;
	struct daemon_status st;

	for (int waited = 0; waited <= ms; waited += 50) {
		h = journal_health(state, &st);
		if (h && h->dropped && !strcmp(h->state, "error"))
			return true;
		usleep(50 * 1000);
	}
	return false;
}

/*
 * The journal sink as deployed, to a real systemd-journald (standalone, in
 * this test's mount namespace): the daemon, started as root, drops to
 * nobody under its seccomp filter and Landlock, and every line its file
 * sink got is in the journal once, sent by nobody, with MESSAGE the line
 * itself, its PRIORITY, SYSLOG_IDENTIFIER, INPUTAUDIT_N, _TYPE and _CHAIN.
 * journald restarts twice while the daemon runs: with no line in between
 * (the sink connects to the new socket from inside its sandbox; nothing is
 * lost), and with lines written while no journald listens (those are
 * counted: status.json says so, and one sink_loss line once journald is
 * back; each line is in the journal or counted).  The daemon is held
 * (SIGSTOP) while journald exits: a datagram that arrives after journald
 * read its queue for the last time is lost with its socket, out of the
 * sender's sight, and this test counts exactly.
 */
TEST(journal_sink_to_real_journald)
{
	char log[128], state[128], key[128], path[128], export[128], why[256];
	int count, entries = 0, missing = 0, first_missing = 0, last_missing = 0;
	int stats, loss_lines = 0, loss_at[2] = { 0 }, bad = 0;
	int runs = 0, run_first[2] = { 0 }, before_pending = 0;
	unsigned long long loss_dropped = 0, loss_count[2] = { 0 };
	const struct sink_health *h;
	struct ref_line *lines;
	struct daemon_status st;
	struct journald jd;
	struct daemon_run r;
	struct passwd *pw;
	char *buf = NULL, uid[16];
	size_t cap = 0;
	ssize_t len;
	long abi;
	FILE *f;

	if (cannot_run())
		SKIP(return, "%s", cannot_run());
	pw = getpwnam(DROP_USER);
	if (!pw)
		SKIP(return, "no user " DROP_USER);
	if (access(JOURNALD_BIN, X_OK) || access(JOURNALCTL_BIN, X_OK))
		SKIP(return, JOURNALD_BIN " or " JOURNALCTL_BIN
		     " not installed (Debian package systemd)");
	if (private_mounts(why, sizeof(why)))
		SKIP(return, "%s", why);
	daemon_dirs(&r);
	ASSERT_EQ(0, chmod(r.dir, 0755));
	ASSERT_EQ(0, user_dir(path, sizeof(path), r.dir, "log", 0750, pw));
	ASSERT_EQ(0, user_dir(state, sizeof(state), r.dir, "state", 0755, pw));
	snprintf(log, sizeof(log), "%s/log/audit.jsonl", r.dir);
	snprintf(key, sizeof(key), "%s/chain.key", r.dir);
	snprintf(export, sizeof(export), "%s/journal.json", r.dir);
	ASSERT_EQ(0, write_test_key(key, 7));

	ASSERT_EQ(0, journald_init(&jd, r.dir));
	ASSERT_EQ(0, journald_start(&jd, 15000)) {
		TH_LOG("journald: %s", slurp(jd.log));
	}
	f = fopen(r.conf, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "[daemon]\nuser = %s\nstats_interval_ms = 100\nstate_dir = %s\n"
		"[chain]\nkey = %s\n"
		"[sink file audit]\npath = %s\n"
		"[sink journal j]\nidentifier = " JOURNAL_ID "\n",
		DROP_USER, state, key, log);
	ASSERT_EQ(0, fclose(f));
	daemon_start(&r, r.conf);
	ASSERT_TRUE(daemon_says(&r, "dropped privileges")) {
		TH_LOG("stderr: %s", slurp(r.err));
	}
	abi = syscall(SYS_landlock_create_ruleset, NULL, 0, 1U);
	if (abi >= 1) {
		EXPECT_NE(NULL, strstr(slurp(r.err), "landlock ABI ")) {
			TH_LOG("stderr: %s", slurp(r.err));
		}
	} else {
		TH_LOG("no Landlock in this kernel: the sink runs without it");
	}
	ASSERT_TRUE(lines_reach(log, "\"type\":\"stats\"", 5, 15000));

	/* A restart with no line in between: the next line finds the new socket. */
	ASSERT_TRUE(daemon_hold(&r));
	EXPECT_EQ(0, journald_stop(&jd));
	ASSERT_EQ(0, journald_start(&jd, 15000)) {
		TH_LOG("journald: %s", slurp(jd.log));
	}
	ASSERT_EQ(0, kill(r.pid, SIGCONT));
	/* 1.5 s of lines: status.json is written once a second. */
	stats = count_lines(log, "\"type\":\"stats\"");
	ASSERT_TRUE(lines_reach(log, "\"type\":\"stats\"", stats + 15, 15000));
	h = journal_health(state, &st);
	ASSERT_NE(NULL, h);
	EXPECT_STREQ("ok", h->state);
	EXPECT_EQ(0, h->dropped) {
		TH_LOG("stderr: %s", slurp(r.err));
	}

	/* No journald for a while: the lines of the gap are counted. */
	ASSERT_TRUE(daemon_hold(&r));
	EXPECT_EQ(0, journald_stop(&jd));
	ASSERT_EQ(0, kill(r.pid, SIGCONT));
	EXPECT_TRUE(journal_dropping(state, 15000));
	ASSERT_EQ(0, journald_start(&jd, 15000)) {
		TH_LOG("journald: %s", slurp(jd.log));
	}
	EXPECT_TRUE(lines_reach(log, "\"sink\":\"j\"", 1, 15000)) {
		TH_LOG("stderr: %s", slurp(r.err));
	}
	stats = count_lines(log, "\"type\":\"stats\"");
	EXPECT_TRUE(lines_reach(log, "\"type\":\"stats\"", stats + 5, 15000));

	/*
	 * journald away at the stop: the drops since go to the file sink in a
	 * sink_loss line marked pending (before, they ended with the process).
	 */
	ASSERT_TRUE(daemon_hold(&r));
	EXPECT_EQ(0, journald_stop(&jd));
	ASSERT_EQ(0, kill(r.pid, SIGCONT));
	EXPECT_TRUE(journal_dropping(state, 15000));
	EXPECT_EQ(0, daemon_stop(&r)) {
		TH_LOG("stderr: %s", slurp(r.err));
	}
	ASSERT_EQ(0, journald_export(JOURNAL_ID, export));

	/* Every line of the file sink, in the journal or counted. */
	lines = calloc(MAX_LINES, sizeof(*lines));
	ASSERT_NE(NULL, lines);
	count = read_reference(log, lines, MAX_LINES);
	ASSERT_LT(20, count);
	f = fopen(export, "r");
	ASSERT_NE(NULL, f);
	snprintf(uid, sizeof(uid), "%u", pw->pw_uid);
	while ((len = getline(&buf, &cap, f)) > 0) {
		char message[4096], prio[8], ident[64], n[24], type[32], chain[80], from[16];
		struct pick p[] = {
			{ "MESSAGE", message, sizeof(message) },
			{ "PRIORITY", prio, sizeof(prio) },
			{ "SYSLOG_IDENTIFIER", ident, sizeof(ident) },
			{ "INPUTAUDIT_N", n, sizeof(n) },
			{ "INPUTAUDIT_TYPE", type, sizeof(type) },
			{ "INPUTAUDIT_CHAIN", chain, sizeof(chain) },
			{ "_UID", from, sizeof(from) },
		};
		unsigned long long i;
		struct ref_line *l;

		entries++;
		if (!pick_members(buf, len, p, ARRAY_SIZE(p)) ||
		    (i = strtoull(n, NULL, 10)) < 1 || i > (unsigned long long)count) {
			if (bad++ < 5)
				TH_LOG("journal entry not from the file: %s", buf);
			continue;
		}
		l = &lines[i - 1];
		if (l->in_journal || strcmp(message, l->text) ||
		    strcmp(ident, JOURNAL_ID) || strcmp(type, l->type) ||
		    strcmp(chain, l->chain) || atoi(prio) != type_priority(type) ||
		    strcmp(from, uid)) {
			if (bad++ < 5)
				TH_LOG("entry %s%s: %s\n  file: %s", n,
				       l->in_journal ? " (twice)" : "", buf, l->text);
		}
		l->in_journal = true;
	}
	free(buf);
	fclose(f);
	EXPECT_EQ(0, bad);
	/*
	 * Two runs of lines not in the journal: the gap, reported by a
	 * sink_loss line once journald was back, and the tail from the stop's
	 * drops to the end, whose drops up to the stop went to the file sink
	 * in a pending sink_loss line; status.json has the exact total (the
	 * few lines after that one, the final stats and checkpoint, too).
	 */
	for (int i = 0; i < count; i++) {
		if (!strcmp(lines[i].type, "sink_loss") && !strcmp(lines[i].sink, "j") &&
		    loss_lines < 2) {
			loss_at[loss_lines] = i + 1;
			loss_count[loss_lines++] = strtoull(lines[i].dropped, NULL, 10);
			loss_dropped += loss_count[loss_lines - 1];
		}
		if (lines[i].in_journal)
			continue;
		if (!missing++ || i + 1 != last_missing + 1)
			runs++;
		if (runs <= 2)
			run_first[runs - 1] = run_first[runs - 1] ?: i + 1;
		if (runs == 2 && !loss_at[1])
			before_pending++;
		last_missing = i + 1;
	}
	first_missing = run_first[0];
	TH_LOG("%d lines, %d in the journal; %d not (n=%d..%d, %d runs), %llu reported dropped in-band",
	       count, entries, missing, first_missing, last_missing, runs, loss_dropped);
	EXPECT_EQ(count - missing, entries);
	EXPECT_EQ(2, runs);
	ASSERT_EQ(2, loss_lines);
	/* the gap: reported after it, exactly */
	EXPECT_EQ((unsigned long long)(missing - (count - run_first[1] + 1)), loss_count[0]);
	EXPECT_LT(run_first[0], loss_at[0]);
	EXPECT_EQ(NULL, strstr(lines[loss_at[0] - 1].text, "\"pending\":true"));
	/* the tail: its drops up to the stop, pending, then nothing delivered */
	EXPECT_EQ(count, last_missing);
	EXPECT_NE(NULL, strstr(lines[loss_at[1] - 1].text, "\"pending\":true"));
	EXPECT_EQ((unsigned long long)before_pending, loss_count[1]);
	h = journal_health(state, &st);
	ASSERT_NE(NULL, h);
	EXPECT_EQ((uint64_t)missing, h->dropped);
	EXPECT_EQ((uint64_t)(count - missing), h->lines);
	EXPECT_STREQ("error", h->state);
	for (int i = 0; i < count; i++)
		free(lines[i].text);
	free(lines);
	if (!getenv("KEEP_TMP")) {
		char cmd[160];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", r.dir);
		if (system(cmd))
			TH_LOG("cleanup of %s failed", r.dir);
	}
}

TEST_HARNESS_MAIN
