// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Verify chained output files; see verify.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "jbuf.h"
#include "chain.h"
#include "verify.h"

/* ,"chain":"<64 hex>"} at the end of every line */
#define TAIL_LEN	(10 + CHAIN_HEX_LEN + 2)

struct vline {
	const char *p;		/* the line, without its '\n' */
	size_t len;
	size_t body_len;	/* '{' up to the digits of "n":N */
	uint64_t n;
	uint64_t time_ns;
	uint8_t chain[CHAIN_LEN];
	uint8_t prev_chain[CHAIN_LEN];
	bool ok;		/* has a well-formed "n" and "chain" */
	bool nl;		/* ends in '\n' */
	bool start;		/* "type":"chain_start" */
	bool cont;		/* "type":"file_continued" with "prev_chain" */
	bool gap;		/* "type":"sink_gap": stands for n..gap_last */
	uint64_t gap_last;
	uint8_t resume_chain[CHAIN_LEN];	/* the chain value of gap_last */
	bool checkpoint;
	bool final;		/* checkpoint with "final":true */
};

struct vfile {
	const char *name;
	struct vline *lines;
	size_t nlines;
};

struct vstate {
	const uint8_t *key;
	size_t key_len;
	struct verify_result *res;
	bool started;		/* prev/expect are set */
	bool clean;		/* the last verified line is a final checkpoint */
	uint8_t prev[CHAIN_LEN];
	uint64_t expect;
	const char *last_file;	/* where the last line was (truncation) */
	uint64_t last_line;
};

static const uint8_t zero_chain[CHAIN_LEN];

static const char *find(const char *p, size_t len, const char *needle)
{
	return memmem(p, len, needle, strlen(needle));
}

/* Digits at p (at most 20, no overflow) -> *val; returns how many. */
static size_t parse_u64(const char *p, size_t len, uint64_t *val)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < len && i < 20 && p[i] >= '0' && p[i] <= '9'; i++) {
		if (v > (UINT64_MAX - (p[i] - '0')) / 10)
			return 0;
		v = v * 10 + (p[i] - '0');
	}
	*val = v;
	return i;
}

static bool has_field(const char *body, size_t len, const char *type)
{
	char needle[64];

	snprintf(needle, sizeof(needle), "\"type\":\"%s\"", type);
	return find(body, len, needle) != NULL;
}

/* The number after "key": in the line's body, or false. */
static bool body_u64(const struct vline *l, const char *key, uint64_t *val)
{
	const char *f = find(l->p, l->body_len, key);
	size_t off = strlen(key);

	return f && parse_u64(f + off, l->p + l->body_len - (f + off), val);
}

/* The 64 hex digits after "key":" in the line's body. */
static bool body_chain(const struct vline *l, const char *key, uint8_t out[CHAIN_LEN])
{
	const char *f = find(l->p, l->body_len, key);
	size_t off = strlen(key);

	return f && (size_t)(l->p + l->body_len - (f + off)) >= CHAIN_HEX_LEN &&
	       !chain_unhex(f + off, out);
}

/*
 * A sink_gap line: the sink could not write lines first_n..last_n; the
 * line itself has n = first_n, follows "prev_chain" and leads to
 * "resume_chain", the chain value of line last_n.
 */
static void parse_gap(struct vline *l)
{
	uint64_t first;

	if (!has_field(l->p, l->body_len, "sink_gap") ||
	    !body_u64(l, "\"first_n\":", &first) || first != l->n ||
	    !body_u64(l, "\"last_n\":", &l->gap_last) || l->gap_last < first ||
	    !body_chain(l, "\"prev_chain\":\"", l->prev_chain) ||
	    !body_chain(l, "\"resume_chain\":\"", l->resume_chain))
		return;
	l->gap = true;
	l->cont = true;		/* like file_continued: may begin a file */
}

