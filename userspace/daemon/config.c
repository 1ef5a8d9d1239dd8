// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Configuration file parser.  libinih splits lines into sections and
 * key = value pairs; this file reads the lines for it (so it knows each
 * line's number and sees every section header, also an empty one), checks
 * every key and value, and keeps the first error by line number.
 */
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "config.h"
#include "inputaudit.h"
#include "sha256.h"
#include "sink_syslog.h"
#include "tls_client.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MSG_MAX		256

enum section {
	SEC_NONE,	/* before the first header */
	SEC_BAD,	/* a header already reported as wrong: keys ignored */
	SEC_KERNEL,
	SEC_DAEMON,
	SEC_CHAIN,
	SEC_POLICY,
	SEC_ALERT,
	SEC_RULE,
	SEC_FILE,
	SEC_SYSLOG,
	SEC_JOURNAL,
	SEC_RELP,
	SEC_COUNT
};

static const char *const kernel_keys[IA_KSET_COUNT] = {
	[IA_KSET_WINDOW_MS] = "window_ms",
	[IA_KSET_DEV_RATE] = "dev_rate",
	[IA_KSET_DEV_BURST] = "dev_burst",
	[IA_KSET_GLOBAL_RATE] = "global_rate",
	[IA_KSET_GLOBAL_BURST] = "global_burst",
	[IA_KSET_HEARTBEAT_MS] = "heartbeat_ms",
	[IA_KSET_TIME_RES_MS] = "time_res_ms",
	[IA_KSET_INJECT_PRESSES] = "inject_presses",
	[IA_KSET_INJECT_INTERVAL_MS] = "inject_interval_ms",
	[IA_KSET_LEVEL] = "level",
	[IA_KSET_LOCK] = "lock",
};

/* The module's ranges (kmod/settings.c, README "Settings"). */
static const struct { uint32_t min, max; } kernel_ranges[IA_KSET_COUNT] = {
	[IA_KSET_WINDOW_MS] = { 100, 3600000 },
	[IA_KSET_DEV_RATE] = { 1, 1000000 },
	[IA_KSET_DEV_BURST] = { 1, 1000000 },
	[IA_KSET_GLOBAL_RATE] = { 1, 10000000 },
	[IA_KSET_GLOBAL_BURST] = { 1, 10000000 },
	[IA_KSET_HEARTBEAT_MS] = { 1000, 3600000 },
	[IA_KSET_TIME_RES_MS] = { 1, 60000 },
	[IA_KSET_INJECT_PRESSES] = { 2, 64 },
	[IA_KSET_INJECT_INTERVAL_MS] = { 1, 1000 },
};

/*
 * The module's privacy floors: below level keys these settings have
 * narrower limits (0: none of its own).  A [kernel] section that sets a
 * level below keys is held to them here, so --check-config names the line
 * the module would refuse.
 */
static const struct { uint32_t min, max; } kernel_strict[IA_KSET_COUNT] = {
	[IA_KSET_WINDOW_MS] = { 1000, 0 },
	[IA_KSET_TIME_RES_MS] = { 10, 0 },
	[IA_KSET_INJECT_PRESSES] = { 5, 0 },
	[IA_KSET_INJECT_INTERVAL_MS] = { 0, 50 },
};

enum { DK_USER, DK_GROUP, DK_ALLOW_ROOT, DK_RING_SIZE, DK_LATENCY_MS,
	DK_STATS_INTERVAL_MS, DK_STATE_DIR, DK_METRICS_FILE,
	DK_METRICS_INTERVAL_MS };
static const char *const daemon_keys[] = {
	"user", "group", "allow_root", "ring_size", "latency_ms",
	"stats_interval_ms", "state_dir", "metrics_file", "metrics_interval_ms",
};

enum { CK_KEY, CK_STATE_DIR, CK_EPOCH_MINUTES };
static const char *const chain_keys[] = { "key", "state_dir", "epoch_minutes" };

static const char *const policy_keys[] = { "default" };

enum { AK_INJECTION, AK_NEW_DEVICE, AK_CREATOR, AK_BLIND_MS, AK_LOSS };
static const char *const alert_keys[] = {
	"injection", "new_device", "creator", "blind_ms", "loss",
};

enum { RK_NAME, RK_BUS, RK_ID, RK_VIRTUAL, RK_CREATOR, RK_ACTION };
static const char *const rule_keys[] = {
	"match_name", "match_bus", "match_id", "match_virtual",
	"match_creator", "action",
};

enum { FK_PATH, FK_GROUP, FK_MAX_SIZE, FK_KEEP, FK_SPACE_LEFT,
	FK_DISK_FULL_ACTION };
static const char *const file_keys[] = {
	"path", "group", "max_size", "keep", "space_left", "disk_full_action",
};

enum { SK_HOST, SK_PORT, SK_APP_NAME, SK_SPOOL_DIR, SK_SPOOL_MAX,
	SK_BACKOFF_MIN_MS, SK_BACKOFF_MAX_MS, SK_SD_ID, SK_TRANSPORT, SK_TLS_CA,
	SK_TLS_CERT, SK_TLS_KEY, SK_TLS_PEER_NAME, SK_TLS_PEER_FINGERPRINT };
static const char *const syslog_keys[] = {
	"host", "port", "app_name", "spool_dir", "spool_max",
	"backoff_min_ms", "backoff_max_ms", "sd_id", "transport", "tls_ca",
	"tls_cert", "tls_key", "tls_peer_name", "tls_peer_fingerprint",
};

static const char *const journal_keys[] = { "identifier" };

/* [sink relp NAME]: the syslog sink's keys first (same numbers), then its own. */
enum { RK_TLS = SK_SD_ID + 1, RK_TLS_CA, RK_TLS_CERT, RK_TLS_KEY, RK_TLS_PEER_NAME };
static const char *const relp_keys[] = {
	"host", "port", "app_name", "spool_dir", "spool_max",
	"backoff_min_ms", "backoff_max_ms", "sd_id",
	"tls", "tls_ca", "tls_cert", "tls_key", "tls_peer_name",
};

static const struct {
	const char *name;		/* as written in messages */
	const char *const *keys;
	size_t nkeys;
} sections[SEC_COUNT] = {
	[SEC_KERNEL] = { "kernel", kernel_keys, ARRAY_SIZE(kernel_keys) },
	[SEC_DAEMON] = { "daemon", daemon_keys, ARRAY_SIZE(daemon_keys) },
	[SEC_CHAIN] = { "chain", chain_keys, ARRAY_SIZE(chain_keys) },
	[SEC_POLICY] = { "policy", policy_keys, ARRAY_SIZE(policy_keys) },
	[SEC_ALERT] = { "alert", alert_keys, ARRAY_SIZE(alert_keys) },
	[SEC_RULE] = { "rule", rule_keys, ARRAY_SIZE(rule_keys) },
	[SEC_FILE] = { "sink file", file_keys, ARRAY_SIZE(file_keys) },
	[SEC_SYSLOG] = { "sink syslog", syslog_keys, ARRAY_SIZE(syslog_keys) },
	[SEC_JOURNAL] = { "sink journal", journal_keys, ARRAY_SIZE(journal_keys) },
	[SEC_RELP] = { "sink relp", relp_keys, ARRAY_SIZE(relp_keys) },
};

struct parser {
	const char *path;
	FILE *fp;
	struct ia_config *cfg;
	char *line;		/* getline() buffer */
	size_t cap;
	int lineno;		/* of the line last handed to libinih */

	int err_line;		/* first error by line number; 0: none */
	char msg[MSG_MAX];
	bool nomem;

	enum section sec;	/* the section being read */
	size_t idx;		/* rules/sinks: index in its array */
	int sec_line;		/* its header's line */
	char sec_title[96];	/* "[sink file out]" for messages */
	uint32_t seen;		/* keys given in it, by index */
	int seen_line[16];	/* and where */
	int single_line[SEC_COUNT];	/* lines of the one-only sections */
	int first_sink_line;
	char first_sink_title[96];
};

__attribute__((format(printf, 3, 4)))
static void error_at(struct parser *ps, int line, const char *fmt, ...)
{
	va_list ap;

	if (ps->err_line && ps->err_line <= line)
		return;
	ps->err_line = line;
	va_start(ap, fmt);
	vsnprintf(ps->msg, sizeof(ps->msg), fmt, ap);
	va_end(ap);
}

static char *dup_str(struct parser *ps, const char *s)
{
	char *d = strdup(s);

	if (!d)
		ps->nomem = true;
	return d;
}

static void replace_str(struct parser *ps, char **dst, const char *s)
{
	char *d = dup_str(ps, s);

	if (d) {
		free(*dst);
		*dst = d;
	}
}

/* ---- value parsers: return false on a bad value ---- */

/* A plain decimal number: no sign, no space, no junk, no overflow. */
static bool parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

static bool parse_range(const char *s, uint64_t min, uint64_t max,
			uint64_t *out)
{
	return parse_u64(s, out) && *out >= min && *out <= max;
}

/* space_left: bytes ("10485760"), or a percentage of the filesystem ("5%"). */
static bool parse_space_left(const char *s, uint64_t *out, bool *pct)
{
	size_t len = strlen(s);
	char num[24];

	*pct = len > 1 && s[len - 1] == '%';
	if (!*pct)
		return parse_range(s, 0, UINT64_MAX / 2, out);
	if (len - 1 >= sizeof(num))
		return false;
	memcpy(num, s, len - 1);
	num[len - 1] = '\0';
	return parse_range(num, 1, 99, out);
}

static bool parse_bool(const char *s, bool *out)
{
	if (!strcmp(s, "yes") || !strcmp(s, "true") || !strcmp(s, "1")) {
		*out = true;
		return true;
	}
	if (!strcmp(s, "no") || !strcmp(s, "false") || !strcmp(s, "0")) {
		*out = false;
		return true;
	}
	return false;
}

static bool parse_action(const char *s, enum ia_action *out)
{
	static const enum ia_action all[] = {
		IA_ACTION_IGNORE, IA_ACTION_AUDIT, IA_ACTION_ALERT,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(all); i++) {
		if (!strcmp(s, config_action_name(all[i]))) {
			*out = all[i];
			return true;
		}
	}
	return false;
}

static bool parse_level(const char *s, uint32_t *out)
{
	static const char *const levels[] = {
		[INPUTAUDIT_LEVEL_OFF] = "off",
		[INPUTAUDIT_LEVEL_ACTIVITY] = "activity",
		[INPUTAUDIT_LEVEL_EVENTS] = "events",
		[INPUTAUDIT_LEVEL_KEYS] = "keys",
	};
	uint32_t i;

	for (i = 0; i < ARRAY_SIZE(levels); i++) {
		if (!strcmp(s, levels[i])) {
			*out = i;
			return true;
		}
	}
	return false;
}

/* 1 to 4 hex digits, with a 0x prefix when prefix is set. */
static bool parse_hex16(const char *s, bool prefix, uint16_t *out)
{
	uint32_t v = 0;
	size_t n = 0;

	if (prefix) {
		if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
			return false;
		s += 2;
	}
	for (; *s; s++, n++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return false;
		v = v << 4 | (uint32_t)d;
	}
	if (n < 1 || n > 4)
		return false;
	*out = (uint16_t)v;
	return true;
}

/* Input bus names (linux/input.h BUS_*) or a hex number. */
static bool parse_bus(const char *s, uint16_t *out)
{
	static const struct { const char *name; uint16_t bus; } buses[] = {
		{ "usb", 0x03 }, { "bluetooth", 0x05 }, { "virtual", 0x06 },
		{ "i8042", 0x11 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(buses); i++) {
		if (!strcmp(s, buses[i].name)) {
			*out = buses[i].bus;
			return true;
		}
	}
	return parse_hex16(s, true, out);
}

static bool parse_id_half(const char *s, size_t len, int32_t *out)
{
	char buf[8];
	uint16_t v;

	if (len == 1 && s[0] == '*') {
		*out = -1;
		return true;
	}
	if (len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (!parse_hex16(buf, false, &v))
		return false;
	*out = v;
	return true;
}

/* vendor:product, four hex digits or '*' each. */
static bool parse_id(const char *s, int32_t *vendor, int32_t *product)
{
	const char *colon = strchr(s, ':');

	if (!colon)
		return false;
	return parse_id_half(s, (size_t)(colon - s), vendor) &&
	       parse_id_half(colon + 1, strlen(colon + 1), product);
}

/* User and group names, rule and sink names: no spaces, quotes, slashes. */
static bool is_name(const char *s, size_t max)
{
	size_t n = 0;

	if (!*s || *s == '-')
		return false;
	for (; *s; s++, n++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' ||
		      *s == '.'))
			return false;
	}
	return n <= max;
}

static bool is_abs_path(const char *s)
{
	return s[0] == '/' && strlen(s) < 4096;
}

/*
 * A node exporter textfile: its textfile collector reads only names ending
 * in .prom.  "" turns metrics off.
 */
static bool is_metrics_file(const char *s)
{
	const char *name = strrchr(s, '/');
	size_t len;

	if (!*s)
		return true;
	if (!is_abs_path(s))
		return false;
	len = strlen(++name);
	return len > 5 && !strcmp(name + len - 5, ".prom");
}

/* Printable ASCII without spaces (syslog APP-NAME, journal identifier). */
static bool is_token(const char *s, size_t max)
{
	size_t n = 0;

	for (; *s; s++, n++) {
		if (*s <= 0x20 || *s >= 0x7f)
			return false;
	}
	return n >= 1 && n <= max;
}

/* The end of a [sink relp NAME]: what its keys require of each other. */
static void relp_section_end(struct parser *ps)
{
	struct ia_config *cfg = ps->cfg;
	struct ia_sink_relp_conf *r = &cfg->relps[ps->idx];
	size_t i;

	if (r->backoff_min_ms > r->backoff_max_ms)
		error_at(ps, ps->sec_line, "backoff_min_ms %u above backoff_max_ms %u in %s",
			 r->backoff_min_ms, r->backoff_max_ms, ps->sec_title);
	if (r->tls && !r->tls_ca)
		error_at(ps, ps->sec_line,
			 "missing required key 'tls_ca' in %s (tls = yes; tls = no sends in clear)",
			 ps->sec_title);
	if (!r->tls_cert != !r->tls_key)
		error_at(ps, ps->sec_line, "tls_cert and tls_key go together in %s",
			 ps->sec_title);
	for (i = 0; i < cfg->nsyslogs; i++)
		if (!strcmp(cfg->syslogs[i].spool_dir, r->spool_dir))
			error_at(ps, ps->sec_line,
				 "spool_dir '%s' already used by [sink syslog %s]",
				 r->spool_dir, cfg->syslogs[i].name);
	for (i = 0; i < ps->idx; i++)
		if (!strcmp(cfg->relps[i].spool_dir, r->spool_dir))
			error_at(ps, ps->sec_line,
				 "spool_dir '%s' already used by [sink relp %s]",
				 r->spool_dir, cfg->relps[i].name);
}

/* ---- sections ---- */

/*
 * [sink syslog]'s TLS keys, once the section is read: TLS never without
 * authenticating the collector (a CA, or a pinned certificate, and a name
 * or a pinned certificate); no tls_* key with transport = tcp.
 */
static void syslog_tls_end(struct parser *ps, const struct ia_sink_syslog_conf *s)
{
	static const int tls_keys[] = { SK_TLS_CA, SK_TLS_CERT, SK_TLS_KEY,
					SK_TLS_PEER_NAME, SK_TLS_PEER_FINGERPRINT };
	size_t i;

	if (s->plain_tcp) {
		for (i = 0; i < ARRAY_SIZE(tls_keys); i++)
			if (ps->seen & 1u << tls_keys[i])
				error_at(ps, ps->seen_line[tls_keys[i]],
					 "%s with transport = tcp in %s",
					 syslog_keys[tls_keys[i]], ps->sec_title);
		return;
	}
	if (!s->tls_ca && !s->tls_peer_fingerprint)
		error_at(ps, ps->sec_line,
			 "transport tls (the default) needs tls_ca or tls_peer_fingerprint in %s (transport = tcp for plain TCP)",
			 ps->sec_title);
	else if (!s->tls_peer_name && !s->tls_peer_fingerprint)
		error_at(ps, ps->sec_line,
			 "transport tls (the default) needs tls_peer_name or tls_peer_fingerprint in %s",
			 ps->sec_title);
	else if (!s->tls_cert != !s->tls_key)
		error_at(ps, ps->seen_line[s->tls_cert ? SK_TLS_CERT : SK_TLS_KEY],
			 "tls_cert and tls_key go together in %s", ps->sec_title);
}

/* A DNS name: labels of letters, digits and '-', dot-separated; 1 to 253 bytes. */
static bool is_dns_name(const char *s)
{
	size_t n = strlen(s), label = 0;

	if (!n || n > 253 || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (; *s; s++) {
		if (*s == '.') {
			if (!label)
				return false;
			label = 0;
			continue;
		}
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || (*s == '-' && label)) || ++label > 63)
			return false;
	}
	return true;
}

