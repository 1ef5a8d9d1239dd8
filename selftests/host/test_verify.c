// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Tests for userspace/chain/verify.c and `inputauditctl verify`: a realistic log
 * sealed with chain_seal() verifies; each kind of tampering is found with
 * the right kind, line and n; rotated files verify in order.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "chain.h"
#include "run_cmd.h"
#include "verify.h"

#define MAX_LINES	1024
#define MAX_FILES	4

/* A generated log: the bytes, where each line starts, its time and kind. */
struct gen {
	struct chain c;
	char *buf;
	size_t len, cap;
	unsigned int nlines;
	size_t off[MAX_LINES + 1];
	uint64_t time_ns[MAX_LINES];
	bool checkpoint[MAX_LINES];
	unsigned int nsplits;		/* line indexes (0-based) that begin a file */
	unsigned int split[MAX_FILES];
	uint64_t seq, t;
};

static const uint8_t test_key[32] = {
	0x6b, 0x65, 0x79, 0x21, 0x10, 0x22, 0x34, 0x46, 0x58, 0x6a, 0x7c, 0x8e,
	0x90, 0xa2, 0xb4, 0xc6, 0xd8, 0xea, 0xfc, 0x0e, 0x11, 0x23, 0x35, 0x47,
	0x59, 0x6b, 0x7d, 0x8f, 0x91, 0xa3, 0xb5, 0xc7,
};

static void gen_append(struct gen *g, const char *line, size_t len)
{
	if (g->len + len + 1 > g->cap) {
		g->cap = (g->len + len + 1) * 2;
		g->buf = realloc(g->buf, g->cap);
		if (!g->buf)
			abort();
	}
	memcpy(g->buf + g->len, line, len);
	g->len += len;
	g->buf[g->len] = '\0';
}

/* Seal a `{...}\n` line and append it. */
static void gen_add(struct gen *g, const char *line, bool checkpoint)
{
	char out[2048];
	int len;

	len = chain_seal(&g->c, line, strlen(line), out, sizeof(out));
	if (len < 0 || g->nlines >= MAX_LINES)
		abort();
	g->off[g->nlines] = g->len;
	g->time_ns[g->nlines] = g->t;
	g->checkpoint[g->nlines] = checkpoint;
	g->nlines++;
	gen_append(g, out, len);
	g->off[g->nlines] = g->len;
}

/* Append a line the daemon's helpers make (already sealed). */
static void gen_add_sealed(struct gen *g, const char *out, int len,
			   bool checkpoint)
{
	if (len < 0 || g->nlines >= MAX_LINES)
		abort();
	g->off[g->nlines] = g->len;
	g->time_ns[g->nlines] = g->t;
	g->checkpoint[g->nlines] = checkpoint;
	g->nlines++;
	gen_append(g, out, len);
	g->off[g->nlines] = g->len;
}

static void gen_kernel(struct gen *g, const char *fmt_fields)
{
	char line[1024];

	g->t += 10000000;
	snprintf(line, sizeof(line), "{\"seq\":%" PRIu64 ",\"time_ns\":%" PRIu64 ",%s}\n",
		 ++g->seq, g->t, fmt_fields);
	gen_add(g, line, false);
}

static void gen_checkpoint(struct gen *g, bool final)
{
	char out[512];

	g->t += 1000;
	gen_add_sealed(g, out, chain_checkpoint_line(&g->c, g->t, g->seq, final, out,
						     sizeof(out)), true);
}

/* The next file begins here: a file_continued line, as the daemon writes it. */
static void gen_rotate(struct gen *g, const char *prev_file)
{
	char out[1024];

	g->split[g->nsplits++] = g->nlines;
	g->t += 1000;
	gen_add_sealed(g, out, chain_file_continued_line(&g->c, g->t, prev_file, out,
							 sizeof(out)), false);
}

static void gen_start(struct gen *g, uint64_t t0)
{
	char out[512];

	if (chain_init(&g->c, test_key, sizeof(test_key)))
		abort();
	g->seq = 0;
	g->t = t0;
	gen_add_sealed(g, out, chain_start_line(&g->c, g->t,
						"0d3f6a6c-29a9-4f7d-9a43-8e8f5d2b0c11",
						out, sizeof(out)), false);
}

/*
 * About 300 lines: chain_start, device_added (one with a creator), key and
 * button events, activity windows, a heartbeat + checkpoint every 40
 * kernel records, a loss and a stats record, a final stats and the final
 * checkpoint.  rotate_at: rotate before these kernel records (0 = none).
 */
