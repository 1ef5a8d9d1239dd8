// SPDX-License-Identifier: GPL-2.0-only
/*
 * The deployed-system test, inside the booted Debian 12 guest (systemd as
 * PID 1; selftests/deploy/run-deploy.sh makes the machine): the packages are
 * installed and the daemon run exactly as a fleet does, and each step is a
 * test.  The tests run in file order and build on each other (the system is
 * their shared state): install, start, the module's options, the daemon's
 * privileges, input from the keyboard QEMU attached at boot and from a new
 * uinput keyboard through every sink, a broken reload, a restart, verify,
 * and finally the count of records the module numbered, which the host
 * program (deploy_host.c) compares with what its collector received.
 */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/input-event-codes.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "kselftest_harness.h"
#include "guest_util.h"
#include "uinput_util.h"

#define UNIT		"inputauditd"
#define CONF		"/etc/inputaudit/inputauditd.conf"
#define LOG		"/var/log/inputaudit/audit.jsonl"
#define LOG_ROTATED	LOG ".1"	/* where the reload test's "logrotate" moves it */
#define JOURNAL_OUT	"/var/tmp/deploy-journal.jsonl"
#define NODE_EXPORTER_DIR	"/var/lib/prometheus/node-exporter"
#define MODPROBE_CONF	"/etc/modprobe.d/inputaudit-fleet.conf"
/* fleet.conf's tls_ca, tls_cert, tls_key: the fleet's, not the packages' (purge keeps them). */
#define TLS_DIR		"/etc/ssl/inputaudit"
#define DROPIN_DIR	"/etc/systemd/system/" UNIT ".service.d"
#define USB_KBD_NAME	"QEMU QEMU USB Keyboard"
#define UINPUT_KBD_NAME	"deploy uinput keyboard"
/* A window the module is loaded with (modprobe.d), not its default (10000). */
#define FLEET_WINDOW_MS	"1000"
/* Each step's limit, under TCG: apt with the DKMS build of the module takes minutes. */
#define STEP_TIMEOUT	900
#define USB_KEYS	8
#define UINPUT_KEYS	10

/* No state of its own: the system is the tests' shared state. */
FIXTURE(deploy) {
	int unused;
};
/* Each step's start on the guest's clock: where the time of a run goes. */
FIXTURE_SETUP(deploy)
{
	char up[64];

	if (read_text("/proc/uptime", up, sizeof(up)) > 0)
		ksft_print_msg("%s: up %.*s s\n", _metadata->name, (int)strcspn(up, " "), up);
}
FIXTURE_TEARDOWN(deploy)
{
}

/* The payload's package file matching @pattern (a glob under PAYLOAD). */
static int payload_file(const char *pattern, char *path, size_t size)
{
	glob_t g;
	int ret = -ENOENT;

	if (!glob(pattern, 0, NULL, &g) && g.gl_pathc == 1) {
		snprintf(path, size, "%s", g.gl_pathv[0]);
		ret = 0;
	}
	globfree(&g);
	return ret;
}

/*
 * The dev number of the last device_added line for the device @name in the
 * JSON lines file @path, or -1.
 */
static int find_dev(const char *path, const char *name)
{
	char needle[256], *line = NULL, *p;
	size_t cap = 0;
	int dev = -1;
	FILE *f;

	snprintf(needle, sizeof(needle), "\"name\":\"%s\"", name);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (getline(&line, &cap, f) > 0) {
		if (!strstr(line, "\"type\":\"device_added\"") || !strstr(line, needle))
			continue;
		p = strstr(line, "\"dev\":");
		if (p)
			dev = atoi(p + 6);
	}
	free(line);
	fclose(f);
	return dev;
}

/* The key presses the activity records of @dev in @path add up to. */
static long key_presses(const char *path, int dev)
{
	char needle[64], *line = NULL, *p;
	size_t cap = 0;
	long sum = 0;
	FILE *f;

	snprintf(needle, sizeof(needle), "\"type\":\"activity\",\"dev\":%d,", dev);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (getline(&line, &cap, f) > 0) {
		if (!strstr(line, needle))
			continue;
		p = strstr(line, "\"key_presses\":");
		if (p)
			sum += atol(p + 14);
	}
	free(line);
	fclose(f);
	return sum;
}

/*
 * Runs of the daemon in the file sink's log so far: the chain_start lines of
 * the file and of the one logrotate moved away (the reload test does).
 */