static void section_end(struct parser *ps)
{
	struct ia_config *cfg = ps->cfg;
	size_t i;

	if (ps->nomem) {
		ps->sec = SEC_NONE;
		return;
	}
	switch (ps->sec) {
	case SEC_KERNEL:
		if (!cfg->kernel.set[IA_KSET_LEVEL] ||
		    cfg->kernel.val[IA_KSET_LEVEL] >= INPUTAUDIT_LEVEL_KEYS)
			break;
		for (i = 0; i < IA_KSET_COUNT; i++) {
			uint32_t v = cfg->kernel.val[i];

			if (!cfg->kernel.set[i])
				continue;
			if (kernel_strict[i].min && v < kernel_strict[i].min)
				error_at(ps, ps->seen_line[i],
					 "%s = %u is below %u, the least allowed below level keys",
					 kernel_keys[i], v, kernel_strict[i].min);
			else if (kernel_strict[i].max && v > kernel_strict[i].max)
				error_at(ps, ps->seen_line[i],
					 "%s = %u is above %u, the most allowed below level keys",
					 kernel_keys[i], v, kernel_strict[i].max);
		}
		break;
	case SEC_DAEMON:
		if (cfg->daemon.user && !strcmp(cfg->daemon.user, "root") &&
		    !cfg->daemon.allow_root)
			error_at(ps, ps->seen_line[DK_USER],
				 "user root refused in [daemon] (allow_root = yes is for tests only)");
		break;
	case SEC_CHAIN:
		if (!(ps->seen & 1u << 0))
			error_at(ps, ps->sec_line,
				 "missing required key 'key' in [chain]");
		break;
	case SEC_RULE:
		if (!(ps->seen & 1u << RK_ACTION))
			error_at(ps, ps->sec_line,
				 "missing required key 'action' in %s",
				 ps->sec_title);
		break;
	case SEC_FILE: {
		struct ia_sink_file_conf *f = &cfg->files[ps->idx];

		if (!(ps->seen & 1u << FK_PATH)) {
			error_at(ps, ps->sec_line,
				 "missing required key 'path' in %s",
				 ps->sec_title);
			break;
		}
		for (i = 0; f->path && i < ps->idx; i++) {
			if (cfg->files[i].path && !strcmp(cfg->files[i].path, f->path))
				error_at(ps, ps->seen_line[FK_PATH],
					 "path '%s' already used by [sink file %s]",
					 f->path, cfg->files[i].name);
		}
		break;
	}
	case SEC_SYSLOG: {
		struct ia_sink_syslog_conf *s = &cfg->syslogs[ps->idx];

		if (s->backoff_min_ms > s->backoff_max_ms)
			error_at(ps, ps->sec_line,
				 "backoff_min_ms %u above backoff_max_ms %u in %s",
				 s->backoff_min_ms, s->backoff_max_ms,
				 ps->sec_title);
		for (i = 0; i < ps->idx; i++) {
			if (!strcmp(cfg->syslogs[i].spool_dir, s->spool_dir))
				error_at(ps, ps->sec_line,
					 "spool_dir '%s' already used by [sink syslog %s]",
					 s->spool_dir, cfg->syslogs[i].name);
		}
		if (!ps->err_line)	/* the first error found, not a consequence of it */
			syslog_tls_end(ps, s);
		break;
	}
	case SEC_RELP:
		relp_section_end(ps);
		break;
	default:
		break;
	}
	ps->sec = SEC_NONE;
}