static void gen_log(struct gen *g, unsigned int records, unsigned int rot1,
		    unsigned int rot2, bool final)
{
	char line[512];
	unsigned int i;

	gen_start(g, 3000000000ULL);
	gen_kernel(g, "\"type\":\"device_added\",\"dev\":2,\"bus\":\"0x0003\",\"vendor\":\"0x1d6b\",\"product\":\"0x0104\",\"version\":\"0x0001\",\"caps\":[\"keyboard\"],\"creator\":{\"pid\":117,\"uid\":0,\"comm\":\"ia-type\"}");
	gen_kernel(g, "\"type\":\"device_added\",\"dev\":3,\"bus\":\"0x0011\",\"vendor\":\"0x0002\",\"product\":\"0x0013\",\"version\":\"0x0006\",\"caps\":[\"pointer\"]");
	for (i = 0; g->seq < records; i++) {
		if (rot1 && g->seq + 1 == rot1)
			gen_rotate(g, "audit.jsonl.2");
		if (rot2 && g->seq + 1 == rot2)
			gen_rotate(g, "audit.jsonl.1");
		switch (i % 8) {
		case 0:
		case 2:
			gen_kernel(g, "\"type\":\"event\",\"dev\":2,\"event\":\"key_press\",\"class\":\"text\"");
			break;
		case 1:
		case 3:
			gen_kernel(g, "\"type\":\"event\",\"dev\":2,\"event\":\"key_release\",\"class\":\"text\"");
			break;
		case 4:
			gen_kernel(g, "\"type\":\"event\",\"dev\":3,\"event\":\"motion\",\"count\":2");
			break;
		case 5:
			gen_kernel(g, "\"type\":\"event\",\"dev\":3,\"event\":\"button_press\",\"class\":\"left\"");
			break;
		case 6:
			gen_kernel(g, "\"type\":\"activity\",\"dev\":2,\"key_presses\":2,\"button_clicks\":0,\"motion\":0,\"touches\":0,\"switches\":0");
			break;
		default:
			gen_kernel(g, "\"type\":\"config\",\"dev\":0,\"item\":\"window_ms\",\"old\":1000,\"new\":2000,\"uid\":0");
			break;
		}
		if (g->seq % 40 == 0) {
			gen_kernel(g, "\"type\":\"heartbeat\",\"dev\":0,\"frames_seen\":100,\"frames_suppressed\":0,\"records_unconsumed\":0");
			gen_checkpoint(g, false);
		}
		if (g->seq == 100) {
			g->t += 1000;
			snprintf(line, sizeof(line),
				 "{\"type\":\"loss\",\"time_ns\":%" PRIu64 ",\"first_seq\":101,\"last_seq\":102,\"missing\":2}\n",
				 g->t);
			gen_add(g, line, false);
			g->seq += 2;
		}
	}
	if (!final)
		return;
	g->t += 1000;
	snprintf(line, sizeof(line),
		 "{\"type\":\"stats\",\"time_ns\":%" PRIu64 ",\"received\":%" PRIu64
		 ",\"lost\":2,\"duplicates\":0,\"ring_drops\":0,\"bpf_submitted\":%" PRIu64 ",\"final\":true}\n",
		 g->t, g->seq - 2, g->seq - 2);
	gen_add(g, line, false);
	gen_checkpoint(g, true);
}

/* Line i (1-based) of the generated log. */
static const char *gline(const struct gen *g, unsigned int i, size_t *len)
{
	*len = g->off[i] - g->off[i - 1];
	return g->buf + g->off[i - 1];
}

/* A new buffer from lines of g: order[] lists 1-based line numbers, 0 ends. */
static char *rebuild(const struct gen *g, const unsigned int *order, size_t *len)
{
	char *out = malloc(g->len + 4096);
	size_t l;
	unsigned int i;

	*len = 0;
	for (i = 0; order[i]; i++) {
		const char *p = gline(g, order[i], &l);

		memcpy(out + *len, p, l);
		*len += l;
	}
	return out;
}

/* 1..n in order, with line `skip` left out (0: none). */
static unsigned int *identity(const struct gen *g, unsigned int skip)
{
	unsigned int *order = calloc(g->nlines + 2, sizeof(*order));
	unsigned int i, k = 0;

	for (i = 1; i <= g->nlines; i++)
		if (i != skip)
			order[k++] = i;
	return order;
}

static int check_buf(const char *buf, size_t len, struct verify_result *res)
{
	return verify_buffer(test_key, sizeof(test_key), "audit.jsonl", buf, len, res);
}

FIXTURE(verify)
{
	struct gen g;
	struct verify_result res;
	char dir[64];
	char keyfile[128];
	char ctl[4096];
};

FIXTURE_SETUP(verify)
{
	int fd;

	memset(&self->g, 0, sizeof(self->g));
	gen_log(&self->g, 260, 0, 0, true);
	snprintf(self->dir, sizeof(self->dir), "/tmp/test_verify.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->keyfile, sizeof(self->keyfile), "%s/chain.key", self->dir);
	fd = open(self->keyfile, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(sizeof(test_key), write(fd, test_key, sizeof(test_key)));
	close(fd);
	build_path("INPUTAUDITCTL", "host-tests/inputauditctl", self->ctl,
		   sizeof(self->ctl));
}

FIXTURE_TEARDOWN(verify)
{
	char cmd[128];

	free(self->g.buf);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd))
		TH_LOG("could not remove %s", self->dir);
}

static void write_file(const char *path, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, buf, len) != (ssize_t)len || close(fd))
		abort();
}

TEST_F(verify, intact)
{
	struct gen *g = &self->g;
	char path[128];
	const char *files[1] = { path };

	ASSERT_GE(g->nlines, 250);
	ASSERT_EQ(0, check_buf(g->buf, g->len, &self->res)) {
		TH_LOG("%s:%" PRIu64 ": %s: %s", self->res.file, self->res.line,
		       verify_kind_name(self->res.kind), self->res.detail);
	}
	EXPECT_EQ(VERIFY_OK, self->res.kind);
	EXPECT_EQ(g->nlines, self->res.lines);
	EXPECT_EQ(g->nlines, self->res.last_n);
	EXPECT_EQ(g->time_ns[g->nlines - 1], self->res.final_time_ns);

	snprintf(path, sizeof(path), "%s/audit.jsonl", self->dir);
	write_file(path, g->buf, g->len);
	EXPECT_EQ(0, verify_files(test_key, sizeof(test_key), files, 1, &self->res));
	EXPECT_EQ(g->nlines, self->res.lines);
}

TEST_F(verify, wrong_key)
{
	uint8_t key[32];

	memcpy(key, test_key, sizeof(key));
	key[0] ^= 1;
	EXPECT_EQ(1, verify_buffer(key, sizeof(key), "a", self->g.buf, self->g.len,
				   &self->res));
	EXPECT_EQ(VERIFY_MODIFIED, self->res.kind);
	EXPECT_EQ(1, self->res.line);
	EXPECT_NE(NULL, strstr(self->res.detail, "key is wrong"));
	EXPECT_FALSE(self->res.have_last);
}

