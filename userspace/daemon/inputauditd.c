// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * inputauditd: read inputaudit records from the BPF ring buffer (or a
 * --replay file), apply the configured policy and forward them to every
 * configured sink, chained for tamper evidence; see pipeline.h.
 *
 * Start-up, in this order, because after the privilege drop nothing can be
 * opened by path any more:
 *   config -> resolve the user -> sinks opened (files, spool, sockets) ->
 *   state directory -> metrics directory -> kernel settings opened ->
 *   BPF loaded -> records_emitted opened -> attached, ring mapped ->
 *   kernel settings applied -> privileges dropped -> chain_start line ->
 *   capture loop until SIGINT/SIGTERM or --count (or, when the module
 *   refused a setting, the final lines and exit 1).
 * Nothing is written to a sink before the drop: a file a sink created
 * then (a spool segment, say) would be root's, and the daemon's user could
 * not read or reopen it; files the sinks open while root are given to that
 * user.
 * The settings are applied once attached so that their config records are
 * received: written with no consumer attached, the module could only count
 * them as unconsumed, and every start would report a loss.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "capture.h"
#include "chain_run.h"
#include "clock.h"
#include "config.h"
#include "inputaudit.h"
#include "ksettings.h"
#include "log.h"
#include "metrics.h"
#include "options.h"
#include "pipeline.h"
#include "policy.h"
#include "privdrop.h"
#include "sandbox.h"
#include "record_json.h"
#include "recfile.h"
#include "sink_journal.h"
#include "sink_file.h"
#include "sink_syslog.h"
#include "sink_relp.h"
#include "status.h"

#ifndef INPUTAUDIT_VERSION
#error "INPUTAUDIT_VERSION: the contents of VERSION, as a string (userspace/build.mk)"
#endif

/* How long an idle daemon sleeps: the BPF side wakes it for new records. */
#define IDLE_POLL_MS		1000
/*
 * Sink reconnects and the status file: at most this far apart.  The metrics
 * file: every [daemon] metrics_interval_ms, checked at these ticks.
 */
#define TICK_MS			1000

#define RECORDS_EMITTED_PATH	INPUTAUDIT_SYSFS_DIR "/records_emitted"

struct daemon {
	struct options opt;
	struct ia_config cfg;
	struct priv_conf priv;
	struct capture cap;
	struct pipeline pipe;
	struct policy policy;
	struct ksettings kset;
	struct recfile record;
	struct recfile replay_file;	/* --replay, opened while privileged */
	struct sandbox sandbox;	/* Landlock rules for after the drop */
	int config_dirfd;	/* the config file's directory, for reload */
	int emitted_fd;		/* records_emitted, opened while privileged */
	int state_fd;		/* [daemon] state_dir, for status.json */
	struct chain_run chain_run;	/* [chain] state_dir: linked runs */
	struct metrics_file metrics;	/* [daemon] metrics_file */
	uint64_t round_records;	/* records handled in this poll round */
	uint64_t malformed;
	uint64_t started_ns;	/* CLOCK_REALTIME */
	uint64_t started_boot_ns;
	uid_t run_uid;		/* who the daemon runs as after setup */
	gid_t run_gid;
	char key_id[CHAIN_KEY_ID_LEN + 1];	/* "" without a chain */
	bool count_reached;
	bool replaying;
};

