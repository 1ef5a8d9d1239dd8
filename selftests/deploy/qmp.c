// SPDX-License-Identifier: GPL-2.0-only
/*
 * A minimal QMP client; see qmp.h.  QMP sends one JSON object per line: a
 * greeting, then for each command its {"return": ...} or {"error": ...},
 * with {"event": ...} lines in between, which are skipped here.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "qmp.h"

#define QMP_REPLY_MS	10000

/* Reads one line (without its newline) within @ms; 0 or -errno. */
static int qmp_line(int fd, char *buf, size_t size, int ms)
{
	size_t len = 0;
	char c;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, ms) <= 0)
			return -ETIMEDOUT;
		if (read(fd, &c, 1) != 1)
			return -EPIPE;
		if (c == '\n')
			break;
		if (len + 1 < size)
			buf[len++] = c;
	}
	buf[len] = '\0';
	return 0;
}

/* Sends @cmd and waits for its return; -EPROTO on an error reply. */
static int qmp_command(int fd, const char *cmd)
{
	char line[4096];
	size_t len = strlen(cmd);
	int err;

	if (write(fd, cmd, len) != (ssize_t)len)
		return -errno;
	for (;;) {
		err = qmp_line(fd, line, sizeof(line), QMP_REPLY_MS);
		if (err)
			return err;
		if (strstr(line, "\"return\""))
			return 0;
		if (strstr(line, "\"error\"")) {
			fprintf(stderr, "# qmp: %s -> %s\n", cmd, line);
			return -EPROTO;
		}
	}
}

int qmp_connect(const char *path, int ms)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char line[4096];
	int fd, err;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	for (int waited = 0;; waited += 100) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			break;
		err = -errno;
		close(fd);
		if (waited >= ms)
			return err;
		usleep(100000);
	}
	err = qmp_line(fd, line, sizeof(line), QMP_REPLY_MS);	/* the greeting */
	if (!err && !strstr(line, "\"QMP\""))
		err = -EPROTO;
	if (!err)
		err = qmp_command(fd, "{\"execute\":\"qmp_capabilities\"}\n");
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

static int qmp_key(int fd, const char *device, char key, int down)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd),
		 "{\"execute\":\"input-send-event\",\"arguments\":{\"device\":\"%s\",\"events\":"
		 "[{\"type\":\"key\",\"data\":{\"down\":%s,\"key\":{\"type\":\"qcode\",\"data\":\"%c\"}}}]}}\n",
		 device, down ? "true" : "false", key);
	return qmp_command(fd, cmd);
}

int qmp_type(int fd, const char *device, int n, int gap_ms)
{
	int err;

	for (int i = 0; i < n; i++) {
		char key = 'a' + i % 26;

		err = qmp_key(fd, device, key, 1);
		if (!err) {
			usleep(gap_ms * 500);
			err = qmp_key(fd, device, key, 0);
		}
		if (err)
			return err;
		usleep(gap_ms * 500);
	}
	return 0;
}