static long runs_in_log(void)
{
	long rotated = count_lines_with(LOG_ROTATED, "\"type\":\"chain_start\"");

	return count_lines_with(LOG, "\"type\":\"chain_start\"") + (rotated > 0 ? rotated : 0);
}

/* The journal sink's lines, as journald keeps them, into JOURNAL_OUT. */
static int journal_lines(void)
{
	return sh("journalctl --sync; journalctl -t inputaudit -o cat --no-pager >" JOURNAL_OUT);
}

/* Waits up to @ms until the activity of @dev in @path adds up to @want key presses. */
static long wait_key_presses(const char *path, int dev, long want, int ms, bool journal)
{
	long got = -1;

	for (int waited = 0; waited <= ms; waited += 500) {
		if (journal)
			journal_lines();
		got = key_presses(path, dev);
		if (got >= want)
			break;
		usleep(500000);
	}
	return got;
}

/*
 * What a fleet's configuration management lays down before it installs the
 * packages: the daemon's configuration (the collector's address from the
 * host program), module options, and a drop-in that lets the hardened unit
 * reach a collector that is not on loopback.  Then apt installs both
 * packages from files, offline: every dependency must already be there.
 */
TEST_F_TIMEOUT(deploy, install_packages_offline_after_preseeding, STEP_TIMEOUT)
{
	char reply[128], host[64], dkms[256], daemon[256], vermagic[256];
	unsigned int port;
	struct utsname u;

	ASSERT_EQ(0, host_request("collector", reply, sizeof(reply), 10000));
	ASSERT_EQ(2, sscanf(reply, "collector %63s %u", host, &port)) TH_LOG("%s", reply);
	/* The fleet's TLS material, as its configuration management lays it down. */
	ASSERT_EQ(0, sh("install -d -m 0755 " TLS_DIR " && "
			"install -m 0644 " PAYLOAD "/tls/ca.pem " PAYLOAD "/tls/deploy-guest.pem " TLS_DIR " && "
			"install -m 0600 " PAYLOAD "/tls/deploy-guest.key " TLS_DIR));
	ASSERT_EQ(0, sh("mkdir -p /etc/inputaudit " DROPIN_DIR " && "
			"sed -e 's/@COLLECTOR_HOST@/%s/' -e 's/@COLLECTOR_PORT@/%u/' "
			PAYLOAD "/fleet.conf >" CONF, host, port));
	ASSERT_EQ(0, write_text(MODPROBE_CONF, "options inputaudit window_ms=" FLEET_WINDOW_MS "\n"));
	ASSERT_EQ(0, sh("printf '[Service]\\nIPAddressAllow=%s\\n' >" DROPIN_DIR "/collector.conf", host));

	ASSERT_EQ(0, payload_file(PAYLOAD "/inputaudit-dkms_*_all.deb", dkms, sizeof(dkms)));
	ASSERT_EQ(0, payload_file(PAYLOAD "/inputauditd_*_amd64.deb", daemon, sizeof(daemon)));
	if (sh("apt-get install -y -q -o Dpkg::Options::=--force-confold %s %s", dkms, daemon)) {
		sh_show_output(40);
		ASSERT_TRUE(false) TH_LOG("apt-get install failed");
	}
	/* The fleet's configuration stayed; DKMS built the module for this kernel. */
	EXPECT_TRUE(file_contains(CONF, "[sink syslog collector]"));
	ASSERT_EQ(0, uname(&u));
	EXPECT_EQ(0, sh("dkms status inputaudit | grep -F '%s' | grep -q installed", u.release)) {
		sh("dkms status");
		sh_show_output(10);
	}
	ASSERT_EQ(0, sh("modinfo -F vermagic inputaudit"));
	ASSERT_LT(0, read_text(CMD_OUT, vermagic, sizeof(vermagic)));
	EXPECT_EQ(0, strncmp(vermagic, u.release, strlen(u.release))) TH_LOG("%s", vermagic);
}

TEST_F_TIMEOUT(deploy, enable_now_runs_the_daemon, STEP_TIMEOUT)
{
	ASSERT_EQ(0, sh("systemctl enable --now " UNIT)) sh_show_output(20);
	ASSERT_NE(0, wait_unit_active(UNIT, 60000)) {
		sh("systemctl status --no-pager " UNIT "; journalctl -b -u " UNIT " --no-pager | tail -n 30");
		sh_show_output(40);
	}
	EXPECT_EQ(0, sh("systemctl is-enabled --quiet " UNIT));
	/*
	 * The dropped daemon reaches the collector over TLS with the key it
	 * read as root, and the collector proved its name (status, as root).
	 */
	EXPECT_EQ(0, sh("for i in $(seq 120); do inputauditctl status >/var/tmp/deploy-status 2>&1; "
			"grep -q 'collector: transport tls, .*verified' /var/tmp/deploy-status && exit 0; "
			"sleep 0.5; done; cat /var/tmp/deploy-status; exit 1")) sh_show_output(40);
}

