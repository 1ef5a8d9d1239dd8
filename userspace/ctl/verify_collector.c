// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* verify --collector and --follow; see verify_collector.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "ctl_key.h"
#include "ctl_status.h"
#include "jbuf.h"
#include "log.h"
#include "rfc5424_parse.h"
#include "verify.h"
#include "verify_collector.h"

#define MAX_HOSTS	4096
#define HOST_NAME_MAX_LEN	255

struct host {
	char name[HOST_NAME_MAX_LEN + 1];
	char *buf;		/* its chained JSON lines, in arrival order */
	size_t len, cap;
	uint64_t nlines, map_cap;
	unsigned int *file_idx;	/* where each line was stored */
	uint64_t *file_line;
	uint8_t key[CHAIN_KEY_MAX];
	size_t key_len;
	bool no_key;
	bool dirty;		/* lines since the last verification */
	uint64_t reported;	/* problems alerted so far */
	/* --follow: verified as they come; buf and the map hold the new lines only */
	struct verify_stream *vs;
	struct verify_result *res;
	uint64_t map_base;	/* lines verified before the ones in buf */
	unsigned int last_file;	/* where its last line was stored */
	uint64_t last_file_line;
	double last_cp, prev_cp;	/* arrival of its last two checkpoints, s */
	uint64_t last_rt, prev_rt;	/* their realtime_ns (the host's clock) */
	bool final;		/* its last line is a final checkpoint */
	bool silent;		/* the silence was alerted */
};

struct hosts {
	struct host *h;
	size_t n, cap;
	const char *const *files;
	uint64_t skipped;	/* stored lines that are no chained message */
	uint64_t alerts;
};

static volatile sig_atomic_t stop_follow;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The host's key: the one given, or from the key directory. */
static void host_key(struct host *h, const struct collector_opts *o)
{
	char path[4096], err[512];

	if (o->key) {
		memcpy(h->key, o->key, o->key_len);
		h->key_len = o->key_len;
		return;
	}
	h->no_key = true;
	if (!o->key_dir || strchr(h->name, '/') || h->name[0] == '.')
		return;
	snprintf(path, sizeof(path), "%s/%s.hex", o->key_dir, h->name);
	if (!ctl_key_read_hex(path, h->key, &h->key_len, err, sizeof(err))) {
		h->no_key = false;
		return;
	}
	snprintf(path, sizeof(path), "%s/%s.key", o->key_dir, h->name);
	h->no_key = !!chain_key_load_flags(path, h->key, &h->key_len, CHAIN_KEY_ALLOW_EUID,
					   err, sizeof(err));
}

static struct host *host_get(struct hosts *hs, const char *name, size_t len,
			     const struct collector_opts *o)
{
	struct host *h;
	size_t i;

	if (len > HOST_NAME_MAX_LEN)
		len = HOST_NAME_MAX_LEN;
	for (i = 0; i < hs->n; i++)
		if (strlen(hs->h[i].name) == len && !memcmp(hs->h[i].name, name, len))
			return &hs->h[i];
	if (hs->n == MAX_HOSTS)
		return NULL;
	if (hs->n == hs->cap) {
		size_t cap = hs->cap ? 2 * hs->cap : 16;
		struct host *nh = realloc(hs->h, cap * sizeof(*nh));

		if (!nh)
			return NULL;
		hs->h = nh;
		hs->cap = cap;
	}
	h = &hs->h[hs->n++];
	memset(h, 0, sizeof(*h));
	memcpy(h->name, name, len);
	host_key(h, o);
	return h;
}