static volatile sig_atomic_t exiting, reload;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reload = 1;
	else
		exiting = 1;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (!log_verbose() || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/*
 * The config decides what is recorded and what is ignored, so nobody but
 * root (or the user running a --replay) may be able to change it.
 */
static bool config_owner_ok(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return true;	/* config_load() reports it */
	if ((st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & 022)) {
		log_warnx("%s: must be owned by root and not writable by group or others (mode %04o, owner %u)",
			  path, (unsigned int)(st.st_mode & 07777),
			  (unsigned int)st.st_uid);
		return false;
	}
	return true;
}

/*
 * SIGHUP reloads the file as the unprivileged user: say so now if it
 * cannot read it (the packaging gives it to group inputaudit, 0640).
 */
static void check_config_readable(const struct daemon *d)
{
	const char *path = d->cfg.path;
	struct stat st;
	bool ok;

	if (!path || !d->priv.resolved || stat(path, &st))
		return;
	ok = (st.st_mode & S_IROTH) ||
	     (st.st_uid == d->priv.uid && (st.st_mode & S_IRUSR)) ||
	     (st.st_gid == d->priv.gid && (st.st_mode & S_IRGRP));
	if (!ok)
		log_warnx("%s: not readable by user %s: SIGHUP will not be able to reload it",
			  path, d->priv.user);
}

/*
 * What the dropped daemon may open (Landlock): files beneath its sinks' and
 * spools' directories, its state directory and the metrics file's
 * directory (read and write beneath it only), and, for SIGHUP's reload,
 * files beneath the config file's directory for reading (held as a directory
 * fd: a rule binds to that inode, so an editor's rename of a new file into
 * it is covered, a directory swapped in later is not); TCP to the
 * collectors' ports.
 */
static void setup_sandbox(struct daemon *d)
{
	char *dir;

	d->config_dirfd = -1;
	if (d->cfg.path) {
		dir = strdup(d->cfg.path);
		if (!dir)
			fatalx("out of memory");
		d->config_dirfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (d->config_dirfd < 0)
			log_warn("%s: SIGHUP will not be able to reload it", dir);
		free(dir);
	}
	pipeline_sandbox(&d->pipe, &d->sandbox);
	sandbox_add_dir(&d->sandbox, d->state_fd, true);
	sandbox_add_dir(&d->sandbox, d->chain_run.dirfd, true);
	sandbox_add_dir(&d->sandbox, d->metrics.dirfd, true);
	sandbox_add_dir(&d->sandbox, d->config_dirfd, false);
	d->priv.sandbox = &d->sandbox;
}

/* The config file: -c, else the default one if it exists, else defaults. */
static void load_config(struct daemon *d)
{
	const char *path = d->opt.config;
	char err[512];

	if (!path && !d->opt.no_config && !access(DEFAULT_CONFIG, F_OK))
		path = DEFAULT_CONFIG;
	if (!path) {
		if (config_init(&d->cfg))
			fatalx("out of memory");
		return;
	}
	if (!config_owner_ok(path))
		exit(1);
	/* config_load() fills in the defaults itself: no config_init() first. */
	if (config_load(path, &d->cfg, err, sizeof(err)))
		fatalx("%s", err);
	log_debug("configuration from %s", path);
}

/* --check-config: the first error as FILE:LINE: reason, on stderr. */
static int check_config(const char *path)
{
	struct ia_config cfg;
	char err[512];

	if (config_load(path, &cfg, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	printf("%s: ok (%zu rules, %zu file, %zu syslog, %zu journal, %zu relp sinks)\n",
	       path, cfg.nrules, cfg.nfiles, cfg.nsyslogs, cfg.njournals, cfg.nrelps);
	config_free(&cfg);
	return 0;
}

static void add_file_sink(struct daemon *d, const struct ia_sink_file_conf *c)
{
	const char *path = c->path;
	struct file_sink_conf fc = {
		.name = c->name,
		.path = path,
		.group = c->group,
		.max_size = c->max_size,
		.keep = c->keep,
		.owner = d->priv.resolved ? d->priv.uid : 0,
		.space_left = c->space_left,
		.space_left_pct = c->space_left_pct,
		.full_action = c->disk_full_stop ? FILE_FULL_STOP : FILE_FULL_KEEP,
	};
	int err = pipeline_add_file(&d->pipe, &fc);

	if (err)
		fatalc(err, "sink file %s", path ? path : "-");
}

static struct sink *new_sink(struct daemon *d)
{
	struct sink *s = pipeline_add_sink(&d->pipe);

	if (!s)
		fatalx("more than %d sinks configured", PIPELINE_MAX_SINKS);
	return s;
}

static void add_relp_sink(struct daemon *d, const struct ia_sink_relp_conf *c)
{
	struct relp_sink_conf rc = {
		.name = c->name,
		.host = c->host,
		.port = c->port,
		.tls = c->tls,
		.tls_ca = c->tls_ca,
		.tls_cert = c->tls_cert,
		.tls_key = c->tls_key,
		.tls_peer_name = c->tls_peer_name,
		.app_name = c->app_name,
		.sd_id = c->sd_id,
		.spool_dir = c->spool_dir,
		.spool_max = c->spool_max,
		.backoff_min_ms = c->backoff_min_ms,
		.backoff_max_ms = c->backoff_max_ms,
		.spool_uid = d->priv.resolved ? d->priv.uid : (uid_t)-1,
		.spool_gid = d->priv.resolved ? d->priv.gid : (gid_t)-1,
	};
	int err = sink_relp_new(new_sink(d), &rc);

	if (err)
		fatalc(err, "sink relp %s", c->name);
}

/* Every sink of the config, plus -o; stdout when there is none. */
static void setup_sinks(struct daemon *d)
{
	const struct ia_config *cfg = &d->cfg;
	unsigned int i;
	size_t k;
	int err;

	for (k = 0; k < cfg->nfiles; k++)
		add_file_sink(d, &cfg->files[k]);
	for (k = 0; k < cfg->nsyslogs; k++) {
		const struct ia_sink_syslog_conf *c = &cfg->syslogs[k];
		struct syslog_sink_conf sc = {
			.name = c->name,
			.host = c->host,
			.port = c->port,
			.app_name = c->app_name,
			.sd_id = c->sd_id,
			.spool_dir = c->spool_dir,
			.spool_max = c->spool_max,
			.backoff_min_ms = c->backoff_min_ms,
			.backoff_max_ms = c->backoff_max_ms,
			.spool_uid = d->priv.resolved ? d->priv.uid : (uid_t)-1,
			.spool_gid = d->priv.resolved ? d->priv.gid : (gid_t)-1,
			.transport = c->plain_tcp ? SYSLOG_TRANSPORT_TCP :
						    SYSLOG_TRANSPORT_TLS,
			.tls = {
				.ca_file = c->tls_ca,
				.cert_file = c->tls_cert,
				.key_file = c->tls_key,
				.peer_name = c->tls_peer_name,
				.peer_fingerprint = c->tls_peer_fingerprint,
			},
		};

		err = sink_syslog_new(new_sink(d), &sc);
		if (err)
			fatalc(err, "sink syslog %s", c->name);
	}
	for (k = 0; k < cfg->nrelps; k++)
		add_relp_sink(d, &cfg->relps[k]);
	for (k = 0; k < cfg->njournals; k++) {
		const struct ia_sink_journal_conf *c = &cfg->journals[k];
		struct journal_sink_conf jc = {
			.name = c->name,
			.identifier = c->identifier,
		};

		err = sink_journal_new(new_sink(d), &jc);
		if (err)
			fatalc(err, "sink journal %s", c->name);
	}
	if (d->opt.output || !d->pipe.nsinks) {
		/* -o, or stdout: no rotation, the default disk_full_action */
		struct ia_sink_file_conf out = { .path = (char *)d->opt.output };

		add_file_sink(d, &out);
	}

	for (i = 0; i < d->pipe.nsinks; i++) {
		struct sink *s = &d->pipe.sinks[i];

		err = s->ops->open(s);
		if (err)
			fatalc(err, "%s", s->name);
		log_debug("sink %s open", s->name);
	}
}

/*
 * With a chain state directory the key comes from its state file (the
 * current epoch's key), or, when that is missing, from the initial key
 * file; without one, every run is a chain of its own under the key file.
 */
static void setup_chain(struct daemon *d)
{
	const char *path = d->opt.chain_key ?: d->cfg.chain_key;
	const char *state = d->opt.chain_state ?: d->cfg.chain_state_dir;
	uint8_t key[CHAIN_KEY_MAX];
	size_t len;
	int err;

	d->chain_run.dirfd = -1;
	if (state && (path || d->opt.chain_state)) {
		err = chain_run_open(&d->chain_run, &d->pipe.chain, state, path,
				     d->priv.resolved ? d->priv.uid : (uid_t)-1,
				     d->priv.resolved ? d->priv.gid : (gid_t)-1,
				     d->cfg.chain_epoch_minutes);
		if (err)
			fatalx("%s: cannot use the chain state", state);
		pipeline_set_run(&d->pipe, &d->chain_run);
		memcpy(d->key_id, d->pipe.chain.key_id, sizeof(d->key_id));
		return;
	}
	if (!path)
		return;
	err = chain_key_load(path, key, &len);
	if (err)
		fatalx("%s: cannot use the chain key", path);
	err = pipeline_set_key(&d->pipe, key, len);
	if (!err)
		err = chain_key_id(key, len, d->key_id);
	memset(key, 0, sizeof(key));
	if (err)
		fatalc(err, "cannot set up HMAC-SHA256");
}

/*
 * The state directory holds status.json for inputauditctl status; the
 * daemon's user owns it, nobody else may enter.
 */
static void setup_state_dir(struct daemon *d)
{
	const char *dir = d->cfg.daemon.state_dir;

	d->state_fd = -1;
	if (!dir || !*dir || d->replaying)
		return;
	if (mkdir(dir, 0700) && errno != EEXIST)
		fatal("%s", dir);
	d->state_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->state_fd < 0)
		fatal("%s", dir);
	if (fchmod(d->state_fd, 0700) ||
	    (d->priv.resolved &&
	     fchown(d->state_fd, d->priv.uid, d->priv.gid)))
		fatal("%s", dir);
}

/*
 * The metrics file's directory, held from the start (Landlock allows files
 * beneath it).  Its owner (root or node exporter's user) gives the daemon's
 * user write access (packaging/tmpfiles.d): if it does not, or the directory
 * is missing, the daemon says so once and captures on.  A --replay is a
 * tool run, like for status.json: it must not overwrite what the running
 * daemon publishes.
 */
static void setup_metrics(struct daemon *d)
{
	int err;

	if (d->replaying)
		err = metrics_open(&d->metrics, NULL);
	else
		err = metrics_open(&d->metrics, d->cfg.daemon.metrics_file);
	if (err)
		fatalc(err, "metrics_file %s", d->cfg.daemon.metrics_file);
}

/*
 * The total the module has emitted: before we attach, the next record
 * should be one more; at exit, anything after the last record seen up to
 * it is a loss.  The file is root-only, so its fd is kept open.
 * Return: the total + 1, or 0 if unknown.
 */
static uint64_t expected_next_seq(struct daemon *d)
{
	char buf[32], *end;
	unsigned long long emitted;
	ssize_t len;

	if (d->emitted_fd < 0)
		return 0;
	len = pread(d->emitted_fd, buf, sizeof(buf) - 1, 0);
	if (len <= 0)
		return 0;
	buf[len] = '\0';
	errno = 0;
	emitted = strtoull(buf, &end, 10);
	if (errno || end == buf || (*end && *end != '\n')) {
		log_warnx("%s: unexpected content; taking the first record as the start",
			  RECORDS_EMITTED_PATH);
		return 0;
	}
	return emitted + 1;
}

/* A ring sample: one record, or a batch of event records back to back. */
static int on_record(void *ctx, void *data, size_t size)
{
	struct daemon *d = ctx;
	struct inputaudit_record rec;
	const char *p = data;

	if (!size || size % sizeof(rec)) {
		if (!d->malformed++)
			log_warnx("ignoring a %zu-byte ring sample", size);
		return 0;
	}
	for (; size; p += sizeof(rec), size -= sizeof(rec)) {
		d->round_records++;
		memcpy(&rec, p, sizeof(rec));
		pipeline_kernel_record(&d->pipe, &rec);
		if (d->opt.count && d->pipe.seq.received >= d->opt.count) {
			d->count_reached = true;
			return -ECANCELED;	/* stop this drain right here */
		}
	}
	return 0;
}

static void setup_capture(struct daemon *d)
{
	uint32_t ring = d->opt.ring_size ?: d->cfg.daemon.ring_size;
	unsigned int latency = d->opt.latency_ms ?: d->cfg.daemon.latency_ms;
	struct utsname uts;
	const char *tp;
	int err;

	err = capture_load(&d->cap, ring, (uint64_t)latency * 1000000);
	if (err)
		fatalc(err, "cannot load the bpf program%s",
		       log_verbose() ? "" : " (-v shows why)");
	if (d->cap.no_kconfig)
		log_info("no kernel config (/boot/config-%s, /proc/config.gz): the bpf program uses bpf_ktime_get_ns(), the kernel tick is taken as %u ms",
			 uname(&uts) ? "$(uname -r)" : uts.release,
			 d->cap.stage_ms);
	log_debug("kernel tick %u ms (how long the module may stage an event record)",
		  d->cap.stage_ms);

	d->emitted_fd = open(RECORDS_EMITTED_PATH, O_RDONLY | O_CLOEXEC);
	if (d->emitted_fd < 0)
		log_debug("%s: %s; taking the first record as the start",
			  RECORDS_EMITTED_PATH, strerror(errno));
	pipeline_expect_seq(&d->pipe, expected_next_seq(d));

	if (d->opt.no_attach)
		goto ring;
	err = capture_attach(&d->cap, &tp);
	if (err == -ENOENT)
		fatalx("inputaudit module not loaded (no tracepoint %s or %s)",
		       INPUTAUDIT_TP_NAME, INPUTAUDIT_TP_NAME_SUFFIXED);
	if (err)
		fatalc(err, "cannot attach to tracepoint %s", tp);
	log_debug("attached to tracepoint %s", tp);
ring:
	err = capture_ring(&d->cap, on_record, d);
	if (err)
		fatalc(err, "cannot set up the ring buffer consumer");
}

static void write_stats(struct daemon *d, bool final)
{
	struct capture_counters c = { 0 };
	struct record_stats stats;
	char line[RECORD_JSON_MAX];

	if (!d->replaying)
		capture_read_counters(&d->cap, &c);
	stats = (struct record_stats){
		.time_ns = boottime_ns(),
		.received = d->pipe.seq.received,
		.lost = d->pipe.seq.lost,
		.duplicates = d->pipe.seq.duplicates,
		.ring_drops = c.drops,
		.bpf_submitted = c.submitted,
		.policy_dropped = d->pipe.filtered,
		.final = final,
	};
	pipeline_daemon_line(&d->pipe, line,
			     record_json_stats(&stats, line, sizeof(line)),
			     "stats", SINK_SEV_INFO);
}

/*
 * status.json for inputauditctl status (status.h) and, with @metrics, the
 * metrics file (metrics.h): one snapshot for both, so they never disagree.
 * The metrics file's failures are in status.json (the one written after it).
 */
static void publish(struct daemon *d, bool metrics)
{
	static struct daemon_status st;
	const struct kernel_totals *t = &d->pipe.totals;
	struct capture_counters c = { 0 };
	unsigned int i;
	int err;

	if (d->state_fd < 0 && !d->metrics.path)
		return;
	if (!d->replaying)
		capture_read_counters(&d->cap, &c);
	memset(&st, 0, sizeof(st));
	st.pid = getpid();
	st.uid = d->run_uid;
	st.gid = d->run_gid;
	st.start_time = d->started_ns / 1000000000;
	st.start_boottime_ns = d->started_boot_ns;
	st.update_time = clock_ns(CLOCK_REALTIME) / 1000000000;
	st.received = d->pipe.seq.received;
	st.lost = d->pipe.seq.lost;
	st.duplicates = d->pipe.seq.duplicates;
	st.ring_drops = c.drops;
	st.bpf_submitted = c.submitted;
	st.last_seq = d->pipe.last_seq;
	st.chain_n = d->pipe.chained ? d->pipe.chain.n : 0;
	memcpy(st.key_id, d->key_id, sizeof(st.key_id));
	snprintf(st.version, sizeof(st.version), "%s", INPUTAUDIT_VERSION);
	memcpy(st.config_sha256, d->cfg.sha256, sizeof(st.config_sha256));
	st.have_frames = t->have_frames;
	st.frames_seen = t->frames_seen;
	st.frames_suppressed = t->frames_suppressed;
	st.blind_ns = t->blind_ns;
	st.have_no_consumer = t->have_no_consumer;
	st.no_consumer_ns = t->no_consumer_ns;
	for (i = 0; i < d->pipe.nsinks; i++)
		status_add_sink(&st, &d->pipe.sinks[i]);
	if (metrics)
		metrics_write(&d->metrics, &st);
	st.metrics_failures = d->metrics.failures;
	st.metrics_last_err = d->metrics.last_err;
	if (d->state_fd < 0)
		return;
	err = status_write(d->state_fd, &st);
	if (err)
		log_warnc(err, "%s/status.json", d->cfg.daemon.state_dir);
}

/* A file sink's lost lines, for every sink: sink_loss with the range. */
static void write_file_loss(struct daemon *d, struct sink *s, const struct file_gap *g)
{
	struct record_sink_gap rg = pipeline_gap_record(s->name, g);
	char line[RECORD_JSON_MAX];

	pipeline_daemon_line(&d->pipe, line,
			     record_json_sink_gap(boottime_ns(), &rg, false, line,
						  sizeof(line)),
			     "sink_loss", SINK_SEV_WARNING);
	if (d->cfg.alert.loss)
		pipeline_alert(&d->pipe, "sink_loss", 0, 0, NULL);
}

static void write_sink_error(struct daemon *d, struct sink *s, const char *op,
			     int err, uint64_t failures)
{
	char line[RECORD_JSON_MAX];

	pipeline_daemon_line(&d->pipe, line,
			     record_json_sink_error(boottime_ns(), s->name, op, err,
						    failures, line, sizeof(line)),
			     "sink_error", SINK_SEV_WARNING);
}

/*
 * A file sink's news, in-band: a streak of failed rotations (it keeps
 * appending), a write that failed (it counts lost lines from then on, with
 * an alert), its filesystem below space_left, and, when it writes again
 * (its file got a sink_gap line first), how many lines it lost.
 */
static void report_file_sink(struct daemon *d, struct sink *s)
{
	char line[RECORD_JSON_MAX];
	uint64_t failures, free, threshold;
	struct file_gap g;
	int err;

	if (sink_file_take_rotate_failure(s, &err, &failures))
		write_sink_error(d, s, "rotate", err, failures);
	if (sink_file_take_write_failure(s, &err, &failures)) {
		write_sink_error(d, s, "write", err, failures);
		if (d->cfg.alert.loss)
			pipeline_alert(&d->pipe, "sink_loss", 0, 0, NULL);
	}
	if (sink_file_take_space_low(s, &free, &threshold))
		pipeline_daemon_line(&d->pipe, line,
				     record_json_sink_space_low(boottime_ns(), s->name,
								free, threshold, line,
								sizeof(line)),
				     "sink_space_low", SINK_SEV_WARNING);
	if (pipeline_resume_file(&d->pipe, s, &g)) {
		log_info("%s: writing again; %" PRIu64 " lines were not written (n=%"
			 PRIu64 "..%" PRIu64 ")", s->name, g.lines, g.first_n, g.last_n);
		write_file_loss(d, s, &g);
	}
}

/*
 * A syslog sink's connection news, in-band: a TLS handshake that failed
 * (once per streak; the count is in status), and the lines written to a
 * connection that broke, which the collector may not have stored.
 */
static void report_syslog_sink(struct daemon *d, struct sink *s)
{
	char line[RECORD_JSON_MAX], why[256];
	uint64_t failures, first, last, lines;
	struct sink_health h;

	if (sink_syslog_take_tls_failure(s, why, sizeof(why), &failures)) {
		s->ops->health(s, &h);
		pipeline_daemon_line(&d->pipe, line,
				     record_json_sink_tls_failure(boottime_ns(), s->name,
								  h.peer, why, failures,
								  line, sizeof(line)),
				     "sink_tls_failure", SINK_SEV_WARNING);
	}
	if (sink_syslog_take_disconnect(s, &first, &last, &lines)) {
		log_warnx("%s: connection lost; the collector may not have stored lines n=%"
			  PRIu64 "..%" PRIu64, s->name, first, last);
		pipeline_daemon_line(&d->pipe, line,
				     record_json_sink_disconnect(boottime_ns(), s->name,
								 first, last, lines, line,
								 sizeof(line)),
				     "sink_disconnect", SINK_SEV_WARNING);
	}
}

/* A RELP sink's news: a streak of refused collectors (or a collector refusing us). */
static void report_relp_sink(struct daemon *d, struct sink *s)
{
	char line[RECORD_JSON_MAX], why[256];
	struct sink_health h;
	uint64_t failures;

	if (!sink_relp_take_tls_failure(s, why, sizeof(why), &failures))
		return;
	s->ops->health(s, &h);
	pipeline_daemon_line(&d->pipe, line,
			     record_json_sink_tls_failure(boottime_ns(), s->name, h.peer, why,
							  failures, line, sizeof(line)),
			     "sink_tls_failure", SINK_SEV_WARNING);
}

/*
 * Lines a syslog sink dropped (spool full) or the journal sink could not
 * hand to journald are reported in-band once the sink is back; a file
 * sink's news: report_file_sink().
 */
static void report_sink_loss(struct daemon *d)
{
	char line[RECORD_JSON_MAX];
	unsigned int i;
	uint64_t n;

	for (i = 0; i < d->pipe.nsinks; i++) {
		struct sink *s = &d->pipe.sinks[i];

		if (!strcmp(s->ops->kind, "file")) {
			report_file_sink(d, s);
			continue;
		}
		if (!strcmp(s->ops->kind, "relp")) {
			report_relp_sink(d, s);
			n = sink_relp_take_dropped(s);
		} else if (!strcmp(s->ops->kind, "syslog")) {
			report_syslog_sink(d, s);
			n = sink_syslog_take_dropped(s);
		} else if (!strcmp(s->ops->kind, "journal")) {
			n = sink_journal_take_dropped(s);
		} else {
			continue;
		}
		if (!n)
			continue;
		pipeline_daemon_line(&d->pipe, line,
				     record_json_sink_loss(boottime_ns(),
							   s->name, n, false, line,
							   sizeof(line)),
				     "sink_loss", SINK_SEV_WARNING);
		if (d->cfg.alert.loss)
			pipeline_alert(&d->pipe, "sink_loss", 0, 0, NULL);
	}
}

/* At the start: a syslog sink that sends in clear says so, in-band and in the log. */
static void report_insecure_sinks(struct daemon *d)
{
	char line[RECORD_JSON_MAX];
	struct sink_health h;
	unsigned int i;

	for (i = 0; i < d->pipe.nsinks; i++) {
		struct sink *s = &d->pipe.sinks[i];

		if (strcmp(s->ops->kind, "syslog") || !sink_syslog_insecure(s))
			continue;
		s->ops->health(s, &h);
		log_warnx("%s: transport = tcp: records go to %s in clear, to a collector nobody authenticated",
			  s->name, h.peer);
		pipeline_daemon_line(&d->pipe, line,
				     record_json_sink_insecure(boottime_ns(), s->name, h.peer,
							       line, sizeof(line)),
				     "sink_insecure", SINK_SEV_WARNING);
	}
}

/*
 * At a stop, drops a syslog sink could not report to its collector yet (it
 * is still away) go to the other sinks now, marked pending: the sink keeps
 * the count in its spool directory and tells the collector after the next
 * start.  A journal sink's drops not reported yet (journald still away, or
 * back with no line since) go to the other sinks the same way; journald
 * learns of them from no one (it was away), the other sinks do.  A file
 * sink still full at the stop: its lost lines so far go to
 * the other sinks (its own file ends without the final checkpoint; the log
 * and the status file have the final count).  No drop count ends with the
 * process.
 */
static void report_sink_loss_pending(struct daemon *d)
{
	char line[RECORD_JSON_MAX];
	struct file_gap g;
	unsigned int i;
	uint64_t n;

	for (i = 0; i < d->pipe.nsinks; i++) {
		struct sink *s = &d->pipe.sinks[i];

		if (!strcmp(s->ops->kind, "file") && sink_file_gap(s, &g)) {
			write_file_loss(d, s, &g);
			continue;
		}
		if (!strcmp(s->ops->kind, "relp"))
			n = sink_relp_pending_dropped(s);
		else if (!strcmp(s->ops->kind, "syslog"))
			n = sink_syslog_pending_dropped(s);
		else if (!strcmp(s->ops->kind, "journal"))
			n = sink_journal_pending_dropped(s);
		else
			continue;
		if (!n)
			continue;
		pipeline_daemon_line(&d->pipe, line,
				     record_json_sink_loss(boottime_ns(), s->name, n, true,
							   line, sizeof(line)),
				     "sink_loss", SINK_SEV_WARNING);
		if (d->cfg.alert.loss)
			pipeline_alert(&d->pipe, "sink_loss", 0, 0, NULL);
	}
}

/*
 * SIGHUP: a new config replaces the policy, the alerts and the kernel
 * settings; sinks, key and user stay as they are (a restart changes those).
 * A config that does not load is reported and the running one kept.
 */
static void reload_config(struct daemon *d)
{
	const char *path = d->cfg.path;
	struct ia_config cfg, old;
	char err[512];
	int ret;

	pipeline_reopen(&d->pipe);
	if (!path)
		return;
	if (!config_owner_ok(path)) {
		log_warnx("reload: keeping the running configuration");
		return;
	}
	if (config_load(path, &cfg, err, sizeof(err))) {
		log_warnx("reload: %s; keeping the running configuration", err);
		config_free(&cfg);
		return;
	}
	ret = ksettings_apply(&d->kset, &cfg.kernel, err, sizeof(err));
	if (ret < 0) {
		log_warnx("reload: %s; keeping the running configuration", err);
		config_free(&cfg);
		return;
	}
	old = d->cfg;
	d->cfg = cfg;
	policy_set_config(&d->policy, &d->cfg);
	d->pipe.alert_loss = d->cfg.alert.loss;
	if (strcmp(old.daemon.metrics_file, cfg.daemon.metrics_file))
		log_warnx("reload: metrics_file takes effect at the next start");
	config_free(&old);
	publish(d, true);	/* config_info shows the new file at once */
	log_info("reloaded %s (%d kernel settings changed)", d->cfg.path, ret);
}

/*
 * The poll timeout follows the BPF wakeup policy (bpf/inputaudit.bpf.c):
 * while records arrive, wait at most the latency budget less the time the
 * module may hold an event record (one tick, cap.stage_ms; at least half
 * the budget is kept), since records submitted without a wakeup are only
 * found by the drain after the wait; after a round that found nothing,
 * sleep long, because the next record comes after the budget has passed
 * and so forces a wakeup.
 */
static int busy_timeout(const struct daemon *d)
{
	unsigned int latency = d->opt.latency_ms ?: d->cfg.daemon.latency_ms;
	unsigned int half = latency / 2 ?: 1;

	if (latency > d->cap.stage_ms && latency - d->cap.stage_ms >= half)
		return latency - d->cap.stage_ms;
	return half;
}

static int poll_timeout(const struct daemon *d, bool idle, uint64_t next)
{
	uint64_t now = monotonic_ms();
	int timeout = idle ? IDLE_POLL_MS : busy_timeout(d);

	if (next <= now)
		return 0;
	if (next - now < (uint64_t)timeout)
		timeout = next - now;
	return timeout;
}

static uint64_t stats_interval(const struct daemon *d)
{
	return d->opt.stats_interval_set ? d->opt.stats_interval_ms :
					   d->cfg.daemon.stats_interval_ms;
}

static int run(struct daemon *d, const sigset_t *waitmask)
{
	uint64_t interval = stats_interval(d), now;
	uint64_t next_stats = interval ? monotonic_ms() + interval : UINT64_MAX;
	uint64_t next_tick = monotonic_ms() + TICK_MS;
	uint64_t next_metrics = monotonic_ms() + d->cfg.daemon.metrics_interval_ms;
	bool metrics;
	bool idle = false;
	int timeout, woken, err;

	while (!exiting && !d->pipe.write_err) {
		timeout = poll_timeout(d, idle, next_stats < next_tick ?
					     next_stats : next_tick);
		woken = capture_wait(&d->cap, timeout, waitmask);
		if (woken < 0 && woken != -EINTR)
			return woken;

		d->round_records = 0;
		err = capture_consume(&d->cap);
		if (d->count_reached)
			break;
		if (err < 0)
			return err;

		/*
		 * A whole timeout with nothing new: the ring is drained and
		 * idle, so a hole still open now is a record that never came.
		 * Only a wait that timed out says so: a wakeup whose drain
		 * finds nothing means the sample at the ring's head is still
		 * being written (another CPU reserved it first), and the holes
		 * below the last record seen may be in it.
		 */
		idle = woken == 0 && timeout > 0 && !err && !d->round_records;
		if (idle)
			seqtrack_flush(&d->pipe.seq);

		if (reload) {
			reload = 0;
			reload_config(d);
		}
		now = monotonic_ms();
		if (now >= next_tick) {
			pipeline_tick(&d->pipe, now);
			report_sink_loss(d);
			metrics = now >= next_metrics;
			if (metrics)
				next_metrics = now + d->cfg.daemon.metrics_interval_ms;
			publish(d, metrics);
			next_tick = now + TICK_MS;
		}
		if (now >= next_stats) {
			write_stats(d, false);
			next_stats = now + interval;
		}
		pipeline_flush(&d->pipe);
	}
	return d->pipe.write_err;
}

/* --replay: records per batch, as a busy ring drain would hand them over. */
#define REPLAY_BATCH		1024

/*
 * --replay: the whole file through the pipeline, then stop.  Every
 * REPLAY_BATCH records the sinks are flushed and ticked like after a poll
 * round of live capture, so a syslog sink connects and sends while the
 * file is replayed instead of spooling all of it.
 */
static int replay(struct daemon *d)
{
	struct inputaudit_record rec;
	uint64_t n = 0;
	struct recfile *rd = &d->replay_file;
	int err = 0;

	pipeline_tick(&d->pipe, monotonic_ms());
	while (!exiting && !d->pipe.write_err &&
	       (err = recfile_read(rd, &rec)) > 0) {
		pipeline_kernel_record(&d->pipe, &rec);
		if (d->opt.count && d->pipe.seq.received >= d->opt.count)
			break;
		if (++n % REPLAY_BATCH == 0) {
			pipeline_flush(&d->pipe);
			pipeline_tick(&d->pipe, monotonic_ms());
			report_sink_loss(d);
		}
	}
	if (err < 0)
		log_warnx("%s: %s", d->opt.replay, rd->err[0] ? rd->err : strerror(-err));
	recfile_close(rd);
	return err < 0 ? err : d->pipe.write_err;
}

/*
 * Detach first so no record can arrive after the final drain, then declare
 * what is still missing, up to the module's emitted total: a ring-full drop
 * after the last record seen shows no gap otherwise.  Then the final stats
 * and the final checkpoint, which marks a clean end for the verifier.
 */
static int finish(struct daemon *d)
{
	int err;

	if (!d->replaying) {
		capture_detach(&d->cap);
		if (!d->count_reached) {
			err = capture_consume(&d->cap);
			if (err < 0 && !d->count_reached)
				log_warnc(err, "final drain of the ring failed");
		}
	}
	if (d->count_reached || d->opt.no_attach || d->replaying)
		seqtrack_flush(&d->pipe.seq);
	else
		seqtrack_flush_until(&d->pipe.seq, expected_next_seq(d));
	report_sink_loss(d);
	report_sink_loss_pending(d);
	write_stats(d, true);
	pipeline_checkpoint(&d->pipe, true);
	pipeline_flush(&d->pipe);	/* so that the status counts every line */
	publish(d, true);
	if (d->opt.record) {
		err = recfile_close(&d->record);
		if (err)
			log_warnc(err, "%s", d->opt.record);
	}
	return pipeline_close(&d->pipe);
}

/*
 * The [kernel] settings, through the files opened while root.  Called once
 * attached (see the top of this file).  A setting the module refuses stops
 * the start; what the attach and the settings applied before it produced
 * (the module's device inventory, config records) is in the ring by then,
 * so it is written out with a final stats record before the exit rather
 * than lost with the ring.
 */
static bool apply_kernel_settings(struct daemon *d)
{
	char err_msg[512];

	if (ksettings_apply(&d->kset, &d->cfg.kernel, err_msg,
			    sizeof(err_msg)) >= 0)
		return true;
	log_warnx("kernel settings: %s", err_msg);
	return false;
}

/*
 * SIGINT, SIGTERM and SIGHUP stay blocked except inside the wait, where
 * epoll_pwait() unblocks them atomically: a signal arriving at any other
 * moment is handled at the next wait, never lost between check and sleep.
 */
static void setup_signals(sigset_t *waitmask)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &block, waitmask) < 0)
		fatal("sigprocmask");
	sigdelset(waitmask, SIGINT);
	sigdelset(waitmask, SIGTERM);
	sigdelset(waitmask, SIGHUP);

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0 ||
	    sigaction(SIGHUP, &sa, NULL) < 0)
		fatal("sigaction");
	/* A closed output pipe is reported as a write error, not a kill. */
	signal(SIGPIPE, SIG_IGN);
}

