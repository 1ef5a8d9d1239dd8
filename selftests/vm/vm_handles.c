// SPDX-License-Identifier: GPL-2.0-only
/*
 * Handles follow consumers, inside the VM: how long attaching and detaching
 * take with many devices, that nobody reading the status waits for them,
 * that a pending signal in the attaching task never costs capture, and
 * that an open that keeps failing is retried with back-off.  The consumer
 * here is a minimal raw tracepoint program loaded with bpf(2) directly, so
 * that the test controls the attaching task (its signals) exactly.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/input.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "inputaudit.h"
#include "fault_util.h"
#include "kmod_util.h"
#include "uinput_util.h"

#define STATUS		"/sys/kernel/inputaudit/status"
#define NDEV		50
#define TEST_TIMEOUT	300

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* "r0 = 0; exit": a raw tracepoint program that only makes a consumer. */
static int load_prog(void)
{
	static const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = sizeof(insns) / sizeof(insns[0]);
	attr.license = (uintptr_t)"GPL";
	return syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
}

/* Attaches the program to the module's tracepoint; the link fd or -errno. */
static int attach(int prog)
{
	static const char *const names[] = {
		INPUTAUDIT_TP_NAME, INPUTAUDIT_TP_NAME_SUFFIXED,
	};
	union bpf_attr attr;
	int fd = -ENOENT;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		memset(&attr, 0, sizeof(attr));
		attr.raw_tracepoint.name = (uintptr_t)names[i];
		attr.raw_tracepoint.prog_fd = prog;
		fd = syscall(__NR_bpf, BPF_RAW_TRACEPOINT_OPEN, &attr,
			     sizeof(attr));
		if (fd >= 0 || errno != ENOENT)
			return fd >= 0 ? fd : -errno;
	}
	return -ENOENT;
}

/* "open=N" of the status line, or -1 (a module without it). */
static int open_count(void)
{
	long v;

	return module_status_field("open", &v) ? (int)v : -1;
}

/*
 * Waits until want handles are open.  A module without "open=" in its
 * status (before the handles followed consumers in a worker) opened and
 * closed them within the attach and the detach: nothing to wait for.
 */
static bool wait_open_count(int want, int timeout_ms, uint64_t *ns)
{
	uint64_t t0 = now_ns();
	int n;

	for (int waited = 0; waited <= timeout_ms; waited++) {
		n = open_count();
		if (n == want || n < 0) {
			if (ns)
				*ns = now_ns() - t0;
			return true;
		}
		usleep(1000);
	}
	return false;
}

/* Reads the status file in a loop and keeps the slowest read. */
struct status_reader {
	pthread_t th;
	volatile bool stop;
	uint64_t max_ns, reads;
};

static void *status_main(void *arg)
{
	struct status_reader *r = arg;
	char buf[256];

	while (!r->stop) {
		uint64_t t0 = now_ns(), dt;

		read_file(STATUS, buf, sizeof(buf));
		dt = now_ns() - t0;
		if (dt > r->max_ns)
			r->max_ns = dt;
		r->reads++;
	}
	return NULL;
}

/*
 * Opens and closes every device's event node in a loop: evdev's open and
 * close take the device's mutex, as the module's open does, so that an
 * open of the module's has to wait for it now and then.
 */
struct contender {
	pthread_t th;
	volatile bool stop;
	char nodes[NDEV][64];
	int n;
};

static void *contend_main(void *arg)
{
	struct contender *c = arg;

	while (!c->stop) {
		for (int i = 0; i < c->n && !c->stop; i++) {
			int fd = open(c->nodes[i], O_RDONLY | O_CLOEXEC);

			if (fd >= 0)
				close(fd);
		}
	}
	return NULL;
}

FIXTURE(handles) {
	int ufd[NDEV];
	int n;
	int prog;
	int link;
};

