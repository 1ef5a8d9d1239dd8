// SPDX-License-Identifier: GPL-2.0-only
/*
 * The deployed-system test's guest helpers; see guest_util.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "kselftest.h"
#include "guest_util.h"

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

int sh(const char *fmt, ...)
{
	char cmd[4096], full[4200];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "( %s ) >" CMD_OUT " 2>&1 </dev/null", cmd);
	st = system(full);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

void sh_show_output(int lines)
{
	char cmd[128], line[512];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "tail -n %d " CMD_OUT, lines);
	f = popen(cmd, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		ksft_print_msg("  | %s", line);
	pclose(f);
}

ssize_t read_text(const char *path, char *buf, size_t size)
{
	size_t off = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (off + 1 < size && (n = read(fd, buf + off, size - 1 - off)) > 0)
		off += n;
	close(fd);
	buf[off] = '\0';
	return off;
}

int write_text(const char *path, const char *text)
{
	size_t len = strlen(text);
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	if (close(fd) || n != (ssize_t)len)
		return n < 0 ? -errno : -EIO;
	return 0;
}

bool file_contains(const char *path, const char *needle)
{
	return count_lines_with(path, needle) > 0;
}

long count_lines_with(const char *path, const char *needle)
{
	char *line = NULL;
	size_t cap = 0;
	long count = 0;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return -1;
	while (getline(&line, &cap, f) > 0)
		count += !!strstr(line, needle);
	free(line);
	fclose(f);
	return count;
}

bool wait_file_contains(const char *path, const char *needle, int ms)
{
	long end = now_ms() + ms;

	for (;;) {
		if (file_contains(path, needle))
			return true;
		if (now_ms() >= end)
			return false;
		usleep(200000);
	}
}

pid_t unit_main_pid(const char *unit)
{
	char buf[64];

	if (sh("systemctl show -p MainPID --value %s", unit))
		return 0;
	if (read_text(CMD_OUT, buf, sizeof(buf)) <= 0)
		return 0;
	return (pid_t)strtol(buf, NULL, 10);
}

pid_t wait_unit_active(const char *unit, int ms)
{
	long end = now_ms() + ms;
	pid_t pid;

	for (;;) {
		if (!sh("systemctl is-active --quiet %s", unit)) {
			pid = unit_main_pid(unit);
			if (pid > 0)
				return pid;
		}
		if (now_ms() >= end)
			return 0;
		usleep(250000);
	}
}

ssize_t http_get(unsigned int port, const char *path, char *buf, size_t size)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	size_t off = 0;
	char *body;
	ssize_t n;
	int fd;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		n = -errno;
		close(fd);
		return n;
	}
	dprintf(fd, "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", path);
	while (off + 1 < size && (n = read(fd, buf + off, size - 1 - off)) > 0)
		off += n;
	close(fd);
	buf[off] = '\0';
	if (strncmp(buf, "HTTP/1.", 7) || strncmp(buf + 8, " 200", 4))
		return -EPROTO;
	body = strstr(buf, "\r\n\r\n");
	if (!body)
		return -EPROTO;
	body += 4;
	memmove(buf, body, strlen(body) + 1);
	return strlen(buf);
}

/* The control channel: the serial port in raw mode, opened once per process. */
static int control_fd(void)
{
	static int fd = -1;
	struct termios t;

	if (fd >= 0)
		return fd;
	fd = open(CONTROL_TTY, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (!tcgetattr(fd, &t)) {
		cfmakeraw(&t);
		tcsetattr(fd, TCSANOW, &t);
	}
	return fd;
}

int host_request(const char *request, char *reply, size_t size, int ms)
{
	char line[512];
	size_t len = 0;
	long end = now_ms() + ms;
	int fd = control_fd();

	if (fd < 0)
		return fd;
	tcflush(fd, TCIFLUSH);
	dprintf(fd, "@@%s\n", request);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long left = end - now_ms();
		char c;

		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&p, 1, left) <= 0)
			continue;
		if (read(fd, &c, 1) != 1)
			continue;
		if (c == '\r')
			continue;
		if (c != '\n') {
			if (len + 1 < sizeof(line))
				line[len++] = c;
			continue;
		}
		line[len] = '\0';
		len = 0;
		if (!strncmp(line, "@@", 2)) {
			snprintf(reply, size, "%s", line + 2);
			return 0;
		}
	}
}
