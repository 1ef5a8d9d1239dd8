// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * [kernel] settings through the module's parameter files; see ksettings.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inputaudit.h"
#include "ksettings.h"

static const char *const level_names[] = {
	[INPUTAUDIT_LEVEL_OFF] = "off",
	[INPUTAUDIT_LEVEL_ACTIVITY] = "activity",
	[INPUTAUDIT_LEVEL_EVENTS] = "events",
	[INPUTAUDIT_LEVEL_KEYS] = "keys",
};

#define NLEVELS	(sizeof(level_names) / sizeof(level_names[0]))

static const char *level_name(uint32_t l)
{
	return l < NLEVELS ? level_names[l] : "?";
}

void ksettings_close(struct ksettings *ks)
{
	int k;

	for (k = 0; k < IA_KSET_COUNT; k++) {
		if (ks->fd[k] >= 0)
			close(ks->fd[k]);
		ks->fd[k] = -1;
	}
	if (ks->max_level_fd >= 0)
		close(ks->max_level_fd);
	ks->max_level_fd = -1;
}

static int open_one(struct ksettings *ks, const char *name, int flags,
		    bool required, int *fd, char *err, size_t errlen)
{
	char path[512];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", ks->root, name);
	*fd = open(path, flags | O_CLOEXEC);
	if (*fd >= 0)
		return 0;
	ret = -errno;
	if (ret == -ENOENT && !required)
		return 0;
	snprintf(err, errlen, "%s: %s%s", path, strerror(-ret),
		 ret == -ENOENT ? " (is the inputaudit module loaded?)" : "");
	return ret;
}

int ksettings_open(struct ksettings *ks, const char *root,
		   const struct ia_kernel_conf *kc, char *err, size_t errlen)
{
	int k, ret;

	memset(ks, 0, sizeof(*ks));
	for (k = 0; k < IA_KSET_COUNT; k++)
		ks->fd[k] = -1;
	ks->max_level_fd = -1;
	if (!root)
		root = INPUTAUDIT_PARAM_DIR;
	if (strlen(root) >= sizeof(ks->root)) {
		snprintf(err, errlen, "%s: path too long", root);
		return -ENAMETOOLONG;
	}
	strcpy(ks->root, root);

	for (k = 0; k < IA_KSET_COUNT; k++) {
		ret = open_one(ks, config_kset_name(k), O_RDWR,
			       kc && kc->set[k], &ks->fd[k], err, errlen);
		if (ret)
			goto fail;
	}
	ret = open_one(ks, "max_level", O_RDONLY,
		       kc && kc->set[IA_KSET_LEVEL], &ks->max_level_fd, err,
		       errlen);
	if (ret)
		goto fail;
	return 0;
fail:
	ksettings_close(ks);
	return ret;
}

/* Read a value file: a level name or a number, up to the newline. */
static int read_value(int fd, bool is_level, uint32_t *val, char *text,
		      size_t textlen)
{
	char buf[64], *nl, *end;
	unsigned long long v;
	ssize_t n;
	uint32_t l;

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	snprintf(text, textlen, "%s", buf);
	if (is_level) {
		for (l = 0; l < NLEVELS; l++) {
			if (!strcmp(buf, level_names[l])) {
				*val = l;
				return 0;
			}
		}
		return -EBADMSG;
	}
	if (buf[0] < '0' || buf[0] > '9')
		return -EBADMSG;
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return -EBADMSG;
	*val = (uint32_t)v;
	return 0;
}

static void format_value(enum ia_kset k, uint32_t val, char *buf, size_t len)
{
	if (k == IA_KSET_LEVEL)
		snprintf(buf, len, "%s\n", level_name(val));
	else
		snprintf(buf, len, "%" PRIu32 "\n", val);
}

static int read_setting(struct ksettings *ks, enum ia_kset k, uint32_t *val,
			char *err, size_t errlen)
{
	char text[64];
	int ret = read_value(ks->fd[k], k == IA_KSET_LEVEL, val, text,
			     sizeof(text));

	if (ret == -EBADMSG)
		snprintf(err, errlen, "%s/%s: unexpected content '%s'",
			 ks->root, config_kset_name(k), text);
	else if (ret)
		snprintf(err, errlen, "%s/%s: read: %s", ks->root,
			 config_kset_name(k), strerror(-ret));
	return ret;
}