/* Who the daemon becomes: --user/--group, else the config's. */
static void setup_user(struct daemon *d)
{
	int err;

	d->priv = (struct priv_conf){
		.user = d->opt.user ?: d->cfg.daemon.user,
		.group = d->opt.user ? d->opt.group : d->cfg.daemon.group,
		.allow_root = d->cfg.daemon.allow_root,
	};
	if (d->replaying && !d->opt.user)
		d->priv.user = NULL;	/* a tool run: the caller's rights */
	err = privdrop_prepare(&d->priv);
	if (err)
		fatalx("cannot run as user %s (see [daemon] user or --user)",
		       d->priv.user);
}

int main(int argc, char **argv)
{
	static struct daemon d;	/* the seqtrack bitmap is better off the stack */
	sigset_t waitmask;
	char err_msg[512];
	bool settings_ok = true;
	int err;

	log_init("inputauditd", false);
	options_parse(argc, argv, &d.opt);
	log_init("inputauditd", d.opt.verbose);
	if (d.opt.check_config)
		return check_config(d.opt.check_config);
	libbpf_set_print(libbpf_print);
	d.started_ns = clock_ns(CLOCK_REALTIME);
	d.started_boot_ns = boottime_ns();
	d.replaying = d.opt.replay;
	d.emitted_fd = -1;

	load_config(&d);
	setup_signals(&waitmask);
	setup_user(&d);
	check_config_readable(&d);

	pipeline_init(&d.pipe, 0);
	d.pipe.raw = d.opt.raw;
	d.pipe.alert_loss = d.cfg.alert.loss;
	policy_init(&d.policy, &d.cfg);
	d.pipe.policy = &d.policy;
	setup_chain(&d);
	setup_sinks(&d);
	setup_state_dir(&d);
	setup_metrics(&d);
	if (d.opt.record) {
		err = recfile_create(&d.record, d.opt.record);
		if (err)
			fatalc(err, "%s", d.opt.record);
		d.pipe.record = &d.record;
	}

	if (!d.replaying) {
		err = ksettings_open(&d.kset, NULL, &d.cfg.kernel, err_msg,
				     sizeof(err_msg));
		if (err < 0)
			fatalx("kernel settings: %s", err_msg);
		setup_capture(&d);
		settings_ok = apply_kernel_settings(&d);
	}

	if (d.replaying) {
		err = recfile_open(&d.replay_file, d.opt.replay);
		if (err)
			fatalx("%s: %s", d.opt.replay,
			       d.replay_file.err[0] ? d.replay_file.err : strerror(-err));
	}
	setup_sandbox(&d);

	d.run_uid = d.priv.resolved ? d.priv.uid : getuid();
	d.run_gid = d.priv.resolved ? d.priv.gid : getgid();
	err = privdrop_apply(&d.priv);
	if (err)
		fatalc(err, "cannot drop privileges");
	/*
	 * Not one line before the drop: a sink's first write may create a
	 * file (a spool segment while the collector's connect is under way)
	 * that the daemon's user could not read or reopen afterwards.
	 */
	pipeline_start(&d.pipe);
	report_insecure_sinks(&d);
	if (!settings_ok) {
		finish(&d);
		exit(1);
	}
	publish(&d, true);
	err = d.replaying ? replay(&d) : run(&d, &waitmask);
	if (err)
		log_warnc(err, "stopping");
	err = finish(&d) ? 1 : err ? 1 : 0;
	if (!d.replaying)
		capture_close(&d.cap);
	metrics_close(&d.metrics);
	chain_run_close(&d.chain_run);
	policy_free(&d.policy);
	config_free(&d.cfg);
	return err;
}