static void parse_line(struct vline *l)
{
	const char *p = l->p, *f;
	size_t len = l->len, i, digits;

	l->ok = false;
	if (len < TAIL_LEN + 7 || p[0] != '{' || p[len - 1] != '}' ||
	    p[len - 2] != '"' || memcmp(p + len - TAIL_LEN, ",\"chain\":\"", 10))
		return;
	if (chain_unhex(p + len - TAIL_LEN + 10, l->chain))
		return;
	l->body_len = len - TAIL_LEN;
	/* the body ends in "n":DIGITS */
	for (i = l->body_len; i > 0 && p[i - 1] >= '0' && p[i - 1] <= '9'; i--)
		;
	if (i < 5 || i == l->body_len || memcmp(p + i - 4, "\"n\":", 4) ||
	    (p[i - 5] != ',' && p[i - 5] != '{'))
		return;
	digits = parse_u64(p + i, l->body_len - i, &l->n);
	if (digits != l->body_len - i || l->n == 0 || (digits > 1 && p[i] == '0'))
		return;
	l->ok = true;

	f = find(p, l->body_len, "\"time_ns\":");
	if (f)
		parse_u64(f + 10, p + l->body_len - (f + 10), &l->time_ns);
	l->start = has_field(p, l->body_len, "chain_start");
	l->checkpoint = has_field(p, l->body_len, "checkpoint");
	l->final = l->checkpoint && find(p, l->body_len, "\"final\":true");
	if (has_field(p, l->body_len, "file_continued")) {
		f = find(p, l->body_len, "\"prev_chain\":\"");
		if (f && (size_t)(p + l->body_len - f) >= 14 + CHAIN_HEX_LEN &&
		    !chain_unhex(f + 14, l->prev_chain))
			l->cont = true;
	}
	parse_gap(l);
}

/* Split buf into lines and parse them; lines is allocated. */
static int split_lines(struct vfile *vf, const char *buf, size_t len)
{
	size_t count = 0, i, start = 0, k = 0;

	for (i = 0; i < len; i++)
		count += buf[i] == '\n';
	if (len && buf[len - 1] != '\n')
		count++;
	vf->lines = calloc(count ? count : 1, sizeof(*vf->lines));
	if (!vf->lines)
		return -ENOMEM;
	for (i = 0; i <= len; i++) {
		if (i < len && buf[i] != '\n')
			continue;
		if (i == len && start == len)
			break;
		vf->lines[k].p = buf + start;
		vf->lines[k].len = i - start;
		vf->lines[k].nl = i < len;
		parse_line(&vf->lines[k]);
		k++;
		start = i + 1;
	}
	vf->nlines = k;
	return 0;
}

static bool line_verifies(const struct vstate *st, const struct vline *l,
			  const uint8_t prev[CHAIN_LEN], uint64_t n)
{
	uint8_t mac[CHAIN_LEN];

	if (!l->ok || l->n != n)
		return false;
	if (chain_hmac(st->key, st->key_len, prev, CHAIN_LEN, l->p, l->body_len,
		       mac))
		return false;
	return !CRYPTO_memcmp(mac, l->chain, CHAIN_LEN);
}

__attribute__((format(printf, 5, 6)))
static int fail(struct vstate *st, enum verify_kind kind, const char *file,
		uint64_t line, const char *fmt, ...)
{
	struct verify_result *res = st->res;
	va_list ap;

	res->kind = kind;
	res->file = file;
	res->line = line;
	va_start(ap, fmt);
	vsnprintf(res->detail, sizeof(res->detail), fmt, ap);
	va_end(ap);
	return 1;
}

/* A genuine line: it verifies after the line with n - 1, found anywhere in vf. */
static bool line_authentic(const struct vstate *st, const struct vfile *vf,
			   const struct vline *l)
{
	size_t k;

	if (!l->ok)
		return false;
	if (l->n == 1 && line_verifies(st, l, zero_chain, 1))
		return true;
	if (l->cont && line_verifies(st, l, l->prev_chain, l->n))
		return true;
	for (k = 0; k < vf->nlines; k++) {
		const struct vline *o = &vf->lines[k];

		if (o != l && o->ok && o->n == l->n - 1 &&
		    line_verifies(st, l, o->chain, l->n))
			return true;
	}
	return false;
}

