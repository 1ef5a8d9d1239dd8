/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Landlock for the dropped daemon: after the drop it may open files only
 * beneath the directories it holds (its sinks' directories, spool
 * directories, state directory, the metrics file's directory; the config
 * file's directory for reading) and, on kernels with Landlock's network
 * rules (ABI 4, Linux 6.7), make TCP connections only to its collectors'
 * ports.  seccomp cannot look at a path or an address; Landlock can.
 *
 * The rules are bound to the directories' inodes through the descriptors
 * the daemon already holds (LANDLOCK_RULE_PATH_BENEATH takes an fd), so a
 * directory renamed or replaced later does not widen what is allowed.
 */
#ifndef INPUTAUDIT_SANDBOX_H
#define INPUTAUDIT_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SANDBOX_MAX_DIRS	32
#define SANDBOX_MAX_PORTS	16

struct sandbox {
	int dirs[SANDBOX_MAX_DIRS];	/* held directory fds (not owned) */
	bool dir_write[SANDBOX_MAX_DIRS];	/* read and write, or read only */
	unsigned int ndirs;
	uint16_t ports[SANDBOX_MAX_PORTS];	/* TCP ports it may connect to */
	unsigned int nports;
	bool overflow;		/* more than the arrays hold: refused */

	/* Filled by sandbox_apply(). */
	int abi;		/* Landlock ABI version, 0: not available */
	bool net;		/* TCP connect restricted (ABI >= 4) */
};

/* Allow reading (and, with @write, writing) beneath the directory @dirfd. */
void sandbox_add_dir(struct sandbox *sb, int dirfd, bool write);

/* Allow TCP connections to @port. */
void sandbox_add_tcp_port(struct sandbox *sb, uint16_t port);

/*
 * Restrict this process (every thread: call it before any is made) with a
 * Landlock ruleset of what was added.  no_new_privs must be set.  Without
 * Landlock in the kernel (disabled, or older than 5.13) nothing is
 * restricted: sb->abi stays 0 and the caller says so.
 * Return: 0, or a negative errno (then nothing is restricted either).
 */
int sandbox_apply(struct sandbox *sb);

/* "landlock ABI 6: files beneath 4 directories, TCP to 1 port" and the like. */
void sandbox_describe(const struct sandbox *sb, char *buf, size_t len);

#endif /* INPUTAUDIT_SANDBOX_H */