static bool sink_name_taken(struct parser *ps, const char *name)
{
	const struct ia_config *cfg = ps->cfg;
	size_t i;

	for (i = 0; i < cfg->nfiles; i++)
		if (!strcmp(cfg->files[i].name, name))
			return true;
	for (i = 0; i < cfg->nsyslogs; i++)
		if (!strcmp(cfg->syslogs[i].name, name))
			return true;
	for (i = 0; i < cfg->njournals; i++)
		if (!strcmp(cfg->journals[i].name, name))
			return true;
	for (i = 0; i < cfg->nrelps; i++)
		if (!strcmp(cfg->relps[i].name, name))
			return true;
	return false;
}

/* Grow an array by one zeroed element; NULL when out of memory. */
static void *grow(struct parser *ps, void **arr, size_t *n, size_t elem)
{
	char *p = realloc(*arr, (*n + 1) * elem);

	if (!p) {
		ps->nomem = true;
		return NULL;
	}
	*arr = p;
	memset(p + *n * elem, 0, elem);
	ps->idx = (*n)++;
	return p + ps->idx * elem;
}

static bool new_rule(struct parser *ps, const char *name)
{
	struct ia_config *cfg = ps->cfg;
	struct ia_rule *r;
	size_t i;

	for (i = 0; i < cfg->nrules; i++) {
		if (!strcmp(cfg->rules[i].name, name)) {
			error_at(ps, ps->lineno,
				 "duplicate rule name '%s' (first at line %d)",
				 name, cfg->rules[i].line);
			return false;
		}
	}
	r = grow(ps, (void **)&cfg->rules, &cfg->nrules, sizeof(*r));
	if (!r)
		return false;
	r->line = ps->lineno;
	r->vendor = -1;
	r->product = -1;
	r->action = IA_ACTION_AUDIT;
	r->name = dup_str(ps, name);
	return r->name != NULL;
}