FIXTURE_SETUP(handles)
{
	char name[32];

	self->n = 0;
	self->link = -1;
	if (access("/dev/uinput", W_OK))
		SKIP(return, "no /dev/uinput");
	if (kmod_loaded())
		ASSERT_EQ(0, kmod_unload_wait(5000));
	ASSERT_EQ(0, kmod_load("level=activity"));
	self->prog = load_prog();
	ASSERT_LE(0, self->prog) {
		TH_LOG("BPF_PROG_LOAD: %s", strerror(errno));
	}
	for (int i = 0; i < NDEV; i++) {
		snprintf(name, sizeof(name), "ia-handles-%d", i);
		self->ufd[i] = uinput_create(UINPUT_KEYBOARD, name);
		ASSERT_LE(0, self->ufd[i]);
		self->n++;
	}
}

FIXTURE_TEARDOWN(handles)
{
	if (self->link >= 0)
		close(self->link);
	for (int i = 0; i < self->n; i++)
		uinput_destroy(self->ufd[i]);
	if (self->prog >= 0)
		close(self->prog);
	EXPECT_EQ(0, kmod_unload_wait(10000));
}

static int devices(void)
{
	long v;

	return module_status_field("devices", &v) ? (int)v : -1;
}

/*
 * With 50 devices more, every handle opens when a consumer attaches and
 * closes when it detaches, while the status file is read throughout; how
 * long each step took is printed (the README's attach/detach figures).
 */
TEST_F_TIMEOUT(handles, attach_detach_50_devices, TEST_TIMEOUT)
{
	struct status_reader r = { 0 };
	uint64_t t0, attach_ns, detach_ns, open_ns, close_ns;
	int ndev = devices();

	ASSERT_LE(NDEV, ndev);
	EXPECT_GE(0, open_count());
	ASSERT_EQ(0, pthread_create(&r.th, NULL, status_main, &r));

	t0 = now_ns();
	self->link = attach(self->prog);
	attach_ns = now_ns() - t0;
	ASSERT_LE(0, self->link);
	EXPECT_TRUE(wait_open_count(ndev, 10000, &open_ns));

	t0 = now_ns();
	close(self->link);
	self->link = -1;
	detach_ns = now_ns() - t0;
	EXPECT_TRUE(wait_open_count(0, 10000, &close_ns));

	r.stop = true;
	pthread_join(r.th, NULL);
	ksft_print_msg("attach_detach: %d devices: attach returned in %.1f ms, all open %.1f ms later; detach returned in %.1f ms, all closed %.1f ms later; status read %llu times, slowest %.1f ms\n",
		       ndev, attach_ns / 1e6, open_ns / 1e6, detach_ns / 1e6,
		       close_ns / 1e6, (unsigned long long)r.reads,
		       r.max_ns / 1e6);
	/* Timings are reported (README), not judged: TCG times are noise. */
}

/* Signals the attaching thread in a loop, so that one is pending in it. */
struct signaller {
	pthread_t th;
	pthread_t target;
	volatile bool stop;
	unsigned long sent;
};

static void on_usr1(int sig)
{
	(void)sig;
}

static void *signal_main(void *arg)
{
	struct signaller *s = arg;

	while (!s->stop) {
		pthread_kill(s->target, SIGUSR1);
		s->sent++;
		usleep(200);
	}
	return NULL;
}

/*
 * Attaches the consumer (again when a signal interrupted the attach) and
 * expects every device captured within 10 s: open= counts a device once
 * its capture has started.  What is checked is that none is lost, not how
 * fast (that is attach_detach_50_devices): with signals and contending
 * opens, under single-threaded TCG, the last ones once took over 2 s.
 */
static void attach_expect_captured(struct __test_metadata *_metadata,
				   FIXTURE_DATA(handles) *self, int ndev,
				   int round)
{
	do
		self->link = attach(self->prog);
	while (self->link == -EINTR);
	ASSERT_LE(0, self->link);
	EXPECT_TRUE(wait_open_count(ndev, 10000, NULL)) {
		TH_LOG("round %d: open=%d of %d", round, open_count(), ndev);
	}
}

/*
 * Signals arriving in the task that attaches the consumer, while other
 * opens and closes hold the devices' mutexes, never cost a device its
 * capture: no open fails, every handle opens.
 */
