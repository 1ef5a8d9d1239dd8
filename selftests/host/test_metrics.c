// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The daemon's Prometheus metrics (userspace/lib/metrics.c), read the way
 * node exporter's textfile collector reads them: a small parser of the text
 * exposition format here checks every line.
 *
 * First the text itself (metrics_format(): escaping, exact seconds, totals
 * not known yet left out).  Then the real daemon (the sanitizer build) as
 * deployed: started as root with --no-attach (no module on the host), it
 * drops to nobody under its seccomp filter and Landlock; its metrics
 * directory is root's, 0755, in a directory of another user's (as Debian lays
 * out node exporter's), and the unit's ExecStartPre for it (setfacl) is run
 * on it (the path and the user changed to the test's).  The test feeds a known set of
 * records into the daemon's ring through the daemon's own BPF program
 * (BPF_PROG_TEST_RUN, bpf_feed.h) and compares the .prom file with
 * status.json and with what it fed.  Needs root; skipped otherwise.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "kselftest_harness.h"
#include "bpf_feed.h"
#include "daemon_run.h"
#include "metrics.h"
#include "prom_text.h"
#include "status.h"

#define MAX_RECS	256
struct stream {
	struct inputaudit_record rec[MAX_RECS];
	unsigned int n;
};
#include "recgen.h"

#define DROP_USER	"nobody"
#define USB		0x03
#define PROM_NAME	"inputaudit.prom"
/* What packaging/tmpfiles.d sets up for node exporter's directory. */
#define NODE_EXPORTER_DIR	"/var/lib/prometheus/node-exporter"
/* The owner of the directory above it, like Debian's prometheus user (any id but root's). */
#define PROMETHEUS_UID		4242

/* ---- metrics_format() ---- */

/* Every metric the daemon writes, with its TYPE. */
static const struct {
	const char *name;
	const char *type;
} required[] = {
	{ "inputaudit_records_received_total", "counter" },
	{ "inputaudit_records_lost_total", "counter" },
	{ "inputaudit_ring_drops_total", "counter" },
	{ "inputaudit_frames_seen_total", "counter" },
	{ "inputaudit_frames_suppressed_total", "counter" },
	{ "inputaudit_blind_seconds_total", "counter" },
	{ "inputaudit_no_consumer_seconds_total", "counter" },
	{ "inputaudit_sink_lines_total", "counter" },
	{ "inputaudit_sink_dropped_total", "counter" },
	{ "inputaudit_sink_up", "gauge" },
	{ "inputaudit_build_info", "gauge" },
	{ "inputaudit_config_info", "gauge" },
};

/*
 * Every required family is there, with its HELP and TYPE; a counter's name
 * ends in _total.  Return: NULL, or the first that is not.
 */
static const char *missing_family(const struct prom *p)
{
	const struct prom_family *f;
	size_t len;

	for (unsigned int i = 0; i < ARRAY_SIZE(required); i++) {
		f = prom_family_of(p, required[i].name);
		len = strlen(required[i].name);
		if (!f || !f->help || strcmp(f->type, required[i].type) ||
		    (!strcmp(f->type, "counter") &&
		     strcmp(required[i].name + len - 6, "_total")))
			return required[i].name;
	}
	return NULL;
}

static void add_sink(struct daemon_status *st, const char *name, uint64_t lines,
		     bool up)
{
	struct status_sink *s = &st->sinks[st->nsinks++];

	snprintf(s->name, sizeof(s->name), "%s", name);
	s->health.lines = lines;
	s->health.up = up;
}

/*
 * The text as node exporter parses it: label values escaped ('\', '"',
 * newline) and valid UTF-8 whatever a sink is named (invalid bytes, a cut
 * sequence, a surrogate, an overlong form, past U+10FFFF: U+FFFD each);
 * seconds exact and short; totals not known yet (no heartbeat, no consumer
 * record, no config file) have HELP and TYPE but no sample.
 */
TEST(text_escaped_exact_and_unknown_left_out)
{
	static const struct {
		const char *name;	/* as the sink is named */
		const char *label;	/* as the label must read */
	} names[] = {
		{ "a\"b\\c\nd", "a\"b\\c\nd" },
		{ "bad\xff utf8", "bad\xef\xbf\xbd utf8" },
		{ "cut\xc3", "cut\xef\xbf\xbd" },
		{ "\xc3\xbcn\xc3\xaf \xe2\x82\xac \xf0\x9f\x94\x91", "\xc3\xbcn\xc3\xaf \xe2\x82\xac \xf0\x9f\x94\x91" },
		{ "s\xed\xa0\x80", "s\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "o\xe0\x80\xaf", "o\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "h\xf4\x90\x80\x80", "h\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
	};
	static struct daemon_status st;
	static char text[METRICS_TEXT_MAX];
	static struct prom p;
	unsigned int i;

	memset(&st, 0, sizeof(st));
	snprintf(st.version, sizeof(st.version), "0.4.0\"x");
	st.received = 12;
	st.blind_ns = 1750000000;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		add_sink(&st, names[i].name, 100 + i, i % 2);
	ASSERT_LT(0, metrics_format(&st, text, sizeof(text)));
	ASSERT_TRUE(prom_parse(text, &p)) {
		TH_LOG("%s\n%s", p.why, text);
	}
	EXPECT_EQ(NULL, missing_family(&p)) {
		TH_LOG("%s\n%s", missing_family(&p), text);
	}
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		EXPECT_EQ(100 + i, prom_u64(&p, "inputaudit_sink_lines_total", names[i].label)) {
			TH_LOG("sink %u: %s", i, text);
		}
		EXPECT_EQ(i % 2, prom_u64(&p, "inputaudit_sink_up", names[i].label));
		EXPECT_EQ(0, prom_u64(&p, "inputaudit_sink_dropped_total", names[i].label));
	}
	EXPECT_EQ(1, prom_u64(&p, "inputaudit_build_info", "0.4.0\"x"));
	EXPECT_EQ(12, prom_u64(&p, "inputaudit_records_received_total", NULL));
	EXPECT_STREQ("1.75", prom_get(&p, "inputaudit_blind_seconds_total", NULL)->raw);
	/* not known: no sample */
	EXPECT_EQ(NULL, prom_get(&p, "inputaudit_frames_seen_total", NULL));
	EXPECT_EQ(NULL, prom_get(&p, "inputaudit_frames_suppressed_total", NULL));
	EXPECT_EQ(NULL, prom_get(&p, "inputaudit_no_consumer_seconds_total", NULL));
	for (i = 0; i < p.ns; i++)
		EXPECT_STRNE("inputaudit_config_info", p.s[i].name);

	/* known, whole seconds and a hundredth */
	st.have_frames = true;
	st.frames_seen = 250;
	st.have_no_consumer = true;
	st.no_consumer_ns = 3000000000;
	st.blind_ns = 10000000;
	snprintf(st.config_sha256, sizeof(st.config_sha256), "%064d", 7);
	ASSERT_LT(0, metrics_format(&st, text, sizeof(text)));
	ASSERT_TRUE(prom_parse(text, &p));
	EXPECT_EQ(250, prom_u64(&p, "inputaudit_frames_seen_total", NULL));
	EXPECT_EQ(0, prom_u64(&p, "inputaudit_frames_suppressed_total", NULL));
	EXPECT_STREQ("3", prom_get(&p, "inputaudit_no_consumer_seconds_total", NULL)->raw);
	EXPECT_STREQ("0.01", prom_get(&p, "inputaudit_blind_seconds_total", NULL)->raw);
	EXPECT_EQ(1, prom_u64(&p, "inputaudit_config_info", st.config_sha256));
}

/* ---- the deployed daemon ---- */

/* The records fed: device, keys, blind periods, heartbeats, a gap of 3. */
#define GAP		3
#define FRAMES_SEEN	250
#define FRAMES_SUPP	9
#define BLIND_NS	1750000000ull	/* 1.25 s + 0.5 s */
#define NO_CONSUMER_NS	7500000000ull

/*
 * Each directory the daemon holds is apart from the others, none beneath
 * another: Landlock's rule for one would cover what is below it.
 */
FIXTURE(deployed) {
	char dir[64];		/* root's, 0755 */
	char etc[80];		/* root's: config and key (the config's: read only) */
	char outdir[80];	/* root's: -o */
	char log[80];		/* nobody's: [sink file audit] */
	char audit[128];
	char state[80];		/* nobody's: status.json */
	char metrics[112];	/* root's, 0755: node exporter's directory */
	char prom[160];
	char out[128];		/* -o: a name its label must escape */
	char conf[128], key[128], err[128];
	char sink_out[160];	/* the -o sink's name: "file:" and the path */
	pid_t pid;
	int prog;
	mode_t umask;
	struct stream s;
	unsigned int fed;	/* records fed (the gap's are not) */
	uint64_t gap_first;
};

FIXTURE_SETUP(deployed)
{
	struct passwd *pw = getpwnam(DROP_USER);
	char path[160];

	self->pid = 0;
	self->prog = -1;
	self->dir[0] = '\0';
	if (geteuid() != 0)
		SKIP(return, "needs root (BPF programs, the privilege drop)");
	if (!pw)
		SKIP(return, "no user " DROP_USER);
	snprintf(self->dir, sizeof(self->dir), "/tmp/ia-test-metrics-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	ASSERT_EQ(0, chmod(self->dir, 0755));
	snprintf(self->etc, sizeof(self->etc), "%s/etc", self->dir);
	snprintf(self->outdir, sizeof(self->outdir), "%s/out", self->dir);
	snprintf(self->log, sizeof(self->log), "%s/log", self->dir);
	snprintf(self->audit, sizeof(self->audit), "%s/audit.jsonl", self->log);
	snprintf(self->state, sizeof(self->state), "%s/state", self->dir);
	snprintf(self->metrics, sizeof(self->metrics), "%s/prometheus/node-exporter", self->dir);
	snprintf(self->prom, sizeof(self->prom), "%s/" PROM_NAME, self->metrics);
	snprintf(self->out, sizeof(self->out), "%s/o\"u\\t\nx.jsonl", self->outdir);
	snprintf(self->sink_out, sizeof(self->sink_out), "file:%s", self->out);
	ASSERT_GT(sizeof(((struct sink *)0)->name), strlen(self->sink_out));	/* not cut */
	snprintf(self->conf, sizeof(self->conf), "%s/d.conf", self->etc);
	snprintf(self->key, sizeof(self->key), "%s/chain.key", self->etc);
	snprintf(self->err, sizeof(self->err), "%s/stderr", self->dir);
	ASSERT_EQ(0, mkdir(self->etc, 0755));
	ASSERT_EQ(0, mkdir(self->outdir, 0755));
	ASSERT_EQ(0, mkdir(self->log, 0750));
	ASSERT_EQ(0, chown(self->log, pw->pw_uid, pw->pw_gid));
	ASSERT_EQ(0, mkdir(self->state, 0700));
	ASSERT_EQ(0, chown(self->state, pw->pw_uid, pw->pw_gid));
	/*
	 * As Debian's prometheus-node-exporter lays it out: /var/lib/prometheus
	 * is its user's, node-exporter/ in it root's.  (systemd-tmpfiles refuses
	 * such an "unsafe path transition": an ACL line in tmpfiles.d was never
	 * applied there.)
	 */
	snprintf(path, sizeof(path), "%s/prometheus", self->dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	ASSERT_EQ(0, chown(path, PROMETHEUS_UID, PROMETHEUS_UID));
	ASSERT_EQ(0, mkdir(self->metrics, 0755));
	ASSERT_EQ(0, write_test_key(self->key, 11));
	self->umask = umask(022);
}

FIXTURE_TEARDOWN(deployed)
{
	char cmd[128];

	if (self->pid > 0)
		term_and_wait(&self->pid);
	if (self->prog >= 0)
		close(self->prog);
	if (!self->dir[0])
		return;
	umask(self->umask);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (!getenv("KEEP_TMP") && system(cmd))
		TH_LOG("cleanup of %s failed", self->dir);
}

static char *slurp(const char *path)
{
	static char buf[1 << 18];

	return slurp_into(path, buf, sizeof(buf));
}

/*
 * What the unit does for node exporter's directory (its ExecStartPre with
 * setfacl, packaging/inputauditd.service), with that directory and the user
 * changed to the test's, run by the shell the way systemd runs it ('+': as
 * root).  Return: 0, -ENOENT (no setfacl), or -errno.
 */
static int apply_packaging(FIXTURE_DATA(deployed) *self)
{
	const char *argv[] = { "/bin/sh", "-c", NULL, NULL };
	char line[512], cmd[1024], out[160], err[160], *p;
	size_t len = 0;
	FILE *in;

	if (access("/usr/bin/setfacl", X_OK))
		return -ENOENT;
	in = fopen(UNIT_FILE, "re");
	if (!in)
		return -errno;
	cmd[0] = '\0';
	while (fgets(line, sizeof(line), in)) {
		if (strncmp(line, "ExecStartPre=+", 14) || !strstr(line, "setfacl"))
			continue;
		line[strcspn(line, "\n")] = '\0';
		/* Every NODE_EXPORTER_DIR becomes the test's, u:inputaudit: u:nobody:. */
		for (p = line + 14; *p && len + 128 < sizeof(cmd);) {
			if (!strncmp(p, NODE_EXPORTER_DIR, strlen(NODE_EXPORTER_DIR))) {
				len += snprintf(cmd + len, sizeof(cmd) - len, "%s", self->metrics);
				p += strlen(NODE_EXPORTER_DIR);
			} else if (!strncmp(p, "u:inputaudit:", 13)) {
				len += snprintf(cmd + len, sizeof(cmd) - len, "u:" DROP_USER ":");
				p += 13;
			} else {
				cmd[len++] = *p++;
				cmd[len] = '\0';
			}
		}
		break;
	}
	fclose(in);
	if (!cmd[0])
		return -ENOENT - 1000;	/* no such line: a test failure, not a skip */
	argv[2] = cmd;
	snprintf(out, sizeof(out), "%s/setfacl.out", self->dir);
	snprintf(err, sizeof(err), "%s/setfacl.err", self->dir);
	return run_to_files(argv, out, err) ? -EIO : 0;
}

/* The config: nobody, 1 s metrics, one chained file sink; @daemon: more [daemon] lines. */
static void write_conf(FIXTURE_DATA(deployed) *self, const char *daemon)
{
	FILE *f = fopen(self->conf, "we");

	if (!f)
		abort();
	fprintf(f, "[daemon]\nuser = " DROP_USER "\nstate_dir = %s\nmetrics_interval_ms = 1000\n%s"
		"[chain]\nkey = %s\n[sink file audit]\npath = %s\n",
		self->state, daemon, self->key, self->audit);
	if (fclose(f) || chmod(self->conf, 0644))
		abort();
}

/* metrics_file is the fixture's .prom file. */
static void write_conf_metrics(FIXTURE_DATA(deployed) *self, const char *more)
{
	char daemon[256];

	snprintf(daemon, sizeof(daemon), "metrics_file = %s\n%s", self->prom, more);
	write_conf(self, daemon);
}

/* Start the daemon as deployed and find its BPF program.  Return: 0 or -errno. */
static int start(FIXTURE_DATA(deployed) *self)
{
	const char *argv[] = { INPUTAUDITD_BIN, "--no-attach", "--user", DROP_USER,
			       "-v", "-c", self->conf, "-o", self->out, NULL };
	static char buf[1 << 16];

	self->pid = spawn_daemon(argv, self->err);
	if (self->pid < 0)
		return -errno;
	if (!wait_file_text(&self->pid, self->err, "dropped privileges", 30000, buf,
			    sizeof(buf)))
		return -ETIMEDOUT;
	self->prog = bpf_feed_prog(self->pid);
	return self->prog < 0 ? self->prog : 0;
}

/* The known stream: what status.json and the metrics must add up to. */
static void make_stream(FIXTURE_DATA(deployed) *self)
{
	struct stream *s = &self->s;
	int i;

	s->n = 0;
	add(s, INPUTAUDIT_REC_CONSUMER, 0, 0, 5000000000ull, 0, NO_CONSUMER_NS, 0);
	device(s, 1, "ia-test keyboard", USB, 0x1234, 0x5678, NULL);
	for (i = 0; i < 10; i++)
		key_press(s, 1);
	add(s, INPUTAUDIT_REC_HEARTBEAT, 0, 0, 100, 7, 0, 0);
	add(s, INPUTAUDIT_REC_BLIND, INPUTAUDIT_BLIND_START, 1, 0, 0, 0, 0);
	add(s, INPUTAUDIT_REC_BLIND, INPUTAUDIT_BLIND_END, 1, 1250000000, 1250000000, 0, 0);
	self->gap_first = s->n + 1;
	for (i = 0; i < GAP; i++)
		key_press(s, 1);
	add(s, INPUTAUDIT_REC_BLIND, INPUTAUDIT_BLIND_START, 1, 0, 1250000000, 0, 0);
	add(s, INPUTAUDIT_REC_BLIND, INPUTAUDIT_BLIND_END, 1, 500000000, BLIND_NS, 0, 0);
	for (i = 0; i < 5; i++)
		key_press(s, 1);
	add(s, INPUTAUDIT_REC_HEARTBEAT, 0, 0, FRAMES_SEEN, FRAMES_SUPP, 0, 0);
}

/* Feed the stream but the gap's records (none with @gap false: the first @n). */
static int feed(FIXTURE_DATA(deployed) *self, bool gap, unsigned int n)
{
	const struct stream *s = &self->s;
	int err;

	self->fed = 0;
	for (unsigned int i = 0; i < s->n && i < n; i++) {
		if (gap && s->rec[i].seq >= self->gap_first &&
		    s->rec[i].seq < self->gap_first + GAP)
			continue;
		err = bpf_feed_record(self->prog, &s->rec[i]);
		if (err)
			return err;
		self->fed++;
	}
	return 0;
}

/* Start the daemon as deployed and feed it the known stream (see feed()). */
static void start_fed(struct __test_metadata *_metadata, FIXTURE_DATA(deployed) *self,
		      bool gap, unsigned int n)
{
	make_stream(self);
	ASSERT_EQ(0, start(self)) {
		TH_LOG("stderr: %s", slurp(self->err));
	}
	ASSERT_EQ(0, feed(self, gap, n));
}

/* Wait up to @ms for status.json to count @received records; *st: the last read. */
static bool status_reaches(const char *state, uint64_t received, int ms,
			   struct daemon_status *st)
{
	for (int waited = 0; waited <= ms; waited += 50) {
		if (!status_read(state, st) && st->received >= received)
			return st->received == received;
		usleep(50 * 1000);
	}
	return false;
}

/* Wait up to @ms for the .prom file to parse and count @received records. */
static bool prom_reaches(const char *path, uint64_t received, int ms, struct prom *p)
{
	for (int waited = 0; waited <= ms; waited += 50) {
		if (prom_parse(slurp(path), p) &&
		    prom_u64(p, "inputaudit_records_received_total", NULL) == received)
			return true;
		usleep(50 * 1000);
	}
	return false;
}

/* SHA-256 of the file @path, in hex ("" if unreadable). */
static void file_sha256(const char *path, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	const char *text = slurp(path);
	unsigned int n = 0;

	hex[0] = '\0';
	if (!EVP_Digest(text, strlen(text), md, &n, EVP_sha256(), NULL) || n != 32)
		return;
	for (unsigned int i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
}

/* Lines in the file @path. */
static uint64_t file_lines(const char *path)
{
	const char *text = slurp(path);
	uint64_t n = 0;

	for (; (text = strchr(text, '\n')); text++)
		n++;
	return n;
}

/* Entries of the directory @dir but . and ..; the first in @first. */
static int dir_entries(const char *dir, char *first, size_t size)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	first[0] = '\0';
	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && !n++)
			snprintf(first, size, "%s", de->d_name);
	closedir(d);
	return n;
}

/* Apply the packaging's ACL to the metrics directory, or say why not. */
#define PACKAGING_ACL() do {						\
	int n_ = apply_packaging(self);					\
									\
	if (n_ == -ENOENT)						\
		SKIP(return, "setfacl not installed (Debian package acl)"); \
	ASSERT_EQ(0, n_) {						\
		TH_LOG("the unit has no ExecStartPre=+... setfacl ... "	\
		       NODE_EXPORTER_DIR " line, or it failed (%d)", n_); \
	}								\
} while (0)

/*
 * The deployed daemon's metrics, refreshed while it runs and written at the
 * stop: every metric with its TYPE; the values those of the final
 * status.json and of the records fed (received: as many as fed; lost: the
 * gap; frames: the last heartbeat's; blind: the two periods; no consumer:
 * the consumer record's total); one sample per sink, labelled with the
 * sinks' names (the -o sink's escaped), its lines those in its file;
 * build_info the VERSION, config_info the config file's SHA-256; the file
 * 0644 and the user's, nothing else left in the directory.
 */
TEST_F(deployed, metrics_agree_with_status_and_records)
{
	static struct daemon_status st;
	static struct prom p;
	char sha[65], first[64];
	const char *labels[2] = { "audit", self->sink_out };
	const char *files[2] = { self->audit, self->out };
	struct stat sb;

	PACKAGING_ACL();
	write_conf_metrics(self, "");
	start_fed(_metadata, self, true, MAX_RECS);
	ASSERT_EQ(self->s.n - GAP, self->fed);
	/* Landlock: the sink's, -o's, state, metrics and (read only) config directories */
	if (syscall(SYS_landlock_create_ruleset, NULL, 0, 1U) >= 1)
		EXPECT_NE(NULL, strstr(slurp(self->err), ": files beneath 5 directories")) {
			TH_LOG("stderr: %s", slurp(self->err));
		}
	/* refreshed while it runs (every metrics_interval_ms, 1 s here) */
	EXPECT_TRUE(status_reaches(self->state, self->fed, 15000, &st));
	EXPECT_TRUE(prom_reaches(self->prom, self->fed, 15000, &p)) {
		TH_LOG("%s: %s\nstderr: %s", p.why, slurp(self->prom), slurp(self->err));
	}
	ASSERT_EQ(0, term_and_wait(&self->pid)) {
		TH_LOG("stderr: %s", slurp(self->err));
	}

	/* the final file: well formed, every metric */
	ASSERT_TRUE(prom_parse(slurp(self->prom), &p)) {
		TH_LOG("%s: %s", p.why, slurp(self->prom));
	}
	EXPECT_EQ(NULL, missing_family(&p)) {
		TH_LOG("%s: %s", missing_family(&p), slurp(self->prom));
	}
	ASSERT_EQ(0, status_read(self->state, &st));
	/* as status.json says, and as fed */
	EXPECT_EQ(st.received, prom_u64(&p, "inputaudit_records_received_total", NULL));
	EXPECT_EQ(self->fed, st.received);
	EXPECT_EQ(st.lost, prom_u64(&p, "inputaudit_records_lost_total", NULL));
	EXPECT_EQ(GAP, st.lost);
	EXPECT_EQ(st.ring_drops, prom_u64(&p, "inputaudit_ring_drops_total", NULL));
	EXPECT_EQ(0, st.ring_drops);
	EXPECT_TRUE(st.have_frames);
	EXPECT_EQ(st.frames_seen, prom_u64(&p, "inputaudit_frames_seen_total", NULL));
	EXPECT_EQ(FRAMES_SEEN, st.frames_seen);
	EXPECT_EQ(st.frames_suppressed,
		  prom_u64(&p, "inputaudit_frames_suppressed_total", NULL));
	EXPECT_EQ(FRAMES_SUPP, st.frames_suppressed);
	EXPECT_EQ(st.blind_ns, prom_ns(&p, "inputaudit_blind_seconds_total"));
	EXPECT_EQ(BLIND_NS, st.blind_ns);
	EXPECT_TRUE(st.have_no_consumer);
	EXPECT_EQ(st.no_consumer_ns, prom_ns(&p, "inputaudit_no_consumer_seconds_total"));
	EXPECT_EQ(NO_CONSUMER_NS, st.no_consumer_ns);
	EXPECT_EQ(0, st.metrics_failures);
	/* the sinks, by their configured names; lines as in their files */
	ASSERT_EQ(2, st.nsinks);
	for (unsigned int i = 0; i < 2; i++) {
		const struct status_sink *s = &st.sinks[i];

		EXPECT_STREQ(labels[i], s->name);
		EXPECT_EQ(s->health.lines, prom_u64(&p, "inputaudit_sink_lines_total", labels[i])) {
			TH_LOG("sink %s: %s", labels[i], slurp(self->prom));
		}
		EXPECT_EQ(file_lines(files[i]), s->health.lines);
		EXPECT_EQ(s->health.dropped,
			  prom_u64(&p, "inputaudit_sink_dropped_total", labels[i]));
		EXPECT_EQ(1, prom_u64(&p, "inputaudit_sink_up", labels[i]));
		EXPECT_TRUE(s->health.up);
	}
	for (unsigned int i = 0; i < p.ns; i++) {
		const char *v = p.s[i].value;

		if (strcmp(p.s[i].label, "sink"))
			continue;
		EXPECT_TRUE(!strcmp(v, labels[0]) || !strcmp(v, labels[1])) {
			TH_LOG("a sink not configured: %s", v);
		}
	}
	EXPECT_EQ(1, prom_u64(&p, "inputaudit_build_info", INPUTAUDIT_VERSION));
	EXPECT_STREQ(INPUTAUDIT_VERSION, st.version);
	file_sha256(self->conf, sha);
	ASSERT_EQ(64, strlen(sha));
	EXPECT_EQ(1, prom_u64(&p, "inputaudit_config_info", sha)) {
		TH_LOG("sha256 %s: %s", sha, slurp(self->prom));
	}
	EXPECT_STREQ(sha, st.config_sha256);
	/* readable by node exporter, written by the dropped daemon, alone */
	ASSERT_EQ(0, stat(self->prom, &sb));
	EXPECT_EQ(0644, sb.st_mode & 07777);
	EXPECT_EQ(getpwnam(DROP_USER)->pw_uid, sb.st_uid);
	EXPECT_EQ(1, dir_entries(self->metrics, first, sizeof(first)));
	EXPECT_STREQ(PROM_NAME, first);
}

/*
 * A reload with a changed config changes config_info at once (and
 * status.json's config_sha256); a config that does not load is not the
 * running one: config_info stays.
 */
TEST_F(deployed, reload_changes_config_info)
{
	static struct daemon_status st;
	static struct prom p;
	char sha_a[65], sha_b[65];
	static char buf[1 << 16];
	FILE *f;

	PACKAGING_ACL();
	write_conf_metrics(self, "");
	file_sha256(self->conf, sha_a);
	ASSERT_EQ(0, start(self)) {
		TH_LOG("stderr: %s", slurp(self->err));
	}
	ASSERT_TRUE(prom_reaches(self->prom, 0, 15000, &p));
	EXPECT_EQ(1, prom_u64(&p, "inputaudit_config_info", sha_a));

	f = fopen(self->conf, "ae");
	ASSERT_NE(NULL, f);
	fputs("[alert]\nnew_device = yes\n", f);
	ASSERT_EQ(0, fclose(f));
	file_sha256(self->conf, sha_b);
	ASSERT_STRNE(sha_a, sha_b);
	ASSERT_EQ(0, kill(self->pid, SIGHUP));
	ASSERT_TRUE(wait_file_text(&self->pid, self->err, "reloaded ", 15000, buf,
				   sizeof(buf)));
	/* written with the reload, not a metrics interval later */
	EXPECT_TRUE(prom_parse(slurp(self->prom), &p));
	EXPECT_EQ(1, prom_u64(&p, "inputaudit_config_info", sha_b)) {
		TH_LOG("%s", slurp(self->prom));
	}
	EXPECT_EQ(0, status_read(self->state, &st));
	EXPECT_STREQ(sha_b, st.config_sha256);

	/* a config that does not load: the running one stays, and its digest */
	f = fopen(self->conf, "ae");
	ASSERT_NE(NULL, f);
	fputs("levle = 3\n", f);
	ASSERT_EQ(0, fclose(f));
	ASSERT_EQ(0, kill(self->pid, SIGHUP));
	ASSERT_TRUE(wait_file_text(&self->pid, self->err, "keeping the running configuration",
				   15000, buf, sizeof(buf)));
	usleep(1500 * 1000);	/* a metrics interval and more */
	ASSERT_EQ(0, term_and_wait(&self->pid));
	ASSERT_TRUE(prom_parse(slurp(self->prom), &p));
	EXPECT_EQ(1, prom_u64(&p, "inputaudit_config_info", sha_b)) {
		TH_LOG("%s", slurp(self->prom));
	}
}

/*
 * The file is replaced, never rewritten: a reader holding the old file
 * still reads all of it after the daemon wrote a new one (a new inode);
 * mode 0644 even under the unit's UMask=0077; no temporary file is left.
 */
TEST_F(deployed, file_replaced_atomically)
{
	static char before[METRICS_TEXT_MAX], again[METRICS_TEXT_MAX];
	static struct prom p;
	struct stat old, now;
	char first[64];
	ssize_t len;
	int fd;

	PACKAGING_ACL();
	write_conf_metrics(self, "");
	make_stream(self);
	umask(077);
	ASSERT_EQ(0, start(self)) {
		TH_LOG("stderr: %s", slurp(self->err));
	}
	ASSERT_TRUE(prom_reaches(self->prom, 0, 15000, &p));
	fd = open(self->prom, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fstat(fd, &old));
	len = pread(fd, before, sizeof(before) - 1, 0);
	ASSERT_LT(0, len);
	before[len] = '\0';

	ASSERT_EQ(0, feed(self, false, 5));
	EXPECT_TRUE(prom_reaches(self->prom, 5, 15000, &p)) {
		TH_LOG("%s", slurp(self->prom));
	}
	ASSERT_EQ(0, stat(self->prom, &now));
	EXPECT_NE(old.st_ino, now.st_ino);
	EXPECT_EQ(0644, now.st_mode & 07777);
	len = pread(fd, again, sizeof(again) - 1, 0);
	ASSERT_LT(0, len);
	again[len] = '\0';
	EXPECT_STREQ(before, again);
	close(fd);
	ASSERT_EQ(0, term_and_wait(&self->pid));
	EXPECT_EQ(1, dir_entries(self->metrics, first, sizeof(first)));
	EXPECT_STREQ(PROM_NAME, first);
}

/* metrics_file empty: no metrics file, no message about one; capture as ever. */
TEST_F(deployed, empty_metrics_file_writes_nothing)
{
	static struct daemon_status st;
	char first[64];

	PACKAGING_ACL();
	write_conf(self, "metrics_file =\n");
	start_fed(_metadata, self, false, MAX_RECS);
	/* no metrics directory held: the sink's, -o's, state and config directories */
	if (syscall(SYS_landlock_create_ruleset, NULL, 0, 1U) >= 1)
		EXPECT_NE(NULL, strstr(slurp(self->err), ": files beneath 4 directories")) {
			TH_LOG("stderr: %s", slurp(self->err));
		}
	EXPECT_TRUE(status_reaches(self->state, self->fed, 15000, &st));
	usleep(1500 * 1000);	/* a metrics interval and more */
	ASSERT_EQ(0, term_and_wait(&self->pid));
	EXPECT_EQ(0, dir_entries(self->metrics, first, sizeof(first))) {
		TH_LOG("%s written", first);
	}
	EXPECT_EQ(NULL, strstr(slurp(self->err), "inputauditd: metrics")) {
		TH_LOG("stderr: %s", slurp(self->err));
	}
	ASSERT_EQ(0, status_read(self->state, &st));
	EXPECT_EQ(self->fed, st.received);
	EXPECT_EQ(0, st.metrics_failures);
}

/*
 * Where the metrics cannot be written, the daemon runs on and captures:
 * one warning with the path and the error, every failed write counted in
 * status.json, exit 0 at SIGTERM.
 */
static void keeps_capturing(struct __test_metadata *_metadata,
			    FIXTURE_DATA(deployed) *self, const char *warning,
			    int err)
{
	static struct daemon_status st;
	const char *text;
	int n = 0;

	start_fed(_metadata, self, false, MAX_RECS);
	EXPECT_TRUE(status_reaches(self->state, self->fed, 15000, &st));
	for (int waited = 0; waited < 15000 && st.metrics_failures < 3; waited += 100) {
		usleep(100 * 1000);
		status_read(self->state, &st);
	}
	EXPECT_LE(3, st.metrics_failures);
	EXPECT_EQ(err, st.metrics_last_err);
	ASSERT_EQ(0, term_and_wait(&self->pid)) {
		TH_LOG("stderr: %s", slurp(self->err));
	}
	text = slurp(self->err);
	for (const char *p = text; (p = strstr(p, "inputauditd: metrics: ")); p++)
		n++;
	EXPECT_EQ(1, n) {
		TH_LOG("stderr: %s", text);
	}
	EXPECT_NE(NULL, strstr(text, warning)) {
		TH_LOG("stderr: %s", text);
	}
	EXPECT_NE(NULL, strstr(text, strerror(-err)));
	ASSERT_EQ(0, status_read(self->state, &st));
	EXPECT_EQ(self->fed, st.received);
	EXPECT_EQ(file_lines(self->audit), st.sinks[0].health.lines);
	n = 0;
	for (const char *p = slurp(self->audit); (p = strstr(p, "\"key_press\"")); p++)
		n++;
	EXPECT_EQ(10 + GAP + 5, n);
}

/* node exporter's directory without the packaging's ACL: root's 0755. */
TEST_F(deployed, unwritable_directory_keeps_capturing)
{
	char warning[192], first[64];

	write_conf_metrics(self, "");
	snprintf(warning, sizeof(warning), "metrics: cannot write %s", self->prom);
	keeps_capturing(_metadata, self, warning, -EACCES);
	EXPECT_EQ(0, dir_entries(self->metrics, first, sizeof(first)));
}

/* No such directory (node exporter not installed): the same. */
TEST_F(deployed, missing_directory_keeps_capturing)
{
	char daemon[192], warning[192];

	snprintf(daemon, sizeof(daemon), "metrics_file = %s/none/" PROM_NAME "\n",
		 self->dir);
	write_conf(self, daemon);
	snprintf(warning, sizeof(warning), "metrics: cannot open %s/none", self->dir);
	keeps_capturing(_metadata, self, warning, -ENOENT);
}

TEST_HARNESS_MAIN
