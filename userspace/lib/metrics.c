// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The daemon's Prometheus metrics, a node exporter textfile; see metrics.h. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic_file.h"
#include "jbuf.h"
#include "log.h"
#include "metrics.h"

#define NS_PER_SEC	((uint64_t)1000000000)
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define ST(field)	offsetof(struct daemon_status, field)

/* The counters without labels, each a uint64_t of struct daemon_status. */
static const struct {
	const char *name;
	const char *help;
	size_t val;		/* offset of the value */
	size_t known;		/* of the bool saying it is known; 0 (pid): always */
	bool ns;		/* in ns, written as seconds */
} counters[] = {
	{ "inputaudit_records_received_total",
	  "Kernel records the daemon received since it started.",
	  ST(received), 0, false },
	{ "inputaudit_records_lost_total",
	  "Kernel sequence numbers the daemon declared lost (loss records) since it started.",
	  ST(lost), 0, false },
	{ "inputaudit_ring_drops_total",
	  "Records the BPF program could not put in the full ring buffer since the daemon loaded it.",
	  ST(ring_drops), 0, false },
	{ "inputaudit_frames_seen_total",
	  "Input frames the module saw since it was loaded, as of its last heartbeat record.",
	  ST(frames_seen), ST(have_frames), false },
	{ "inputaudit_frames_suppressed_total",
	  "Input frames the module's rate limits suppressed since it was loaded, as of its last heartbeat record.",
	  ST(frames_suppressed), ST(have_frames), false },
	{ "inputaudit_blind_seconds_total",
	  "Time devices were grabbed by another client (blind), over the blind periods that ended while the daemon ran.",
	  ST(blind_ns), 0, true },
	{ "inputaudit_no_consumer_seconds_total",
	  "Time the module had no consumer since it was loaded, as of the daemon's attach (its consumer record).",
	  ST(no_consumer_ns), ST(have_no_consumer), true },
};

/* ---- formatting ---- */