/* The unit loaded the module, and modprobe read the fleet's options. */
TEST_F_TIMEOUT(deploy, module_has_the_options_of_modprobe_d, STEP_TIMEOUT)
{
	char val[32];

	ASSERT_LT(0, read_text("/sys/module/inputaudit/parameters/window_ms", val, sizeof(val)));
	EXPECT_EQ(0, strcmp(val, FLEET_WINDOW_MS "\n")) TH_LOG("window_ms=%s", val);
	ASSERT_LT(0, read_text("/sys/kernel/inputaudit/status", val, sizeof(val)));
	EXPECT_NE(NULL, strstr(val, "level=activity")) TH_LOG("%s", val);
}

/* Its own user, no capability left, no_new_privs, seccomp filtering. */
TEST_F_TIMEOUT(deploy, daemon_runs_as_its_user_without_privileges, STEP_TIMEOUT)
{
	char path[64], st[4096], want[128], id[32];
	unsigned long uid, gid;
	pid_t pid;

	pid = unit_main_pid(UNIT);
	ASSERT_LT(0, pid);
	/* id(1): a static binary cannot use the system's NSS modules. */
	ASSERT_EQ(0, sh("id -u inputaudit"));
	ASSERT_LT(0, read_text(CMD_OUT, id, sizeof(id)));
	uid = strtoul(id, NULL, 10);
	ASSERT_EQ(0, sh("id -g inputaudit"));
	ASSERT_LT(0, read_text(CMD_OUT, id, sizeof(id)));
	gid = strtoul(id, NULL, 10);
	ASSERT_NE(0UL, uid);
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	ASSERT_LT(0, read_text(path, st, sizeof(st)));
	snprintf(want, sizeof(want), "\nUid:\t%lu\t%lu\t%lu\t%lu\n", uid, uid, uid, uid);
	EXPECT_NE(NULL, strstr(st, want)) TH_LOG("%s", st);
	snprintf(want, sizeof(want), "\nGid:\t%lu\t%lu\t%lu\t%lu\n", gid, gid, gid, gid);
	EXPECT_NE(NULL, strstr(st, want)) TH_LOG("%s", st);
	EXPECT_NE(NULL, strstr(st, "\nCapPrm:\t0000000000000000\n"));
	EXPECT_NE(NULL, strstr(st, "\nCapEff:\t0000000000000000\n"));
	EXPECT_NE(NULL, strstr(st, "\nCapBnd:\t0000000000000000\n"));
	EXPECT_NE(NULL, strstr(st, "\nNoNewPrivs:\t1\n"));
	EXPECT_NE(NULL, strstr(st, "\nSeccomp:\t2\n"));
}

/*
 * The keyboard QEMU attached at boot was there long before the daemon: it is
 * announced as present.  The host types on it through QEMU; a new uinput
 * keyboard types too.  Every key press is counted in the activity records of
 * the file sink and of the journal.
 */