/* An identical line before line i (a replay): its index in *k. */
static bool earlier_copy(const struct vfile *vf, size_t i, size_t *k)
{
	const struct vline *l = &vf->lines[i];

	for (*k = 0; *k < i; (*k)++) {
		const struct vline *o = &vf->lines[*k];

		if (o->len == l->len && !memcmp(o->p, l->p, l->len))
			return true;
	}
	return false;
}

/* Line i does not continue the chain: say why, as precisely as possible. */
static int classify(struct vstate *st, const struct vfile *vf, size_t i)
{
	const struct vline *l = &vf->lines[i];
	const struct vline *next = i + 1 < vf->nlines ? &vf->lines[i + 1] : NULL;
	uint64_t E = st->expect, lineno = i + 1;
	struct verify_result *res = st->res;
	size_t j, k;

	res->n = l->ok ? l->n : 0;
	if (!l->nl && st->clean)
		return fail(st, VERIFY_INSERTED, vf->name, lineno,
			    "data after the final checkpoint");
	if (!l->nl)
		return fail(st, VERIFY_TRUNCATED, vf->name, lineno,
			    "incomplete last line (no newline): the log was cut");

	/* A rotated file that does not continue the one before it. */
	if (l->cont && line_verifies(st, l, l->prev_chain, l->n)) {
		if (l->n > E) {
			res->missing_first = E;
			res->missing_last = l->n - 1;
			return fail(st, VERIFY_DELETED, vf->name, lineno,
				    "n=%" PRIu64 "..%" PRIu64 " missing (%" PRIu64
				    " line%s): this file continues a later one; a rotated file left out?",
				    E, l->n - 1, l->n - E, l->n - E == 1 ? "" : "s");
		}
		if (l->n < E)
			return fail(st, VERIFY_REORDERED, vf->name, lineno,
				    "this file starts at n=%" PRIu64 " but n=%" PRIu64
				    " was expected: files given out of order?", l->n, E);
		return fail(st, VERIFY_MODIFIED, vf->name, lineno,
			    "prev_chain does not match the previous file's last chain value");
	}

	/* Does the chain go on from the last good line further down? */
	for (j = i + 1; j < vf->nlines; j++)
		if (line_verifies(st, &vf->lines[j], st->prev, E))
			break;
	if (j < vf->nlines) {
		if (l->ok && l->n < E && earlier_copy(vf, i, &k))
			return fail(st, VERIFY_INSERTED, vf->name, lineno,
				    "copy of line %zu (n=%" PRIu64 ") replayed", k + 1,
				    l->n);
		if (l->ok && l->n != E && line_authentic(st, vf, l))
			return fail(st, VERIFY_REORDERED, vf->name, lineno,
				    "genuine line n=%" PRIu64 " appears before n=%" PRIu64
				    " (which is at line %zu)", l->n, E, j + 1);
		if (j == i + 1 && l->ok)
			return fail(st, VERIFY_INSERTED, vf->name, lineno,
				    "line with n=%" PRIu64 " is not part of the chain; it goes on at line %zu",
				    l->n, j + 1);
		if (j == i + 1)
			return fail(st, VERIFY_INSERTED, vf->name, lineno,
				    "malformed line is not part of the chain; it goes on at line %zu",
				    j + 1);
		return fail(st, VERIFY_INSERTED, vf->name, lineno,
			    "%zu lines (%" PRIu64 "..%zu) are not part of the chain; it goes on at line %zu",
			    j - i, lineno, j, j + 1);
	}
	if (!l->ok)
		return fail(st, VERIFY_MODIFIED, vf->name, lineno,
			    "malformed line: no valid \"n\" and \"chain\" at its end");
	if (l->n == E) {
		if (st->clean)
			return fail(st, VERIFY_INSERTED, vf->name, lineno,
				    "n=%" PRIu64 " after the final checkpoint is not part of the chain",
				    l->n);
		return fail(st, VERIFY_MODIFIED, vf->name, lineno,
			    "n=%" PRIu64 ": HMAC mismatch: the line was changed%s", l->n,
			    res->have_last ? "" : " (or the key is wrong)");
	}
	if (next && next->ok && next->n == E + 1)
		return fail(st, VERIFY_MODIFIED, vf->name, lineno,
			    "\"n\" changed: n=%" PRIu64 " where n=%" PRIu64
			    " belongs (the next line is n=%" PRIu64 ")", l->n, E, E + 1);
	if (l->n > E) {
		res->missing_first = E;
		res->missing_last = l->n - 1;
		return fail(st, VERIFY_DELETED, vf->name, lineno,
			    "n=%" PRIu64 "..%" PRIu64 " missing (%" PRIu64
			    " line%s) before this line", E, l->n - 1, l->n - E,
			    l->n - E == 1 ? "" : "s");
	}
	if (earlier_copy(vf, i, &k))
		return fail(st, VERIFY_INSERTED, vf->name, lineno,
			    "copy of line %zu (n=%" PRIu64 ") replayed", k + 1, l->n);
	return fail(st, VERIFY_REORDERED, vf->name, lineno,
		    "n goes back: n=%" PRIu64 " after n=%" PRIu64, l->n, E - 1);
}

