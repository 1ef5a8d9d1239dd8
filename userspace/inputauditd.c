// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * inputauditd: read inputaudit records from the BPF ring buffer and write
 * them as JSON Lines, declaring every sequence gap in-band as a loss.
 *
 * Flow: open the skeleton, size the ring, load; read how many records the
 * module has emitted so far; attach to the tracepoint; then wait and drain
 * until SIGINT/SIGTERM or --count, and finish with a final stats record.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "inputaudit.h"
#include "log.h"
#include "output.h"
#include "privdrop.h"
#include "record_json.h"
#include "seqtrack.h"

#define DEFAULT_RING_SIZE	(1u << 20)
#define MIN_RING_SIZE		4096u
#define MAX_RING_SIZE		(1u << 30)
#define DEFAULT_LATENCY_MS	20
#define DEFAULT_STATS_MS	60000
#define MAX_STATS_MS		(24u * 3600 * 1000)
/* How long an idle daemon sleeps: the BPF side wakes it for new records. */
#define IDLE_POLL_MS		1000

#define RECORDS_EMITTED_PATH	INPUTAUDIT_SYSFS_DIR "/records_emitted"

struct options {
	const char *output;
	uint32_t ring_size;
	unsigned int latency_ms;
	uint64_t count;			/* 0: run until signalled */
	unsigned int stats_interval_ms;	/* 0: final stats only */
	bool no_attach;			/* tests feed BPF_PROG_TEST_RUN */
	bool raw;			/* every payload word, undecoded */
	struct priv_conf priv;		/* --user, --group: drop after setup */
	bool verbose;
};

struct daemon {
	struct options opt;
	struct capture cap;
	struct output out;
	struct seqtrack seq;
	uint64_t round_records;	/* records handled in this poll round */
	uint64_t malformed;
	bool count_reached;
	int write_err;		/* first output error: stops the daemon */
};

static volatile sig_atomic_t exiting;

static void on_signal(int sig)
{
	(void)sig;
	exiting = 1;
}

static uint64_t boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void usage(FILE *fp)
{
	fprintf(fp,
"usage: inputauditd [options]\n"
"\n"
"Read inputaudit records from the kernel and write them as JSON Lines.\n"
"The inputaudit module must be loaded; run as root.\n"
"\n"
"  -o, --output FILE          append records to FILE (created 0600; an\n"
"                             existing FILE is restricted to 0600);\n"
"                             default or \"-\": stdout\n"
"      --ring-size BYTES      BPF ring buffer size, a power of two from\n"
"                             4096 to 1073741824 (default 1048576)\n"
"      --latency-ms N         deliver records at most N ms late, 1..1000\n"
"                             (default 20); fewer wakeups when larger\n"
"      --count N              exit after N kernel records (for tests)\n"
"      --stats-interval-ms N  write a stats record every N ms, 0 = only at\n"
"                             exit, else 100..86400000 (default 60000)\n"
"      --raw                  write every record undecoded: type, flags\n"
"                             and all four payload words as numbers\n"
"      --no-attach            for tests: load but do not attach; records\n"
"                             come only from BPF_PROG_TEST_RUN\n"
"      --user NAME            once set up, run as NAME with no capabilities,\n"
"                             no_new_privs and a seccomp allowlist (default:\n"
"                             stay root)\n"
"      --group NAME           with --user: run as group NAME (default: the\n"
"                             user's login group)\n"
"  -v, --verbose              show libbpf's messages and debug output\n"
"  -h, --help                 show this help\n"
"\n"
"Examples:\n"
"  inputauditd -o /var/log/inputaudit.jsonl\n"
"  inputauditd --latency-ms 200 --ring-size 4194304 -o audit.jsonl\n"
"  inputauditd --count 10 --stats-interval-ms 0 | jq .type\n"
"\n"
"SIGINT or SIGTERM: drain, write a final stats record, detach, exit 0.\n");
}

/* Strict decimal: no sign, no blanks, no suffix, within [min, max]. */
static uint64_t parse_u64(const char *opt, const char *arg, uint64_t min,
			  uint64_t max)
{
	unsigned long long val;
	char *end;

	if (arg[0] < '0' || arg[0] > '9')
		fatalx("%s: '%s' is not a number", opt, arg);
	errno = 0;
	val = strtoull(arg, &end, 10);
	if (errno || *end)
		fatalx("%s: '%s' is not a number", opt, arg);
	if (val < min || val > max)
		fatalx("%s: %llu is out of range %" PRIu64 "..%" PRIu64, opt,
		       val, min, max);
	return val;
}

