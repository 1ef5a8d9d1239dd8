// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * inputauditctl: inspect inputaudit.
 *
 *   inputauditctl verify [--key KEYFILE | --key-hex FILE] [--partial]
 *			 [--state-dir DIR] [--json] FILE...
 *	Verify the chain of output files given in the order written (oldest
 *	rotated file first); only regular files, not through a symbolic link.
 *	Every problem is reported with its line range; verification goes on
 *	after each.  Exit 0: intact and cleanly ended; 1: tampered or
 *	truncated; 2: usage or I/O error, or a file refused.
 *   inputauditctl key init [--state-dir DIR] [--key FILE] [--force]
 *	The initial chain key and the daemon's first chain state (ctl_key.h).
 *   inputauditctl status [--json] [--state-dir DIR] [--sysfs-root DIR]
 *	Module settings, counters, devices and the daemon's status.  Exit 0,
 *	or 3 when the module is not loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "chain.h"
#include "chain_state.h"
#include "ctl_key.h"
#include "ctl_status.h"
#include "log.h"
#include "verify.h"
#include "verify_collector.h"

#define DEFAULT_KEY		"/etc/inputaudit/chain.key"
#define DEFAULT_STATE_DIR	"/run/inputaudit"
#define DEFAULT_SYSFS_ROOT	"/sys"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: inputauditctl verify [--key KEYFILE | --key-hex FILE] [--partial]\n"
		"                            [--state-dir DIR] [--json] FILE...\n"
		"       inputauditctl verify --collector [--key-dir DIR] [KEY OPTIONS] FILE...\n"
		"       inputauditctl verify --follow [--max-missed N] [--heartbeat SEC]\n"
		"                            [--fail-on-alert] [KEY OPTIONS] FILE\n"
		"       inputauditctl key init [--state-dir DIR] [--key FILE] [--force]\n"
		"       inputauditctl status [--json] [--state-dir DIR] [--sysfs-root DIR]\n"
		"\n"
		"verify: check the HMAC chain of output files, oldest first (default key\n"
		"        " DEFAULT_KEY "; it must be mode 0600/0400, owned by root or you).\n"
		"        Regular files only, named without a symbolic link.  The key is\n"
		"        the initial one (epoch 0; --key-hex: as key init printed it).\n"
		"        --partial: a log whose head is gone (rotated away) may pass, as\n"
		"        \"continues from n=K\"; --state-dir: the log must reach the\n"
		"        last line the daemon's chain state saved (a cut tail, a whole\n"
		"        last run deleted, a file rolled back).  Every problem is listed\n"
		"        as FILE:LINE[-LAST]: KIND: DETAIL.\n"
		"        --collector: FILEs are what a collector stored (RFC 5424, e.g.\n"
		"        rsyslog's RSYSLOG_SyslogProtocol23Format): one chain per host;\n"
		"        --key-dir: a key per host, DIR/HOST.hex or DIR/HOST.key.\n"
		"        --follow: watch a growing collector file; an ALERT line for each\n"
		"        problem, and for a host without a checkpoint for N (--max-missed,\n"
		"        default 3) heartbeats (--heartbeat, default: learned) and no final\n"
		"        one; --fail-on-alert: exit 1 at the first.  Example:\n"
		"          inputauditctl verify --follow --key-dir /etc/inputaudit/hosts \\\n"
		"              --max-missed 3 --fail-on-alert /var/log/fleet/inputaudit.log\n"
		"        exit 0 intact, 1 tampered or truncated, 2 usage or I/O error\n"
		"status: module settings, counters, devices, daemon and sinks (default\n"
		"        state dir " DEFAULT_STATE_DIR "); exit 3 if the module is not loaded\n");
}

/* A number from @min to @max.  Return: 0, or -1 (said). */
static int parse_uint(const char *s, unsigned int min, unsigned int max, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < min || v > max) {
		log_warnx("bad number '%s': expected %u to %u", s, min, max);
		return -1;
	}
	*out = (unsigned int)v;
	return 0;
}

/* verify --state-dir: what the daemon's chain state saved last. */
static int load_state(const char *dir, struct verify_opts *vo)
{
	struct chain_state st;
	int fd, ret;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		log_warn("%s", dir);
		return -1;
	}
	ret = chain_state_load(fd, &st);
	close(fd);
	if (ret) {
		log_warnc(ret, "%s/%s", dir, CHAIN_STATE_FILE);
		return -1;
	}
	vo->have_state = true;
	vo->state_run = st.run;
	vo->state_have_last = st.have_last;
	vo->state_last_n = st.last_n;
	memcpy(vo->state_last_chain, st.last_chain, CHAIN_LEN);
	chain_state_wipe(&st);
	return 0;
}

