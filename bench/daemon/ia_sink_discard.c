// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ia-sink-discard: a TCP sink for the syslog benchmark.  Listens on
 * 127.0.0.1 (an ephemeral port, written to PORTFILE once listening),
 * accepts connections and discards what they send.  Stops on SIGTERM or
 * SIGINT, or after LIMIT seconds in any case; then writes the number of
 * bytes received to stdout.
 *
 *   ia-sink-discard PORTFILE [LIMIT]     (default LIMIT 600)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_CONN	16

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct pollfd p[1 + MAX_CONN];
	socklen_t alen = sizeof(a);
	unsigned long long bytes = 0;
	static char buf[1 << 16];
	unsigned int nconn = 0, i;
	FILE *pf;
	int ls, one = 1;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: ia-sink-discard PORTFILE [LIMIT]\n");
		return 2;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGALRM, on_signal);
	alarm(argc > 2 ? (unsigned int)atoi(argv[2]) : 600);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ls < 0 || setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 8) ||
	    getsockname(ls, (struct sockaddr *)&a, &alen)) {
		perror("ia-sink-discard: listen");
		return 1;
	}
	pf = fopen(argv[1], "w");
	if (!pf || fprintf(pf, "%u\n", ntohs(a.sin_port)) < 0 || fclose(pf)) {
		perror(argv[1]);
		return 1;
	}
	p[0] = (struct pollfd){ .fd = ls, .events = POLLIN };
	while (!stop) {
		if (poll(p, 1 + nconn, 1000) < 0) {
			if (errno == EINTR)
				continue;
			perror("poll");
			return 1;
		}
		if ((p[0].revents & POLLIN) && nconn < MAX_CONN) {
			int c = accept4(ls, NULL, NULL, SOCK_CLOEXEC);

			if (c >= 0)
				p[1 + nconn++] = (struct pollfd){ .fd = c, .events = POLLIN };
		}
		for (i = 1; i <= nconn; i++) {
			ssize_t n;

			if (!p[i].revents)
				continue;
			n = read(p[i].fd, buf, sizeof(buf));
			if (n > 0) {
				bytes += (unsigned long long)n;
				continue;
			}
			close(p[i].fd);
			p[i] = p[nconn--];
			i--;
		}
	}
	/* What is still queued counts too. */
	for (i = 1; i <= nconn; i++) {
		ssize_t n;

		while ((n = recv(p[i].fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
			bytes += (unsigned long long)n;
	}
	printf("%llu\n", bytes);
	return 0;
}