/* One byte of a kernel line's content changed: that line, that n. */
TEST_F(verify, byte_changed)
{
	struct gen *g = &self->g;
	char *buf = strdup(g->buf);
	unsigned int line;
	char needle[32];
	char *p = NULL;

	/* the first kernel line from line 137 on */
	for (line = 137; !p && line < g->nlines; line++)
		p = memmem(buf + g->off[line - 1], g->off[line] - g->off[line - 1],
			   "\"dev\":", 6);
	line--;
	ASSERT_NE(NULL, p);
	p[6] ^= 0x01;		/* "dev":2 -> "dev":3 */
	EXPECT_EQ(1, check_buf(buf, g->len, &self->res));
	EXPECT_EQ(VERIFY_MODIFIED, self->res.kind);
	EXPECT_EQ(line, self->res.line);
	EXPECT_EQ(line, self->res.n);
	EXPECT_EQ(line - 1, self->res.last_n);
	EXPECT_EQ(g->time_ns[line - 2], self->res.last_time_ns);

	/* a byte of the chain value itself */
	p[6] ^= 0x01;
	buf[g->off[line] - 5] ^= 0x01;
	EXPECT_EQ(1, check_buf(buf, g->len, &self->res));
	EXPECT_EQ(VERIFY_MODIFIED, self->res.kind);
	EXPECT_EQ(line, self->res.line);
	buf[g->off[line] - 5] ^= 0x01;

	/* the n of a line: "n":137 -> "n":138 */
	snprintf(needle, sizeof(needle), ",\"n\":%u,", line);
	p = memmem(buf + g->off[line - 1], g->off[line] - g->off[line - 1], needle,
		   strlen(needle));
	ASSERT_NE(NULL, p);
	p[strlen(needle) - 2]++;
	EXPECT_EQ(1, check_buf(buf, g->len, &self->res));
	EXPECT_EQ(VERIFY_MODIFIED, self->res.kind);
	EXPECT_EQ(line, self->res.line);
	EXPECT_NE(NULL, strstr(self->res.detail, "\"n\" changed")) {
		TH_LOG("%s", self->res.detail);
	}
	p[strlen(needle) - 2]--;

	/* the final checkpoint's "final":true */
	p = memmem(buf + g->off[g->nlines - 1], g->off[g->nlines] - g->off[g->nlines - 1],
		   "\"final\":true", 12);
	ASSERT_NE(NULL, p);
	p[8] = 'T';
	EXPECT_EQ(1, check_buf(buf, g->len, &self->res));
	EXPECT_EQ(VERIFY_MODIFIED, self->res.kind);
	EXPECT_EQ(g->nlines, self->res.line);

	/* a byte that breaks the structure */
	p[8] = 't';
	buf[g->off[line] - 2] = ']';
	EXPECT_EQ(1, check_buf(buf, g->len, &self->res));
	EXPECT_EQ(VERIFY_MODIFIED, self->res.kind);
	EXPECT_EQ(line, self->res.line);
	free(buf);
}

TEST_F(verify, line_deleted)
{
	struct gen *g = &self->g;
	unsigned int *order = identity(g, 120);
	size_t len;
	char *buf = rebuild(g, order, &len);

	EXPECT_EQ(1, check_buf(buf, len, &self->res));
	EXPECT_EQ(VERIFY_DELETED, self->res.kind);
	EXPECT_EQ(120, self->res.line);
	EXPECT_EQ(120, self->res.missing_first);
	EXPECT_EQ(120, self->res.missing_last);
	EXPECT_EQ(119, self->res.last_n);
	EXPECT_NE(NULL, strstr(self->res.detail, "n=120..120 missing (1 line) before this line")) {
		TH_LOG("%s", self->res.detail);
	}
	free(buf);
	free(order);

	/* the chain_start line */
	order = identity(g, 1);
	buf = rebuild(g, order, &len);
	EXPECT_EQ(1, check_buf(buf, len, &self->res));
	EXPECT_EQ(VERIFY_DELETED, self->res.kind);
	EXPECT_EQ(1, self->res.line);
	EXPECT_EQ(1, self->res.missing_first);
	EXPECT_EQ(1, self->res.missing_last);
	free(buf);
	free(order);
}

TEST_F(verify, lines_deleted)
{
	struct gen *g = &self->g;
	unsigned int *order = identity(g, 0);
	size_t len;
	char *buf;

	/* drop 150..159 */
	memmove(order + 149, order + 159, (g->nlines - 159 + 1) * sizeof(*order));
	buf = rebuild(g, order, &len);
	EXPECT_EQ(1, check_buf(buf, len, &self->res));
	EXPECT_EQ(VERIFY_DELETED, self->res.kind);
	EXPECT_EQ(150, self->res.line);
	EXPECT_EQ(150, self->res.missing_first);
	EXPECT_EQ(159, self->res.missing_last);
	free(buf);
	free(order);
}

/* The chain value (64 hex) of generated line n (from 1), copied into hex. */
static void chain_of(const struct gen *g, unsigned int n, char hex[65])
{
	memcpy(hex, g->buf + g->off[n] - 67, 64);
	hex[64] = '\0';
}

/*
 * The log with lines first..cut replaced by the sink_gap line a file sink
 * writes for first..last (cut = last unless a test lies).
 */
static char *with_gap(const struct gen *g, unsigned int first, unsigned int last,
		      unsigned int cut, size_t *len)
{
	char prev[65], resume[65], line[1024], sealed[1200];
	uint8_t prev_bin[CHAIN_LEN];
	size_t head = g->off[first - 1], tail = g->len - g->off[cut];
	int n;
	char *buf;

	chain_of(g, first - 1, prev);
	chain_of(g, last, resume);
	if (chain_unhex(prev, prev_bin))
		abort();
	snprintf(line, sizeof(line),
		 "{\"time_ns\":1,\"type\":\"sink_gap\",\"sink\":\"audit\",\"dropped\":%u,"
		 "\"first_n\":%u,\"last_n\":%u,\"first_time_ns\":1,\"last_time_ns\":2,"
		 "\"errno\":28,\"prev_chain\":\"%s\",\"resume_chain\":\"%s\"}\n",
		 last - first + 1, first, last, prev, resume);
	n = chain_seal_at(&g->c, prev_bin, first - 1, line, strlen(line), sealed,
			  sizeof(sealed));
	buf = malloc(head + n + tail + 1);
	if (n < 0 || !buf)
		abort();
	memcpy(buf, g->buf, head);
	memcpy(buf + head, sealed, n);
	memcpy(buf + head + n, g->buf + g->off[cut], tail);
	*len = head + n + tail;
	buf[*len] = '\0';
	return buf;
}

