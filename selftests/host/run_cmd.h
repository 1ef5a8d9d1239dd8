/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Host tests: run a program and capture what it prints. */
#ifndef INPUTAUDIT_HOST_RUN_CMD_H
#define INPUTAUDIT_HOST_RUN_CMD_H

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * Run argv[0] with argv; stdout and stderr into out (NUL terminated, cut
 * to size).  Return: the exit status, 128 + signal, or -errno.
 */
static inline int run_cmd(char *const argv[], char *out, size_t size)
{
	size_t len = 0;
	int pfd[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		char sink[4096];

		if (len + 1 < size)
			n = read(pfd[0], out + len, size - 1 - len);
		else
			n = read(pfd[0], sink, sizeof(sink));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (len + 1 < size)
			len += n;
	}
	out[len] = '\0';
	close(pfd[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/*
 * A build product next to this test's directory: $(OUT)/<rel>, the test
 * being $(OUT)/host-tests/<name>.  The environment variable env, if set,
 * wins.
 */
static inline void build_path(const char *env, const char *rel, char *path,
			      size_t size)
{
	char exe[PATH_MAX];
	const char *e = getenv(env);
	ssize_t n;

	if (e && *e) {
		snprintf(path, size, "%s", e);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0) {
		snprintf(path, size, "%s", rel);
		return;
	}
	exe[n] = '\0';
	snprintf(path, size, "%s/../%s", dirname(exe), rel);
}

#endif /* INPUTAUDIT_HOST_RUN_CMD_H */