static int host_add(struct host *h, const char *msg, size_t len, unsigned int file,
		    uint64_t line)
{
	if (h->len + len + 1 > h->cap) {
		size_t cap = (h->len + len + 1) * 2;
		char *nb = realloc(h->buf, cap);

		if (!nb)
			return -ENOMEM;
		h->buf = nb;
		h->cap = cap;
	}
	if (h->nlines == h->map_cap) {
		uint64_t cap = h->map_cap ? 2 * h->map_cap : 256;
		unsigned int *fi = realloc(h->file_idx, cap * sizeof(*fi));
		uint64_t *fl;

		if (!fi)
			return -ENOMEM;
		h->file_idx = fi;
		fl = realloc(h->file_line, cap * sizeof(*fl));
		if (!fl)
			return -ENOMEM;
		h->file_line = fl;
		h->map_cap = cap;
	}
	memcpy(h->buf + h->len, msg, len);
	h->buf[h->len + len] = '\n';
	h->len += len + 1;
	h->file_idx[h->nlines] = file;
	h->file_line[h->nlines] = line;
	h->last_file = file;
	h->last_file_line = line;
	h->nlines++;
	h->dirty = true;
	return 0;
}

static void hosts_free(struct hosts *hs)
{
	size_t i;

	for (i = 0; i < hs->n; i++) {
		verify_stream_free(hs->h[i].vs);
		free(hs->h[i].res);
		OPENSSL_cleanse(hs->h[i].key, sizeof(hs->h[i].key));
		free(hs->h[i].buf);
		free(hs->h[i].file_idx);
		free(hs->h[i].file_line);
	}
	free(hs->h);
}

/* One stored line: a chained message goes to its host's chain. */
static int take_line(struct hosts *hs, const char *line, size_t len, unsigned int file,
		     uint64_t lineno, const struct collector_opts *o, double now)
{
	struct rfc5424_msg m;
	struct host *h;
	int err;

	if (!rfc5424_parse(line, len, &m) || !m.msg_len || m.msg[0] != '{' ||
	    !memmem(m.msg, m.msg_len, "\"chain\":\"", 9)) {
		hs->skipped++;
		return 0;
	}
	h = host_get(hs, m.host, m.host_len, o);
	if (!h)
		return -ENOMEM;
	err = host_add(h, m.msg, m.msg_len, file, lineno);
	if (err)
		return err;
	if (memmem(m.msg, m.msg_len, "\"type\":\"checkpoint\"", 19)) {
		const char *rt = memmem(m.msg, m.msg_len, "\"realtime_ns\":", 14);

		h->prev_cp = h->last_cp;
		h->last_cp = now;
		h->prev_rt = h->last_rt;
		h->last_rt = rt ? strtoull(rt + 14, NULL, 10) : 0;
		h->silent = false;
		h->final = memmem(m.msg, m.msg_len, "\"final\":true", 12) != NULL;
	} else {
		h->final = false;
	}
	return 0;
}

/* A problem's place: host line -> stored FILE:LINE. */
static void place(const struct hosts *hs, const struct host *h, uint64_t line,
		  const char **file, uint64_t *fl)
{
	if (!h->nlines) {
		*file = "-";
		*fl = 0;
		return;
	}
	/* --follow keeps only the lines of this batch: earlier ones at its first */
	line = line > h->map_base ? line - h->map_base : 1;
	if (line > h->nlines)
		line = h->nlines;
	*file = hs->files[h->file_idx[line - 1]];
	*fl = h->file_line[line - 1];
}

static void print_problem(FILE *out, const struct hosts *hs, const struct host *h,
			  const struct verify_problem *pr, bool alert)
{
	const char *f1, *f2;
	uint64_t l1, l2;

	place(hs, h, pr->line, &f1, &l1);
	place(hs, h, pr->line_last, &f2, &l2);
	if (alert)
		fprintf(out, "ALERT host=%s kind=%s at=%s:%" PRIu64, h->name,
			verify_kind_name(pr->kind), f1, l1);
	else
		fprintf(out, "FAIL: host %s: %s:%" PRIu64, h->name, f1, l1);
	if (l2 > l1 && f1 == f2)
		fprintf(out, "-%" PRIu64, l2);
	if (alert)
		fprintf(out, " detail=%s\n", pr->detail);
	else
		fprintf(out, ": %s: %s\n", verify_kind_name(pr->kind), pr->detail);
}

static int verify_host(struct host *h, unsigned int flags, struct verify_result *res)
{
	struct verify_opts vo = { .flags = flags };

	h->dirty = false;
	return verify_buffer_opts(h->key, h->key_len, h->name, h->buf, h->len, &vo, res);
}