/*
 * Lines a file sink could not write (full disk), replaced in its file by
 * its sink_gap line: accounted, not deleted; the chain goes on after them.
 * A gap line that accounts for fewer lines than are missing does not hide
 * the rest, and without one a hole is still a deletion.
 */
/*
 * Verification goes on after a problem: a changed line, a deleted one and
 * an inserted one further on are each reported with their place, and the
 * lines between them verify.
 */
TEST_F(verify, every_problem_reported)
{
	struct gen *g = &self->g;
	unsigned int *order = identity(g, 120);	/* line 120 deleted */
	char *buf, *copy;
	size_t len;

	buf = rebuild(g, order, &len);
	buf[g->off[41] + 3] ^= 0x01;		/* line 42 changed */
	/* line 200 (now at 199) again after itself: a replay */
	copy = malloc(len + 1024);
	{
		size_t at = g->off[200] - (g->off[120] - g->off[119]);
		size_t l = g->off[200] - g->off[199];

		memcpy(copy, buf, at);
		memcpy(copy + at, buf + at - l, l);
		memcpy(copy + at + l, buf + at, len - at);
		len += l;
	}
	EXPECT_EQ(1, check_buf(copy, len, &self->res));
	ASSERT_EQ(3, self->res.nproblems) {
		for (uint64_t k = 0; k < self->res.nproblems; k++)
			TH_LOG("%" PRIu64 "-%" PRIu64 " %s %s", self->res.problems[k].line,
			       self->res.problems[k].line_last,
			       verify_kind_name(self->res.problems[k].kind),
			       self->res.problems[k].detail);
	}
	EXPECT_EQ(VERIFY_MODIFIED, self->res.problems[0].kind);
	EXPECT_EQ(42, self->res.problems[0].line);
	EXPECT_EQ(VERIFY_DELETED, self->res.problems[1].kind);
	EXPECT_EQ(120, self->res.problems[1].line);
	EXPECT_EQ(VERIFY_INSERTED, self->res.problems[2].kind);
	EXPECT_EQ(200, self->res.problems[2].line);
	/* the first problem's fields as before; the rest of the log verified */
	EXPECT_EQ(VERIFY_MODIFIED, self->res.kind);
	EXPECT_EQ(41, self->res.last_n);
	EXPECT_EQ(g->nlines - 1, self->res.lines_total + self->res.unverified - 1);
	/* line 42, the line after the deleted one (its predecessor is gone), the copy */
	EXPECT_EQ(3, self->res.unverified);
	free(copy);
	free(buf);
	free(order);
}

/*
 * The stream (verify --follow): the log fed a few lines at a time finds
 * the same problems at the same lines as the whole log, and nothing in an
 * intact one.
 */
TEST_F(verify, stream_in_parts)
{
	struct gen *g = &self->g;
	static struct verify_result whole, part;
	unsigned int *order = identity(g, 120);
	struct verify_stream *vs;
	unsigned int i, step;
	size_t len;
	char *buf;

	for (step = 1; step <= 9; step += 4) {
		vs = verify_stream_new(test_key, sizeof(test_key), VERIFY_LIVE, &part);
		ASSERT_NE(NULL, vs);
		for (i = 0; i < g->nlines; i += step) {
			unsigned int to = i + step < g->nlines ? i + step : g->nlines;

			ASSERT_LE(0, verify_stream_feed(vs, "audit.jsonl", g->buf + g->off[i],
							g->off[to] - g->off[i]));
		}
		EXPECT_EQ(0, part.nproblems);
		EXPECT_EQ(g->nlines, part.lines);
		verify_stream_free(vs);
	}

	buf = rebuild(g, order, &len);
	buf[g->off[41] + 3] ^= 0x01;
	EXPECT_EQ(1, check_buf(buf, len, &whole));
	for (step = 1; step <= 9; step += 4) {
		size_t off = 0, next;
		unsigned int k;

		vs = verify_stream_new(test_key, sizeof(test_key), VERIFY_LIVE, &part);
		ASSERT_NE(NULL, vs);
		while (off < len) {
			for (next = off, k = 0; k < step && next < len; k++)
				next = (size_t)((char *)memchr(buf + next, '\n', len - next) - buf) + 1;
			ASSERT_LE(0, verify_stream_feed(vs, "audit.jsonl", buf + off, next - off));
			off = next;
		}
		ASSERT_EQ(2, part.nproblems) {
			TH_LOG("step %u", step);
		}
		for (k = 0; k < 2; k++) {
			EXPECT_EQ(whole.problems[k].kind, part.problems[k].kind);
			EXPECT_EQ(whole.problems[k].line, part.problems[k].line);
		}
		verify_stream_free(vs);
	}
	free(buf);
	free(order);
}

