// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Host tests: running programs and daemons; see daemon_run.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon_run.h"

int run_to_files(const char *const *argv, const char *out, const char *err)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(126);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

char *slurp_into(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n = 1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	while (fd >= 0 && n > 0 && len + 1 < size) {
		n = read(fd, buf + len, size - 1 - len);
		len += n > 0 ? (size_t)n : 0;
	}
	if (fd >= 0)
		close(fd);
	buf[len] = '\0';
	return buf;
}

bool wait_file_text(pid_t *pid, const char *path, const char *needle, int ms,
		    char *buf, size_t size)
{
	for (int waited = 0; waited <= ms; waited += 50) {
		if (strstr(slurp_into(path, buf, size), needle))
			return true;
		if (*pid > 0 && waitpid(*pid, NULL, WNOHANG) == *pid) {
			*pid = 0;
			return false;
		}
		usleep(50 * 1000);
	}
	return false;
}

pid_t spawn_daemon(const char *const *argv, const char *err)
{
	pid_t pid = fork();
	int e, devnull;

	if (pid)
		return pid;
	e = open(err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (e < 0 || devnull < 0 || dup2(devnull, 0) < 0 ||
	    dup2(devnull, 1) < 0 || dup2(e, 2) < 0)
		_exit(126);
	setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
	execv(argv[0], (char *const *)argv);
	_exit(127);
}

int term_and_wait(pid_t *pid)
{
	int status;

	if (*pid <= 0)
		return -1;
	kill(*pid, SIGTERM);
	if (waitpid(*pid, &status, 0) != *pid) {
		*pid = 0;
		return -1;
	}
	*pid = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int write_test_key(const char *path, unsigned int seed)
{
	unsigned char k[32];
	int fd, err = 0;

	for (unsigned int i = 0; i < sizeof(k); i++)
		k[i] = (unsigned char)(i * seed + 1);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, k, sizeof(k)) != (ssize_t)sizeof(k))
		err = -EIO;
	close(fd);
	return err;
}