static void accept(struct vstate *st, const struct vfile *vf, size_t i)
{
	const struct vline *l = &vf->lines[i];
	struct verify_result *res = st->res;

	memcpy(st->prev, l->chain, CHAIN_LEN);
	st->expect = l->n + 1;
	st->clean = l->final;
	res->lines++;
	res->have_last = true;
	res->last_n = l->n;
	res->last_time_ns = l->time_ns;
	if (l->checkpoint) {
		res->have_checkpoint = true;
		res->checkpoint_time_ns = l->time_ns;
	}
	/* Lines the sink said it could not write: accounted, not deleted. */
	if (l->gap) {
		memcpy(st->prev, l->resume_chain, CHAIN_LEN);
		st->expect = l->gap_last + 1;
		res->last_n = l->gap_last;
		if (!res->gaps) {
			res->gap_first = l->n;
			res->gap_last = l->gap_last;
		}
		res->gaps++;
		res->gap_lines += l->gap_last - l->n + 1;
	}
}

static int verify_vfile(struct vstate *st, const struct vfile *vf)
{
	size_t i;

	for (i = 0; i < vf->nlines; i++) {
		const struct vline *l = &vf->lines[i];

		st->last_file = vf->name;
		st->last_line = i + 1;
		if (!st->started) {
			st->started = true;
			if (l->cont) {	/* a rotated file: trust its prev_chain */
				memcpy(st->prev, l->prev_chain, CHAIN_LEN);
				st->expect = l->n;
			} else {
				memset(st->prev, 0, CHAIN_LEN);
				st->expect = 1;
			}
		} else if (l->start && st->expect != 1 &&
			   line_verifies(st, l, zero_chain, 1)) {
			/* a new chain: the daemon restarted */
			if (!st->clean)
				return fail(st, VERIFY_TRUNCATED, vf->name, i + 1,
					    "the chain before this chain_start ends at n=%" PRIu64
					    " without a final checkpoint (tail cut or daemon crash)",
					    st->res->last_n);
			memset(st->prev, 0, CHAIN_LEN);
			st->expect = 1;
		}
		if (!l->nl || !line_verifies(st, l, st->prev, st->expect))
			return classify(st, vf, i);
		accept(st, vf, i);
	}
	return 0;
}

/* What a file that is not a regular one is, for the message. */
static const char *file_kind(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "FIFO";
	if (S_ISCHR(mode))
		return "character device";
	if (S_ISBLK(mode))
		return "block device";
	if (S_ISDIR(mode))
		return "directory";
	if (S_ISSOCK(mode))
		return "socket";
	return "special file";
}

/*
 * Open a log file for reading, only if it is a regular file, and not
 * through a symbolic link.  The logs are in a directory the service user
 * owns, and verify runs as root: a link planted there must not make it
 * read another file, and a FIFO or a device (/dev/zero) would be read for
 * ever.  lstat() first, so that a device is never opened (an open can have
 * effects of its own); then the file opened without following a link or
 * blocking (a FIFO swapped in meanwhile) must be the one looked at.
 * Return: the fd, with its size in *size, or -errno and @why says why.
 */
