/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Sinks: where the daemon's output lines go.  Every sink receives the same
 * lines, already chained (chain.h): one JSON object per line, ending in
 * ,"n":N,"chain":"<64 hex>"}\n.  A sink never changes a line's bytes;
 * it may add framing (syslog) or split fields out of it (journald).
 *
 * Calling context: all sink functions run on the daemon's one thread.  After
 * setup, the daemon runs without privileges under a seccomp allowlist
 * (privdrop.h): a sink opens everything it needs by path in sink_ops.open
 * (called before the privilege drop); afterwards only openat() relative to a
 * directory fd it already holds, socket()/connect() for TCP, and the
 * syscalls of write/rename/unlink are allowed.
 */
#ifndef INPUTAUDITD_SINK_H
#define INPUTAUDITD_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Syslog severities, RFC 5424 section 6.2.1. */
enum sink_severity {
	SINK_SEV_ALERT = 1,
	SINK_SEV_WARNING = 4,
	SINK_SEV_NOTICE = 5,
	SINK_SEV_INFO = 6,
};

/* One output line with what a sink may need without parsing it. */
struct sink_line {
	const char *text;	/* the whole line, '\n' included, NUL terminated */
	size_t len;		/* strlen(text) */
	const char *type;	/* the "type" field: "device_added", "alert", ... */
	uint64_t seq;		/* kernel sequence number; 0 for daemon records */
	uint64_t n;		/* the daemon's line counter ("n") */
	uint64_t time_ns;	/* the "time_ns" field (CLOCK_BOOTTIME) */
	uint64_t realtime_ns;	/* wall clock of the batch (syslog TIMESTAMP) */
	enum sink_severity severity;
};

/* Health for inputauditctl status; filled by sink_ops.health. */
struct sink_health {
	/*
	 * "ok", "connecting", "spooling", "error"; a file sink: "space_low",
	 * "full" (not writing, counting lost lines), "rotation_failed"
	 */
	char state[32];
	/*
	 * The lines given to the sink now reach where it sends them: a file
	 * sink that is not full (low on space, failing to rotate or to reopen,
	 * it still appends), a syslog sink connected with nothing spooled, a
	 * journal sink whose last send worked.
	 */
	bool up;
	uint64_t lines;		/* lines accepted (and not lost since) */
	uint64_t dropped;	/* lines lost (spool cap hit, disk full), exact */
	uint64_t spooled;	/* lines waiting in a spool */
	int last_err;		/* last negative errno, 0 if none */
	bool have_free;		/* a file sink knows its filesystem's: */
	uint64_t free_bytes;	/*   space free to the daemon's user */
	/* A network sink's connection (syslog, relp); "" / 0 / false for the others: */
	char transport[16];	/* "tls", "tcp", "relp+tls", "relp" */
	char peer[192];		/* "HOST:PORT", the name and fingerprint it must prove */
	/*
	 * "verified (TLSv1.3 TLS_AES_128_GCM_SHA256)", "verified", "failed: REASON",
	 * "connecting", "unauthenticated" (no TLS)
	 */
	char verify[224];
	uint64_t tls_failures;	/* collectors refused, or refusing us (handshake or verification) */
	bool have_acked;	/* the sink knows what its collector acknowledged (relp): */
	uint64_t acked;		/*   lines acknowledged */
	uint64_t unacked;	/*   lines sent or waiting, not acknowledged yet */
};

struct sink;
struct sandbox;

struct sink_ops {
	const char *kind;	/* "file", "syslog", "journal", "relp" */
	/* Open while still privileged.  Return: 0 or a negative errno. */
	int (*open)(struct sink *s);
	/* Queue or write one line.  Return: 0 or a negative errno (fatal for file). */
	int (*write)(struct sink *s, const struct sink_line *line);
	/* End of a batch: push buffered lines out.  Return: 0 or -errno. */
	int (*flush)(struct sink *s);
	/* Periodic work (reconnect, spool drain); now_ms is CLOCK_MONOTONIC. */
	void (*tick)(struct sink *s, uint64_t now_ms);
	/* SIGHUP: reopen files (logrotate).  Return: 0 or -errno. */
	int (*reopen)(struct sink *s);
	void (*health)(struct sink *s, struct sink_health *h);
	/*
	 * After open, before the drop: add the directories the sink opens files
	 * beneath and the TCP ports it connects to (lib/sandbox.h); may be NULL.
	 */
	void (*sandbox)(struct sink *s, struct sandbox *sb);
	/* Flush and release everything.  Return: 0 or -errno of a lost write. */
	int (*close)(struct sink *s);
};

struct sink {
	const struct sink_ops *ops;
	char name[64];		/* e.g. "file:/var/log/inputaudit/audit.jsonl" */
	void *priv;		/* the sink's own state */
};

#endif /* INPUTAUDITD_SINK_H */
