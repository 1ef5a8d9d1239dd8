/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Dropping privileges once the daemon is set up: the BPF program is loaded
 * and attached, the ring buffer mapped and every root-only file opened.
 * After privdrop_apply() the process runs as an unprivileged user with no
 * capabilities, no_new_privs set and a seccomp allowlist of the syscalls
 * the capture loop makes; anything else kills the whole process (SIGSYS).
 *
 * Order: privdrop_prepare() early (it resolves names through NSS, which
 * reads /etc/passwd and /etc/group and may dlopen modules: impossible
 * later), then the privileged setup, then privdrop_apply().
 */
#ifndef INPUTAUDITD_PRIVDROP_H
#define INPUTAUDITD_PRIVDROP_H

#include <stdbool.h>
#include <sys/types.h>

struct priv_conf {
	const char *user;	/* NULL or "": stay root, apply nothing */
	const char *group;	/* NULL or "": the user's login group */
	bool allow_root;	/* accept a user or group that is 0 (tests) */
	/* Landlock rules for after the drop (lib/sandbox.h); NULL: none. */
	struct sandbox *sandbox;

	/* Filled in by privdrop_prepare(). */
	bool resolved;
	uid_t uid;
	gid_t gid;
};

/*
 * Resolve c->user and c->group to ids and check them: a user or group
 * resolving to 0 is refused unless c->allow_root.  Does nothing when no
 * user is configured.
 * Return: 0; -ENOENT for an unknown user or group (with a message); -EPERM
 * for root without allow_root; another negative errno.
 */
int privdrop_prepare(struct priv_conf *c);

/*
 * Drop everything, in this order: bounding and ambient capability sets
 * cleared, supplementary groups set to just the group, setresgid(),
 * setresuid(), all capability sets cleared with libcap-ng, checked from
 * /proc/self/status (CapEff, CapPrm, CapAmb, CapBnd all 0) and by failing
 * to regain uid 0, PR_SET_NO_NEW_PRIVS, Landlock with c->sandbox's rules
 * (files only beneath the daemon's directories, TCP only to its collectors'
 * ports; nothing when the kernel has no Landlock, which is logged), then
 * the seccomp allowlist (default action: kill the process).  Logs what it applied.  Resolves the
 * names itself if privdrop_prepare() was not called.  Does nothing, and
 * returns 0, when no user is configured.
 *
 * In builds with -DINPUTAUDITD_TEST_HOOKS only, it also installs a SIGUSR2
 * handler that makes a syscall outside the allowlist (ptrace), so a test
 * can see the filter kill the daemon with SIGSYS, and it runs the probes
 * the environment asks for once everything is applied:
 * INPUTAUDITD_TEST_OPEN=PATH opens PATH for reading, INPUTAUDITD_TEST_CONNECT=
 * IPV4:PORT connects there, each logging "test probe: ...: ok" or the
 * error; with INPUTAUDITD_TEST_SENDMSG=1 SIGUSR2's forbidden call is
 * sendmsg() instead of ptrace().
 *
 * Return: 0, or a negative errno after a message; the caller must exit
 * then, as the process may be half dropped.
 */
int privdrop_apply(const struct priv_conf *c);

#endif /* INPUTAUDITD_PRIVDROP_H */