static void parse_options(int argc, char **argv, struct options *opt)
{
	enum { OPT_RING = 256, OPT_LATENCY, OPT_COUNT, OPT_STATS, OPT_NO_ATTACH,
	       OPT_RAW, OPT_USER, OPT_GROUP };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "ring-size", required_argument, NULL, OPT_RING },
		{ "latency-ms", required_argument, NULL, OPT_LATENCY },
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "stats-interval-ms", required_argument, NULL, OPT_STATS },
		{ "no-attach", no_argument, NULL, OPT_NO_ATTACH },
		{ "raw", no_argument, NULL, OPT_RAW },
		{ "user", required_argument, NULL, OPT_USER },
		{ "group", required_argument, NULL, OPT_GROUP },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*opt = (struct options){
		.ring_size = DEFAULT_RING_SIZE,
		.latency_ms = DEFAULT_LATENCY_MS,
		.stats_interval_ms = DEFAULT_STATS_MS,
	};

	while ((c = getopt_long(argc, argv, "o:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			opt->output = optarg;
			break;
		case OPT_RING:
			opt->ring_size = parse_u64("--ring-size", optarg,
						   MIN_RING_SIZE, MAX_RING_SIZE);
			if (opt->ring_size & (opt->ring_size - 1))
				fatalx("--ring-size: %u is not a power of two",
				       opt->ring_size);
			break;
		case OPT_LATENCY:
			opt->latency_ms = parse_u64("--latency-ms", optarg, 1, 1000);
			break;
		case OPT_COUNT:
			opt->count = parse_u64("--count", optarg, 1, UINT64_MAX);
			break;
		case OPT_STATS:
			opt->stats_interval_ms = parse_u64("--stats-interval-ms",
							   optarg, 0, MAX_STATS_MS);
			if (opt->stats_interval_ms && opt->stats_interval_ms < 100)
				fatalx("--stats-interval-ms: %u is below 100",
				       opt->stats_interval_ms);
			break;
		case OPT_NO_ATTACH:
			opt->no_attach = true;
			break;
		case OPT_RAW:
			opt->raw = true;
			break;
		case OPT_USER:
			opt->priv.user = optarg;
			break;
		case OPT_GROUP:
			opt->priv.group = optarg;
			break;
		case 'v':
			opt->verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (optind < argc)
		fatalx("unexpected argument '%s' (see --help)", argv[optind]);
	if (opt->priv.group && !opt->priv.user)
		fatalx("--group needs --user");
	if (opt->ring_size % sysconf(_SC_PAGESIZE))
		fatalx("--ring-size: %u is not a multiple of the page size",
		       opt->ring_size);
}

static void emit(struct daemon *d, const char *line, int len)
{
	int err;

	if (len < 0) {		/* cannot happen: RECORD_JSON_MAX is ample */
		log_warnc(len, "record too long for the output buffer");
		return;
	}
	err = output_write(&d->out, line, len);
	if (err && !d->write_err) {
		log_warnc(err, "%s: write failed", d->out.name);
		d->write_err = err;
	}
}

static void on_loss(void *ctx, uint64_t first, uint64_t last)
{
	struct daemon *d = ctx;
	char line[RECORD_JSON_MAX];

	emit(d, line, record_json_loss(boottime_ns(), first, last, line,
				       sizeof(line)));
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct daemon *d = ctx;
	struct inputaudit_record rec;
	char line[RECORD_JSON_MAX];

	d->round_records++;
	if (size < sizeof(rec)) {
		if (!d->malformed++)
			log_warnx("ignoring a %zu-byte ring sample", size);
		return 0;
	}
	memcpy(&rec, data, sizeof(rec));

	/* A loss this record reveals is written before it. */
	if (!seqtrack_add(&d->seq, rec.seq))
		return 0;
	emit(d, line, d->opt.raw ? record_json_raw(&rec, line, sizeof(line)) :
			record_json_format(&rec, line, sizeof(line)));

	if (d->opt.count && d->seq.received >= d->opt.count) {
		d->count_reached = true;
		return -ECANCELED;	/* stop this drain right here */
	}
	return 0;
}

static void write_stats(struct daemon *d, bool final)
{
	struct capture_counters c;
	struct record_stats stats;
	char line[RECORD_JSON_MAX];

	capture_read_counters(&d->cap, &c);
	stats = (struct record_stats){
		.time_ns = boottime_ns(),
		.received = d->seq.received,
		.lost = d->seq.lost,
		.duplicates = d->seq.duplicates,
		.ring_drops = c.drops,
		.bpf_submitted = c.submitted,
		.final = final,
	};
	emit(d, line, record_json_stats(&stats, line, sizeof(line)));
}

/*
 * The total the module has emitted before we attach: the next record
 * should be one more, and anything between is a loss we must report.
 * Return: the expected first sequence number, or 0 if unknown.
 */
static uint64_t expected_first_seq(void)
{
	static int fd = -1;	/* root only: kept open for the privilege drop */
	char buf[32], *end;
	unsigned long long emitted;
	ssize_t len;

	if (fd < 0)
		fd = open(RECORDS_EMITTED_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_debug("%s: %s; taking the first record as the start",
			  RECORDS_EMITTED_PATH, strerror(errno));
		return 0;
	}
	len = pread(fd, buf, sizeof(buf) - 1, 0);
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

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (!log_verbose() || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void setup_capture(struct daemon *d)
{
	const char *tp;
	int err;

	err = capture_load(&d->cap, d->opt.ring_size,
			   (uint64_t)d->opt.latency_ms * 1000000);
	if (err)
		fatalc(err, "cannot load the bpf program%s",
		       log_verbose() ? "" : " (-v shows why)");

	seqtrack_init(&d->seq, expected_first_seq(), on_loss, d);

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

/*
 * The poll timeout follows the BPF wakeup policy (bpf/inputaudit.bpf.c):
 * while records arrive, wait at most the latency budget, since records
 * submitted without a wakeup are only found by the drain after the wait;
 * after a round that found nothing, sleep long, because the next record
 * comes after the budget has passed and so forces a wakeup.
 */
static int poll_timeout(const struct daemon *d, bool idle, uint64_t next_stats)
{
	uint64_t now = monotonic_ms();
	int timeout = idle ? IDLE_POLL_MS : (int)d->opt.latency_ms;

	if (next_stats <= now)
		return 0;
	if (next_stats - now < (uint64_t)timeout)
		timeout = next_stats - now;
	return timeout;
}

static int run(struct daemon *d, const sigset_t *waitmask)
{
	uint64_t interval = d->opt.stats_interval_ms;
	uint64_t next_stats = interval ? monotonic_ms() + interval : UINT64_MAX;
	bool idle = false;
	int timeout, err;

	while (!exiting && !d->write_err) {
		timeout = poll_timeout(d, idle, next_stats);
		err = capture_wait(&d->cap, timeout, waitmask);
		if (err < 0 && err != -EINTR)
			return err;

		d->round_records = 0;
		err = capture_consume(&d->cap);
		if (d->count_reached)
			break;
		if (err < 0)
			return err;

		/*
		 * A whole timeout with nothing new: the ring is drained and
		 * idle, so a hole still open now is a record that never came.
		 */
		idle = !err && timeout > 0 && !d->round_records;
		if (idle)
			seqtrack_flush(&d->seq);

		if (monotonic_ms() >= next_stats) {
			write_stats(d, false);
			next_stats = monotonic_ms() + interval;
		}
		err = output_flush(&d->out);
		if (err && !d->write_err) {
			log_warnc(err, "%s: write failed", d->out.name);
			d->write_err = err;
		}
	}
	return d->write_err;
}

/*
 * Detach first so no record can arrive after the final drain, then declare
 * what is still missing, up to the module's emitted total: a ring-full drop
 * after the last record seen shows no gap otherwise.  Then the final stats.
 */
static int finish(struct daemon *d)
{
	int err;

	capture_detach(&d->cap);
	if (!d->count_reached) {
		err = capture_consume(&d->cap);
		if (err < 0 && !d->count_reached)
			log_warnc(err, "final drain of the ring failed");
	}
	if (d->count_reached || d->opt.no_attach)
		seqtrack_flush(&d->seq);
	else
		seqtrack_flush_until(&d->seq, expected_first_seq());
	write_stats(d, true);
	err = output_close(&d->out);
	if (err)
		log_warnc(err, "%s: write failed", d->out.name);
	return err ? err : d->write_err;
}

/*
 * SIGINT and SIGTERM stay blocked except inside the wait, where
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
	if (sigprocmask(SIG_BLOCK, &block, waitmask) < 0)
		fatal("sigprocmask");
	sigdelset(waitmask, SIGINT);
	sigdelset(waitmask, SIGTERM);

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
		fatal("sigaction");
	/* A closed output pipe is reported as a write error, not a kill. */
	signal(SIGPIPE, SIG_IGN);
}

int main(int argc, char **argv)
{
	static struct daemon d;	/* the seqtrack bitmap is better off the stack */
	sigset_t waitmask;
	int err;

	log_init("inputauditd", false);
	parse_options(argc, argv, &d.opt);
	log_init("inputauditd", d.opt.verbose);
	libbpf_set_print(libbpf_print);
	if (privdrop_prepare(&d.opt.priv))
		exit(1);

	setup_signals(&waitmask);

	err = output_open(&d.out, d.opt.output);
	if (err)
		fatalc(err, "%s", d.opt.output);

	setup_capture(&d);
	if (privdrop_apply(&d.opt.priv))
		exit(1);
	err = run(&d, &waitmask);
	if (err)
		log_warnc(err, "stopping");
	err = finish(&d) ? 1 : err ? 1 : 0;
	capture_close(&d.cap);
	return err;
}