static void family(struct jbuf *jb, const char *name, const char *type,
		   const char *help)
{
	jb_printf(jb, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A number; @ns: nanoseconds, written exactly as seconds ("7.5", "0.01", "3"). */
static void sample(struct jbuf *jb, const char *name, uint64_t val, bool ns)
{
	uint64_t frac = val % NS_PER_SEC;
	int digits = 9;

	if (!ns || !frac) {
		jb_printf(jb, "%s %" PRIu64 "\n", name, ns ? val / NS_PER_SEC : val);
		return;
	}
	for (; frac % 10 == 0; frac /= 10)
		digits--;
	jb_printf(jb, "%s %" PRIu64 ".%0*" PRIu64 "\n", name, val / NS_PER_SEC,
		  digits, frac);
}

/*
 * The length of the valid UTF-8 sequence at s (n bytes left), or 0:
 * no overlong forms, no surrogates, nothing above U+10FFFF.
 */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (n < len)
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* A label value: '\', '"' and newline escaped, valid UTF-8 (else U+FFFD). */
static void label_value(struct jbuf *jb, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), len;

	while (n) {
		if (*s == '\\' || *s == '"' || *s == '\n') {
			jb_put(jb, *s == '\\' ? "\\\\" : *s == '"' ? "\\\"" : "\\n", 2);
			len = 1;
		} else if ((len = utf8_len(s, n))) {
			jb_put(jb, (const char *)s, len);
		} else {
			jb_lit(jb, "\xef\xbf\xbd");
			len = 1;
		}
		s += len;
		n -= len;
	}
}

/* name{label="value"} val */
static void labelled(struct jbuf *jb, const char *name, const char *label,
		     const char *value, uint64_t val)
{
	jb_printf(jb, "%s{%s=\"", name, label);
	label_value(jb, value);
	jb_printf(jb, "\"} %" PRIu64 "\n", val);
}

/* One family with a sample per sink: @which picks the value. */
static void per_sink(struct jbuf *jb, const struct daemon_status *st,
		     const char *name, const char *type, const char *help,
		     uint64_t (*which)(const struct sink_health *h))
{
	unsigned int i;

	family(jb, name, type, help);
	for (i = 0; i < st->nsinks && i < STATUS_MAX_SINKS; i++)
		labelled(jb, name, "sink", st->sinks[i].name,
			 which(&st->sinks[i].health));
}

static uint64_t sink_lines(const struct sink_health *h)
{
	return h->lines;
}

static uint64_t sink_dropped(const struct sink_health *h)
{
	return h->dropped;
}

static uint64_t sink_up(const struct sink_health *h)
{
	return h->up;
}

int metrics_format(const struct daemon_status *st, char *buf, size_t size)
{
	struct jbuf jb = { .buf = buf, .size = size };
	unsigned int i;

	if (!size)
		return -ENOSPC;
	family(&jb, "inputaudit_build_info", "gauge",
	       "The inputauditd version that runs; always 1.");
	labelled(&jb, "inputaudit_build_info", "version", st->version, 1);
	family(&jb, "inputaudit_config_info", "gauge",
	       "SHA-256 of the configuration file's bytes as last loaded (at the start or a SIGHUP reload); always 1.");
	if (st->config_sha256[0])
		labelled(&jb, "inputaudit_config_info", "sha256",
			 st->config_sha256, 1);
	for (i = 0; i < ARRAY_SIZE(counters); i++) {
		const char *base = (const char *)st;

		family(&jb, counters[i].name, "counter", counters[i].help);
		if (!counters[i].known || *(const bool *)(base + counters[i].known))
			sample(&jb, counters[i].name,
			       *(const uint64_t *)(base + counters[i].val), counters[i].ns);
	}
	per_sink(&jb, st, "inputaudit_sink_lines_total", "counter",
		 "Lines each sink took since the daemon started (and did not lose).",
		 sink_lines);
	per_sink(&jb, st, "inputaudit_sink_dropped_total", "counter",
		 "Lines each sink lost (spool full, disk full, journald away) since the daemon started; exact.",
		 sink_dropped);
	per_sink(&jb, st, "inputaudit_sink_up", "gauge",
		 "1 while the lines given to a sink reach its destination (a file not full, a collector connected with nothing spooled, journald taking them), else 0.",
		 sink_up);
	if (jb.overflow) {
		buf[jb.len] = '\0';
		return -ENOSPC;
	}
	return (int)jb.len;
}

/* ---- the file ---- */

int metrics_open(struct metrics_file *m, const char *path)
{
	const char *slash;
	size_t dirlen;

	memset(m, 0, sizeof(*m));
	m->dirfd = -1;
	if (!path || !*path)
		return 0;
	slash = strrchr(path, '/');
	if (!slash || !slash[1])
		return -EINVAL;
	dirlen = slash == path ? 1 : (size_t)(slash - path);
	m->path = strdup(path);
	m->dir = strndup(path, dirlen);
	m->name = strdup(slash + 1);
	m->tmp = malloc(strlen(slash + 1) + sizeof(".") + sizeof(".tmp"));
	if (!m->path || !m->dir || !m->name || !m->tmp) {
		metrics_close(m);
		return -ENOMEM;
	}
	sprintf(m->tmp, ".%s.tmp", m->name);
	m->dirfd = open(m->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (m->dirfd < 0) {
		m->last_err = -errno;
		m->failing = true;
		log_warnc(m->last_err, "metrics: cannot open %s (no metrics until a restart)",
			  m->dir);
	}
	return 0;
}

int metrics_write(struct metrics_file *m, const struct daemon_status *st)
{
	char *buf = NULL;
	int len, err;

	if (!m->path)
		return 0;
	if (m->dirfd < 0) {
		err = m->last_err;	/* logged by metrics_open() */
	} else if (!(buf = malloc(METRICS_TEXT_MAX))) {
		err = -ENOMEM;
	} else {
		len = metrics_format(st, buf, METRICS_TEXT_MAX);
		err = len < 0 ? len : atomic_file_write(m->dirfd, m->name, m->tmp,
							 buf, (size_t)len, 0644);
	}
	free(buf);
	if (err) {
		m->failures++;
		m->last_err = err;
		if (!m->failing)
			log_warnc(err, "metrics: cannot write %s (capture goes on; failures are counted in status.json)",
				  m->path);
		m->failing = true;
		return err;
	}
	if (m->failing)
		log_info("metrics: %s written, after %" PRIu64 " failed writes",
			 m->path, m->failures);
	m->failing = false;
	m->writes++;
	return 0;
}

void metrics_close(struct metrics_file *m)
{
	if (m->dirfd >= 0)
		close(m->dirfd);
	free(m->path);
	free(m->dir);
	free(m->name);
	free(m->tmp);
	m->path = m->dir = m->name = m->tmp = NULL;
	m->dirfd = -1;
}
