// SPDX-License-Identifier: GPL-2.0-only
/*
 * The deployed-system test's host program (selftests/deploy/run-deploy.sh
 * runs it):
 *
 *   deploy_host WORKDIR TIMEOUT_S -- qemu-system-x86_64 ARGS...
 *
 * It starts the collector, a real rsyslogd on the host's loopback that the
 * guest reaches through QEMU's user network (10.0.2.2), syslog over TLS
 * (rsyslog's ossl driver) that accepts only the guest's client certificate
 * (x509/name, from the CA run-deploy.sh made in WORKDIR/tls), then QEMU, whose
 * second serial port is WORKDIR/control.sock (QEMU waits for this program to
 * connect before it starts the machine) and whose QMP socket is
 * WORKDIR/qmp.sock.  Lines from the guest's control port are its TAP output,
 * printed here, and requests, which begin with "@@" and get a reply line:
 *
 *   @@collector                 -> @@collector 10.0.2.2 PORT
 *   @@type usb N                -> N keys typed on QEMU's USB keyboard -> @@typed N
 *   @@expect keys D1 K1 D2 K2   the devices' key presses the collector must hold -> @@ok
 *   @@expect life RUNS N        the daemon's runs up to the RUNS-th (counted by their
 *                               chain_start lines) saw a module that numbered records 1..N;
 *                               the next life (a module reload) begins with the next run -> @@ok
 *
 * When the guest has powered off, the collector is stopped and what it
 * received is checked against those expectations, as TAP: in each module
 * life every sequence number 1..N once (or inside a loss record's range, or
 * merged into a device_added line), every key press.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "collector.h"
#include "qmp.h"

#define GUEST_HOST	"10.0.2.2"	/* the host, from QEMU's user network */
/*
 * QMP's input-send-event goes to a display's console, and from there to the
 * input devices bound to it: run-deploy.sh binds QEMU's USB keyboard to the
 * (otherwise unused) VGA device video0, so that keys reach it and not the
 * PS/2 keyboard.
 */
#define KBD_CONSOLE	"video0"
#define MAX_DEVS	4
#define MAX_LIVES	4

struct expect {
	int ndev;
	int dev[MAX_DEVS];
	long keys[MAX_DEVS];
	int dev_life[MAX_DEVS];		/* dev numbers are a module life's own */
	int nlives;
	long last_run[MAX_LIVES];	/* a life's last daemon run */
	long emitted[MAX_LIVES];	/* its records 1..emitted */
};

static int tap_n;

static void tap(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tap(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - deploy_host: ", ok ? "ok" : "not ok", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static long now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static int connect_unix(const char *path, int ms)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	for (int waited = 0;; waited += 100) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			return fd;
		close(fd);
		if (waited >= ms)
			return -ETIMEDOUT;
		usleep(100000);
	}
}

/* One request from the guest; writes the reply line to @ctl. */
static void handle(int ctl, const char *req, struct collector *col, const char *qmp_path,
		   struct expect *ex)
{
	static int qmp = -1;
	char reply[256];
	int n, d1, d2;
	long k1, k2;

	if (!strcmp(req, "collector")) {
		snprintf(reply, sizeof(reply), "collector %s %u", GUEST_HOST, col->port);
	} else if (sscanf(req, "type usb %d", &n) == 1) {
		if (qmp < 0)
			qmp = qmp_connect(qmp_path, 10000);
		/* 100 ms between presses: QEMU's HID queue holds 16 events, and
		 * faster typing would also be an injection verdict. */
		if (qmp < 0 || qmp_type(qmp, KBD_CONSOLE, n, 100))
			snprintf(reply, sizeof(reply), "error typing (qmp %d)", qmp);
		else
			snprintf(reply, sizeof(reply), "typed %d", n);
	} else if (sscanf(req, "expect keys %d %ld %d %ld", &d1, &k1, &d2, &k2) == 4 &&
		   ex->ndev + 2 <= MAX_DEVS) {
		ex->dev[ex->ndev] = d1;
		ex->dev_life[ex->ndev] = ex->nlives;
		ex->keys[ex->ndev++] = k1;
		ex->dev[ex->ndev] = d2;
		ex->dev_life[ex->ndev] = ex->nlives;
		ex->keys[ex->ndev++] = k2;
		snprintf(reply, sizeof(reply), "ok");
	} else if (sscanf(req, "expect life %ld %ld", &k1, &k2) == 2 && ex->nlives < MAX_LIVES) {
		ex->last_run[ex->nlives] = k1;
		ex->emitted[ex->nlives++] = k2;
		snprintf(reply, sizeof(reply), "ok");
	} else {
		snprintf(reply, sizeof(reply), "error: unknown request");
	}
	fprintf(stderr, "# deploy_host: %s -> %s\n", req, reply);
	dprintf(ctl, "@@%s\n", reply);
}