static bool new_sink(struct parser *ps, enum section kind, const char *name)
{
	struct ia_config *cfg = ps->cfg;
	char **namep;
	int *linep;

	if (sink_name_taken(ps, name)) {
		error_at(ps, ps->lineno, "duplicate sink name '%s'", name);
		return false;
	}
	if (kind == SEC_FILE) {
		struct ia_sink_file_conf *f;

		f = grow(ps, (void **)&cfg->files, &cfg->nfiles, sizeof(*f));
		if (!f)
			return false;
		f->max_size = 104857600;
		f->keep = 5;
		namep = &f->name;
		linep = &f->line;
	} else if (kind == SEC_SYSLOG) {
		struct ia_sink_syslog_conf *s;

		s = grow(ps, (void **)&cfg->syslogs, &cfg->nsyslogs, sizeof(*s));
		if (!s)
			return false;
		s->port = 6514;
		s->spool_max = 67108864;
		s->backoff_min_ms = 100;
		s->backoff_max_ms = 30000;
		s->host = dup_str(ps, "127.0.0.1");
		s->app_name = dup_str(ps, "inputaudit");
		s->sd_id = dup_str(ps, SINK_SYSLOG_SD_ID);
		s->spool_dir = dup_str(ps, "/var/spool/inputaudit");
		if (!s->host || !s->app_name || !s->sd_id || !s->spool_dir)
			return false;
		namep = &s->name;
		linep = &s->line;
	} else if (kind == SEC_RELP) {
		struct ia_sink_relp_conf *r;

		r = grow(ps, (void **)&cfg->relps, &cfg->nrelps, sizeof(*r));
		if (!r)
			return false;
		r->port = 2514;
		r->tls = true;
		r->spool_max = 67108864;
		r->backoff_min_ms = 100;
		r->backoff_max_ms = 30000;
		r->host = dup_str(ps, "127.0.0.1");
		r->app_name = dup_str(ps, "inputaudit");
		r->sd_id = dup_str(ps, SINK_SYSLOG_SD_ID);
		r->spool_dir = dup_str(ps, "/var/spool/inputaudit/relp");
		if (!r->host || !r->app_name || !r->sd_id || !r->spool_dir)
			return false;
		namep = &r->name;
		linep = &r->line;
	} else {
		struct ia_sink_journal_conf *j;

		j = grow(ps, (void **)&cfg->journals, &cfg->njournals, sizeof(*j));
		if (!j)
			return false;
		j->identifier = dup_str(ps, "inputaudit");
		if (!j->identifier)
			return false;
		namep = &j->name;
		linep = &j->line;
	}
	*linep = ps->lineno;
	*namep = dup_str(ps, name);
	if (!ps->first_sink_line) {
		ps->first_sink_line = ps->lineno;
		snprintf(ps->first_sink_title, sizeof(ps->first_sink_title),
			 "%s", ps->sec_title);
	}
	return *namep != NULL;
}

/*
 * A header line "[...]" (leading whitespace gone): end the section before
 * it and start the new one.  libinih reads the same line and hands the
 * following keys to the handler, which uses ps->sec.
 */
static void section_begin(struct parser *ps, const char *line)
{
	static const enum section singles[] = {
		SEC_KERNEL, SEC_DAEMON, SEC_CHAIN, SEC_POLICY, SEC_ALERT,
	};
	const char *close = strchr(line, ']');
	char inner[96], *words[4], *save = NULL, *w;
	size_t n = 0, i;

	section_end(ps);
	ps->sec = SEC_BAD;
	ps->seen = 0;
	ps->sec_line = ps->lineno;
	if (!close) {
		error_at(ps, ps->lineno, "section header without ']'");
		return;
	}
	if ((size_t)(close - line - 1) >= sizeof(inner)) {
		error_at(ps, ps->lineno, "section header too long");
		return;
	}
	memcpy(inner, line + 1, (size_t)(close - line - 1));
	inner[close - line - 1] = '\0';
	for (w = strtok_r(inner, " \t", &save); w && n < ARRAY_SIZE(words);
	     w = strtok_r(NULL, " \t", &save))
		words[n++] = w;
	if (w) {
		error_at(ps, ps->lineno, "unknown section [%s ...]", words[0]);
		return;
	}
	if (!n) {
		error_at(ps, ps->lineno, "empty section name");
		return;
	}

	for (i = 0; i < ARRAY_SIZE(singles); i++) {
		enum section s = singles[i];

		if (strcmp(words[0], sections[s].name))
			continue;
		if (n != 1) {
			error_at(ps, ps->lineno, "[%s] takes no name", words[0]);
			return;
		}
		if (ps->single_line[s]) {
			error_at(ps, ps->lineno,
				 "duplicate section [%s] (first at line %d)",
				 words[0], ps->single_line[s]);
			return;
		}
		ps->single_line[s] = ps->lineno;
		snprintf(ps->sec_title, sizeof(ps->sec_title), "[%s]", words[0]);
		ps->sec = s;
		return;
	}

	if (!strcmp(words[0], "rule")) {
		if (n != 2 || !is_name(words[1], 64)) {
			error_at(ps, ps->lineno,
				 "bad rule header: expected [rule NAME], NAME of letters, digits, '_', '-', '.'");
			return;
		}
		snprintf(ps->sec_title, sizeof(ps->sec_title), "[rule %s]",
			 words[1]);
		if (new_rule(ps, words[1]))
			ps->sec = SEC_RULE;
		return;
	}

	if (!strcmp(words[0], "sink")) {
		enum section kind;

		if (n < 2) {
			error_at(ps, ps->lineno,
				 "bad sink header: expected [sink file|syslog|journal|relp NAME]");
			return;
		}
		if (!strcmp(words[1], "file")) {
			kind = SEC_FILE;
		} else if (!strcmp(words[1], "syslog")) {
			kind = SEC_SYSLOG;
		} else if (!strcmp(words[1], "journal")) {
			kind = SEC_JOURNAL;
		} else if (!strcmp(words[1], "relp")) {
			kind = SEC_RELP;
		} else {
			error_at(ps, ps->lineno,
				 "unknown sink kind '%s': expected file, syslog, journal or relp",
				 words[1]);
			return;
		}
		if (n != 3 || !is_name(words[2], 48)) {
			error_at(ps, ps->lineno,
				 "bad sink header: expected [sink %s NAME], NAME of letters, digits, '_', '-', '.'",
				 words[1]);
			return;
		}
		snprintf(ps->sec_title, sizeof(ps->sec_title), "[sink %s %s]",
			 words[1], words[2]);
		if (new_sink(ps, kind, words[2]))
			ps->sec = kind;
		return;
	}

	error_at(ps, ps->lineno, "unknown section [%s]", words[0]);
}