static int open_log(const char *path, size_t *size, char *why, size_t why_size)
{
	struct stat lsb, sb;
	int fd;

	if (lstat(path, &lsb) < 0) {
		snprintf(why, why_size, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (S_ISLNK(lsb.st_mode)) {
		snprintf(why, why_size, "%s: a symbolic link (not followed): give the file itself",
			 path);
		return -ELOOP;
	}
	if (!S_ISREG(lsb.st_mode)) {
		snprintf(why, why_size, "%s: not a regular file (%s)", path,
			 file_kind(lsb.st_mode));
		return -EINVAL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		snprintf(why, why_size, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_dev != lsb.st_dev ||
	    sb.st_ino != lsb.st_ino) {
		snprintf(why, why_size, "%s: replaced while being opened", path);
		close(fd);
		return -EAGAIN;
	}
	*size = (size_t)sb.st_size;
	return fd;
}

/*
 * Read a log file whole, as it is when opened: at most the size it had
 * then (lines a running daemon appends meanwhile are not read, so the read
 * ends even if they never stop).  @why says what went wrong.
 */
static int read_file(const char *path, char **buf, size_t *len, char *why,
		     size_t why_size)
{
	size_t size = 0, have = 0;
	ssize_t n;
	char *p;
	int fd, ret;

	fd = open_log(path, &size, why, why_size);
	if (fd < 0)
		return fd;
	p = malloc(size + 1);
	if (!p) {
		ret = -ENOMEM;
		goto err_close;
	}
	while (have < size) {
		n = read(fd, p + have, size - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			goto err_free;
		}
		if (n == 0)
			break;	/* the file shrank: verify what is there */
		have += n;
	}
	close(fd);
	*buf = p;
	*len = have;
	return 0;

err_free:
	free(p);
err_close:
	snprintf(why, why_size, "%s: %s", path, strerror(-ret));
	close(fd);
	return ret;
}

static int finish(struct vstate *st)
{
	struct verify_result *res = st->res;
	char cp[64] = "no checkpoint";

	if (!res->have_last)
		return fail(st, VERIFY_TRUNCATED, st->last_file ? st->last_file : res->file,
			    st->last_line, "no chained lines");
	if (!st->clean) {
		if (res->have_checkpoint)
			snprintf(cp, sizeof(cp), "last checkpoint at time_ns %" PRIu64,
				 res->checkpoint_time_ns);
		res->n = res->last_n;
		return fail(st, VERIFY_TRUNCATED, st->last_file, st->last_line,
			    "the log ends at n=%" PRIu64 " without a final checkpoint (%s)",
			    res->last_n, cp);
	}
	res->final_time_ns = res->last_time_ns;
	return 0;
}

static void vstate_init(struct vstate *st, const uint8_t *key, size_t key_len,
			struct verify_result *res)
{
	memset(res, 0, sizeof(*res));
	memset(st, 0, sizeof(*st));
	st->key = key;
	st->key_len = key_len;
	st->res = res;
}

int verify_files(const uint8_t *key, size_t key_len, const char *const *files,
		 int nfiles, struct verify_result *res)
{
	struct vstate st;
	int i, ret = 0;

	vstate_init(&st, key, key_len, res);
	for (i = 0; i < nfiles && !ret; i++) {
		struct vfile vf = { .name = files[i] };
		size_t len = 0;
		char *buf = NULL;

		res->file = files[i];
		ret = read_file(files[i], &buf, &len, res->detail,
				sizeof(res->detail));
		if (ret)
			return ret;
		ret = split_lines(&vf, buf, len);
		if (!ret) {
			if (!vf.nlines) {
				st.last_file = files[i];
				st.last_line = 0;
			}
			ret = verify_vfile(&st, &vf);
		} else {
			snprintf(res->detail, sizeof(res->detail), "%s: %s",
				 files[i], strerror(-ret));
		}
		free(vf.lines);
		free(buf);
	}
	if (ret)
		return ret;
	return finish(&st);
}

int verify_buffer(const uint8_t *key, size_t key_len, const char *name,
		  const char *buf, size_t len, struct verify_result *res)
{
	struct vfile vf = { .name = name };
	struct vstate st;
	int ret;

	vstate_init(&st, key, key_len, res);
	res->file = name;
	st.last_file = name;
	ret = split_lines(&vf, buf, len);
	if (ret)
		return ret;
	ret = verify_vfile(&st, &vf);
	free(vf.lines);
	return ret ? ret : finish(&st);
}

const char *verify_kind_name(enum verify_kind kind)
{
	static const char *const names[] = {
		[VERIFY_OK] = "ok",
		[VERIFY_MODIFIED] = "modified",
		[VERIFY_DELETED] = "deleted",
		[VERIFY_INSERTED] = "inserted",
		[VERIFY_REORDERED] = "reordered",
		[VERIFY_TRUNCATED] = "truncated",
	};

	if ((unsigned int)kind < sizeof(names) / sizeof(names[0]))
		return names[kind];
	return "unknown";
}

/* Lines the sink could not write, each range accounted by a sink_gap line. */
static void print_gaps(FILE *out, const struct verify_result *res)
{
	if (!res->gaps)
		return;
	fprintf(out, "not written: %" PRIu64 " line%s in %" PRIu64
		" gap%s accounted by sink_gap lines (the first: n=%" PRIu64 "..%" PRIu64 ")\n",
		res->gap_lines, res->gap_lines == 1 ? "" : "s", res->gaps,
		res->gaps == 1 ? "" : "s", res->gap_first, res->gap_last);
}

void verify_print(FILE *out, const struct verify_result *res, bool json)
{
	if (json) {
		fprintf(out, "{\"result\":\"%s\",\"lines\":%" PRIu64,
			verify_kind_name(res->kind), res->lines);
		if (res->kind == VERIFY_OK) {
			fprintf(out, ",\"final_time_ns\":%" PRIu64, res->final_time_ns);
		} else {
			fputs(",\"file\":", out);
			json_fputs(out, res->file ? res->file : "");
			fprintf(out, ",\"line\":%" PRIu64 ",\"detail\":", res->line);
			json_fputs(out, res->detail);
			if (res->kind == VERIFY_DELETED)
				fprintf(out, ",\"missing_first\":%" PRIu64
					",\"missing_last\":%" PRIu64,
					res->missing_first, res->missing_last);
		}
		if (res->have_last)
			fprintf(out, ",\"last_n\":%" PRIu64 ",\"last_time_ns\":%" PRIu64,
				res->last_n, res->last_time_ns);
		if (res->have_checkpoint)
			fprintf(out, ",\"last_checkpoint_time_ns\":%" PRIu64,
				res->checkpoint_time_ns);
		if (res->gaps)
			fprintf(out, ",\"gaps\":%" PRIu64 ",\"gap_lines\":%" PRIu64,
				res->gaps, res->gap_lines);
		fputs("}\n", out);
		return;
	}
	if (res->kind == VERIFY_OK) {
		fprintf(out, "ok: %" PRIu64 " lines, chain intact, clean shutdown at time_ns %"
			PRIu64 "\n", res->lines, res->final_time_ns);
		print_gaps(out, res);
		return;
	}
	fprintf(out, "FAIL: %s:%" PRIu64 ": %s: %s\n", res->file ? res->file : "-",
		res->line, verify_kind_name(res->kind), res->detail);
	if (res->have_last)
		fprintf(out, "last verified: n=%" PRIu64 " time_ns=%" PRIu64,
			res->last_n, res->last_time_ns);
	else
		fputs("last verified: none", out);
	if (res->have_checkpoint)
		fprintf(out, ", last checkpoint time_ns=%" PRIu64, res->checkpoint_time_ns);
	fputc('\n', out);
	print_gaps(out, res);
}