TEST_F_TIMEOUT(deploy, boot_keyboard_and_uinput_keyboard_reach_file_and_journal, STEP_TIMEOUT)
{
	char reply[128], line[256];
	int usb, kbd, fd;
	long got;

	ASSERT_TRUE(wait_file_contains(LOG, "\"name\":\"" USB_KBD_NAME "\"", 30000));
	usb = find_dev(LOG, USB_KBD_NAME);
	ASSERT_LE(0, usb);
	snprintf(line, sizeof(line), "\"type\":\"device_added\",\"dev\":%d,", usb);
	EXPECT_TRUE(file_contains(LOG, "\"present\":true"));

	fd = uinput_create(UINPUT_KEYBOARD, UINPUT_KBD_NAME);
	ASSERT_LE(0, fd);
	ASSERT_TRUE(wait_file_contains(LOG, "\"name\":\"" UINPUT_KBD_NAME "\"", 10000));
	kbd = find_dev(LOG, UINPUT_KBD_NAME);
	ASSERT_LE(0, kbd);

	snprintf(line, sizeof(line), "type usb %d", USB_KEYS);
	ASSERT_EQ(0, host_request(line, reply, sizeof(reply), 60000));
	ASSERT_EQ(0, strncmp(reply, "typed", 5)) TH_LOG("%s", reply);
	ASSERT_EQ(UINPUT_KEYS, uinput_type(fd, "deploytest"));

	got = wait_key_presses(LOG, usb, USB_KEYS, 15000, false);
	EXPECT_EQ(USB_KEYS, got) TH_LOG("file sink: USB keyboard dev %d", usb);
	got = wait_key_presses(LOG, kbd, UINPUT_KEYS, 15000, false);
	EXPECT_EQ(UINPUT_KEYS, got) TH_LOG("file sink: uinput keyboard dev %d", kbd);
	got = wait_key_presses(JOURNAL_OUT, usb, USB_KEYS, 15000, true);
	EXPECT_EQ(USB_KEYS, got) TH_LOG("journal: USB keyboard dev %d", usb);
	got = wait_key_presses(JOURNAL_OUT, kbd, UINPUT_KEYS, 15000, true);
	EXPECT_EQ(UINPUT_KEYS, got) TH_LOG("journal: uinput keyboard dev %d", kbd);
	uinput_destroy(fd);

	/* The host checks its collector got the same. */
	snprintf(line, sizeof(line), "expect keys %d %d %d %d", usb, USB_KEYS, kbd, UINPUT_KEYS);
	ASSERT_EQ(0, host_request(line, reply, sizeof(reply), 10000));
}

/*
 * systemctl reload with a broken configuration keeps the running one, with a
 * good one applies it, and after logrotate moved the file away reopens it.
 */
TEST_F_TIMEOUT(deploy, reload_keeps_a_broken_config_out_and_reopens_the_log, STEP_TIMEOUT)
{
	pid_t before, after;

	before = unit_main_pid(UNIT);
	ASSERT_LT(0, before);
	ASSERT_EQ(0, sh("cp -p " CONF " /var/tmp/good.conf && "
			"printf '[rule broken]\\naction = explode\\n' >>" CONF));
	ASSERT_EQ(0, sh("systemctl reload " UNIT)) sh_show_output(20);
	EXPECT_EQ(0, sh("for i in $(seq 50); do journalctl -b -u " UNIT " --no-pager | "
			"grep -q 'keeping the running configuration' && exit 0; sleep 0.2; done; exit 1"));
	after = wait_unit_active(UNIT, 5000);
	EXPECT_EQ(before, after);
	ASSERT_EQ(0, sh("cp -p /var/tmp/good.conf " CONF));
	ASSERT_EQ(0, sh("systemctl reload " UNIT));
	EXPECT_EQ(before, wait_unit_active(UNIT, 5000));

	/*
	 * logrotate: the file moved away, then `systemctl reload` (its
	 * postrotate): the daemon, long since its own user, opens a new file
	 * and writes there (a stats line every 5 s), not to the moved one.
	 */
	ASSERT_EQ(0, sh("mv " LOG " " LOG_ROTATED));
	ASSERT_EQ(0, sh("systemctl reload " UNIT));
	EXPECT_TRUE(wait_file_contains(LOG, "\"type\":\"stats\"", 20000)) {
		sh("journalctl -b -u " UNIT " --no-pager | tail -n 5; ls -la /var/log/inputaudit");
		sh_show_output(10);
	}
	EXPECT_EQ(0, sh("test \"$(stat -c %%U " LOG ")\" = inputaudit")) sh_show_output(5);
	EXPECT_EQ(before, wait_unit_active(UNIT, 5000));
}

/* A restart is a new run: a new chain in the log. */
TEST_F_TIMEOUT(deploy, restart_is_a_new_run_in_the_log, STEP_TIMEOUT)
{
	long before, after;
	pid_t pid;

	before = runs_in_log();
	ASSERT_LE(1, before);
	pid = unit_main_pid(UNIT);
	ASSERT_EQ(0, sh("systemctl restart " UNIT));
	ASSERT_NE(0, wait_unit_active(UNIT, 60000));
	EXPECT_NE(pid, unit_main_pid(UNIT));
	for (int i = 0; i < 50; i++) {
		after = runs_in_log();
		if (after > before)
			break;
		usleep(200000);
	}
	EXPECT_EQ(before + 1, after);
}