/* ---- keys ---- */

static int set_kernel(struct parser *ps, size_t k, const char *v)
{
	struct ia_kernel_conf *kc = &ps->cfg->kernel;
	const char *expect;
	uint64_t n;
	bool b;

	if (k == IA_KSET_LEVEL) {
		if (!parse_level(v, &kc->val[k])) {
			expect = "off, activity, events or keys";
			goto bad;
		}
	} else if (k == IA_KSET_LOCK) {
		if (!parse_bool(v, &b)) {
			expect = "yes or no";
			goto bad;
		}
		kc->val[k] = b;
	} else {
		if (!parse_range(v, kernel_ranges[k].min, kernel_ranges[k].max, &n)) {
			error_at(ps, ps->lineno,
				 "bad value '%s' for %s in [kernel]: expected a number from %u to %u",
				 v, kernel_keys[k], kernel_ranges[k].min,
				 kernel_ranges[k].max);
			return 0;
		}
		kc->val[k] = (uint32_t)n;
	}
	kc->set[k] = true;
	return 1;
bad:
	error_at(ps, ps->lineno, "bad value '%s' for %s in [kernel]: expected %s",
		 v, kernel_keys[k], expect);
	return 0;
}

static int set_daemon(struct parser *ps, size_t k, const char *v)
{
	struct ia_daemon_conf *d = &ps->cfg->daemon;
	const char *expect;
	uint64_t n;

	switch (k) {
	case DK_USER:
	case DK_GROUP:
		if (!is_name(v, 32)) {
			expect = "a user or group name";
			goto bad;
		}
		replace_str(ps, k == DK_USER ? &d->user : &d->group, v);
		break;
	case DK_ALLOW_ROOT:
		if (!parse_bool(v, &d->allow_root)) {
			expect = "yes or no";
			goto bad;
		}
		break;
	case DK_RING_SIZE:
		if (!parse_range(v, 4096, 1u << 30, &n) || (n & (n - 1))) {
			expect = "a power of two from 4096 to 1073741824";
			goto bad;
		}
		d->ring_size = (uint32_t)n;
		break;
	case DK_LATENCY_MS:
		if (!parse_range(v, 1, 1000, &n)) {
			expect = "a number from 1 to 1000";
			goto bad;
		}
		d->latency_ms = (uint32_t)n;
		break;
	case DK_STATS_INTERVAL_MS:
		if (!parse_range(v, 0, 86400000, &n)) {
			expect = "a number from 0 to 86400000";
			goto bad;
		}
		d->stats_interval_ms = n;
		break;
	case DK_STATE_DIR:
		if (!is_abs_path(v)) {
			expect = "an absolute path";
			goto bad;
		}
		replace_str(ps, &d->state_dir, v);
		break;
	case DK_METRICS_FILE:
		if (!is_metrics_file(v)) {
			expect = "an absolute path of a file named *.prom, or nothing (no metrics)";
			goto bad;
		}
		replace_str(ps, &d->metrics_file, v);
		break;
	case DK_METRICS_INTERVAL_MS:
		if (!parse_range(v, 1000, 3600000, &n)) {
			expect = "a number from 1000 to 3600000";
			goto bad;
		}
		d->metrics_interval_ms = (uint32_t)n;
		break;
	}
	return 1;
bad:
	error_at(ps, ps->lineno, "bad value '%s' for %s in [daemon]: expected %s",
		 v, daemon_keys[k], expect);
	return 0;
}

static int set_alert(struct parser *ps, size_t k, const char *v)
{
	struct ia_alert_conf *a = &ps->cfg->alert;
	const char *expect = "yes or no";
	bool ok = true;
	uint64_t n;

	switch (k) {
	case AK_INJECTION:
		ok = parse_bool(v, &a->injection);
		break;
	case AK_NEW_DEVICE:
		ok = parse_bool(v, &a->new_device);
		break;
	case AK_CREATOR:
		ok = parse_bool(v, &a->creator);
		break;
	case AK_LOSS:
		ok = parse_bool(v, &a->loss);
		break;
	case AK_BLIND_MS:
		expect = "a number from 0 to 86400000";
		ok = parse_range(v, 0, 86400000, &n);
		if (ok)
			a->blind_ms = (uint32_t)n;
		break;
	}
	if (ok)
		return 1;
	error_at(ps, ps->lineno, "bad value '%s' for %s in [alert]: expected %s",
		 v, alert_keys[k], expect);
	return 0;
}

static int set_rule(struct parser *ps, size_t k, const char *v)
{
	struct ia_rule *r = &ps->cfg->rules[ps->idx];
	const char *expect;

	switch (k) {
	case RK_NAME:
	case RK_CREATOR:
		if (!*v) {
			expect = "a glob pattern";
			goto bad;
		}
		replace_str(ps, k == RK_NAME ? &r->name_glob : &r->creator_glob, v);
		r->match |= k == RK_NAME ? IA_MATCH_NAME : IA_MATCH_CREATOR;
		break;
	case RK_BUS:
		if (!parse_bus(v, &r->bus)) {
			expect = "usb, bluetooth, i8042, virtual or a hex number like 0x03";
			goto bad;
		}
		r->match |= IA_MATCH_BUS;
		break;
	case RK_ID:
		if (!parse_id(v, &r->vendor, &r->product)) {
			expect = "VENDOR:PRODUCT in hex, either may be '*'";
			goto bad;
		}
		r->match |= IA_MATCH_ID;
		break;
	case RK_VIRTUAL:
		if (!parse_bool(v, &r->is_virtual)) {
			expect = "yes or no";
			goto bad;
		}
		r->match |= IA_MATCH_VIRTUAL;
		break;
	case RK_ACTION:
		if (!parse_action(v, &r->action)) {
			expect = "ignore, audit or alert";
			goto bad;
		}
		break;
	}
	return 1;
bad:
	error_at(ps, ps->lineno, "bad value '%s' for %s in %s: expected %s",
		 v, rule_keys[k], ps->sec_title, expect);
	return 0;
}