TEST_F(verify, sink_gap_accounts_for_lines_not_written)
{
	struct gen *g = &self->g;
	size_t len;
	char *buf;

	buf = with_gap(g, 150, 159, 159, &len);
	EXPECT_EQ(0, check_buf(buf, len, &self->res)) {
		TH_LOG("%s:%" PRIu64 ": %s: %s", self->res.file, self->res.line,
		       verify_kind_name(self->res.kind), self->res.detail);
	}
	EXPECT_EQ(1, self->res.gaps);
	EXPECT_EQ(10, self->res.gap_lines);
	EXPECT_EQ(150, self->res.gap_first);
	EXPECT_EQ(159, self->res.gap_last);
	EXPECT_EQ(g->nlines - 10 + 1, self->res.lines);
	/*
	 * At a file's start (its predecessor rotated away) it is trusted, but
	 * the log then only continues a chain: "head" unless a partial log
	 * is asked for.
	 */
	EXPECT_EQ(1, check_buf(buf + g->off[149], len - g->off[149], &self->res));
	EXPECT_EQ(VERIFY_HEAD, self->res.kind);
	{
		struct verify_opts o = { .flags = VERIFY_ALLOW_PARTIAL };

		EXPECT_EQ(0, verify_buffer_opts(test_key, sizeof(test_key), "audit.jsonl",
						buf + g->off[149], len - g->off[149], &o,
						&self->res));
		EXPECT_TRUE(self->res.partial);
		EXPECT_EQ(149, self->res.continues_from);
	}
	free(buf);

	/* It claims 150..158, but 159 is missing too. */
	buf = with_gap(g, 150, 158, 159, &len);
	EXPECT_EQ(1, check_buf(buf, len, &self->res));
	EXPECT_EQ(VERIFY_DELETED, self->res.kind);
	EXPECT_EQ(159, self->res.missing_first);
	EXPECT_EQ(159, self->res.missing_last);
	free(buf);
}

TEST_F(verify, lines_swapped)
{
	struct gen *g = &self->g;
	unsigned int *order = identity(g, 0);
	size_t len;
	char *buf;

	order[99] = 101;
	order[100] = 100;
	buf = rebuild(g, order, &len);
	EXPECT_EQ(1, check_buf(buf, len, &self->res));
	EXPECT_EQ(VERIFY_REORDERED, self->res.kind);
	EXPECT_EQ(100, self->res.line);
	EXPECT_EQ(101, self->res.n);
	EXPECT_EQ(99, self->res.last_n);
	free(buf);

	/* far apart */
	order[99] = 200;
	order[100] = 101;
	order[199] = 100;
	buf = rebuild(g, order, &len);
	EXPECT_EQ(1, check_buf(buf, len, &self->res));
	EXPECT_EQ(VERIFY_REORDERED, self->res.kind);
	EXPECT_EQ(100, self->res.line);
	EXPECT_NE(NULL, strstr(self->res.detail, "n=200 appears before n=100 (which is at line 200)")) {
		TH_LOG("%s", self->res.detail);
	}
	free(buf);
	free(order);

	/* line 100 moved down after line 150 */
	order = identity(g, 100);
	memmove(order + 150, order + 149, (g->nlines - 150 + 1) * sizeof(*order));
	order[149] = 100;
	buf = rebuild(g, order, &len);
	ASSERT_EQ(g->len, len);
	EXPECT_EQ(1, check_buf(buf, len, &self->res));
	EXPECT_EQ(VERIFY_REORDERED, self->res.kind);
	EXPECT_EQ(100, self->res.line);
	EXPECT_EQ(101, self->res.n);
	EXPECT_NE(NULL, strstr(self->res.detail, "(which is at line 150)")) {
		TH_LOG("%s", self->res.detail);
	}
	free(buf);
	free(order);
}

/* A well-formed forged line with a plausible n and a made-up chain. */
TEST_F(verify, line_inserted)
{
	struct gen *g = &self->g;
	char forged[512], *buf;
	size_t len, l, at;
	const char *p;
	int flen;

	flen = snprintf(forged, sizeof(forged),
			"{\"seq\":150,\"time_ns\":%" PRIu64 ",\"type\":\"event\",\"dev\":2,"
			"\"event\":\"key_press\",\"class\":\"text\",\"n\":151,\"chain\":\"%s\"}\n",
			g->time_ns[149] + 1,
			"ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12");
	buf = malloc(g->len + 1024);
	ASSERT_NE(NULL, buf);
	at = g->off[150];	/* after line 150 */
	memcpy(buf, g->buf, at);
	memcpy(buf + at, forged, flen);
	memcpy(buf + at + flen, g->buf + at, g->len - at);
	len = g->len + flen;
	EXPECT_EQ(1, check_buf(buf, len, &self->res));
	EXPECT_EQ(VERIFY_INSERTED, self->res.kind);
	EXPECT_EQ(151, self->res.line);
	EXPECT_EQ(151, self->res.n);
	EXPECT_EQ(150, self->res.last_n);

	/* appended after the final checkpoint, n following on */
	flen = snprintf(forged, sizeof(forged),
			"{\"type\":\"stats\",\"time_ns\":1,\"n\":%u,\"chain\":\"%s\"}\n",
			g->nlines + 1,
			"00000000000000000000000000000000000000000000000000000000000000ff");
	memcpy(buf, g->buf, g->len);
	memcpy(buf + g->len, forged, flen);
	EXPECT_EQ(1, check_buf(buf, g->len + flen, &self->res));
	EXPECT_EQ(VERIFY_INSERTED, self->res.kind);
	EXPECT_EQ(g->nlines + 1, self->res.line);

	/* junk without a newline after the final checkpoint */
	memcpy(buf, g->buf, g->len);
	memcpy(buf + g->len, "{\"x\":1}", 7);
	EXPECT_EQ(1, check_buf(buf, g->len + 7, &self->res));
	EXPECT_EQ(VERIFY_INSERTED, self->res.kind);
	EXPECT_EQ(g->nlines + 1, self->res.line);

	/* two forged lines in a row */
	at = g->off[150];
	memcpy(buf, g->buf, at);
	flen = snprintf(forged, sizeof(forged),
			"{\"type\":\"loss\",\"time_ns\":5,\"n\":151,\"chain\":\"%064d\"}\n"
			"{\"type\":\"loss\",\"time_ns\":6,\"n\":152,\"chain\":\"%064d\"}\n", 1, 2);
	memcpy(buf + at, forged, flen);
	memcpy(buf + at + flen, g->buf + at, g->len - at);
	EXPECT_EQ(1, check_buf(buf, g->len + flen, &self->res));
	EXPECT_EQ(VERIFY_INSERTED, self->res.kind);
	EXPECT_EQ(151, self->res.line);
	EXPECT_NE(NULL, strstr(self->res.detail, "2 lines (151..152) are not part of the chain; it goes on at line 153")) {
		TH_LOG("%s", self->res.detail);
	}

	/* a genuine line replayed: line 50 again after line 60 */
	at = g->off[60];
	memcpy(buf, g->buf, at);
	p = gline(g, 50, &l);
	ASSERT_GT(1024, l);
	memcpy(buf + at, p, l);
	memcpy(buf + at + l, g->buf + at, g->len - at);
	EXPECT_EQ(1, check_buf(buf, g->len + l, &self->res));
	EXPECT_EQ(VERIFY_INSERTED, self->res.kind);
	EXPECT_EQ(61, self->res.line);
	EXPECT_NE(NULL, strstr(self->res.detail, "copy of line 50")) {
		TH_LOG("%s", self->res.detail);
	}
	free(buf);
}