/*
 * Relays the guest's lines until QEMU exits or @deadline.
 * Return: QEMU's exit status, or -1 (killed at the deadline).
 */
static int relay(pid_t qemu, int ctl, struct collector *col, const char *qmp_path,
		 struct expect *ex, long deadline)
{
	char line[8192];
	size_t len = 0;
	int status;

	for (;;) {
		struct pollfd p = { .fd = ctl, .events = POLLIN };
		char buf[4096];
		ssize_t n;

		if (waitpid(qemu, &status, WNOHANG) == qemu)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		if (now_s() > deadline) {
			kill(qemu, SIGKILL);
			waitpid(qemu, &status, 0);
			return -1;
		}
		if (ctl < 0 || poll(&p, 1, 500) <= 0)
			continue;
		n = read(ctl, buf, sizeof(buf));
		if (n <= 0) {
			close(ctl);
			ctl = -1;	/* QEMU is going away */
			continue;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\r')
				continue;
			if (buf[i] != '\n') {
				if (len + 1 < sizeof(line))
					line[len++] = buf[i];
				continue;
			}
			line[len] = '\0';
			len = 0;
			if (!strncmp(line, "@@", 2))
				handle(ctl, line + 2, col, qmp_path, ex);
			else
				printf("%s\n", line);
			fflush(stdout);
		}
	}
}

/* A "KEY":NUMBER field of a JSON line, or -1. */
static long json_num(const char *line, const char *key)
{
	char needle[64];
	const char *p;

	snprintf(needle, sizeof(needle), "\"%s\":", key);
	p = strstr(line, needle);
	return p ? strtol(p + strlen(needle), NULL, 10) : -1;
}

/* A module life's sequence numbers: 0 not seen, 1 in a line, 2 in a loss record. */
struct life {
	unsigned char *seen;
	long emitted, dup, lost;
};

/* Marks what the collector line @msg accounts for in @l. */
static void account(struct life *l, const char *msg)
{
	long seq = json_num(msg, "seq"), first, last;

	if (seq >= 1 && seq <= l->emitted) {
		l->dup += l->seen[seq] == 1;
		l->seen[seq] = 1;
	}
	/*
	 * A device_added line stands for the device_name records merged into
	 * it too (name_records), whose numbers precede its own.
	 */
	if (seq > 0 && strstr(msg, "\"type\":\"device_added\""))
		for (long s = seq - json_num(msg, "name_records"); s > 0 && s < seq && s <= l->emitted; s++)
			l->seen[s] = l->seen[s] ?: 1;
	/* A loss record accounts for the numbers it names. */
	if (strstr(msg, "\"type\":\"loss\"")) {
		first = json_num(msg, "first_seq");
		last = json_num(msg, "last_seq");
		for (long s = first; s >= 1 && s <= last && s <= l->emitted; s++)
			if (!l->seen[s]) {
				l->seen[s] = 2;
				l->lost++;
			}
	}
}