static int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "key-hex", required_argument, NULL, 'x' },
		{ "partial", no_argument, NULL, 'p' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "collector", no_argument, NULL, 'C' },
		{ "key-dir", required_argument, NULL, 'D' },
		{ "follow", no_argument, NULL, 'F' },
		{ "max-missed", required_argument, NULL, 'M' },
		{ "heartbeat", required_argument, NULL, 'B' },
		{ "poll-ms", required_argument, NULL, 'P' },
		{ "fail-on-alert", no_argument, NULL, 'A' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *keyfile = DEFAULT_KEY, *keyhex = NULL, *state_dir = NULL;
	struct collector_opts co = { .max_missed = 3, .poll_ms = 200 };
	bool collector = false, follow = false, keyfile_given = false;
	struct verify_opts vo = { 0 };
	static struct verify_result res;
	uint8_t key[CHAIN_KEY_MAX];
	char err[512];
	bool json = false;
	size_t key_len = 0;
	unsigned int u;
	int c, ret;

	while ((c = getopt_long(argc, argv, "k:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			keyfile = optarg;
			keyfile_given = true;
			break;
		case 'C':
			collector = true;
			break;
		case 'D':
			co.key_dir = optarg;
			break;
		case 'F':
			follow = collector = true;
			break;
		case 'M':
			if (parse_uint(optarg, 1, 1000, &co.max_missed))
				return CTL_EXIT_USAGE;
			break;
		case 'B':
			if (parse_uint(optarg, 1, 86400, &u))
				return CTL_EXIT_USAGE;
			co.heartbeat_s = u;
			break;
		case 'P':
			if (parse_uint(optarg, 10, 60000, &co.poll_ms))
				return CTL_EXIT_USAGE;
			break;
		case 'A':
			co.fail_on_alert = true;
			break;
		case 'x':
			keyhex = optarg;
			break;
		case 'p':
			vo.flags |= VERIFY_ALLOW_PARTIAL;
			break;
		case 's':
			state_dir = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return CTL_EXIT_OK;
		default:
			usage(stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		log_warnx("verify: no files given");
		usage(stderr);
		return CTL_EXIT_USAGE;
	}
	if (follow && argc - optind != 1) {
		log_warnx("verify --follow: one file");
		return CTL_EXIT_USAGE;
	}
	if (co.key_dir && !keyhex && !keyfile_given)
		ret = 0;	/* a key per host */
	else if (keyhex)
		ret = ctl_key_read_hex(keyhex, key, &key_len, err, sizeof(err));
	else
		ret = chain_key_load_flags(keyfile, key, &key_len, CHAIN_KEY_ALLOW_EUID,
					   err, sizeof(err));
	if (ret) {
		log_warnx("%s", err);
		return CTL_EXIT_USAGE;
	}
	if (state_dir && load_state(state_dir, &vo)) {
		memset(key, 0, sizeof(key));
		return CTL_EXIT_USAGE;
	}
	if (collector) {
		co.key = key_len ? key : NULL;
		co.key_len = key_len;
		co.flags = vo.flags;
		co.json = json;
		ret = follow ? verify_follow(argv[optind], &co) :
		      verify_collector((const char *const *)argv + optind, argc - optind, &co);
		OPENSSL_cleanse(key, sizeof(key));
		if (fflush(stdout))
			return CTL_EXIT_USAGE;
		return ret;
	}
	ret = verify_files_opts(key, key_len, (const char *const *)argv + optind,
				argc - optind, &vo, &res);
	memset(key, 0, sizeof(key));
	if (ret < 0) {
		log_warnx("%s", res.detail);
		return CTL_EXIT_USAGE;
	}
	verify_print(stdout, &res, json);
	if (fflush(stdout))
		return CTL_EXIT_USAGE;
	return ret ? CTL_EXIT_FAIL : CTL_EXIT_OK;
}

static int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "sysfs-root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *state_dir = DEFAULT_STATE_DIR;
	const char *root = DEFAULT_SYSFS_ROOT;
	bool json = false;
	int c, ret;

	while ((c = getopt_long(argc, argv, "js:r:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 's':
			state_dir = optarg;
			break;
		case 'r':
			root = optarg;
			break;
		case 'h':
			usage(stdout);
			return CTL_EXIT_OK;
		default:
			usage(stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		log_warnx("status: unexpected argument '%s'", argv[optind]);
		return CTL_EXIT_USAGE;
	}
	ret = ctl_status(root, state_dir, json, stdout);
	if (fflush(stdout))
		return CTL_EXIT_USAGE;
	return ret;
}

int main(int argc, char **argv)
{
	log_init("inputauditctl", false);
	if (argc < 2) {
		usage(stderr);
		return CTL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return CTL_EXIT_OK;
	}
	if (!strcmp(argv[1], "verify"))
		return cmd_verify(argc - 1, argv + 1);
	if (!strcmp(argv[1], "key"))
		return ctl_key(argc - 1, argv + 1);
	if (!strcmp(argv[1], "status"))
		return cmd_status(argc - 1, argv + 1);
	log_warnx("unknown command '%s'", argv[1]);
	usage(stderr);
	return CTL_EXIT_USAGE;
}