static int set_file(struct parser *ps, size_t k, const char *v)
{
	struct ia_sink_file_conf *f = &ps->cfg->files[ps->idx];
	const char *expect;
	uint64_t n;

	switch (k) {
	case FK_PATH:
		if (!is_abs_path(v)) {
			expect = "an absolute path";
			goto bad;
		}
		replace_str(ps, &f->path, v);
		break;
	case FK_GROUP:
		if (!is_name(v, 32)) {
			expect = "a group name";
			goto bad;
		}
		replace_str(ps, &f->group, v);
		break;
	case FK_MAX_SIZE:
		if (!parse_range(v, 0, UINT64_MAX / 2, &n) || (n && n < 4096)) {
			expect = "0 (never rotate) or a size of at least 4096 bytes";
			goto bad;
		}
		f->max_size = n;
		break;
	case FK_KEEP:
		if (!parse_range(v, 1, 1000, &n)) {
			expect = "a number from 1 to 1000";
			goto bad;
		}
		f->keep = (uint32_t)n;
		break;
	case FK_SPACE_LEFT:
		if (!parse_space_left(v, &f->space_left, &f->space_left_pct)) {
			expect = "0 (no warning), a number of bytes, or a percentage from 1% to 99%";
			goto bad;
		}
		break;
	case FK_DISK_FULL_ACTION:
		if (strcmp(v, "keep") && strcmp(v, "stop")) {
			expect = "keep or stop";
			goto bad;
		}
		f->disk_full_stop = !strcmp(v, "stop");
		break;
	}
	return 1;
bad:
	error_at(ps, ps->lineno, "bad value '%s' for %s in %s: expected %s",
		 v, file_keys[k], ps->sec_title, expect);
	return 0;
}

static int set_syslog(struct parser *ps, size_t k, const char *v)
{
	struct ia_sink_syslog_conf *s = &ps->cfg->syslogs[ps->idx];
	const char *expect;
	uint64_t n;

	switch (k) {
	case SK_HOST:
		if (!is_token(v, 253)) {
			expect = "a host name or address";
			goto bad;
		}
		replace_str(ps, &s->host, v);
		break;
	case SK_PORT:
		if (!parse_range(v, 1, 65535, &n)) {
			expect = "a port from 1 to 65535";
			goto bad;
		}
		s->port = (uint16_t)n;
		break;
	case SK_APP_NAME:
		if (!is_token(v, 48)) {
			expect = "1 to 48 printable ASCII characters without spaces";
			goto bad;
		}
		replace_str(ps, &s->app_name, v);
		break;
	case SK_SD_ID:
		if (!sink_syslog_sd_id_valid(v)) {
			expect = "NAME@PEN (an RFC 5424 SD-ID: at most 32 printable ASCII characters, no '=', ']', '\"' or space, one '@', PEN digits and dots)";
			goto bad;
		}
		replace_str(ps, &s->sd_id, v);
		break;
	case SK_SPOOL_DIR:
		if (!is_abs_path(v)) {
			expect = "an absolute path";
			goto bad;
		}
		replace_str(ps, &s->spool_dir, v);
		break;
	case SK_SPOOL_MAX:
		if (!parse_range(v, 4096, UINT64_MAX / 2, &n)) {
			expect = "a size of at least 4096 bytes";
			goto bad;
		}
		s->spool_max = n;
		break;
	case SK_BACKOFF_MIN_MS:
	case SK_BACKOFF_MAX_MS:
		if (!parse_range(v, 1, 3600000, &n)) {
			expect = "a number from 1 to 3600000";
			goto bad;
		}
		if (k == SK_BACKOFF_MIN_MS)
			s->backoff_min_ms = (uint32_t)n;
		else
			s->backoff_max_ms = (uint32_t)n;
		break;
	case SK_TRANSPORT:
		if (strcmp(v, "tls") && strcmp(v, "tcp")) {
			expect = "tls or tcp";
			goto bad;
		}
		s->plain_tcp = !strcmp(v, "tcp");
		break;
	case SK_TLS_CA:
	case SK_TLS_CERT:
	case SK_TLS_KEY:
		if (!is_abs_path(v)) {
			expect = "an absolute path";
			goto bad;
		}
		replace_str(ps, k == SK_TLS_CA ? &s->tls_ca : k == SK_TLS_CERT ?
			    &s->tls_cert : &s->tls_key, v);
		break;
	case SK_TLS_PEER_NAME:
		if (!is_dns_name(v)) {
			expect = "a DNS name (the collector certificate's subjectAltName)";
			goto bad;
		}
		replace_str(ps, &s->tls_peer_name, v);
		break;
	case SK_TLS_PEER_FINGERPRINT: {
		unsigned char fp[TLS_FINGERPRINT_LEN];

		if (!tls_fingerprint_parse(v, fp)) {
			expect = "sha256: and 64 hex digits (the SHA-256 of the collector's DER certificate)";
			goto bad;
		}
		replace_str(ps, &s->tls_peer_fingerprint, v);
		break;
	}
	}
	return 1;
bad:
	error_at(ps, ps->lineno, "bad value '%s' for %s in %s: expected %s",
		 v, syslog_keys[k], ps->sec_title, expect);
	return 0;
}

/*
 * [sink relp NAME]: the keys it shares with [sink syslog] mean the same
 * (set_syslog() parses them into a scratch syslog conf), then its TLS keys.
 */