/* Read @path whole, line by line, into the hosts' chains. */
static int read_stored(struct hosts *hs, unsigned int idx, const struct collector_opts *o)
{
	const char *path = hs->files[idx];
	uint64_t lineno = 0;
	struct stat sb;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0 || fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		log_warnx("%s: %s", path, fd < 0 ? strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return -EINVAL;
	}
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return -errno;
	}
	while (!err && (len = getline(&line, &cap, f)) > 0) {
		lineno++;
		if (line[len - 1] == '\n')
			len--;
		err = take_line(hs, line, (size_t)len, idx, lineno, o, 0);
	}
	free(line);
	fclose(f);
	return err;
}

int verify_collector(const char *const *files, int nfiles,
		     const struct collector_opts *o)
{
	static struct verify_result res;
	struct hosts hs = { .files = files };
	int i, ret = CTL_EXIT_OK;
	size_t k;
	uint64_t p;

	for (i = 0; i < nfiles; i++)
		if (read_stored(&hs, (unsigned int)i, o)) {
			hosts_free(&hs);
			return CTL_EXIT_USAGE;
		}
	if (!hs.n) {
		printf("FAIL: no chained messages in the collector's files\n");
		hosts_free(&hs);
		return CTL_EXIT_FAIL;
	}
	for (k = 0; k < hs.n; k++) {
		struct host *h = &hs.h[k];

		if (h->no_key) {
			printf("FAIL: host %s: no key for it (--key-dir)\n", h->name);
			ret = CTL_EXIT_FAIL;
			continue;
		}
		if (verify_host(h, o->flags, &res) < 0) {
			ret = CTL_EXIT_USAGE;
			continue;
		}
		if (res.kind == VERIFY_OK) {
			printf("host %s: ", h->name);
			verify_print(stdout, &res, o->json);
			continue;
		}
		ret = CTL_EXIT_FAIL;
		if (o->json) {
			printf("host %s: ", h->name);
			verify_print(stdout, &res, true);
			continue;
		}
		for (p = 0; p < res.nproblems && p < VERIFY_MAX_PROBLEMS; p++)
			print_problem(stdout, &hs, h, &res.problems[p], false);
		printf("host %s: verified %" PRIu64 " lines; not verified: %" PRIu64 "\n",
		       h->name, res.lines_total, res.unverified);
	}
	if (hs.skipped)
		printf("skipped: %" PRIu64 " stored line%s that are no chained message\n",
		       hs.skipped, hs.skipped == 1 ? "" : "s");
	hosts_free(&hs);
	return ret;
}

static void on_stop(int sig)
{
	(void)sig;
	stop_follow = 1;
}

/* The host's new lines, verified from where its last ones ended. */
static int follow_host(struct host *h, const struct collector_opts *o)
{
	h->dirty = false;
	if (!h->vs) {
		h->res = calloc(1, sizeof(*h->res));
		if (h->res)
			h->vs = verify_stream_new(h->key, h->key_len,
						  o->flags | VERIFY_LIVE | VERIFY_ALLOW_PARTIAL,
						  h->res);
		if (!h->vs)
			fatalx("out of memory");
	}
	return verify_stream_feed(h->vs, h->name, h->buf, h->len);
}