/* inputauditctl verify passes on a copy of the file sink's log. */
TEST_F_TIMEOUT(deploy, verify_passes_on_a_copy_of_the_log, STEP_TIMEOUT)
{
	/* Stopped: every run in the file ends cleanly. */
	ASSERT_EQ(0, sh("systemctl stop " UNIT));
	ASSERT_EQ(0, sh("cp " LOG_ROTATED " /var/tmp/audit-copy.jsonl.1 && cp " LOG " /var/tmp/audit-copy.jsonl"));
	/*
	 * Oldest first: the file logrotate moved away, then the one the daemon
	 * reopened; the runs linked, and the log reaches the last line the
	 * chain state saved (nothing cut from its end).
	 */
	EXPECT_EQ(0, sh("inputauditctl verify --key /etc/inputaudit/chain.key "
			"--state-dir /var/lib/inputaudit "
			"/var/tmp/audit-copy.jsonl.1 /var/tmp/audit-copy.jsonl")) {
		sh_show_output(10);
	}
	ASSERT_EQ(0, sh("systemctl start " UNIT));
	ASSERT_NE(0, wait_unit_active(UNIT, 60000));
}

/*
 * The last chain_start line of the file sink's log contains @needle, once
 * the log has more than @runs runs (waited for up to 10 s).
 */
static bool new_run_says(long runs, const char *needle)
{
	for (int i = 0; i < 50 && runs_in_log() == runs; i++)
		usleep(200000);
	return runs_in_log() == runs + 1 &&
	       sh("grep '\"type\":\"chain_start\"' " LOG " | tail -n 1 | grep -qF '%s'", needle) == 0;
}

/*
 * The postinst of an upgrade from a version that kept no chain state (before
 * 0.5.0: the key in /etc/inputaudit, nothing in /var/lib/inputaudit) adopts
 * that key as the initial key, so that the first run after the upgrade says
 * "prev_run":"none", not "lost" (verify's state_lost, a false alarm on every
 * machine of a fleet).  The packaged postinst is run as dpkg runs it on that
 * upgrade ("configure OLD-VERSION"; it restarts the unit itself), on the state
 * such a version leaves.  The control: the same, upgrading from this version,
 * is a state lost, and the next run says so.
 */
TEST_F_TIMEOUT(deploy, upgrade_from_a_version_without_chain_state_adopts_its_key, STEP_TIMEOUT)
{
	char version[64];
	long runs;

	ASSERT_EQ(0, sh("dpkg-query -W -f='${Version}' inputauditd"));
	ASSERT_LT(0, read_text(CMD_OUT, version, sizeof(version)));
	ASSERT_EQ(0, sh("test -s /etc/inputaudit/chain.key"));

	ASSERT_EQ(0, sh("systemctl stop " UNIT));
	runs = runs_in_log();
	ASSERT_EQ(0, sh("rm -rf /var/lib/inputaudit"));
	ASSERT_EQ(0, sh("/var/lib/dpkg/info/inputauditd.postinst configure 0.4.0")) sh_show_output(10);
	EXPECT_EQ(0, sh("test \"$(stat -c '%%U %%a' /var/lib/inputaudit)\" = 'inputaudit 700'")) {
		sh("ls -lad /var/lib/inputaudit");
		sh_show_output(5);
	}
	ASSERT_NE(0, wait_unit_active(UNIT, 60000));
	EXPECT_TRUE(new_run_says(runs, "\"prev_run\":\"none\"")) {
		sh("grep '\"type\":\"chain_start\"' " LOG " | tail -n 1; "
		   "journalctl -b -u " UNIT " --no-pager | grep -F chain.state | tail -n 3");
		sh_show_output(5);
	}

	/* The control: from this version, a missing state was lost. */
	ASSERT_EQ(0, sh("systemctl stop " UNIT));
	runs = runs_in_log();
	ASSERT_EQ(0, sh("rm -rf /var/lib/inputaudit"));
	ASSERT_EQ(0, sh("/var/lib/dpkg/info/inputauditd.postinst configure '%s'", version)) sh_show_output(10);
	ASSERT_NE(0, wait_unit_active(UNIT, 60000));
	EXPECT_TRUE(new_run_says(runs, "\"prev_run\":\"lost\"")) {
		sh("grep '\"type\":\"chain_start\"' " LOG " | tail -n 1");
		sh_show_output(5);
	}
}

