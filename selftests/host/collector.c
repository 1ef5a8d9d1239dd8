// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* A real rsyslogd on loopback for the host tests (collector.h). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collector.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

unsigned int collector_free_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	unsigned int port = 0;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && !bind(fd, (struct sockaddr *)&sin, sizeof(sin)) &&
	    !getsockname(fd, (struct sockaddr *)&sin, &len))
		port = ntohs(sin.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

bool collector_port_open(unsigned int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = fd >= 0 && !connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	if (fd >= 0)
		close(fd);
	return ok;
}

bool collector_tls_available(const char *driver)
{
	char path[160];

	snprintf(path, sizeof(path), COLLECTOR_MODDIR "/lmnsd_%s.so", driver);
	return !access(path, R_OK);
}

/* rsyslogd's configuration for @c in @dir: TLS if @t, whole RFC 5424 messages if @rfc5424. */
static int write_conf(struct collector *c, const char *dir, const struct collector_tls *t,
		      bool rfc5424)
{
	char path[192];
	FILE *f;

	memset(c, 0, sizeof(*c));
	snprintf(c->dir, sizeof(c->dir), "%s", dir);
	snprintf(c->out, sizeof(c->out), "%s/collector.log", dir);
	c->port = collector_free_port();
	if (!c->port)
		return -EADDRNOTAVAIL;
	snprintf(path, sizeof(path), "%s/collector-work", dir);
	if (mkdir(path, 0700) && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/rsyslog.conf", dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "global(workDirectory=\"%s/collector-work\" maxMessageSize=\"64k\"",
		dir);
	if (t)
		fprintf(f, " DefaultNetstreamDriver=\"%s\" DefaultNetstreamDriverCAFile=\"%s\""
			" DefaultNetstreamDriverCertFile=\"%s\""
			" DefaultNetstreamDriverKeyFile=\"%s\"",
			t->driver, t->ca, t->cert, t->key);
	fprintf(f, ")\n");
	if (t) {
		fprintf(f, "module(load=\"imtcp\" StreamDriver.Name=\"%s\" StreamDriver.Mode=\"1\""
			" StreamDriver.AuthMode=\"%s\"", t->driver, t->authmode);
		if (t->permitted_peer)
			fprintf(f, " PermittedPeer=[\"%s\"]", t->permitted_peer);
		if (t->priority)
			fprintf(f, " gnutlsPriorityString=\"%s\"", t->priority);
		fprintf(f, ")\n");
	} else {
		fprintf(f, "module(load=\"imtcp\")\n");
	}
	fprintf(f,
		"%s"
		"ruleset(name=\"r\") {\n"
		"  action(type=\"omfile\" file=\"%s\" template=\"t\")\n"
		"}\n"
		"input(type=\"imtcp\" port=\"%u\" address=\"127.0.0.1\" ruleset=\"r\")\n",
		rfc5424 ?
		/* the whole message as received: what verify --collector reads */
		"template(name=\"t\" type=\"string\" string=\"<%PRI%>1 %TIMESTAMP:::date-rfc3339% "
		"%HOSTNAME% %APP-NAME% %PROCID% %MSGID% %STRUCTURED-DATA% %msg%\\n\")\n" :
		"template(name=\"t\" type=\"string\" "
		"string=\"%msgid%\\t%structured-data%\\t%msg%\\n\")\n",
		c->out, c->port);
	return fclose(f) ? -errno : 0;
}

int collector_init(struct collector *c, const char *dir)
{
	return write_conf(c, dir, NULL, false);
}

int collector_init_tls(struct collector *c, const char *dir, const struct collector_tls *t)
{
	return write_conf(c, dir, t, false);
}

int collector_init_format(struct collector *c, const char *dir, bool rfc5424)
{
	return write_conf(c, dir, NULL, rfc5424);
}

int collector_start(struct collector *c, int timeout_ms)
{
	char conf[192], pidfile[192], log[192];
	long long until = now_ms() + timeout_ms;
	int status;
	pid_t pid;

	snprintf(conf, sizeof(conf), "%s/rsyslog.conf", c->dir);
	snprintf(pidfile, sizeof(pidfile), "%s/rsyslogd.pid", c->dir);
	snprintf(log, sizeof(log), "%s/rsyslogd.log", c->dir);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(COLLECTOR_RSYSLOGD, COLLECTOR_RSYSLOGD, "-n", "-f", conf, "-i",
		      pidfile, (char *)NULL);
		_exit(127);
	}
	c->pid = pid;
	while (now_ms() < until) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			c->pid = 0;
			return -1;
		}
		if (collector_port_open(c->port))
			return 0;
		usleep(20000);
	}
	collector_kill(c);
	return -1;
}

static void collector_signal(struct collector *c, int sig)
{
	int status;

	if (c->pid <= 0)
		return;
	kill(c->pid, sig);
	waitpid(c->pid, &status, 0);
	c->pid = 0;
}

void collector_stop(struct collector *c)
{
	collector_signal(c, SIGTERM);
}

void collector_kill(struct collector *c)
{
	collector_signal(c, SIGKILL);
}