/* New problems of the hosts that got lines, and hosts gone silent. */
static bool check_hosts(struct hosts *hs, const struct collector_opts *o, double now)
{
	bool alerted = false;
	size_t k;

	for (k = 0; k < hs->n; k++) {
		struct host *h = &hs->h[k];
		double interval;
		uint64_t p;

		if (h->dirty && h->no_key) {
			h->dirty = false;
			if (!h->reported++) {
				printf("ALERT host=%s kind=no_key at=%s:%" PRIu64 " detail=no key for this host\n",
				       h->name, hs->files[h->file_idx[0]], h->file_line[0]);
				alerted = true;
			}
		}
		if (h->dirty && !h->no_key && follow_host(h, o) >= 0) {
			const struct verify_result *r = h->res;

			for (p = h->reported; p < r->nproblems; p++) {
				if (p < VERIFY_MAX_PROBLEMS) {
					print_problem(stdout, hs, h, &r->problems[p], true);
				} else if (p == VERIFY_MAX_PROBLEMS) {
					printf("ALERT host=%s kind=more detail=more problems, not listed\n",
					       h->name);
				}
				alerted = true;
			}
			h->reported = r->nproblems;
		}
		if (!h->dirty) {	/* verified: only new lines are kept */
			h->map_base += h->nlines;
			h->len = 0;
			h->nlines = 0;
		}
		/*
		 * The heartbeat: given, or the host's own time between its last two
		 * checkpoints (their arrival can be batched), else their arrival.
		 */
		if (o->heartbeat_s)
			interval = o->heartbeat_s;
		else if (h->prev_rt && h->last_rt > h->prev_rt)
			interval = (double)(h->last_rt - h->prev_rt) / 1e9;
		else
			interval = h->prev_cp ? h->last_cp - h->prev_cp : 0;
		if (!h->final && !h->silent && h->last_cp && interval > 0 &&
		    now - h->last_cp > o->max_missed * interval) {
			h->silent = true;
			printf("ALERT host=%s kind=silent at=%s:%" PRIu64
			       " detail=no checkpoint for %.1f s (%u heartbeats of %.1f s) and no final checkpoint\n",
			       h->name, hs->files[h->last_file], h->last_file_line,
			       now - h->last_cp, o->max_missed,
			       interval);
			alerted = true;
		}
	}
	if (alerted)
		fflush(stdout);
	return alerted;
}

int verify_follow(const char *file, const struct collector_opts *o)
{
	const char *files[1] = { file };
	struct hosts hs = { .files = files };
	struct sigaction sa = { .sa_handler = on_stop };
	char *pend = NULL;
	size_t plen = 0, pcap = 0;
	uint64_t lineno = 0;
	off_t off = 0;
	ino_t ino = 0;
	int fd = -1, ret = CTL_EXIT_OK;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stop_follow) {
		struct timespec ts = { .tv_sec = o->poll_ms / 1000,
				       .tv_nsec = (long)(o->poll_ms % 1000) * 1000000 };
		struct stat sb;
		char chunk[65536];
		ssize_t n;

		/* (re)open: the file appears, is rotated away or truncated */
		if (fd >= 0 && (stat(file, &sb) || sb.st_ino != ino || sb.st_size < off)) {
			close(fd);
			fd = -1;
		}
		if (fd < 0) {
			fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
			if (fd >= 0 && (fstat(fd, &sb) || !S_ISREG(sb.st_mode))) {
				log_warnx("%s: not a regular file", file);
				close(fd);
				ret = CTL_EXIT_USAGE;
				break;
			}
			if (fd >= 0) {
				ino = sb.st_ino;
				off = 0;
				plen = 0;
				lineno = 0;
			}
		}
		while (fd >= 0 && (n = read(fd, chunk, sizeof(chunk))) > 0) {
			double now = now_s();
			size_t i, start = 0;

			off += n;
			for (i = 0; i < (size_t)n; i++) {
				if (chunk[i] != '\n')
					continue;
				if (plen + (i - start) + 1 > pcap) {
					pcap = (plen + (i - start) + 1) * 2;
					pend = realloc(pend, pcap);
					if (!pend)
						fatalx("out of memory");
				}
				memcpy(pend + plen, chunk + start, i - start);
				plen += i - start;
				lineno++;
				if (take_line(&hs, pend, plen, 0, lineno, o, now))
					fatalx("out of memory");
				plen = 0;
				start = i + 1;
			}
			if (start < (size_t)n) {	/* a line still being written */
				if (plen + (n - start) > pcap) {
					pcap = (plen + (n - start)) * 2;
					pend = realloc(pend, pcap);
					if (!pend)
						fatalx("out of memory");
				}
				memcpy(pend + plen, chunk + start, n - start);
				plen += n - start;
			}
		}
		if (check_hosts(&hs, o, now_s())) {
			hs.alerts++;
			if (o->fail_on_alert) {
				ret = CTL_EXIT_FAIL;
				break;
			}
		}
		nanosleep(&ts, NULL);
	}
	if (fd >= 0)
		close(fd);
	free(pend);
	hosts_free(&hs);
	return ret;
}
