/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The daemon's configuration file: INI, parsed with libinih.  Section and
 * key names, defaults and ranges are documented in etc/inputauditd.conf.
 *
 * Every error is reported as "FILE:LINE: reason" for the first problem in
 * the file: syntax errors (as libinih finds them), unknown sections and
 * keys, bad values, a key given twice, a section given twice (sinks and
 * rules: a name used twice), and required keys that are missing (reported
 * at the line of the section that lacks them).
 *
 * Lines are read by config.c itself and handed to libinih with their
 * leading whitespace removed, so indentation is allowed and libinih's
 * multi-line values (continuation lines) are never in effect.  Comments
 * start a line with ';' or '#', or follow a value after " ;".
 */
#ifndef INPUTAUDITD_CONFIG_H
#define INPUTAUDITD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* [kernel] keys: the file names in /sys/module/inputaudit/parameters/. */
enum ia_kset {
	IA_KSET_WINDOW_MS,
	IA_KSET_DEV_RATE,
	IA_KSET_DEV_BURST,
	IA_KSET_GLOBAL_RATE,
	IA_KSET_GLOBAL_BURST,
	IA_KSET_HEARTBEAT_MS,
	IA_KSET_TIME_RES_MS,
	IA_KSET_INJECT_PRESSES,
	IA_KSET_INJECT_INTERVAL_MS,
	IA_KSET_LEVEL,		/* written first: see ksettings.c */
	IA_KSET_LOCK,		/* applied last: it freezes everything */
	IA_KSET_COUNT
};

/* The sysfs name of a setting ("window_ms", ..., "level", "lock"). */
const char *config_kset_name(enum ia_kset k);

/* Requested module settings; only those present in the file are set. */
struct ia_kernel_conf {
	bool set[IA_KSET_COUNT];
	/* level: enum inputaudit_level; lock: 0 or 1; others: the number */
	uint32_t val[IA_KSET_COUNT];
};

struct ia_daemon_conf {
	char *user;			/* default "inputaudit" */
	char *group;			/* default "inputaudit" */
	bool allow_root;		/* user = root only with this (tests) */
	uint32_t ring_size;		/* default 1048576 */
	uint32_t latency_ms;		/* default 20 */
	uint64_t stats_interval_ms;	/* default 60000; 0: only at exit */
	char *state_dir;		/* default "/run/inputaudit" */
	/* default CONFIG_METRICS_FILE; "": no metrics (metrics.h) */
	char *metrics_file;
	uint32_t metrics_interval_ms;	/* default 15000 */
};

#define CONFIG_METRICS_FILE	"/var/lib/prometheus/node-exporter/inputaudit.prom"

enum ia_action {
	IA_ACTION_IGNORE,	/* drop the device's records, lifecycle kept */
	IA_ACTION_AUDIT,	/* forward */
	IA_ACTION_ALERT,	/* forward, alert on device_added and injection */
};

/* Which match_* keys a rule has (struct ia_rule.match). */
#define IA_MATCH_NAME		(1u << 0)
#define IA_MATCH_BUS		(1u << 1)
#define IA_MATCH_ID		(1u << 2)
#define IA_MATCH_VIRTUAL	(1u << 3)
#define IA_MATCH_CREATOR	(1u << 4)

/* One [rule NAME] section; all present match_* keys must match. */
struct ia_rule {
	char *name;		/* [A-Za-z0-9_.-]+, unique among rules */
	int line;		/* of the section header */
	unsigned int match;	/* IA_MATCH_* */
	char *name_glob;	/* match_name, fnmatch(3) */
	uint16_t bus;		/* match_bus */
	int32_t vendor;		/* match_id: -1 for '*' */
	int32_t product;	/* match_id: -1 for '*' */
	bool is_virtual;	/* match_virtual */
	char *creator_glob;	/* match_creator, fnmatch(3) on the comm */
	enum ia_action action;	/* required */
};

struct ia_alert_conf {
	bool injection;		/* default yes */
	bool new_device;	/* default no */
	bool creator;		/* default yes */
	uint32_t blind_ms;	/* default 1000; 0: alert on every blind start */
	bool loss;		/* default yes */
};

struct ia_sink_file_conf {
	char *name;
	int line;		/* of the section header */
	char *path;		/* required, absolute */
	char *group;		/* NULL: mode 0600; else 0640 with this group */
	uint64_t max_size;	/* default 104857600; 0: never rotate */
	uint32_t keep;		/* default 5 */
	uint64_t space_left;	/* bytes, or percent; default 0: no warning */
	bool space_left_pct;
	bool disk_full_stop;	/* disk_full_action = stop; default keep */
};