static int set_relp(struct parser *ps, size_t k, const char *v)
{
	struct ia_sink_relp_conf *r = &ps->cfg->relps[ps->idx];
	const char *expect;
	bool b;

	switch (k) {
	case RK_TLS:
		if (!parse_bool(v, &b)) {
			expect = "yes or no";
			goto bad;
		}
		r->tls = b;
		return 1;
	case RK_TLS_CA:
	case RK_TLS_CERT:
	case RK_TLS_KEY:
		if (!is_abs_path(v)) {
			expect = "an absolute path";
			goto bad;
		}
		replace_str(ps, k == RK_TLS_CA ? &r->tls_ca : k == RK_TLS_CERT ?
			    &r->tls_cert : &r->tls_key, v);
		return 1;
	case RK_TLS_PEER_NAME:
		if (!is_token(v, 253)) {
			expect = "a DNS name";
			goto bad;
		}
		replace_str(ps, &r->tls_peer_name, v);
		return 1;
	default: {
		struct ia_sink_syslog_conf sc = {
			.host = r->host, .port = r->port, .app_name = r->app_name,
			.sd_id = r->sd_id, .spool_dir = r->spool_dir, .spool_max = r->spool_max,
			.backoff_min_ms = r->backoff_min_ms, .backoff_max_ms = r->backoff_max_ms,
		};
		struct ia_sink_syslog_conf *saved = ps->cfg->syslogs;
		size_t saved_idx = ps->idx;
		int ret;

		ps->cfg->syslogs = &sc;
		ps->idx = 0;
		ret = set_syslog(ps, k, v);
		ps->cfg->syslogs = saved;
		ps->idx = saved_idx;
		r->host = sc.host;
		r->port = sc.port;
		r->app_name = sc.app_name;
		r->sd_id = sc.sd_id;
		r->spool_dir = sc.spool_dir;
		r->spool_max = sc.spool_max;
		r->backoff_min_ms = sc.backoff_min_ms;
		r->backoff_max_ms = sc.backoff_max_ms;
		return ret;
	}
	}
bad:
	error_at(ps, ps->lineno, "bad value '%s' for %s in %s: expected %s",
		 v, relp_keys[k], ps->sec_title, expect);
	return 0;
}

/* [chain]: key (the initial key), state_dir, epoch_minutes. */
static int set_chain(struct parser *ps, size_t k, const char *v)
{
	struct ia_config *cfg = ps->cfg;
	uint64_t n;

	if (k == CK_EPOCH_MINUTES) {
		if (!parse_range(v, 0, 1440, &n)) {
			error_at(ps, ps->lineno,
				 "bad value '%s' for epoch_minutes in [chain]: expected a number from 0 to 1440",
				 v);
			return 0;
		}
		cfg->chain_epoch_minutes = (uint32_t)n;
		return 1;
	}
	if (!is_abs_path(v)) {
		error_at(ps, ps->lineno,
			 "bad value '%s' for %s in [chain]: expected an absolute path",
			 v, chain_keys[k]);
		return 0;
	}
	replace_str(ps, k == CK_KEY ? &cfg->chain_key : &cfg->chain_state_dir, v);
	return 1;
}

static int set_key(struct parser *ps, size_t k, const char *v)
{
	struct ia_config *cfg = ps->cfg;

	switch (ps->sec) {
	case SEC_KERNEL:
		return set_kernel(ps, k, v);
	case SEC_DAEMON:
		return set_daemon(ps, k, v);
	case SEC_CHAIN:
		return set_chain(ps, k, v);
	case SEC_POLICY:
		if (!parse_action(v, &cfg->default_action)) {
			error_at(ps, ps->lineno,
				 "bad value '%s' for default in [policy]: expected ignore, audit or alert",
				 v);
			return 0;
		}
		return 1;
	case SEC_ALERT:
		return set_alert(ps, k, v);
	case SEC_RULE:
		return set_rule(ps, k, v);
	case SEC_FILE:
		return set_file(ps, k, v);
	case SEC_SYSLOG:
		return set_syslog(ps, k, v);
	case SEC_RELP:
		return set_relp(ps, k, v);
	case SEC_JOURNAL:
		if (!is_token(v, 64)) {
			error_at(ps, ps->lineno,
				 "bad value '%s' for identifier in %s: expected 1 to 64 printable ASCII characters without spaces",
				 v, ps->sec_title);
			return 0;
		}
		replace_str(ps, &cfg->journals[ps->idx].identifier, v);
		return 1;
	default:
		return 0;
	}
}

/* libinih's handler: one key = value of the current section. */
static int on_key(void *user, const char *section, const char *name,
		  const char *value)
{
	struct parser *ps = user;
	size_t k;

	(void)section;	/* ps->sec, from the same header line */
	if (ps->sec == SEC_BAD)
		return 1;	/* the header was reported */
	if (ps->sec == SEC_NONE) {
		error_at(ps, ps->lineno, "key '%s' outside of any section", name);
		return 0;
	}
	for (k = 0; k < sections[ps->sec].nkeys; k++)
		if (!strcmp(name, sections[ps->sec].keys[k]))
			break;
	if (k == sections[ps->sec].nkeys) {
		error_at(ps, ps->lineno, "unknown key '%s' in %s", name,
			 ps->sec_title);
		return 0;
	}
	if (ps->seen & 1u << k) {
		error_at(ps, ps->lineno, "duplicate key '%s' in %s (first at line %d)",
			 name, ps->sec_title, ps->seen_line[k]);
		return 0;
	}
	ps->seen |= 1u << k;
	ps->seen_line[k] = ps->lineno;
	return set_key(ps, k, value);
}

/*
 * libinih's reader: one line per call, so its line numbers are ours.  The
 * leading whitespace is dropped (no continuation lines); a line longer than
 * libinih's buffer is reported here and handed over empty.
 */
