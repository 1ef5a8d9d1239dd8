/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A real systemd-journald for the host tests (Debian package systemd),
 * started standalone, not socket-activated: it binds
 * /run/systemd/journal/socket (and stdout, dev-log) itself.  It runs in
 * the caller's mount namespace, which must be private: journald_init()
 * mounts tmpfs over /run/systemd, /run/log and /var/log/journal, so the
 * host's journal, sockets and configuration are neither seen nor touched.
 * A drop-in there keeps the journal in memory (/run/log/journal), reads
 * no kernel log and no audit, forwards nothing and has no rate limit.
 */
#ifndef _JOURNALD_H
#define _JOURNALD_H

#include <sys/types.h>

#define JOURNALD_BIN	"/lib/systemd/systemd-journald"
#define JOURNALCTL_BIN	"/usr/bin/journalctl"
#define JOURNALD_SOCKET	"/run/systemd/journal/socket"

struct journald {
	char log[160];		/* journald's own messages (stderr) */
	pid_t pid;		/* 0 when not running */
};

/*
 * The mounts and the drop-in; journald's log goes into dir (which must
 * exist).  Return: 0 or -errno.
 */
int journald_init(struct journald *j, const char *dir);
/*
 * Start journald and wait until its native socket takes datagrams.
 * Return: 0, or -1 (not running then; see j->log).
 */
int journald_start(struct journald *j, int timeout_ms);
/*
 * SIGTERM, and wait for it.  journald handles SIGTERM after the datagrams
 * already queued on its sockets (it gives the signal a lower priority), so
 * what was sent before the call is in the journal when it returns.
 * Return: its exit status, or -1.
 */
int journald_stop(struct journald *j);
/*
 * journalctl -o json of the entries whose SYSLOG_IDENTIFIER is identifier,
 * into the file out: one JSON object per line.  Return: journalctl's exit
 * status, or -1.
 */
int journald_export(const char *identifier, const char *out);

#endif