struct ia_sink_syslog_conf {
	char *name;
	int line;
	char *host;		/* default "127.0.0.1" */
	uint16_t port;		/* default 6514 */
	char *app_name;		/* default "inputaudit" */
	char *sd_id;		/* default SINK_SYSLOG_SD_ID ("inputaudit@32473") */
	char *spool_dir;	/* default "/var/spool/inputaudit", absolute */
	uint64_t spool_max;	/* default 67108864 */
	uint32_t backoff_min_ms;	/* default 100 */
	uint32_t backoff_max_ms;	/* default 30000, >= backoff_min_ms */
	bool plain_tcp;		/* transport = tcp; default tls */
	char *tls_ca;		/* CA file (absolute); tls needs it or a fingerprint */
	char *tls_cert;		/* client certificate and key, together */
	char *tls_key;		/*   (root's, 0600/0400: checked at start) */
	char *tls_peer_name;	/* DNS name; tls needs it or a fingerprint */
	char *tls_peer_fingerprint;	/* "sha256:HEX" of the collector's DER cert */
};

/* [sink relp NAME]: the syslog sink's keys (same meaning), and TLS. */
struct ia_sink_relp_conf {
	char *name;
	int line;
	char *host;		/* default "127.0.0.1" */
	uint16_t port;		/* default 2514 */
	char *app_name;		/* default "inputaudit" */
	char *sd_id;		/* default SINK_SYSLOG_SD_ID */
	char *spool_dir;	/* default "/var/spool/inputaudit/relp", absolute */
	uint64_t spool_max;	/* default 67108864 */
	uint32_t backoff_min_ms;	/* default 100 */
	uint32_t backoff_max_ms;	/* default 30000 */
	bool tls;		/* default yes; then tls_ca is required */
	char *tls_ca, *tls_cert, *tls_key;	/* absolute paths; cert and key together */
	char *tls_peer_name;	/* NULL: host */
};

struct ia_sink_journal_conf {
	char *name;
	int line;
	char *identifier;	/* default "inputaudit" */
};

struct ia_config {
	char *path;			/* the file loaded, NULL for defaults */
	char sha256[65];		/* of the file's bytes, hex; "" for defaults */
	struct ia_kernel_conf kernel;
	struct ia_daemon_conf daemon;
	char *chain_key;		/* [chain] key; NULL if absent */
	char *chain_state_dir;		/* [chain] state_dir; NULL: runs not linked */
	uint32_t chain_epoch_minutes;	/* [chain] epoch_minutes (15); 0: every checkpoint */
	enum ia_action default_action;	/* [policy] default; default audit */
	struct ia_rule *rules;		/* in file order: first match wins */
	size_t nrules;
	struct ia_alert_conf alert;
	struct ia_sink_file_conf *files;
	size_t nfiles;
	struct ia_sink_syslog_conf *syslogs;
	size_t nsyslogs;
	struct ia_sink_journal_conf *journals;
	size_t njournals;
	struct ia_sink_relp_conf *relps;
	size_t nrelps;
};

/*
 * Fill cfg with the defaults (no file: no kernel settings, no chain key,
 * no rules, no sinks).  Return: 0 or -ENOMEM.
 */
int config_init(struct ia_config *cfg);

/*
 * Load the file at path into cfg (defaults for what it leaves out).  cfg
 * is initialized here: pass one that holds nothing (a cfg already filled
 * by config_init() or config_load() would leak; config_free() it first).
 * The file is read whole (at most CONFIG_MAX_SIZE bytes) and parsed from
 * memory, so cfg->sha256 is the digest of exactly the bytes parsed.
 * Return: 0; -EINVAL with err = "PATH:LINE: reason" (LINE 0 when the file
 * could not be read at all, with errno's text, or is too large); or
 * -ENOMEM.  On error cfg
 * holds nothing that needs config_free(), but calling it is harmless.
 */
int config_load(const char *path, struct ia_config *cfg, char *err,
		size_t errlen);

#define CONFIG_MAX_SIZE		(1 << 20)

/*
 * The same for a configuration in memory (tests, fuzzing): data need not be
 * NUL terminated; name stands for the path in messages and cfg->path.
 */
int config_load_mem(const char *name, const char *data, size_t len,
		    struct ia_config *cfg, char *err, size_t errlen);

/* Release everything config_init() or config_load() allocated. */
void config_free(struct ia_config *cfg);

/* "ignore", "audit" or "alert". */
const char *config_action_name(enum ia_action a);

#endif /* INPUTAUDITD_CONFIG_H */
