// SPDX-License-Identifier: GPL-2.0-only
/* Loading the module and reading its sysfs files, for the VM tests. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kmod_util.h"

int kmod_load(const char *params)
{
	const char *ko = getenv("INPUTAUDIT_KO");
	int fd, err = 0;

	if (!ko)
		ko = "/lib/inputaudit/inputaudit.ko";
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, params ? params : "", 0) < 0)
		err = -errno;
	close(fd);
	return err;
}

int kmod_unload(unsigned int flags)
{
	if (syscall(SYS_delete_module, "inputaudit", flags) < 0)
		return -errno;
	return 0;
}

int kmod_unload_wait(int timeout_ms)
{
	int err;

	for (int waited = 0;; waited += 50) {
		err = kmod_unload(O_NONBLOCK);
		if (err != -EAGAIN && err != -EBUSY)
			return err;
		if (waited >= timeout_ms)
			return err;
		sleep_ms(50);
	}
}

bool kmod_loaded(void)
{
	struct stat st;

	return stat("/sys/module/inputaudit", &st) == 0;
}

ssize_t read_file(const char *path, char *buf, size_t size)
{
	ssize_t len = 0, n = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((size_t)len < size - 1 &&
	       (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	if (n < 0)
		len = -errno;
	close(fd);
	buf[len < 0 ? 0 : len] = '\0';
	return len;
}

int write_file(const char *path, const char *s)
{
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	if (n < 0)
		err = -errno;
	close(fd);
	return err;
}

int read_u64(const char *path, uint64_t *val)
{
	char buf[64], *end;
	ssize_t len = read_file(path, buf, sizeof(buf));

	if (len < 0)
		return len;
	errno = 0;
	*val = strtoull(buf, &end, 10);
	if (errno || end == buf)
		return -EINVAL;
	return 0;
}

void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* A "key=N" field of a status line. */
static bool status_value(const char *status, const char *key, long *val)
{
	size_t len = strlen(key);

	for (const char *p = status; *p; p += strcspn(p, " \n"), p += !!*p) {
		if (!strncmp(p, key, len) && p[len] == '=') {
			*val = strtol(p + len + 1, NULL, 10);
			return true;
		}
	}
	return false;
}

bool module_status_field(const char *key, long *val)
{
	char buf[256];

	return read_file("/sys/kernel/inputaudit/status", buf, sizeof(buf)) > 0 &&
	       status_value(buf, key, val);
}

bool wait_capture_open(int want_open, int timeout_ms)
{
	char buf[256];

	for (int waited = 0; waited <= timeout_ms; waited += 10) {
		long open, devices;

		if (read_file("/sys/kernel/inputaudit/status", buf,
			      sizeof(buf)) > 0 && strstr(buf, "consumer=attached")) {
			if (!status_value(buf, "open", &open))
				return true;	/* opened before the attach returned */
			if (want_open < 0 && strstr(buf, "level=off "))
				want_open = 0;
			if (want_open >= 0 ? open == want_open :
			    status_value(buf, "devices", &devices) &&
			    open == devices)
				return true;
		}
		sleep_ms(10);
	}
	return false;
}

const char *read_value(const char *path, char *buf, size_t size)
{
	if (read_file(path, buf, size) < 0)
		snprintf(buf, size, "(unreadable)");
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

uint64_t counter(const char *file, const char *name)
{
	char buf[1024], *p;

	if (read_file(file, buf, sizeof(buf)) <= 0)
		return UINT64_MAX;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, name, strlen(name)) && p[strlen(name)] == ' ')
			return strtoull(p + strlen(name) + 1, NULL, 10);
	return UINT64_MAX;
}

bool klog_contains(const char *needle)
{
	static char buf[1 << 18];
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, sizeof(buf) - 1);

	if (n < 0)
		return false;
	buf[n] = '\0';
	return strstr(buf, needle);
}

bool wait_file_contains(const char *path, const char *needle, int timeout_ms)
{
	static char buf[1 << 20];

	for (int waited = 0; waited <= timeout_ms; waited += 20) {
		if (read_file(path, buf, sizeof(buf)) > 0 && strstr(buf, needle))
			return true;
		sleep_ms(20);
	}
	return false;
}

unsigned int kmod_dev_id(const char *name)
{
	char path[320], buf[256];
	unsigned int id = 0;
	size_t len = strlen(name);
	struct dirent *d;
	DIR *dp = opendir("/sys/kernel/inputaudit/devices");

	if (!dp)
		return 0;
	while (!id && (d = readdir(dp))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/inputaudit/devices/%s/name",
			 d->d_name);
		if (read_file(path, buf, sizeof(buf)) <= 0 || strncmp(buf, name, len) ||
		    (buf[len] != '\n' && buf[len]))
			continue;
		/*
		 * A sysfs directory appears before its files, which the kernel
		 * adds one by one in the order of kmod/devsysfs.c's attribute
		 * list: "name" can be read while "origin" is not there yet
		 * (seen on the debug kernel: origin unreadable, creator read
		 * a moment later).  The directory counts once its last file,
		 * "activity", is there.
		 */
		snprintf(path, sizeof(path), "/sys/kernel/inputaudit/devices/%s/activity",
			 d->d_name);
		if (!access(path, F_OK))
			id = strtoul(d->d_name, NULL, 10);
	}
	closedir(dp);
	return id;
}

unsigned int kmod_wait_dev_id(const char *name, int timeout_ms)
{
	unsigned int id;

	for (int waited = 0; waited <= timeout_ms; waited += 20) {
		id = kmod_dev_id(name);
		if (id)
			return id;
		sleep_ms(20);
	}
	return 0;
}