static char *read_line(char *str, int num, void *stream)
{
	struct parser *ps = stream;
	ssize_t n = getline(&ps->line, &ps->cap, ps->fp);
	const char *p;
	size_t len;

	if (n < 0)
		return NULL;
	ps->lineno++;
	p = ps->line;
	if (ps->lineno == 1 && !strncmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	while (*p == ' ' || *p == '\t')
		p++;
	len = (size_t)n - (size_t)(p - ps->line);
	if (strlen(p) != len) {
		error_at(ps, ps->lineno, "NUL byte in line");
		p = "\n";
		len = 1;
	} else if (len + 1 > (size_t)num) {
		error_at(ps, ps->lineno, "line too long (at most %d characters)",
			 num - 3);
		p = "\n";
		len = 1;
	} else if (*p == '[') {
		section_begin(ps, p);
	} else if (*p && *p != '\n' && *p != '\r' && *p != ';' && *p != '#' &&
		   !strpbrk(p, "=:")) {
		error_at(ps, ps->lineno,
			 "syntax error: expected [section] or key = value");
	}
	memcpy(str, p, len + 1);
	return str;
}

const char *config_kset_name(enum ia_kset k)
{
	return k < IA_KSET_COUNT ? kernel_keys[k] : NULL;
}

const char *config_action_name(enum ia_action a)
{
	switch (a) {
	case IA_ACTION_IGNORE:
		return "ignore";
	case IA_ACTION_AUDIT:
		return "audit";
	case IA_ACTION_ALERT:
		return "alert";
	}
	return "unknown";
}

int config_init(struct ia_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->daemon.ring_size = 1048576;
	cfg->daemon.latency_ms = 20;
	cfg->daemon.stats_interval_ms = 60000;
	cfg->default_action = IA_ACTION_AUDIT;
	cfg->alert.injection = true;
	cfg->alert.creator = true;
	cfg->alert.blind_ms = 1000;
	cfg->alert.loss = true;
	cfg->daemon.user = strdup("inputaudit");
	cfg->daemon.group = strdup("inputaudit");
	cfg->daemon.state_dir = strdup("/run/inputaudit");
	cfg->daemon.metrics_file = strdup(CONFIG_METRICS_FILE);
	cfg->daemon.metrics_interval_ms = 15000;
	cfg->chain_epoch_minutes = 15;
	if (!cfg->daemon.user || !cfg->daemon.group || !cfg->daemon.state_dir ||
	    !cfg->daemon.metrics_file) {
		config_free(cfg);
		return -ENOMEM;
	}
	return 0;
}

/* Parse fp (named path in messages) into cfg; fp is closed. */
static int load_stream(const char *path, FILE *fp, struct ia_config *cfg,
		       char *err, size_t errlen)
{
	struct parser ps = { .path = path, .cfg = cfg, .fp = fp };
	int ret;

	ret = ini_parse_stream(read_line, &ps, on_key, &ps);
	if (ferror(ps.fp))
		error_at(&ps, ps.lineno + 1, "read error");
	fclose(ps.fp);
	free(ps.line);
	if (ret == -2)
		ps.nomem = true;
	if (!ps.nomem) {
		section_end(&ps);
		if (!cfg->chain_key && ps.first_sink_line)
			error_at(&ps, ps.first_sink_line,
				 "%s needs [chain] key: every sink's lines are chained",
				 ps.first_sink_title);
	}
	if (ps.nomem) {
		config_free(cfg);
		return -ENOMEM;
	}
	if (ret > 0 && (!ps.err_line || ret < ps.err_line))
		error_at(&ps, ret, "syntax error: expected [section] or key = value");
	if (ps.err_line) {
		snprintf(err, errlen, "%s:%d: %s", path, ps.err_line, ps.msg);
		config_free(cfg);
		return -EINVAL;
	}
	return 0;
}

/* config_init() and cfg->path = path.  Return: 0 or -ENOMEM. */
static int load_begin(const char *path, struct ia_config *cfg, char *err,
		      size_t errlen)
{
	int ret;

	if (errlen)
		err[0] = '\0';
	ret = config_init(cfg);
	if (ret)
		return ret;
	cfg->path = strdup(path);
	if (!cfg->path) {
		config_free(cfg);
		return -ENOMEM;
	}
	return 0;
}

/*
 * The whole file at path into *data (malloc'd), at most CONFIG_MAX_SIZE
 * bytes.  Return: 0, -EFBIG, or another negative errno.
 */
static int read_file(const char *path, char **data, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf, *p;
	ssize_t got;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(cap);
	if (!buf)
		ret = -ENOMEM;
	while (!ret) {
		if (n == cap) {
			p = realloc(buf, cap * 2);
			if (!p) {
				ret = -ENOMEM;
				break;
			}
			buf = p;
			cap *= 2;
		}
		got = read(fd, buf + n, cap - n);
		if (!got)
			break;
		if (got < 0 && errno != EINTR)
			ret = -errno;
		else if (got > 0 && (n += (size_t)got) > CONFIG_MAX_SIZE)
			ret = -EFBIG;
	}
	close(fd);
	if (ret) {
		free(buf);
		return ret;
	}
	*data = buf;
	*len = n;
	return 0;
}

int config_load(const char *path, struct ia_config *cfg, char *err,
		size_t errlen)
{
	char *data = NULL;
	size_t len = 0;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	ret = read_file(path, &data, &len);
	if (ret == -ENOMEM)
		return ret;
	if (ret == -EFBIG) {
		snprintf(err, errlen, "%s:0: larger than %d bytes", path,
			 CONFIG_MAX_SIZE);
		return -EINVAL;
	}
	if (ret) {
		snprintf(err, errlen, "%s:0: %s", path, strerror(-ret));
		return -EINVAL;
	}
	ret = config_load_mem(path, data, len, cfg, err, errlen);
	free(data);
	return ret;
}

int config_load_mem(const char *name, const char *data, size_t len,
		    struct ia_config *cfg, char *err, size_t errlen)
{
	static const char empty[1];
	FILE *fp;
	int ret;

	ret = load_begin(name, cfg, err, errlen);
	if (ret)
		return ret;
	if (sha256_hex(data, len, cfg->sha256)) {
		config_free(cfg);
		return -ENOMEM;	/* OpenSSL could not allocate its context */
	}
	/* fmemopen() wants a buffer of at least one byte. */
	fp = len ? fmemopen((void *)data, len, "r") : fmemopen((void *)empty, 1, "r");
	if (!fp) {
		ret = errno;
		config_free(cfg);
		return ret == ENOMEM ? -ENOMEM : -EINVAL;
	}
	if (!len)
		getc(fp);	/* nothing to read: at the end already */
	return load_stream(name, fp, cfg, err, errlen);
}

void config_free(struct ia_config *cfg)
{
	size_t i;

	free(cfg->path);
	free(cfg->daemon.user);
	free(cfg->daemon.group);
	free(cfg->daemon.state_dir);
	free(cfg->daemon.metrics_file);
	free(cfg->chain_key);
	free(cfg->chain_state_dir);
	for (i = 0; i < cfg->nrules; i++) {
		free(cfg->rules[i].name);
		free(cfg->rules[i].name_glob);
		free(cfg->rules[i].creator_glob);
	}
	free(cfg->rules);
	for (i = 0; i < cfg->nfiles; i++) {
		free(cfg->files[i].name);
		free(cfg->files[i].path);
		free(cfg->files[i].group);
	}
	free(cfg->files);
	for (i = 0; i < cfg->nsyslogs; i++) {
		free(cfg->syslogs[i].name);
		free(cfg->syslogs[i].host);
		free(cfg->syslogs[i].app_name);
		free(cfg->syslogs[i].sd_id);
		free(cfg->syslogs[i].spool_dir);
		free(cfg->syslogs[i].tls_ca);
		free(cfg->syslogs[i].tls_cert);
		free(cfg->syslogs[i].tls_key);
		free(cfg->syslogs[i].tls_peer_name);
		free(cfg->syslogs[i].tls_peer_fingerprint);
	}
	free(cfg->syslogs);
	for (i = 0; i < cfg->nrelps; i++) {
		free(cfg->relps[i].name);
		free(cfg->relps[i].host);
		free(cfg->relps[i].app_name);
		free(cfg->relps[i].sd_id);
		free(cfg->relps[i].spool_dir);
		free(cfg->relps[i].tls_ca);
		free(cfg->relps[i].tls_cert);
		free(cfg->relps[i].tls_key);
		free(cfg->relps[i].tls_peer_name);
	}
	free(cfg->relps);
	for (i = 0; i < cfg->njournals; i++) {
		free(cfg->journals[i].name);
		free(cfg->journals[i].identifier);
	}
	free(cfg->journals);
	memset(cfg, 0, sizeof(*cfg));
}
