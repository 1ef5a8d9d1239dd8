// SPDX-License-Identifier: GPL-2.0-only
/* Kernel fault injection through /sys/kernel/debug/fail_function. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault_util.h"

static int write_str(const char *path, const char *s)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

static int write_attr(const char *attr, const char *s)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), FAIL_FUNCTION_DIR "/%s", attr) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	return write_str(path, s);
}

bool fail_function_available(void)
{
	return access(FAIL_FUNCTION_DIR "/inject", W_OK) == 0;
}

bool fail_function_injectable(const char *func)
{
	size_t len = strlen(func);
	char line[256];
	bool found = false;
	FILE *f;

	/* Lines are "NAME\tTYPE", a module's functions "NAME [MODULE]\tTYPE". */
	f = fopen(FAIL_FUNCTION_DIR "/injectable", "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, func, len) && (line[len] == '\t' || line[len] == ' ');
	fclose(f);
	return found;
}

int fail_function_inject(const char *func, long err, int times, bool task_only)
{
	char attr[PATH_MAX], val[32];
	int ret;

	ret = write_attr("inject", "\n");
	if (ret)
		return ret;
	ret = write_attr("inject", func);
	if (ret)
		return ret;
	/* retval only takes unsigned numbers: a negative errno as its 64-bit pattern. */
	snprintf(val, sizeof(val), "%#lx", (unsigned long)err);
	if (snprintf(attr, sizeof(attr), "%s/retval", func) >= (int)sizeof(attr))
		return -ENAMETOOLONG;
	ret = write_attr(attr, val);
	if (!ret)
		ret = write_attr("task-filter", task_only ? "Y" : "N");
	if (!ret)
		ret = write_attr("probability", "100");
	if (!ret)
		ret = write_attr("interval", "0");
	snprintf(val, sizeof(val), "%d", times);
	if (!ret)
		ret = write_attr("times", val);
	if (!ret)
		ret = write_attr("space", "0");
	if (!ret)
		ret = write_attr("verbose", "1");
	if (ret)
		fail_function_clear();
	return ret;
}

int fail_function_clear(void)
{
	int ret = write_attr("inject", "\n");

	write_attr("task-filter", "N");
	return ret;
}

int fail_mark_open(pid_t pid)
{
	char path[64];
	int fd;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/make-it-fail", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/make-it-fail");
	fd = open(path, O_WRONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int fail_mark(int fd, bool on)
{
	return pwrite(fd, on ? "1" : "0", 1, 0) == 1 ? 0 : -errno;
}

int fail_make_it_fail(pid_t pid, bool on)
{
	int fd = fail_mark_open(pid), err;

	if (fd < 0)
		return fd;
	err = fail_mark(fd, on);
	close(fd);
	return err;
}
