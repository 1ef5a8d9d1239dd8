// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* inputauditd's command line; see options.h. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"
#include "options.h"

#define MIN_RING_SIZE		4096u
#define MAX_RING_SIZE		(1u << 30)
#define MAX_STATS_MS		(24u * 3600 * 1000)

static void usage(FILE *fp)
{
	fprintf(fp,
"usage: inputauditd [options]\n"
"\n"
"Read inputaudit records from the kernel, apply the policy of the config\n"
"file and forward them to its sinks, chained for tamper evidence.  The\n"
"inputaudit module must be loaded; start as root: after setup the daemon\n"
"runs as [daemon] user with no capabilities under a seccomp allowlist.\n"
"\n"
"  -c, --config FILE          configuration (default " DEFAULT_CONFIG "\n"
"                             if it exists; see etc/inputauditd.conf)\n"
"      --no-config            ignore " DEFAULT_CONFIG "\n"
"      --check-config FILE    validate FILE, print the first error as\n"
"                             FILE:LINE: reason, exit 0 if valid, else 1\n"
"  -o, --output FILE          also append JSON Lines to FILE (created 0600;\n"
"                             an existing FILE is restricted to 0600);\n"
"                             \"-\": stdout.  Without any sink: stdout\n"
"      --chain-key FILE       chain every line with this key (overrides\n"
"                             [chain] key); root-owned, mode 0600/0400\n"
"      --chain-state DIR      keep the chain's state (run counter, epoch\n"
"                             key, last line) in DIR (overrides [chain]\n"
"                             state_dir): runs are linked, keys evolve\n"
"      --user NAME            run as NAME after setup (overrides [daemon]\n"
"                             user, default inputaudit; root is refused)\n"
"      --group NAME           with this group (default: NAME's group)\n"
"      --record FILE          also save every raw kernel record to FILE\n"
"                             (0600) for --replay\n"
"      --replay FILE          read records from FILE instead of the kernel,\n"
"                             through the same policy and sinks; no module,\n"
"                             no privileges needed, exits at the end\n"
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
"  -v, --verbose              show libbpf's messages and debug output\n"
"  -h, --help                 show this help\n"
"\n"
"Examples:\n"
"  inputauditd -c /etc/inputaudit/inputauditd.conf\n"
"  inputauditd --check-config /etc/inputaudit/inputauditd.conf\n"
"  inputauditd --no-config --user inputaudit -o /var/log/inputaudit.jsonl\n"
"  inputauditd --replay saved.iarec --no-config -o - | jq .type\n"
"  inputauditd --latency-ms 200 --ring-size 4194304 -o audit.jsonl\n"
"  inputauditd --count 10 --stats-interval-ms 0 | jq .type\n"
"\n"
"SIGINT or SIGTERM: drain, write a final stats record and a final\n"
"checkpoint, detach, exit 0.  SIGHUP: reload the config file (policy,\n"
"alerts, kernel settings; an invalid file is reported and the running\n"
"configuration kept) and reopen the files (after logrotate).\n");
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

void options_parse(int argc, char **argv, struct options *opt)
{
	enum { OPT_RING = 256, OPT_LATENCY, OPT_COUNT, OPT_STATS, OPT_NO_ATTACH,
	       OPT_RAW, OPT_NO_CONFIG, OPT_CHECK, OPT_KEY, OPT_RECORD,
	       OPT_REPLAY, OPT_USER, OPT_GROUP, OPT_CHAIN_STATE };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "no-config", no_argument, NULL, OPT_NO_CONFIG },
		{ "check-config", required_argument, NULL, OPT_CHECK },
		{ "chain-key", required_argument, NULL, OPT_KEY },
		{ "chain-state", required_argument, NULL, OPT_CHAIN_STATE },
		{ "record", required_argument, NULL, OPT_RECORD },
		{ "replay", required_argument, NULL, OPT_REPLAY },
		{ "user", required_argument, NULL, OPT_USER },
		{ "group", required_argument, NULL, OPT_GROUP },
		{ "output", required_argument, NULL, 'o' },
		{ "ring-size", required_argument, NULL, OPT_RING },
		{ "latency-ms", required_argument, NULL, OPT_LATENCY },
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "stats-interval-ms", required_argument, NULL, OPT_STATS },
		{ "no-attach", no_argument, NULL, OPT_NO_ATTACH },
		{ "raw", no_argument, NULL, OPT_RAW },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*opt = (struct options){ 0 };

	while ((c = getopt_long(argc, argv, "c:o:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			opt->config = optarg;
			break;
		case OPT_NO_CONFIG:
			opt->no_config = true;
			break;
		case OPT_CHECK:
			opt->check_config = optarg;
			break;
		case OPT_KEY:
			opt->chain_key = optarg;
			break;
		case OPT_CHAIN_STATE:
			if (optarg[0] != '/') {
				fprintf(stderr, "inputauditd: --chain-state needs an absolute path\n");
				exit(2);
			}
			opt->chain_state = optarg;
			break;
		case OPT_RECORD:
			opt->record = optarg;
			break;
		case OPT_REPLAY:
			opt->replay = optarg;
			break;
		case OPT_USER:
			opt->user = optarg;
			break;
		case OPT_GROUP:
			opt->group = optarg;
			break;
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
			opt->stats_interval_set = true;
			break;
		case OPT_NO_ATTACH:
			opt->no_attach = true;
			break;
		case OPT_RAW:
			opt->raw = true;
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
	if (opt->group && !opt->user)
		fatalx("--group needs --user");
	if (opt->config && opt->no_config)
		fatalx("--config and --no-config exclude each other");
	if (opt->replay && (opt->record || opt->no_attach))
		fatalx("--replay excludes --record and --no-attach");
	if (opt->ring_size % sysconf(_SC_PAGESIZE))
		fatalx("--ring-size: %u is not a multiple of the page size",
		       opt->ring_size);
}