TEST_F(verify, truncated)
{
	struct gen *g = &self->g;
	unsigned int cut = 200, cp;

	/* at a line boundary */
	EXPECT_EQ(1, check_buf(g->buf, g->off[cut], &self->res));
	EXPECT_EQ(VERIFY_TRUNCATED, self->res.kind);
	EXPECT_EQ(cut, self->res.line);
	EXPECT_EQ(cut, self->res.last_n);
	EXPECT_EQ(g->time_ns[cut - 1], self->res.last_time_ns);
	for (cp = cut; cp > 0 && !g->checkpoint[cp - 1]; cp--)
		;
	ASSERT_GT(cp, 0);
	EXPECT_TRUE(self->res.have_checkpoint);
	EXPECT_EQ(g->time_ns[cp - 1], self->res.checkpoint_time_ns);

	/* in the middle of a line */
	EXPECT_EQ(1, check_buf(g->buf, g->off[cut] + 30, &self->res));
	EXPECT_EQ(VERIFY_TRUNCATED, self->res.kind);
	EXPECT_EQ(cut + 1, self->res.line);
	EXPECT_EQ(cut, self->res.last_n);

	/* only the final checkpoint cut */
	EXPECT_EQ(1, check_buf(g->buf, g->off[g->nlines - 1], &self->res));
	EXPECT_EQ(VERIFY_TRUNCATED, self->res.kind);
	EXPECT_EQ(g->nlines - 1, self->res.last_n);

	/* nothing at all */
	EXPECT_EQ(1, check_buf(g->buf, 0, &self->res));
	EXPECT_EQ(VERIFY_TRUNCATED, self->res.kind);
}

/* A restarted daemon starts a new chain; fine after a clean end only. */
TEST_F(verify, restart)
{
	struct gen *g = &self->g, g2 = { 0 };
	char *buf = malloc(2 * g->len + 1);

	gen_log(&g2, 60, 0, 0, true);
	memcpy(buf, g->buf, g->len);
	memcpy(buf + g->len, g2.buf, g2.len);
	EXPECT_EQ(0, check_buf(buf, g->len + g2.len, &self->res));
	EXPECT_EQ(g->nlines + g2.nlines, self->res.lines);

	/* the first run's tail cut: its end is unclean */
	memcpy(buf, g->buf, g->off[200]);
	memcpy(buf + g->off[200], g2.buf, g2.len);
	EXPECT_EQ(1, check_buf(buf, g->off[200] + g2.len, &self->res));
	EXPECT_EQ(VERIFY_TRUNCATED, self->res.kind);
	EXPECT_EQ(201, self->res.line);
	EXPECT_EQ(200, self->res.last_n);
	free(buf);
	free(g2.buf);
}

/* audit.jsonl.2, .1, audit.jsonl: three files of one chain. */
TEST_F(verify, rotated)
{
	struct gen g = { 0 };
	char p[3][128];
	const char *files[3] = { p[0], p[1], p[2] };
	const char *f13[2] = { p[0], p[2] };
	const char *f132[3] = { p[0], p[2], p[1] };
	unsigned int i;

	gen_log(&g, 260, 90, 180, true);
	ASSERT_EQ(2, g.nsplits);
	for (i = 0; i < 3; i++) {
		size_t from = i ? g.off[g.split[i - 1]] : 0;
		size_t to = i < 2 ? g.off[g.split[i]] : g.len;

		snprintf(p[i], sizeof(p[i]), "%s/audit.jsonl%s", self->dir,
			 i == 0 ? ".2" : i == 1 ? ".1" : "");
		write_file(p[i], g.buf + from, to - from);
	}
	EXPECT_EQ(0, verify_files(test_key, sizeof(test_key), files, 3, &self->res)) {
		TH_LOG("%s:%" PRIu64 ": %s", self->res.file, self->res.line,
		       self->res.detail);
	}
	EXPECT_EQ(g.nlines, self->res.lines);

	/*
	 * The newest file alone starts from its prev_chain: never plain "ok",
	 * it continues a chain whose head is not given ("head"), and passes
	 * only as a partial log.
	 */
	EXPECT_EQ(1, verify_files(test_key, sizeof(test_key), files + 2, 1, &self->res));
	EXPECT_EQ(VERIFY_HEAD, self->res.kind);
	EXPECT_EQ(1, self->res.nproblems);
	EXPECT_EQ(g.nlines - g.split[1], self->res.lines_total);
	{
		struct verify_opts o = { .flags = VERIFY_ALLOW_PARTIAL };

		EXPECT_EQ(0, verify_files_opts(test_key, sizeof(test_key), files + 2, 1, &o,
					       &self->res));
		EXPECT_EQ(g.nlines - g.split[1], self->res.lines);
		EXPECT_EQ(g.split[1], self->res.continues_from);
		/* the last two */
		EXPECT_EQ(0, verify_files_opts(test_key, sizeof(test_key), files + 1, 2, &o,
					       &self->res));
		EXPECT_EQ(g.split[0], self->res.continues_from);
	}

	/* a rotated file alone has no clean end */
	EXPECT_EQ(1, verify_files(test_key, sizeof(test_key), files, 1, &self->res));
	EXPECT_EQ(VERIFY_TRUNCATED, self->res.kind);
	EXPECT_EQ(g.split[0], self->res.last_n);

	/* the middle file left out */
	EXPECT_EQ(1, verify_files(test_key, sizeof(test_key), f13, 2, &self->res));
	EXPECT_EQ(VERIFY_DELETED, self->res.kind);
	EXPECT_STREQ(p[2], self->res.file);
	EXPECT_EQ(1, self->res.line);
	EXPECT_EQ(g.split[0] + 1, self->res.missing_first);
	EXPECT_EQ(g.split[1], self->res.missing_last);

	/* out of order */
	EXPECT_EQ(1, verify_files(test_key, sizeof(test_key), f132, 3, &self->res));
	EXPECT_EQ(VERIFY_DELETED, self->res.kind);
	EXPECT_STREQ(p[2], self->res.file);

	/* a line modified in the middle file */
	{
		char buf[64];
		int fd = open(p[1], O_RDWR);

		ASSERT_GE(fd, 0);
		ASSERT_EQ(1, pread(fd, buf, 1, 20));
		buf[0] ^= 0x01;
		ASSERT_EQ(1, pwrite(fd, buf, 1, 20));
		close(fd);
	}
	EXPECT_EQ(1, verify_files(test_key, sizeof(test_key), files, 3, &self->res));
	EXPECT_EQ(VERIFY_MODIFIED, self->res.kind);
	EXPECT_STREQ(p[1], self->res.file);
	EXPECT_EQ(1, self->res.line);
	EXPECT_EQ(g.split[0] + 1, self->res.n);
	free(g.buf);
}