/* Checks what the collector received against what the guest said. */
static void check_collector(const char *out, const struct expect *ex)
{
	struct life lives[MAX_LIVES] = { 0 };
	long keys[MAX_DEVS] = { 0 };
	long lines = 0, run = 0;
	char *line = NULL;
	size_t cap = 0;
	int cur = 0;
	FILE *f;

	tap(ex->nlives > 0, "the guest reported the module's record counts (%d lives)", ex->nlives);
	f = fopen(out, "re");
	tap(f != NULL, "the collector wrote %s", out);
	if (!f || !ex->nlives)
		goto out;
	for (int i = 0; i < ex->nlives; i++) {
		lives[i].emitted = ex->emitted[i];
		lives[i].seen = calloc(ex->emitted[i] + 2, 1);
		if (!lives[i].seen)
			goto out;
	}
	while (getline(&line, &cap, f) > 0) {
		const char *msg = strrchr(line, '\t');

		if (!msg)
			continue;
		lines++;
		/* Lines arrive in order: a life ends with its last run's lines. */
		if (strstr(msg, "\"type\":\"chain_start\"")) {
			run++;
			while (cur < ex->nlives - 1 && run > ex->last_run[cur])
				cur++;
		}
		if (run > ex->last_run[ex->nlives - 1])
			continue;	/* after the last count the guest took */
		account(&lives[cur], msg);
		if (strstr(msg, "\"type\":\"activity\""))
			for (int i = 0; i < ex->ndev; i++)
				if (cur == ex->dev_life[i] && json_num(msg, "dev") == ex->dev[i])
					keys[i] += json_num(msg, "key_presses");
	}
	for (int i = 0; i < ex->nlives; i++) {
		struct life *l = &lives[i];
		long missing = 0;

		for (long s = 1; s <= l->emitted; s++)
			missing += !l->seen[s];
		tap(missing == 0 && l->dup == 0,
		    "module life %d (runs up to %ld): the collector holds sequence numbers 1..%ld: %ld missing, "
		    "%ld in loss records, %ld twice", i + 1, ex->last_run[i], l->emitted, missing, l->lost,
		    l->dup);
	}
	tap(run >= ex->last_run[ex->nlives - 1], "the collector got %ld runs (%ld lines)", run, lines);
	for (int i = 0; i < ex->ndev; i++)
		tap(keys[i] == ex->keys[i], "the collector counts %ld of %ld key presses of dev %d",
		    keys[i], ex->keys[i], ex->dev[i]);
	tap(ex->ndev == 2, "the guest named the two keyboards (%d devices)", ex->ndev);
out:
	for (int i = 0; i < MAX_LIVES; i++)
		free(lives[i].seen);
	free(line);
	if (f)
		fclose(f);
}

int main(int argc, char **argv)
{
	struct expect ex = { 0 };
	char sock[256], qmp_path[256], coldir[256], ca[256], cert[256], key[256];
	struct collector_tls tls = {
		.driver = "ossl", .authmode = "x509/name",
		.permitted_peer = "deploy-guest.inputaudit.test",
	};
	struct collector col;
	long timeout;
	int ctl, rc;
	pid_t qemu;

	if (argc < 5 || strcmp(argv[3], "--")) {
		fprintf(stderr, "usage: deploy_host WORKDIR TIMEOUT_S -- QEMU ARGS...\n");
		return 2;
	}
	timeout = strtol(argv[2], NULL, 10);
	snprintf(sock, sizeof(sock), "%s/control.sock", argv[1]);
	snprintf(qmp_path, sizeof(qmp_path), "%s/qmp.sock", argv[1]);
	snprintf(coldir, sizeof(coldir), "%s/collector", argv[1]);
	mkdir(coldir, 0700);
	/* The certificates run-deploy.sh made in WORKDIR/tls; the guest holds its client's. */
	snprintf(ca, sizeof(ca), "%s/tls/ca.pem", argv[1]);
	snprintf(cert, sizeof(cert), "%s/tls/collector.pem", argv[1]);
	snprintf(key, sizeof(key), "%s/tls/collector.key", argv[1]);
	tls.ca = ca;
	tls.cert = cert;
	tls.key = key;
	if (!collector_tls_available(tls.driver)) {
		tap(false, "rsyslog's %s netstream driver (rsyslog-openssl) is installed", tls.driver);
		return 1;
	}
	if (collector_init_tls(&col, coldir, &tls) || collector_start(&col, 10000)) {
		tap(false, "rsyslogd collector started in %s", coldir);
		return 1;
	}
	fprintf(stderr, "# deploy_host: collector rsyslogd on 127.0.0.1:%u, TLS with client certificates (%s)\n",
		col.port, col.out);

	qemu = fork();
	if (qemu == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);	/* no guest outlives a killed test */
		execvp(argv[4], argv + 4);
		_exit(127);
	}
	ctl = qemu > 0 ? connect_unix(sock, 30000) : -1;
	if (ctl < 0) {
		tap(false, "QEMU's control port %s", sock);
		if (qemu > 0)
			kill(qemu, SIGKILL);
		collector_stop(&col);
		return 1;
	}
	rc = relay(qemu, ctl, &col, qmp_path, &ex, now_s() + timeout);
	collector_stop(&col);
	tap(rc == 0, "the guest powered off (QEMU exit %d%s)", rc, rc < 0 ? ": killed after the timeout" : "");
	check_collector(col.out, &ex);
	return 0;
}
