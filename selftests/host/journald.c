// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* A real systemd-journald in a private mount namespace (journald.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "journald.h"

#define DROPIN_DIR	"/run/systemd/journald.conf.d"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* An empty tmpfs over path; path is made first if missing. */
static int tmpfs_over(const char *path, const char *mode)
{
	if (mkdir(path, 0755) && errno != EEXIST)
		return -errno;
	if (mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, mode))
		return -errno;
	return 0;
}

int journald_init(struct journald *j, const char *dir)
{
	struct stat st;
	FILE *f;
	int err;

	memset(j, 0, sizeof(*j));
	snprintf(j->log, sizeof(j->log), "%s/journald.log", dir);
	err = tmpfs_over("/run/systemd", "mode=0755");
	if (!err)
		err = tmpfs_over("/run/log", "mode=0755");
	/* Storage=volatile never writes there; hidden all the same. */
	if (!err && !stat("/var/log/journal", &st))
		err = tmpfs_over("/var/log/journal", "mode=0755");
	if (err)
		return err;
	if (mkdir(DROPIN_DIR, 0755))
		return -errno;
	f = fopen(DROPIN_DIR "/inputaudit-test.conf", "w");
	if (!f)
		return -errno;
	fprintf(f, "[Journal]\nStorage=volatile\nRateLimitIntervalSec=0\n"
		"ReadKMsg=no\nAudit=no\nForwardToSyslog=no\nForwardToKMsg=no\n"
		"ForwardToConsole=no\nForwardToWall=no\n");
	return fclose(f) ? -errno : 0;
}

/* Whether a datagram socket can connect to journald's: it is bound. */
static bool socket_bound(void)
{
	static const struct sockaddr_un sun = {
		.sun_family = AF_UNIX,
		.sun_path = JOURNALD_SOCKET,
	};
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool ok;

	ok = fd >= 0 && !connect(fd, (const struct sockaddr *)&sun, sizeof(sun));
	if (fd >= 0)
		close(fd);
	return ok;
}

int journald_start(struct journald *j, int timeout_ms)
{
	long long until = now_ms() + timeout_ms;
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(j->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (fd < 0 || devnull < 0 || dup2(devnull, 0) < 0 || dup2(fd, 1) < 0 ||
		    dup2(fd, 2) < 0)
			_exit(126);
		/* Standalone: it binds its sockets itself and logs to stderr. */
		unsetenv("LISTEN_FDS");
		unsetenv("LISTEN_PID");
		unsetenv("LISTEN_FDNAMES");
		unsetenv("NOTIFY_SOCKET");
		setenv("SYSTEMD_LOG_TARGET", "console", 1);
		execl(JOURNALD_BIN, JOURNALD_BIN, (char *)NULL);
		_exit(127);
	}
	j->pid = pid;
	while (now_ms() < until) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			j->pid = 0;
			return -1;
		}
		if (socket_bound())
			return 0;
		usleep(20000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	j->pid = 0;
	return -1;
}

int journald_stop(struct journald *j)
{
	int status;

	if (j->pid <= 0)
		return -1;
	kill(j->pid, SIGTERM);
	if (waitpid(j->pid, &status, 0) != j->pid) {
		j->pid = 0;
		return -1;
	}
	j->pid = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int journald_export(const char *identifier, const char *out)
{
	char match[160];
	int status;
	pid_t pid;

	snprintf(match, sizeof(match), "SYSLOG_IDENTIFIER=%s", identifier);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(126);
		execl(JOURNALCTL_BIN, JOURNALCTL_BIN, "--directory=/run/log/journal",
		      "--no-pager", "-o", "json", match, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}