TEST_F(verify, missing_file)
{
	const char *files[1] = { "/nonexistent/audit.jsonl" };

	EXPECT_EQ(-ENOENT, verify_files(test_key, sizeof(test_key), files, 1, &self->res));
}

/* The real inputauditctl (built with the sanitizers): exit 0 intact, 1 tampered, 2 usage/IO. */
TEST_F(verify, ctl_binary)
{
	struct gen *g = &self->g;
	char path[128], out[4096], want[256], arg_line[64];
	char *argv[8];
	int rc;

	ASSERT_EQ(0, access(self->ctl, X_OK)) {
		TH_LOG("%.900s: not built", self->ctl);
	}
	snprintf(path, sizeof(path), "%s/audit.jsonl", self->dir);
	write_file(path, g->buf, g->len);

	argv[0] = self->ctl;
	argv[1] = "verify";
	argv[2] = "--key";
	argv[3] = self->keyfile;
	argv[4] = path;
	argv[5] = NULL;
	rc = run_cmd(argv, out, sizeof(out));
	EXPECT_EQ(0, rc) {
		TH_LOG("%.900s", out);
	}
	snprintf(want, sizeof(want), "ok: %u lines, chain intact, clean shutdown at time_ns %"
		 PRIu64 "\n", g->nlines, g->time_ns[g->nlines - 1]);
	EXPECT_STREQ(want, out);

	/* a byte changed in line 42 */
	g->buf[g->off[41] + 3] ^= 0x01;
	write_file(path, g->buf, g->len);
	rc = run_cmd(argv, out, sizeof(out));
	EXPECT_EQ(1, rc);
	snprintf(want, sizeof(want), "FAIL: %s:42: modified: ", path);
	EXPECT_EQ(0, strncmp(out, want, strlen(want))) {
		TH_LOG("%.900s", out);
	}
	snprintf(want, sizeof(want), "\nlast verified: n=41 time_ns=%" PRIu64,
		 g->time_ns[40]);
	EXPECT_NE(NULL, strstr(out, want)) {
		TH_LOG("%.900s", out);
	}

	argv[4] = "--json";
	argv[5] = path;
	argv[6] = NULL;
	rc = run_cmd(argv, out, sizeof(out));
	EXPECT_EQ(1, rc);
	snprintf(want, sizeof(want), "{\"result\":\"modified\",\"lines\":41,");
	EXPECT_EQ(0, strncmp(out, want, strlen(want))) {
		TH_LOG("%.900s", out);
	}
	snprintf(arg_line, sizeof(arg_line), "\"line\":42,");
	EXPECT_NE(NULL, strstr(out, arg_line));

	/* truncated */
	g->buf[g->off[41] + 3] ^= 0x01;
	write_file(path, g->buf, g->off[100]);
	argv[4] = path;
	argv[5] = NULL;
	rc = run_cmd(argv, out, sizeof(out));
	EXPECT_EQ(1, rc);
	EXPECT_NE(NULL, strstr(out, ": truncated: the log ends at n=100 without a final checkpoint (last checkpoint at time_ns ")) {
		TH_LOG("%.900s", out);
	}

	/* usage and I/O errors */
	argv[4] = "/nonexistent/audit.jsonl";
	EXPECT_EQ(2, run_cmd(argv, out, sizeof(out)));
	argv[4] = NULL;
	EXPECT_EQ(2, run_cmd(argv, out, sizeof(out)));
	argv[3] = "/nonexistent/key";
	argv[4] = path;
	EXPECT_EQ(2, run_cmd(argv, out, sizeof(out)));
	ASSERT_EQ(0, chmod(self->keyfile, 0644));
	argv[3] = self->keyfile;
	EXPECT_EQ(2, run_cmd(argv, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "gives group/other access")) {
		TH_LOG("%.900s", out);
	}
}