/*
 * The level first: the module accepts some values only at a level (below
 * "keys", window_ms >= 1000, time_res_ms >= 10, inject_presses >= 5,
 * inject_interval_ms <= 50), so values valid at the new level must be
 * written once it is in place; lowering it raises the values outside its
 * limits to them first.  Lock last: it freezes everything.
 */
static const enum ia_kset write_order[IA_KSET_COUNT] = {
	IA_KSET_LEVEL,
	IA_KSET_WINDOW_MS, IA_KSET_DEV_RATE, IA_KSET_DEV_BURST,
	IA_KSET_GLOBAL_RATE, IA_KSET_GLOBAL_BURST, IA_KSET_HEARTBEAT_MS,
	IA_KSET_TIME_RES_MS, IA_KSET_INJECT_PRESSES, IA_KSET_INJECT_INTERVAL_MS,
	IA_KSET_LOCK,
};

int ksettings_apply(struct ksettings *ks, const struct ia_kernel_conf *kc,
		    char *err, size_t errlen)
{
	uint32_t cur[IA_KSET_COUNT], max_level, locked = 0, back;
	bool change[IA_KSET_COUNT] = { false };
	int i, k, ret, changed = 0;
	char text[64];

	/* Read everything first: refuse before writing anything. */
	for (k = 0; k < IA_KSET_COUNT; k++) {
		if (!kc->set[k])
			continue;
		if (ks->fd[k] < 0) {
			snprintf(err, errlen, "%s/%s: no such setting",
				 ks->root, config_kset_name(k));
			return -ENOENT;
		}
		ret = read_setting(ks, k, &cur[k], err, errlen);
		if (ret)
			return ret;
		change[k] = cur[k] != kc->val[k];
	}
	if (kc->set[IA_KSET_LEVEL] && change[IA_KSET_LEVEL]) {
		if (ks->max_level_fd < 0) {
			snprintf(err, errlen, "%s/max_level: no such file", ks->root);
			return -ENOENT;
		}
		ret = read_value(ks->max_level_fd, true, &max_level, text,
				 sizeof(text));
		if (ret) {
			snprintf(err, errlen, "%s/max_level: %s", ks->root,
				 ret == -EBADMSG ? "unexpected content" : strerror(-ret));
			return ret;
		}
		if (kc->val[IA_KSET_LEVEL] > max_level) {
			snprintf(err, errlen,
				 "level %s is above the module's max_level %s (load the module with max_level=%s to allow it)",
				 level_name(kc->val[IA_KSET_LEVEL]),
				 level_name(max_level),
				 level_name(kc->val[IA_KSET_LEVEL]));
			return -EPERM;
		}
	}
	if (ks->fd[IA_KSET_LOCK] >= 0) {
		ret = read_setting(ks, IA_KSET_LOCK, &locked, err, errlen);
		if (ret)
			return ret;
	}
	if (locked) {
		for (k = 0; k < IA_KSET_COUNT; k++) {
			if (change[k]) {
				snprintf(err, errlen,
					 "cannot change %s: the module's settings are locked (lock=1 until it is unloaded)",
					 config_kset_name(k));
				return -EPERM;
			}
		}
	}

	for (i = 0; i < IA_KSET_COUNT; i++) {
		char buf[32];
		size_t len;
		ssize_t n;

		k = write_order[i];
		if (!change[k])
			continue;
		format_value(k, kc->val[k], buf, sizeof(buf));
		len = strlen(buf);
		n = pwrite(ks->fd[k], buf, len, 0);
		if (n < 0 || (size_t)n != len) {
			ret = n < 0 ? -errno : -EIO;
			snprintf(err, errlen, "%s/%s: write '%.*s': %s", ks->root,
				 config_kset_name(k), (int)len - 1, buf,
				 strerror(-ret));
			return ret;
		}
		ret = read_setting(ks, k, &back, err, errlen);
		if (ret)
			return ret;
		if (back != kc->val[k]) {
			char want[32], got[32];

			format_value(k, kc->val[k], want, sizeof(want));
			format_value(k, back, got, sizeof(got));
			want[strlen(want) - 1] = '\0';
			got[strlen(got) - 1] = '\0';
			snprintf(err, errlen, "%s/%s: wrote %s but read back %s",
				 ks->root, config_kset_name(k), want, got);
			return -EIO;
		}
		changed++;
	}
	return changed;
}
