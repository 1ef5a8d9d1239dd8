/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* inputauditd's command line; see usage() in options.c. */
#ifndef INPUTAUDITD_OPTIONS_H
#define INPUTAUDITD_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#define DEFAULT_CONFIG		"/etc/inputaudit/inputauditd.conf"

struct options {
	const char *config;		/* -c; NULL: DEFAULT_CONFIG if present */
	bool no_config;			/* --no-config */
	const char *check_config;	/* --check-config FILE */
	const char *output;		/* -o: one more file sink */
	const char *chain_key;		/* --chain-key: overrides [chain] key */
	const char *chain_state;	/* --chain-state: overrides [chain] state_dir */
	const char *record;		/* --record FILE */
	const char *replay;		/* --replay FILE */
	const char *user;		/* --user: overrides [daemon] user */
	const char *group;		/* --group */
	/* 0 = not given on the command line: the config's value applies */
	uint32_t ring_size;
	unsigned int latency_ms;
	bool stats_interval_set;
	unsigned int stats_interval_ms;
	uint64_t count;			/* 0: run until signalled */
	bool no_attach;			/* tests feed BPF_PROG_TEST_RUN */
	bool raw;			/* every payload word, undecoded */
	bool verbose;
};

/* Parse argv; prints usage and exits on --help or an error. */
void options_parse(int argc, char **argv, struct options *opt);

#endif /* INPUTAUDITD_OPTIONS_H */