/* What is in @path (a sysfs attribute), without its newline, into @buf. */
static char *sysfs_value(const char *path, char *buf, size_t size)
{
	if (read_text(path, buf, size) <= 0)
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/*
 * Tells the host that the daemon's runs up to the @runs-th in the log saw
 * the life of a module that numbered records 1..@emitted: its collector
 * must hold each of them.
 */
static int tell_host_life(long runs, unsigned long emitted)
{
	char line[96], reply[64];

	snprintf(line, sizeof(line), "expect life %ld %lu", runs, emitted);
	return host_request(line, reply, sizeof(reply), 10000);
}

/* The value of the sample @name (with its labels, as the exposition writes them) in @text, or -1. */
static double sample(const char *text, const char *name)
{
	char needle[256];
	const char *p;

	snprintf(needle, sizeof(needle), "\n%s ", name);
	p = strstr(text, needle);
	return p ? strtod(p + strlen(needle), NULL) : -1;
}

/* Lines of the file sink's log from its last chain_start on: the last run's. */
static long lines_of_last_run(void)
{
	char *line = NULL;
	size_t cap = 0;
	long n = 0;
	FILE *f;

	f = fopen(LOG, "re");
	if (!f)
		return -1;
	while (getline(&line, &cap, f) > 0)
		n = strstr(line, "\"type\":\"chain_start\"") ? 1 : n + 1;
	free(line);
	fclose(f);
	return n;
}

/*
 * Metrics: Debian's node exporter serves the daemon's textfile on its
 * /metrics.  After a clean stop (the daemon writes its final figures), they
 * agree with the log: the file sink's lines are the last run's lines in the
 * file, the build is the installed version, the config digest is the
 * config file's SHA-256, and every sink was up.
 */
TEST_F_TIMEOUT(deploy, node_exporter_serves_the_metrics, STEP_TIMEOUT)
{
	static char body[1 << 20];
	char want[256], version[64], sha[80];
	long lines;

	ASSERT_NE(0, wait_unit_active(UNIT, 60000));
	ASSERT_EQ(0, sh("systemctl stop " UNIT));
	lines = lines_of_last_run();
	ASSERT_LT(0, lines);
	ASSERT_LT(0, http_get(9100, "/metrics", body, sizeof(body))) {
		sh("systemctl status --no-pager prometheus-node-exporter");
		sh_show_output(20);
	}
	EXPECT_EQ((double)lines, sample(body, "inputaudit_sink_lines_total{sink=\"audit\"}")) {
		TH_LOG("the last run has %ld lines in " LOG, lines);
		sh("ls -la " NODE_EXPORTER_DIR "; getfacl -p " NODE_EXPORTER_DIR "; head -n 12 " NODE_EXPORTER_DIR
		   "/inputaudit.prom; journalctl -b --no-pager -u " UNIT " | grep -i metrics | tail -n 5; "
		   "journalctl -b --no-pager -u prometheus-node-exporter | tail -n 5; "
		   "cat /etc/default/prometheus-node-exporter | grep -v '^#'");
		sh_show_output(50);
		TH_LOG("node exporter's textfile lines: %.600s", strstr(body, "node_textfile") ?: "none");
	}
	EXPECT_EQ(0.0, sample(body, "inputaudit_sink_dropped_total{sink=\"audit\"}"));
	EXPECT_EQ(1.0, sample(body, "inputaudit_sink_up{sink=\"audit\"}"));
	EXPECT_EQ(1.0, sample(body, "inputaudit_sink_up{sink=\"local\"}"));
	EXPECT_EQ(0.0, sample(body, "inputaudit_records_lost_total"));
	EXPECT_EQ(0.0, sample(body, "inputaudit_ring_drops_total"));
	EXPECT_LT(0.0, sample(body, "inputaudit_records_received_total"));
	ASSERT_EQ(0, sh("dpkg-query -W -f '${Version}' inputauditd"));
	sysfs_value(CMD_OUT, version, sizeof(version));
	snprintf(want, sizeof(want), "inputaudit_build_info{version=\"%s\"}", version);
	EXPECT_EQ(1.0, sample(body, want)) TH_LOG("no %s", want);
	ASSERT_EQ(0, sh("sha256sum " CONF " | cut -d' ' -f1"));
	sysfs_value(CMD_OUT, sha, sizeof(sha));
	snprintf(want, sizeof(want), "inputaudit_config_info{sha256=\"%s\"}", sha);
	EXPECT_EQ(1.0, sample(body, want)) TH_LOG("no %s", want);
	ASSERT_EQ(0, sh("systemctl start " UNIT));
	ASSERT_NE(0, wait_unit_active(UNIT, 60000));
}

/*
 * Upgrade: a newer version of both packages is installed while the daemon
 * runs.  DKMS builds the new module, the postinst restarts the daemon (the
 * old module stays loaded: nothing may pull it from under a running
 * daemon), then the administrator follows the documented order: stop the
 * daemon, reload the module, start the daemon.  Input after it is
 * captured; the records of the old module's life are counted for the host.
 */
TEST_F_TIMEOUT(deploy, upgrade_while_running_then_reload_the_module, STEP_TIMEOUT)
{
	char dkms[256], daemon[256], old[64], now[64], want[64], file[64];
	unsigned long emitted;
	long runs;
	int fd, dev;

	ASSERT_NE(0, wait_unit_active(UNIT, 60000));
	sysfs_value("/sys/module/inputaudit/version", old, sizeof(old));
	ASSERT_NE(0, old[0]);
	ASSERT_EQ(0, payload_file(PAYLOAD "/upgrade/inputaudit-dkms_*_all.deb", dkms, sizeof(dkms)));
	ASSERT_EQ(0, payload_file(PAYLOAD "/upgrade/inputauditd_*_amd64.deb", daemon, sizeof(daemon)));
	/* The new version: inputauditd_VERSION_amd64.deb */
	snprintf(want, sizeof(want), "%s", strrchr(daemon, '/') + strlen("/inputauditd_"));
	want[strcspn(want, "_")] = '\0';
	ASSERT_NE(0, strcmp(old, want));
	if (sh("apt-get install -y -q %s %s", dkms, daemon)) {
		sh_show_output(40);
		ASSERT_TRUE(false) TH_LOG("apt-get install of the upgrade failed");
	}
	ASSERT_EQ(0, sh("modinfo -F version inputaudit"));
	EXPECT_EQ(0, strcmp(sysfs_value(CMD_OUT, file, sizeof(file)), want)) TH_LOG("on disk: %s", file);
	EXPECT_EQ(0, strcmp(sysfs_value("/sys/module/inputaudit/version", now, sizeof(now)), old)) {
		TH_LOG("loaded: %s, want the old %s until the reload", now, old);
	}
	ASSERT_NE(0, wait_unit_active(UNIT, 60000));

	/* The documented order: daemon stop, module reload, daemon start. */
	ASSERT_EQ(0, sh("systemctl stop " UNIT));
	sysfs_value("/sys/kernel/inputaudit/records_emitted", now, sizeof(now));
	emitted = strtoul(now, NULL, 10);
	runs = runs_in_log();
	ASSERT_EQ(0, tell_host_life(runs, emitted));
	ASSERT_EQ(0, sh("modprobe -r inputaudit")) sh_show_output(10);
	ASSERT_EQ(0, sh("systemctl start " UNIT)) sh_show_output(10);
	ASSERT_NE(0, wait_unit_active(UNIT, 60000));
	EXPECT_EQ(0, strcmp(sysfs_value("/sys/module/inputaudit/version", now, sizeof(now)), want)) {
		TH_LOG("loaded after the reload: %s, want %s", now, want);
	}
	for (int i = 0; i < 50 && runs_in_log() == runs; i++)
		usleep(200000);
	EXPECT_EQ(runs + 1, runs_in_log());

	/* Capture goes on with the new module. */
	fd = uinput_create(UINPUT_KEYBOARD, "deploy upgrade keyboard");
	ASSERT_LE(0, fd);
	ASSERT_TRUE(wait_file_contains(LOG, "\"name\":\"deploy upgrade keyboard\"", 10000));
	dev = find_dev(LOG, "deploy upgrade keyboard");
	ASSERT_EQ(UINPUT_KEYS, uinput_type(fd, "upgradeabc"));
	EXPECT_EQ(UINPUT_KEYS, wait_key_presses(LOG, dev, UINPUT_KEYS, 15000, false));
	uinput_destroy(fd);
}

/*
 * Whether the daemon's status.json shows every kernel record up to @seq
 * written and the collector's syslog sink connected with nothing waiting
 * in its spool: then the lines of records 1..@seq were all sent to it.
 */
static bool collector_caught_up(unsigned long seq)
{
	char st[8192], *p, *sink;

	if (read_text("/run/inputaudit/status.json", st, sizeof(st)) <= 0)
		return false;
	p = strstr(st, "\"last_seq\":");
	if (!p || strtoul(p + 11, NULL, 10) < seq)
		return false;
	sink = strstr(st, "\"name\":\"collector\"");
	if (!sink)
		return false;
	p = strchr(sink, '}');
	if (p)
		*p = '\0';
	return strstr(sink, "\"state\":\"ok\"") && strstr(sink, "\"spooled\":0,");
}

/*
 * Last: the collector must hold every record the module numbered.  Lines
 * of runs stopped before they reached it wait in the spool (the restarts
 * above lasted well under a second); the running daemon sends them first.
 * Once status.json says it has sent everything up to the module's count,
 * the host is told that count.  The shutdown that follows stops the daemon
 * as a fleet's machines do.
 */
TEST_F_TIMEOUT(deploy, collector_gets_every_record_of_the_module, STEP_TIMEOUT)
{
	unsigned long emitted;
	bool caught_up = false;
	char val[32];

	ASSERT_NE(0, wait_unit_active(UNIT, 60000));
	ASSERT_LT(0, read_text("/sys/kernel/inputaudit/records_emitted", val, sizeof(val)));
	emitted = strtoul(val, NULL, 10);
	for (int i = 0; i < 600 && !caught_up; i++) {
		caught_up = collector_caught_up(emitted);
		if (!caught_up)
			usleep(200000);
	}
	EXPECT_TRUE(caught_up) {
		sh("cat /run/inputaudit/status.json; ls -la /var/spool/inputaudit/collector");
		sh_show_output(20);
	}
	ASSERT_EQ(0, tell_host_life(runs_in_log(), emitted));
}

/* The package's files and directories, its user and group, its module: none stays. */
static void expect_gone(struct __test_metadata *_metadata, const char *list)
{
	char *line = NULL;
	size_t cap = 0;
	struct stat st;
	FILE *f;

	f = fopen(list, "re");
	ASSERT_NE(NULL, f);
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		/* Directories other packages share (/etc, /lib -> usr/lib...) stay, of course. */
		if (!line[0] || (!stat(line, &st) && S_ISDIR(st.st_mode) && !strstr(line, "inputaudit")))
			continue;
		EXPECT_NE(0, lstat(line, &st)) {
			TH_LOG("left behind: %s", line);
		}
	}
	free(line);
	fclose(f);
}

