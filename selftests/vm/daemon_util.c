// SPDX-License-Identifier: GPL-2.0-only
/* Running the real inputauditd and reading what it wrote, for VM tests. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon_util.h"
#include "kmod_util.h"

#define ATTACH_TIMEOUT_MS	30000

/*
 * The daemon's set-up is over once it runs under its seccomp filter: it
 * applies its [kernel] settings after attaching and before it drops its
 * privileges, so a test that reads them must not look earlier.
 */
static bool wait_set_up(pid_t pid, int timeout_ms)
{
	char path[64], buf[4096];
	const char *p;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	for (int waited = 0; waited <= timeout_ms; waited += 10) {
		if (read_file(path, buf, sizeof(buf)) <= 0)
			return false;	/* gone */
		p = strstr(buf, "\nSeccomp:");
		if (p && atoi(p + strlen("\nSeccomp:")) == 2)
			return true;
		sleep_ms(10);
	}
	return false;
}

pid_t daemon_start(const char *out_path, const char *const *extra_args)
{
	const char *daemon = getenv("INPUTAUDITD");
	const char *argv[32];
	int argc = 0;
	pid_t pid;

	if (!daemon)
		daemon = "/bin/inputauditd";
	argv[argc++] = daemon;
	if (out_path) {
		argv[argc++] = "-o";
		argv[argc++] = out_path;
	}
	for (; extra_args && *extra_args && argc < 31; extra_args++)
		argv[argc++] = *extra_args;
	argv[argc] = NULL;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execv(daemon, (char *const *)argv);
		_exit(127);
	}
	for (int waited = 0; waited <= ATTACH_TIMEOUT_MS; waited += 20) {
		char buf[256];
		int status;

		if (read_file("/sys/kernel/inputaudit/status", buf,
			      sizeof(buf)) > 0 && strstr(buf, "consumer=attached")) {
			if (wait_set_up(pid, ATTACH_TIMEOUT_MS) &&
			    wait_capture_open(-1, ATTACH_TIMEOUT_MS))
				return pid;
			break;
		}
		/* It gave up (a config error, a BPF load that failed). */
		if (waitpid(pid, &status, WNOHANG) == pid)
			return -ECHILD;
		sleep_ms(20);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -ETIMEDOUT;
}

int daemon_stop(pid_t pid)
{
	int status = -1;

	if (pid <= 0)
		return -1;
	kill(pid, SIGTERM);
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return status;
}

int jsonl_load(struct jsonl *j, const char *path)
{
	size_t cap = 0, len = 0;
	FILE *f;
	char *p;

	memset(j, 0, sizeof(*j));
	f = fopen(path, "re");
	if (!f)
		return -errno;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			j->text = realloc(j->text, cap);
			if (!j->text) {
				fclose(f);
				return -ENOMEM;
			}
		}
		size_t n = fread(j->text + len, 1, cap - len - 1, f);

		if (!n)
			break;
		len += n;
	}
	fclose(f);
	if (!j->text)
		j->text = calloc(1, 1);
	j->text[len] = '\0';

	for (p = j->text; *p; p++)
		if (*p == '\n')
			j->count++;
	j->lines = calloc(j->count + 1, sizeof(*j->lines));
	if (!j->lines)
		return -ENOMEM;
	j->count = 0;
	for (p = j->text; *p;) {
		char *nl = strchr(p, '\n');

		if (!nl)
			break;	/* a partial last line is not a record yet */
		*nl = '\0';
		j->lines[j->count++] = p;
		p = nl + 1;
	}
	return 0;
}

void jsonl_free(struct jsonl *j)
{
	free(j->lines);
	free(j->text);
	memset(j, 0, sizeof(*j));
}

static const char *json_find(const char *line, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(line, pat);
	return p ? p + strlen(pat) : NULL;
}

bool json_u64(const char *line, const char *key, uint64_t *val)
{
	const char *p = json_find(line, key);
	char *end;

	if (!p || *p < '0' || *p > '9')
		return false;
	*val = strtoull(p, &end, 10);
	return end != p;
}

bool json_str(const char *line, const char *key, char *buf, size_t size)
{
	const char *p = json_find(line, key);
	size_t n = 0;

	if (!p || *p != '"')
		return false;
	for (p++; *p && *p != '"' && n + 1 < size; p++)
		buf[n++] = *p;
	buf[n] = '\0';
	return *p == '"';
}

bool json_v(const char *line, unsigned int idx, uint64_t *val)
{
	const char *p = json_find(line, "v");
	char *end;

	if (!p || *p++ != '[')
		return false;
	for (unsigned int i = 0;; i++) {
		*val = strtoull(p, &end, 10);
		if (end == p)
			return false;
		if (i == idx)
			return true;
		if (*end != ',')
			return false;
		p = end + 1;
	}
}

bool json_type_is(const char *line, const char *type)
{
	char buf[32];

	return json_str(line, "type", buf, sizeof(buf)) && !strcmp(buf, type);
}