/* inputauditctl verify over a rotated pair, given in order. */
TEST_F(verify, ctl_binary_rotated)
{
	struct gen g = { 0 };
	char p[2][128], out[4096];
	char *argv[7];

	ASSERT_EQ(0, access(self->ctl, X_OK)) {
		TH_LOG("%.900s: not built", self->ctl);
	}
	gen_log(&g, 200, 120, 0, true);
	snprintf(p[0], sizeof(p[0]), "%s/audit.jsonl.1", self->dir);
	snprintf(p[1], sizeof(p[1]), "%s/audit.jsonl", self->dir);
	write_file(p[0], g.buf, g.off[g.split[0]]);
	write_file(p[1], g.buf + g.off[g.split[0]], g.len - g.off[g.split[0]]);
	argv[0] = self->ctl;
	argv[1] = "verify";
	argv[2] = "--key";
	argv[3] = self->keyfile;
	argv[4] = p[0];
	argv[5] = p[1];
	argv[6] = NULL;
	EXPECT_EQ(0, run_cmd(argv, out, sizeof(out))) {
		TH_LOG("%.900s", out);
	}
	EXPECT_EQ(0, strncmp(out, "ok: ", 4));
	/* reversed: the older file after the newer one */
	argv[4] = p[1];
	argv[5] = p[0];
	EXPECT_EQ(1, run_cmd(argv, out, sizeof(out))) {
		TH_LOG("%.900s", out);
	}
	free(g.buf);
}

/*
 * Run inputauditctl verify on @path under timeout(1), so that a verify that
 * never ends fails the test instead of hanging it; its allocations are
 * capped (ASan) so that one reading without a bound cannot take the host's
 * memory either.  Return: its exit status (124: the timeout hit).
 */
static int verify_bounded(FIXTURE_DATA(verify) *self, const char *path, char *out,
			  size_t size, double *secs)
{
	char *argv[] = { "/usr/bin/timeout", "-s", "KILL", "10", self->ctl, "verify",
			 "--key", self->keyfile, (char *)path, NULL };
	const char *asan = getenv("ASAN_OPTIONS");
	char opts[1024];
	struct timespec t0, t1;
	int rc;

	snprintf(opts, sizeof(opts), "%s%smax_allocation_size_mb=64:allocator_may_return_null=1",
		 asan ? asan : "", asan && *asan ? ":" : "");
	setenv("ASAN_OPTIONS", opts, 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = run_cmd(argv, out, size);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return rc;
}

/* verify /dev/zero ends at once with an error, instead of reading forever. */
TEST_F(verify, dev_zero_refused)
{
	char out[4096];
	double secs;
	int rc;

	ASSERT_EQ(0, access(self->ctl, X_OK));
	rc = verify_bounded(self, "/dev/zero", out, sizeof(out), &secs);
	/* ASSERT: the call in this process below has no timeout */
	ASSERT_EQ(2, rc) {
		TH_LOG("exit %d after %.1f s: %.900s", rc, secs, out);
	}
	EXPECT_LT(secs, 5.0);
	ASSERT_NE(NULL, strstr(out, "/dev/zero: not a regular file (character device)")) {
		TH_LOG("%.900s", out);
	}
	EXPECT_EQ(-EINVAL, verify_files(test_key, sizeof(test_key),
					(const char *[]){ "/dev/zero" }, 1, &self->res));
}

/*
 * verify of a FIFO whose writer never stops ends at once with an error:
 * the FIFO is not even opened (its writer would otherwise feed the verifier
 * for ever).
 */
TEST_F(verify, fifo_refused)
{
	char fifo[128], out[4096], want[256];
	double secs;
	pid_t writer;
	int rc;

	ASSERT_EQ(0, access(self->ctl, X_OK));
	snprintf(fifo, sizeof(fifo), "%s/audit.jsonl", self->dir);
	ASSERT_EQ(0, mkfifo(fifo, 0600));
	writer = fork();
	ASSERT_LE(0, writer);
	if (!writer) {
		/* O_RDWR: never blocks in open(), never gets EPIPE; writes until killed */
		int fd = open(fifo, O_RDWR | O_CLOEXEC);

		while (fd >= 0 && write(fd, self->g.buf, self->g.off[1]) > 0)
			usleep(1000);
		_exit(0);
	}
	rc = verify_bounded(self, fifo, out, sizeof(out), &secs);
	kill(writer, SIGKILL);
	waitpid(writer, NULL, 0);
	EXPECT_EQ(2, rc) {
		TH_LOG("exit %d after %.1f s: %.900s", rc, secs, out);
	}
	EXPECT_LT(secs, 5.0);
	snprintf(want, sizeof(want), "%s: not a regular file (FIFO)", fifo);
	EXPECT_NE(NULL, strstr(out, want)) {
		TH_LOG("%.900s", out);
	}
}

/*
 * A symbolic link is not followed: the log directory belongs to the service
 * user, and a link there must not make root's verify read another file.
 */
TEST_F(verify, symlink_refused)
{
	struct gen *g = &self->g;
	char path[128], link[128], out[4096], want[256];
	const char *files[1] = { link };
	double secs;
	int rc;

	ASSERT_EQ(0, access(self->ctl, X_OK));
	snprintf(path, sizeof(path), "%s/audit.jsonl.real", self->dir);
	snprintf(link, sizeof(link), "%s/audit.jsonl", self->dir);
	write_file(path, g->buf, g->len);
	ASSERT_EQ(0, symlink(path, link));
	rc = verify_bounded(self, link, out, sizeof(out), &secs);
	EXPECT_EQ(2, rc) {
		TH_LOG("exit %d after %.1f s: %.900s", rc, secs, out);
	}
	snprintf(want, sizeof(want), "%s: a symbolic link (not followed)", link);
	EXPECT_NE(NULL, strstr(out, want)) {
		TH_LOG("%.900s", out);
	}
	EXPECT_EQ(-ELOOP, verify_files(test_key, sizeof(test_key), files, 1, &self->res));
	/* the file itself verifies */
	EXPECT_EQ(0, verify_bounded(self, path, out, sizeof(out), &secs)) {
		TH_LOG("%.900s", out);
	}
}

TEST_HARNESS_MAIN
