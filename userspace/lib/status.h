/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The daemon's status file, <state_dir>/status.json, for
 * `inputauditctl status`.  One JSON object:
 *
 *   {"pid":N,"uid":N,"gid":N,"start_time":SECONDS,"start_boottime_ns":NS,
 *    "update_time":SECONDS,"received":N,"lost":N,"duplicates":N,
 *    "ring_drops":N,"bpf_submitted":N,"last_seq":N,"chain_n":N,
 *    "key_id":"<16 hex>"|"","version":"..","config_sha256":"<64 hex>"|"",
 *    ["frames_seen":N,"frames_suppressed":N,]"blind_ns":N,
 *    ["no_consumer_ns":N,]"metrics_failures":N,"metrics_last_err":-N,
 *    "sinks":[{"name":"..","kind":"file","state":"ok","up":true,
 *    "lines":N,"dropped":N,"spooled":N[,"free":N],"last_err":-N}, ...]}
 *
 * "free" (a file sink: bytes free on its filesystem) only where known;
 * likewise the module's totals: "frames_seen" and "frames_suppressed" once
 * a heartbeat record came, "no_consumer_ns" once a consumer record came.
 * The metrics file (metrics.h) is made from this same structure, so the
 * two never disagree.
 *
 * start_time and update_time are wall-clock seconds (CLOCK_REALTIME).
 * The file is replaced atomically (atomic_file.h), mode 0600; a reader
 * never sees a partial file.
 */
#ifndef INPUTAUDITD_STATUS_H
#define INPUTAUDITD_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sink.h"

#define STATUS_FILE		"status.json"
#define STATUS_TMP_FILE		".status.json.tmp"
#define STATUS_MAX_SINKS	16
#define STATUS_JSON_MAX		16384	/* status_format() never needs more */

struct status_sink {
	char name[64];		/* struct sink.name */
	char kind[16];		/* struct sink_ops.kind */
	struct sink_health health;
};

struct daemon_status {
	int64_t pid;
	uint32_t uid;			/* the daemon runs as */
	uint32_t gid;
	uint64_t start_time;		/* wall clock, seconds since the epoch */
	uint64_t start_boottime_ns;	/* CLOCK_BOOTTIME at start */
	uint64_t update_time;		/* wall clock of this status */
	uint64_t received;		/* kernel records received */
	uint64_t lost;			/* sequence numbers declared lost */
	uint64_t duplicates;
	uint64_t ring_drops;		/* BPF ring reserve failures */
	uint64_t bpf_submitted;
	uint64_t last_seq;		/* last kernel sequence number written */
	uint64_t chain_n;		/* last output line's "n"; 0 without a chain */
	char key_id[17];		/* chain key id, "" without a chain */
	char version[32];		/* inputauditd's */
	char config_sha256[65];		/* of the config file's bytes, "" without one */
	/* The module's totals, as its records report them (pipeline.h). */
	bool have_frames;		/* a heartbeat came: */
	uint64_t frames_seen;		/*   its totals since the module's load */
	uint64_t frames_suppressed;
	uint64_t blind_ns;		/* blind periods that ended while we ran */
	bool have_no_consumer;		/* a consumer record came: */
	uint64_t no_consumer_ns;	/*   its total time without a consumer */
	uint64_t metrics_failures;	/* metrics file writes that failed */
	int metrics_last_err;		/* the last failure's -errno, 0 if none */
	unsigned int nsinks;
	struct status_sink sinks[STATUS_MAX_SINKS];
};

/**
 * status_add_sink() - append a sink's name, kind and health
 * @st: the status
 * @s: the sink (its ops->health is called)
 *
 * Return: 0, or -ENOSPC when STATUS_MAX_SINKS sinks are there already.
 */
int status_add_sink(struct daemon_status *st, struct sink *s);

/**
 * status_format() - the status as one JSON object and a '\n'
 * @st: the status
 * @buf: the output, NUL terminated
 * @size: its size (STATUS_JSON_MAX is enough)
 *
 * Return: the length without the NUL, or -ENOSPC.
 */
int status_format(const struct daemon_status *st, char *buf, size_t size);

/**
 * status_write() - replace <dir>/status.json atomically
 * @dirfd: the state directory, opened before the privilege drop
 * @st: the status
 *
 * Writes STATUS_TMP_FILE, mode 0600, fsyncs it and renames it over
 * STATUS_FILE: atomic_file_write(), whose syscalls it makes.
 *
 * Return: 0 or a negative errno (the old file is then left as it was).
 */
int status_write(int dirfd, const struct daemon_status *st);

/**
 * status_parse() - read back what status_format() wrote
 * @text: the JSON text
 * @len: its length
 * @st: the status; unknown keys are ignored, missing ones stay 0
 *
 * Return: 0, or -EINVAL if @text is not such a JSON object.
 */
int status_parse(const char *text, size_t len, struct daemon_status *st);

/**
 * status_read() - read and parse <dir>/status.json
 * @dir: the state directory
 * @st: the status
 *
 * Return: 0, -ENOENT if there is no status file, -EINVAL if it does not
 * parse, or another negative errno.
 */
int status_read(const char *dir, struct daemon_status *st);

#endif /* INPUTAUDITD_STATUS_H */
