// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Landlock for the dropped daemon; see sandbox.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox.h"

/*
 * Landlock's ABI, written out here rather than taken from <linux/landlock.h>:
 * the build host's headers (Linux 6.1) stop at ABI 2, and the daemon runs
 * on newer kernels too.  Values from include/uapi/linux/landlock.h; the
 * kernel tells at run time which ABI it speaks, and only what it knows is
 * asked for.
 */
#define LL_CREATE_RULESET_VERSION	(1U << 0)
#define LL_RULE_PATH_BENEATH		1
#define LL_RULE_NET_PORT		2

#define LL_FS_EXECUTE		(1ULL << 0)
#define LL_FS_WRITE_FILE	(1ULL << 1)
#define LL_FS_READ_FILE		(1ULL << 2)
#define LL_FS_READ_DIR		(1ULL << 3)
#define LL_FS_REMOVE_FILE	(1ULL << 5)
#define LL_FS_MAKE_REG		(1ULL << 8)
#define LL_FS_ABI1		((1ULL << 13) - 1)	/* the 13 rights of ABI 1 */
#define LL_FS_REFER		(1ULL << 13)		/* ABI 2 */
#define LL_FS_TRUNCATE		(1ULL << 14)		/* ABI 3 */
#define LL_NET_BIND_TCP		(1ULL << 0)		/* ABI 4 */
#define LL_NET_CONNECT_TCP	(1ULL << 1)
#define LL_SCOPE_ABSTRACT_UNIX	(1ULL << 0)		/* ABI 6 */
#define LL_SCOPE_SIGNAL		(1ULL << 1)

struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;	/* ABI 4 */
	uint64_t scoped;		/* ABI 6 */
};

struct ll_path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

struct ll_net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
};

void sandbox_add_dir(struct sandbox *sb, int dirfd, bool write)
{
	if (dirfd < 0)
		return;
	if (sb->ndirs == SANDBOX_MAX_DIRS) {
		sb->overflow = true;
		return;
	}
	sb->dir_write[sb->ndirs] = write;
	sb->dirs[sb->ndirs++] = dirfd;
}

void sandbox_add_tcp_port(struct sandbox *sb, uint16_t port)
{
	for (unsigned int i = 0; i < sb->nports; i++)
		if (sb->ports[i] == port)
			return;
	if (sb->nports == SANDBOX_MAX_PORTS) {
		sb->overflow = true;
		return;
	}
	sb->ports[sb->nports++] = port;
}

/* The rights handled (denied unless a rule allows them) at ABI @abi. */
static uint64_t handled_fs(int abi)
{
	uint64_t fs = LL_FS_ABI1;

	if (abi >= 2)
		fs |= LL_FS_REFER;
	if (abi >= 3)
		fs |= LL_FS_TRUNCATE;
	return fs;
}

/* What a directory of the daemon's gets: reading, and writing its files. */
static uint64_t dir_rights(int abi, bool write)
{
	uint64_t r = LL_FS_READ_FILE | LL_FS_READ_DIR;

	if (write) {
		r |= LL_FS_WRITE_FILE | LL_FS_REMOVE_FILE | LL_FS_MAKE_REG;
		if (abi >= 3)
			r |= LL_FS_TRUNCATE;
	}
	return r;
}

static int add_rules(const struct sandbox *sb, int rfd)
{
	for (unsigned int i = 0; i < sb->ndirs; i++) {
		struct ll_path_beneath_attr pb = {
			.allowed_access = dir_rights(sb->abi, sb->dir_write[i]),
			.parent_fd = sb->dirs[i],
		};

		if (syscall(SYS_landlock_add_rule, rfd, LL_RULE_PATH_BENEATH, &pb, 0) < 0)
			return -errno;
	}
	for (unsigned int i = 0; sb->net && i < sb->nports; i++) {
		struct ll_net_port_attr np = {
			.allowed_access = LL_NET_CONNECT_TCP,
			.port = sb->ports[i],
		};

		if (syscall(SYS_landlock_add_rule, rfd, LL_RULE_NET_PORT, &np, 0) < 0)
			return -errno;
	}
	return 0;
}

int sandbox_apply(struct sandbox *sb)
{
	struct ll_ruleset_attr attr = { 0 };
	size_t attr_size = sizeof(attr.handled_access_fs);
	long abi;
	int rfd, err;

	sb->abi = 0;
	sb->net = false;
	if (sb->overflow)
		return -E2BIG;
	abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);
	if (abi < 0)	/* ENOSYS: too old; EOPNOTSUPP: not in the LSM list */
		return errno == ENOSYS || errno == EOPNOTSUPP ? 0 : -errno;

	sb->abi = (int)abi;
	attr.handled_access_fs = handled_fs(sb->abi);
	if (sb->abi >= 4) {
		sb->net = true;
		attr.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
		attr_size = offsetof(struct ll_ruleset_attr, scoped);
	}
	if (sb->abi >= 6) {
		attr.scoped = LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL;
		attr_size = sizeof(attr);
	}
	rfd = (int)syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0);
	if (rfd < 0) {
		err = -errno;
		goto fail;
	}
	err = add_rules(sb, rfd);
	if (!err && syscall(SYS_landlock_restrict_self, rfd, 0) < 0)
		err = -errno;
	close(rfd);
	if (!err)
		return 0;
fail:
	sb->abi = 0;
	sb->net = false;
	return err;
}

void sandbox_describe(const struct sandbox *sb, char *buf, size_t len)
{
	if (!sb->abi) {
		snprintf(buf, len, "no landlock (not in this kernel): opens not confined");
		return;
	}
	if (sb->net)
		snprintf(buf, len, "landlock ABI %d: files beneath %u directories, TCP to %u port%s",
			 sb->abi, sb->ndirs, sb->nports, sb->nports == 1 ? "" : "s");
	else
		snprintf(buf, len, "landlock ABI %d: files beneath %u directories (TCP not confined before ABI 4)",
			 sb->abi, sb->ndirs);
}
