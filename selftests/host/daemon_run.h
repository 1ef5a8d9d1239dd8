/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Host tests: running programs (the real daemon, inputauditctl) with their
 * output in files, reading those files, waiting for a line, starting and
 * stopping a daemon.  Shared by test_start, test_replay, test_disk_full and
 * test_metrics.
 */
#ifndef INPUTAUDIT_HOST_DAEMON_RUN_H
#define INPUTAUDIT_HOST_DAEMON_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Run argv[0] with argv, stdout and stderr into the files out and err. Return: exit status or -1. */
int run_to_files(const char *const *argv, const char *out, const char *err);

/* The file @path into @buf (at most @size - 1 bytes), NUL terminated; "" if unreadable. */
char *slurp_into(const char *path, char *buf, size_t size);

/*
 * Wait up to @ms for @needle in the file @path (read into @buf of @size).
 * Return: true when found; false on time out, or when the process *@pid
 * exited (then *@pid is 0).
 */
bool wait_file_text(pid_t *pid, const char *path, const char *needle, int ms,
		    char *buf, size_t size);

/*
 * Start a daemon (argv[0] with @argv) in the background: stdin and stdout
 * on /dev/null, stderr into the file @err.  Leak checks are off in it:
 * after the privilege drop its seccomp filter would kill LeakSanitizer's
 * ptrace-based stop-the-world.  Return: its pid, or -1.
 */
pid_t spawn_daemon(const char *const *argv, const char *err);

/* SIGTERM to *@pid and wait for it.  Return: its exit status, -1 if none or killed. */
int term_and_wait(pid_t *pid);

/* A test chain key (32 bytes from @seed) at @path, root's, 0600.  Return: 0 or -errno. */
int write_test_key(const char *path, unsigned int seed);

#endif /* INPUTAUDIT_HOST_DAEMON_RUN_H */
