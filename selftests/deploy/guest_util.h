/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The deployed-system test's guest side (deploy_guest.c): commands run the
 * way an administrator runs them, files read, and the control channel to the
 * host program (selftests/deploy/deploy_host.c) on the second serial port.
 */
#ifndef _GUEST_UTIL_H
#define _GUEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Where the payload disk is mounted, and the control channel's port. */
#define PAYLOAD		"/run/payload"
#define CONTROL_TTY	"/dev/ttyS1"
/* Each command's output, kept for the failure message (and the next test). */
#define CMD_OUT		"/var/tmp/deploy-cmd.out"

/*
 * Runs a shell command (printf-style) with its output in CMD_OUT.
 * Return: its exit status, or -1 when it did not exit normally.
 */
int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the last @lines lines of CMD_OUT as TAP diagnostics. */
void sh_show_output(int lines);

/* Reads @path into @buf (NUL terminated); bytes read or -errno. */
ssize_t read_text(const char *path, char *buf, size_t size);
/* Writes @text to @path (created 0644, truncated); 0 or -errno. */
int write_text(const char *path, const char *text);
/* Whether the file @path contains @needle (any file size). */
bool file_contains(const char *path, const char *needle);
/* Waits up to @ms for file_contains(); true when found. */
bool wait_file_contains(const char *path, const char *needle, int ms);
/* Counts the lines of @path that contain @needle; -1 if unreadable. */
long count_lines_with(const char *path, const char *needle);

/* The unit's main pid (systemctl show), 0 if none. */
pid_t unit_main_pid(const char *unit);
/* Waits up to @ms for the unit to be active with a main pid; the pid or 0. */
pid_t wait_unit_active(const char *unit, int ms);

/*
 * HTTP GET of @path from 127.0.0.1:@port into @buf (the body, NUL terminated).
 * Return: the body's length, or -errno (-EPROTO: not a 200 response).
 */
ssize_t http_get(unsigned int port, const char *path, char *buf, size_t size);

/*
 * Sends one request line to the host program and waits up to @ms for its
 * reply line ("@@REPLY..."); @reply gets what follows "@@".
 * Return: 0, or -errno (-ETIMEDOUT).
 */
int host_request(const char *request, char *reply, size_t size, int ms);

#endif