TEST_F_TIMEOUT(handles, pending_signal_costs_no_capture, TEST_TIMEOUT)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
	struct signaller sig = { .target = pthread_self() };
	struct contender c = { 0 };
	int ndev = devices();

	for (int i = 0; i < self->n; i++)
		ASSERT_EQ(0, uinput_event_node(self->ufd[i], c.nodes[i],
					       sizeof(c.nodes[i])));
	c.n = self->n;
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(0, pthread_create(&c.th, NULL, contend_main, &c));
	ASSERT_EQ(0, pthread_create(&sig.th, NULL, signal_main, &sig));
	usleep(100000);

	for (int round = 0; round < 20; round++) {
		attach_expect_captured(_metadata, self, ndev, round);
		close(self->link);
		self->link = -1;
		EXPECT_TRUE(wait_open_count(0, 10000, NULL));
	}
	sig.stop = true;
	pthread_join(sig.th, NULL);
	c.stop = true;
	pthread_join(c.th, NULL);
	ksft_print_msg("pending_signal: 20 attaches, %lu signals sent\n",
		       sig.sent);
	/* Signals are not failures: nothing was logged as one. */
	EXPECT_FALSE(klog_contains("open failed (-4)"));
	EXPECT_FALSE(klog_contains("open failed (-512)"));
}

/*
 * A consumer that comes back while the handles of the one that left are
 * still being closed (each close waits for an RCU grace period, so the
 * worker is in the middle of its list): every device is captured again.
 * The worker once opened, in the moment between the attach and the probe
 * going live, devices whose capture could not start then, and left them
 * open and uncaptured until the next detach.
 */
TEST_F_TIMEOUT(handles, reattach_while_closing_captures_all, TEST_TIMEOUT)
{
	int ndev = devices();

	for (int round = 0; round < 10; round++) {
		attach_expect_captured(_metadata, self, ndev, round);
		/* No wait for the closes: the next attach comes at once. */
		close(self->link);
		self->link = -1;
	}
	EXPECT_TRUE(wait_open_count(0, 10000, NULL));
}

/* fail_function's count of injections left, or -1. */
static long fail_times(void)
{
	char buf[32];

	if (read_file(FAIL_FUNCTION_DIR "/times", buf, sizeof(buf)) <= 0)
		return -1;
	return strtol(buf, NULL, 10);
}

/*
 * An open that keeps failing is tried again after 250 ms, then after
 * twice as long each time (not every monitor tick), and the device is
 * captured as soon as an open succeeds.  Needs fault injection in the
 * kernel (the debug kernel has it; Debian's kernels do not).
 */
TEST_F_TIMEOUT(handles, failing_open_backs_off, TEST_TIMEOUT)
{
	long left;

	if (!fail_function_available())
		SKIP(return, "no fail_function (CONFIG_FAIL_FUNCTION) in this kernel");
	ASSERT_TRUE(fail_function_injectable("inputaudit_open_device"));
	/* Every open fails with -ENOMEM, in every task (the worker too). */
	ASSERT_EQ(0, fail_function_inject("inputaudit_open_device", -ENOMEM,
					  1000, false));

	self->link = attach(self->prog);
	ASSERT_LE(0, self->link);
	sleep_ms(4000);
	left = fail_times();
	/* Every device fails at 0 ms, 250, 750, 1750, 3750: five each. */
	ksft_print_msg("failing_open: %ld failed opens of %d devices in 4 s\n",
		       1000 - left, devices());
	EXPECT_GE(5L * devices(), 1000 - left);
	EXPECT_LE((long)devices(), 1000 - left);
	EXPECT_EQ(0, open_count());
	EXPECT_TRUE(klog_contains("open failed (-12), retrying with back-off"));

	/* Faults off: the next try opens every handle. */
	ASSERT_EQ(0, fail_function_clear());
	EXPECT_TRUE(wait_open_count(devices(), 70000, NULL));
	close(self->link);
	self->link = -1;
}

TEST_HARNESS_MAIN