/*
 * apt purge: no file of either package, no directory or file they made (the
 * log, the spool, the state, the chain state, the chain key, the DKMS tree, the built
 * module), no user or group, no loaded module, no file owned by the user.
 */
TEST_F_TIMEOUT(deploy, purge_leaves_nothing_behind, STEP_TIMEOUT)
{
	static const char *const made[] = {
		"/etc/inputaudit", "/var/log/inputaudit", "/var/spool/inputaudit",
		"/run/inputaudit", "/var/lib/inputaudit", "/var/lib/dkms/inputaudit", "/sys/module/inputaudit", NULL
	};
	char uid[32];
	struct stat st;

	ASSERT_EQ(0, sh("id -u inputaudit"));
	sysfs_value(CMD_OUT, uid, sizeof(uid));
	ASSERT_EQ(0, sh("dpkg -L inputauditd inputaudit-dkms >/var/tmp/deploy-files"));
	if (sh("apt-get purge -y -q inputauditd inputaudit-dkms")) {
		sh_show_output(30);
		ASSERT_TRUE(false) TH_LOG("apt-get purge failed");
	}
	expect_gone(_metadata, "/var/tmp/deploy-files");
	for (int i = 0; made[i]; i++) {
		const char *path = made[i];

		EXPECT_NE(0, lstat(path, &st)) TH_LOG("left behind: %s", path);
	}
	EXPECT_EQ(0, sh("! ls -d /usr/src/inputaudit-* && ! find /lib/modules -name 'inputaudit.ko*' | grep ."))
		sh_show_output(10);
	EXPECT_NE(0, sh("getent passwd inputaudit"));
	EXPECT_NE(0, sh("getent group inputaudit"));
	EXPECT_EQ(0, sh("test -z \"$(find / -xdev -uid %s -print -quit)\"", uid)) {
		sh("find / -xdev -uid %s | head", uid);
		sh_show_output(10);
	}
	EXPECT_EQ(0, sh("test \"$(systemctl show -p LoadState --value " UNIT ")\" = not-found"));
	/* No ACL entry left on node exporter's directory (acl stays installed: getfacl). */
	EXPECT_EQ(0, sh("getfacl -pn /var/lib/prometheus/node-exporter >/var/tmp/deploy-acl && "
			"! grep -q '^user:%s:' /var/tmp/deploy-acl", uid)) {
		sh("cat /var/tmp/deploy-acl");
		sh_show_output(10);
	}
}

TEST_HARNESS_MAIN
