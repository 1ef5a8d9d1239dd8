/* SPDX-License-Identifier: GPL-2.0-only */
/* Running the real inputauditd and reading what it wrote, for VM tests. */
#ifndef _DAEMON_UTIL_H
#define _DAEMON_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Starts $INPUTAUDITD -o out_path (no -o if out_path is NULL) plus the
 * extra arguments (NULL terminated) and waits until it is attached to the
 * module tracepoint, has finished its set-up (it runs under its seccomp
 * filter: its [kernel] settings are applied) and capture runs
 * (wait_capture_open()).
 * Returns its pid, or -errno (-ETIMEDOUT if it never attached, -ECHILD if
 * it exited before it attached).
 */
pid_t daemon_start(const char *out_path, const char *const *extra_args);
/* SIGTERM and wait; returns its exit status as from waitpid(). */
int daemon_stop(pid_t pid);

/* The records of one JSON Lines file. */
struct jsonl {
	char *text;	/* the file, lines NUL-terminated in place */
	char **lines;
	size_t count;
};

int jsonl_load(struct jsonl *j, const char *path);
void jsonl_free(struct jsonl *j);
/* Top-level or nested field "key": an unsigned number; false if absent. */
bool json_u64(const char *line, const char *key, uint64_t *val);
/* Field "key": a string, unescaped only for plain text; false if absent. */
bool json_str(const char *line, const char *key, char *buf, size_t size);
/* Word idx of a --raw record's "v" array. */
bool json_v(const char *line, unsigned int idx, uint64_t *val);
/* True if the record's "type" is type. */
bool json_type_is(const char *line, const char *type);

#endif
