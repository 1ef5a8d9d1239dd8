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
	bool has_run;		/* chain_start with "run" (linked runs) */
	uint64_t run;
	enum chain_prev_run prev_kind;
	uint64_t prev_run_n;
	uint8_t prev_run_chain[CHAIN_LEN];
	bool has_epoch;		/* a daemon line naming its key's epoch */
	uint64_t epoch;
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
	const struct verify_opts *opts;
	/*
	 * Epoch keys derived from key_0: one every EPOCH_STRIDE epochs and the
	 * last one asked for, so memory stays small and going back is cheap.
	 */
	struct ekey {
		uint64_t epoch;
		uint8_t key[CHAIN_KEY_MAX];
		size_t len;
	} *ekeys;
	size_t nekeys, ekeys_cap;
	struct ekey last_ekey;
	uint64_t epoch;		/* of the last line verified */
	bool epoch_known;	/* a line named it */
	bool lost_sync;		/* looking for a line to go on from */
	uint64_t line_base;	/* a stream: lines fed before this part */
	bool tail_ok;		/* the last line of the part before (a stream) */
	uint64_t tail_n;
	uint8_t tail_chain[CHAIN_LEN];
	/* the run being verified: its number and the lines a state could name */
	bool run_have;
	bool run_link_broken;	/* its chain_start's link was reported */
	bool run_unknown;	/* the log began inside a run (file_continued) */
	uint64_t run;
	uint64_t run_last_n;
	struct vpoint {
		uint64_t n;
		uint8_t chain[CHAIN_LEN];
	} *points;
	size_t npoints, points_cap;
};

/*
 * Epoch keys are derived one by one (about a microsecond each): a line
 * naming an epoch further ahead than this is taken as not verifying, so a
 * forged line cannot keep verify busy.  2^22: eight years at one epoch a
 * minute; past the epoch already reached, 2^20 more.
 */
#define VERIFY_MAX_EPOCH	(1u << 22)
#define VERIFY_EPOCH_AHEAD	(1u << 20)

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

/* chain_start of a linked run: "run", "prev_run" and the line it names. */
static void parse_run(struct vline *l)
{
	if (!body_u64(l, "\"run\":", &l->run) || !l->run)
		return;
	if (find(l->p, l->body_len, "\"prev_run\":\"none\"")) {
		l->prev_kind = CHAIN_PREV_NONE;
	} else if (find(l->p, l->body_len, "\"prev_run\":\"lost\"")) {
		l->prev_kind = CHAIN_PREV_LOST;
	} else if (find(l->p, l->body_len, "\"prev_run\":\"linked\"") &&
		   body_u64(l, "\"prev_run_n\":", &l->prev_run_n) &&
		   body_chain(l, "\"prev_run_chain\":\"", l->prev_run_chain)) {
		l->prev_kind = CHAIN_PREV_LINKED;
	} else {
		return;
	}
	l->has_run = true;
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
	if (l->start)
		parse_run(l);
	if (l->start || l->checkpoint || l->cont)
		l->has_epoch = body_u64(l, "\"epoch\":", &l->epoch);
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

#define EPOCH_STRIDE	4096

/* key_@epoch, derived forward from the key given (key_0); NULL if too far. */
static const uint8_t *epoch_key(struct vstate *st, uint64_t epoch, size_t *len)
{
	const struct ekey *from = NULL;
	struct ekey *last = &st->last_ekey;
	uint8_t next[CHAIN_KEY_MAX];
	uint64_t e;
	size_t k, next_len;

	if (epoch >= VERIFY_MAX_EPOCH ||
	    (st->epoch_known && epoch > st->epoch + VERIFY_EPOCH_AHEAD))
		return NULL;
	if (!epoch) {
		*len = st->key_len;
		return st->key;
	}
	if (last->epoch == epoch && last->len) {
		*len = last->len;
		return last->key;
	}
	/* the nearest known key at or below @epoch */
	if (last->len && last->epoch < epoch)
		from = last;
	for (k = 0; k < st->nekeys; k++)
		if (st->ekeys[k].epoch <= epoch && (!from || st->ekeys[k].epoch > from->epoch))
			from = &st->ekeys[k];
	if (from) {
		e = from->epoch;
		memcpy(next, from->key, from->len);
		next_len = from->len;
	} else {
		e = 0;
		memcpy(next, st->key, st->key_len);
		next_len = st->key_len;
	}
	while (e < epoch) {
		if (chain_epoch_key(next, next_len, e, e + 1, next, &next_len))
			return NULL;
		e++;
		if (e % EPOCH_STRIDE == 0 && e > (st->nekeys ? st->ekeys[st->nekeys - 1].epoch : 0)) {
			if (st->nekeys == st->ekeys_cap) {
				size_t cap = st->ekeys_cap ? 2 * st->ekeys_cap : 16;
				struct ekey *n = realloc(st->ekeys, cap * sizeof(*n));

				if (!n)
					return NULL;
				st->ekeys = n;
				st->ekeys_cap = cap;
			}
			st->ekeys[st->nekeys].epoch = e;
			memcpy(st->ekeys[st->nekeys].key, next, next_len);
			st->ekeys[st->nekeys].len = next_len;
			st->nekeys++;
		}
	}
	last->epoch = epoch;
	memcpy(last->key, next, next_len);
	last->len = next_len;
	OPENSSL_cleanse(next, sizeof(next));
	*len = last->len;
	return last->key;
}

static bool verifies_epoch(struct vstate *st, const struct vline *l,
			   const uint8_t prev[CHAIN_LEN], uint64_t n, uint64_t epoch)
{
	uint8_t mac[CHAIN_LEN];
	const uint8_t *key;
	size_t key_len;

	if (!l->ok || l->n != n)
		return false;
	key = epoch_key(st, epoch, &key_len);
	if (!key || chain_hmac(key, key_len, prev, CHAIN_LEN, l->p, l->body_len, mac))
		return false;
	return !CRYPTO_memcmp(mac, l->chain, CHAIN_LEN);
}

/* A line is sealed with the key of the epoch it names, else the current one. */
static bool line_verifies(struct vstate *st, const struct vline *l,
			  const uint8_t prev[CHAIN_LEN], uint64_t n)
{
	return verifies_epoch(st, l, prev, n, l->has_epoch ? l->epoch : st->epoch);
}

__attribute__((format(printf, 5, 6)))
static int fail(struct vstate *st, enum verify_kind kind, const char *file,
		uint64_t line, const char *fmt, ...)
{
	struct verify_result *res = st->res;
	struct verify_problem *pr;
	va_list ap;

	line += st->line_base;
	res->nproblems++;
	if (res->nproblems <= VERIFY_MAX_PROBLEMS) {
		pr = &res->problems[res->nproblems - 1];
		pr->kind = kind;
		pr->file = file;
		pr->line = line;
		pr->line_last = line;
		pr->n = 0;
		va_start(ap, fmt);
		vsnprintf(pr->detail, sizeof(pr->detail), fmt, ap);
		va_end(ap);
	}
	if (res->nproblems == 1) {
		res->kind = kind;
		res->file = file;
		res->line = line;
		va_start(ap, fmt);
		vsnprintf(res->detail, sizeof(res->detail), fmt, ap);
		va_end(ap);
	}
	return 1;
}

static struct verify_problem *last_problem(struct vstate *st)
{
	struct verify_result *res = st->res;

	if (!res->nproblems || res->nproblems > VERIFY_MAX_PROBLEMS)
		return NULL;
	return &res->problems[res->nproblems - 1];
}

/* A genuine line: it verifies after the line with n - 1, found anywhere in vf. */
static bool line_authentic(struct vstate *st, const struct vfile *vf,
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
	size_t base = (size_t)st->line_base;	/* lines before this part (a stream) */
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
				    "copy of line %zu (n=%" PRIu64 ") replayed", base + k + 1,
				    l->n);
		if (l->ok && l->n != E && line_authentic(st, vf, l))
			return fail(st, VERIFY_REORDERED, vf->name, lineno,
				    "genuine line n=%" PRIu64 " appears before n=%" PRIu64
				    " (which is at line %zu)", l->n, E, base + j + 1);
		if (j == i + 1 && l->ok)
			return fail(st, VERIFY_INSERTED, vf->name, lineno,
				    "line with n=%" PRIu64 " is not part of the chain; it goes on at line %zu",
				    l->n, base + j + 1);
		if (j == i + 1)
			return fail(st, VERIFY_INSERTED, vf->name, lineno,
				    "malformed line is not part of the chain; it goes on at line %zu",
				    base + j + 1);
		return fail(st, VERIFY_INSERTED, vf->name, lineno,
			    "%zu lines (%" PRIu64 "..%zu) are not part of the chain; it goes on at line %zu",
			    j - i, base + lineno, base + j, base + j + 1);
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
			    "copy of line %zu (n=%" PRIu64 ") replayed", base + k + 1, l->n);
	return fail(st, VERIFY_REORDERED, vf->name, lineno,
		    "n goes back: n=%" PRIu64 " after n=%" PRIu64, l->n, E - 1);
}

static void add_point(struct vstate *st, const struct vline *l)
{
	struct vpoint *pts;

	if (st->npoints == st->points_cap) {
		size_t cap = st->points_cap ? 2 * st->points_cap : 64;

		pts = realloc(st->points, cap * sizeof(*pts));
		if (!pts)
			return;	/* a link check may then fail: never a false "ok" */
		st->points = pts;
		st->points_cap = cap;
	}
	st->points[st->npoints].n = l->n;
	memcpy(st->points[st->npoints].chain, l->chain, CHAIN_LEN);
	st->npoints++;
}

/* A line of the current run a chain state could name (chain_start, checkpoint). */
static bool has_point(const struct vstate *st, uint64_t n, const uint8_t chain[CHAIN_LEN])
{
	size_t k;

	for (k = 0; k < st->npoints; k++)
		if (st->points[k].n == n && !memcmp(st->points[k].chain, chain, CHAIN_LEN))
			return true;
	return false;
}

/* The epoch a verified line names must follow the one before it. */
static void check_epoch(struct vstate *st, const struct vfile *vf, size_t i)
{
	const struct vline *l = &vf->lines[i];
	struct verify_result *res = st->res;
	uint64_t max;

	if (!l->has_epoch)
		return;
	/*
	 * A clean stop evolves once after its final checkpoint, a start once
	 * more; after a crash, lines that never reached the log may have
	 * evolved it further (the crash itself is reported).
	 */
	max = st->epoch + (!l->start ? 1 : st->clean ? 2 : VERIFY_MAX_EPOCH);
	if (st->epoch_known && !st->run_link_broken &&
	    !(l->start && l->prev_kind == CHAIN_PREV_LOST) &&
	    (l->epoch < st->epoch || l->epoch > max))
		fail(st, VERIFY_EPOCH, vf->name, i + 1,
		     "n=%" PRIu64 " names epoch %" PRIu64 " after epoch %" PRIu64 ": %s",
		     l->n, l->epoch, st->epoch,
		     l->epoch < st->epoch ?
		     "the epoch goes back (lines moved, or an older part re-sealed)" :
		     "epochs skipped: sealed with a later key than its place's (truncated and sealed on, or re-sealed)");
	st->epoch = l->epoch;
	st->epoch_known = true;
	if (!res->have_epoch || l->epoch < res->first_epoch)
		res->first_epoch = l->epoch;
	if (!res->have_epoch || l->epoch > res->last_epoch)
		res->last_epoch = l->epoch;
	res->have_epoch = true;
}

static void accept(struct vstate *st, const struct vfile *vf, size_t i)
{
	const struct vline *l = &vf->lines[i];
	struct verify_result *res = st->res;

	/* the daemon writes nothing after a run's final checkpoint but a chain_start */
	if (st->clean && !l->start)
		fail(st, VERIFY_INSERTED, vf->name, i + 1,
		     "n=%" PRIu64 " after the final checkpoint of its run: sealed later, with the key of a stopped daemon",
		     l->n);
	check_epoch(st, vf, i);
	st->run_link_broken = false;
	memcpy(st->prev, l->chain, CHAIN_LEN);
	st->expect = l->n + 1;
	st->clean = l->final;
	st->run_last_n = l->n;
	res->lines_total++;
	res->end_n = l->n;
	res->end_time_ns = l->time_ns;
	if (!res->nproblems) {
		res->lines++;
		res->last_n = l->n;
		res->last_time_ns = l->time_ns;
	}
	res->have_last = true;
	if (l->start || l->checkpoint)
		add_point(st, l);
	if (l->start)
		res->runs++;
	if (l->checkpoint) {
		res->end_checkpoint_time_ns = l->time_ns;
		if (!res->nproblems) {
			res->have_checkpoint = true;
			res->checkpoint_time_ns = l->time_ns;
		}
	}
	/* Lines the sink said it could not write: accounted, not deleted. */
	if (l->gap) {
		memcpy(st->prev, l->resume_chain, CHAIN_LEN);
		st->expect = l->gap_last + 1;
		st->run_last_n = l->gap_last;
		res->end_n = l->gap_last;
		if (!res->nproblems)
			res->last_n = l->gap_last;
		if (!res->gaps) {
			res->gap_first = l->n;
			res->gap_last = l->gap_last;
		}
		res->gaps++;
		res->gap_lines += l->gap_last - l->n + 1;
	}
}

/* The log begins after its head: fine only with VERIFY_ALLOW_PARTIAL. */
static void head_missing(struct vstate *st, const struct vfile *vf, size_t i,
			 uint64_t from_n, uint64_t from_run, const char *what)
{
	struct verify_result *res = st->res;

	res->partial = true;
	res->continues_from = from_n;
	res->continues_run = from_run;
	if (st->opts && (st->opts->flags & VERIFY_ALLOW_PARTIAL))
		return;
	if (from_run)
		fail(st, VERIFY_HEAD, vf->name, i + 1,
		     "%s: the log continues from n=%" PRIu64 " of run %" PRIu64
		     "; its head is not here", what, from_n, from_run);
	else
		fail(st, VERIFY_HEAD, vf->name, i + 1,
		     "%s: the log continues from n=%" PRIu64 "; its head is not here",
		     what, from_n);
}

/*
 * A chain_start (verified on its own) begins run l->run: does it name the
 * run before it in the log?  first: it is the log's first line.
 */
static void new_run(struct vstate *st, const struct vfile *vf, size_t i, bool first)
{
	const struct vline *l = &vf->lines[i];
	struct verify_result *res = st->res;
	uint64_t q = st->run, line = i + 1, problems = res->nproblems;

	if (l->has_run && l->prev_kind == CHAIN_PREV_LOST)
		fail(st, VERIFY_STATE_LOST, vf->name, line,
		     "run %" PRIu64 ": the chain state was lost before this run (\"prev_run\":\"lost\"): its link to the run before cannot be checked",
		     l->run);
	else if (first && l->has_run && l->prev_kind == CHAIN_PREV_LINKED)
		head_missing(st, vf, i, l->prev_run_n, l->run - 1, "chain_start");
	else if (first)
		;
	else if (!l->has_run && st->run_have)
		fail(st, VERIFY_RUN, vf->name, line,
		     "an unlinked chain_start after run %" PRIu64
		     " (no run counter): a chain from a daemon without chain state", q);
	else if (l->has_run && !st->run_have && l->prev_kind == CHAIN_PREV_LINKED &&
		 st->run_unknown) {
		/* the log began inside run l->run - 1: its number is not known */
		if (!has_point(st, l->prev_run_n, l->prev_run_chain) &&
		    l->prev_run_n > st->run_last_n)
			fail(st, VERIFY_DELETED, vf->name, line,
			     "the run before ends at n=%" PRIu64 " but run %" PRIu64
			     " names its line n=%" PRIu64 ": n=%" PRIu64 "..%" PRIu64 " missing (its tail was cut)",
			     st->run_last_n, l->run, l->prev_run_n, st->run_last_n + 1,
			     l->prev_run_n);
		else if (!has_point(st, l->prev_run_n, l->prev_run_chain))
			fail(st, VERIFY_RUN, vf->name, line,
			     "run %" PRIu64 " names line n=%" PRIu64
			     " of the run before with a chain value that run does not have",
			     l->run, l->prev_run_n);
	} else if (l->has_run && !st->run_have && l->prev_kind == CHAIN_PREV_LINKED)
		fail(st, VERIFY_RUN, vf->name, line,
		     "run %" PRIu64 " names run %" PRIu64 " before it, but the chain before it in the log is not a linked run",
		     l->run, l->run - 1);
	else if (l->has_run && l->prev_kind == CHAIN_PREV_NONE && st->run_have)
		fail(st, VERIFY_RUN, vf->name, line,
		     "run %" PRIu64 " says it is the first run (\"prev_run\":\"none\") but follows run %" PRIu64,
		     l->run, q);
	else if (l->has_run && l->prev_kind == CHAIN_PREV_LINKED) {
		if (l->run > q + 1) {
			if (!res->nproblems) {
				res->missing_first = 0;
				res->missing_last = 0;
			}
			fail(st, VERIFY_DELETED, vf->name, line,
			     "run%s %" PRIu64 "..%" PRIu64 " missing between run %" PRIu64
			     " and run %" PRIu64, l->run - q > 2 ? "s" : "", q + 1,
			     l->run - 1, q, l->run);
		} else if (l->run == q) {
			fail(st, VERIFY_INSERTED, vf->name, line,
			     "run %" PRIu64 " again: a replayed run", l->run);
		} else if (l->run < q) {
			fail(st, VERIFY_REORDERED, vf->name, line,
			     "run %" PRIu64 " after run %" PRIu64 ": runs out of order", l->run, q);
		} else if (!has_point(st, l->prev_run_n, l->prev_run_chain)) {
			if (l->prev_run_n > st->run_last_n)
				fail(st, VERIFY_DELETED, vf->name, line,
				     "run %" PRIu64 " ends at n=%" PRIu64 " but run %" PRIu64
				     " names its line n=%" PRIu64 ": n=%" PRIu64 "..%" PRIu64
				     " of run %" PRIu64 " missing (its tail was cut)",
				     q, st->run_last_n, l->run, l->prev_run_n,
				     st->run_last_n + 1, l->prev_run_n, q);
			else
				fail(st, VERIFY_RUN, vf->name, line,
				     "run %" PRIu64 " names line n=%" PRIu64 " of run %" PRIu64
				     " with a chain value that run does not have: a run from elsewhere?",
				     l->run, l->prev_run_n, q);
		}
	}
	st->run_link_broken = res->nproblems != problems;
	st->run_unknown = false;
	st->run_have = l->has_run;
	st->run = l->has_run ? l->run : 0;
	st->run_last_n = 0;
	st->npoints = 0;
	if (l->has_run) {
		if (!res->have_run || l->run < res->first_run)
			res->first_run = l->run;
		if (!res->have_run || l->run > res->last_run)
			res->last_run = l->run;
		res->have_run = true;
	}
}

/* Line i may begin a chain here: a chain_start or file_continued verified on its own. */
static bool begins_chain(struct vstate *st, const struct vline *l)
{
	if (!l->ok || !l->nl)
		return false;
	if (l->start && line_verifies(st, l, zero_chain, 1))
		return true;
	return l->cont && line_verifies(st, l, l->prev_chain, l->n);
}

/* The first line of the log. */
static void begin(struct vstate *st, const struct vfile *vf, size_t i)
{
	const struct vline *l = &vf->lines[i];

	st->started = true;
	memset(st->prev, 0, CHAIN_LEN);
	st->expect = 1;
	if (l->cont && begins_chain(st, l)) {
		memcpy(st->prev, l->prev_chain, CHAIN_LEN);
		st->expect = l->n;
		st->run_unknown = true;
		head_missing(st, vf, i, l->n - 1, 0, l->gap ? "sink_gap" : "file_continued");
	} else if (l->start && begins_chain(st, l)) {
		new_run(st, vf, i, true);
	} else if (l->ok && l->n > 1 && l->nl) {
		/* neither its chain value nor its content can be checked */
		st->lost_sync = true;
		st->run_unknown = true;
		st->res->unverified++;
		if (st->opts && (st->opts->flags & VERIFY_ALLOW_PARTIAL)) {
			head_missing(st, vf, i, l->n - 1, 0, "");
			return;
		}
		st->res->partial = true;
		st->res->continues_from = l->n - 1;
		if (!st->res->nproblems) {
			st->res->missing_first = 1;
			st->res->missing_last = l->n - 1;
			st->res->n = l->n;
		}
		fail(st, VERIFY_DELETED, vf->name, i + 1,
		     "n=1..%" PRIu64 " missing (%" PRIu64 " line%s) before this line: the log's head was cut",
		     l->n - 1, l->n - 1, l->n == 2 ? "" : "s");
	}
}

/*
 * After a problem at line i (or, lost_sync, from line i on): the first line
 * the chain can be followed from again: one that goes on from the last good
 * line, a chain_start or file_continued verified on its own, or a line that
 * verifies after the chain value of the line before it.  The lines skipped
 * are not verified and belong to the last problem's range.
 * Return: the index to go on at (vf->nlines: none in this file).
 */
static size_t resync(struct vstate *st, const struct vfile *vf, size_t i)
{
	struct verify_problem *pr = last_problem(st);
	bool lost = st->lost_sync;
	size_t j;

	for (j = i; j < vf->nlines; j++) {
		const struct vline *l = &vf->lines[j];
		const struct vline *o = j ? &vf->lines[j - 1] : NULL;

		if (!l->ok || !l->nl)
			continue;
		if ((j > i || lost) && st->started && line_verifies(st, l, st->prev, st->expect))
			break;
		if ((j > i || lost) && l->start && line_verifies(st, l, zero_chain, 1)) {
			new_run(st, vf, j, false);
			memset(st->prev, 0, CHAIN_LEN);
			st->expect = 1;
			break;
		}
		if ((j > i || lost) && l->cont && line_verifies(st, l, l->prev_chain, l->n)) {
			memcpy(st->prev, l->prev_chain, CHAIN_LEN);
			st->expect = l->n;
			break;
		}
		/* the line before: in this part, or the last one of the part before */
		if (o ? o->ok : (lost && st->tail_ok)) {
			const uint8_t *oc = o ? o->chain : st->tail_chain;
			uint64_t on = o ? o->n : st->tail_n;

			if (!(j > i || lost) || on + 1 != l->n)
				continue;
			if (l->has_epoch ? verifies_epoch(st, l, oc, l->n, l->epoch) :
			    verifies_epoch(st, l, oc, l->n, st->epoch)) {
				;
			} else if (!l->has_epoch &&
				   verifies_epoch(st, l, oc, l->n, st->epoch + 1)) {
				st->epoch++;
			} else {
				continue;
			}
			memcpy(st->prev, oc, CHAIN_LEN);
			st->expect = l->n;
			break;
		}
	}
	st->res->unverified += j - i;
	if (pr && j > i && pr->file == vf->name && pr->line_last < st->line_base + j)
		pr->line_last = st->line_base + j;
	st->lost_sync = j == vf->nlines;
	return j;
}

static int verify_vfile(struct vstate *st, const struct vfile *vf)
{
	struct verify_result *res = st->res;
	size_t i = 0, failed_at = (size_t)-1;

	while (i < vf->nlines) {
		const struct vline *l = &vf->lines[i];

		st->last_file = vf->name;
		st->last_line = i + 1;
		if (st->lost_sync) {
			i = resync(st, vf, i);
			continue;
		}
		if (!st->started) {
			begin(st, vf, i);
			if (st->lost_sync) {
				i++;
				continue;
			}
		} else if (l->start && st->expect != 1 &&
			   line_verifies(st, l, zero_chain, 1)) {
			/* a new run: the daemon restarted */
			if (!st->clean)
				fail(st, VERIFY_TRUNCATED, vf->name, i + 1,
				     "the chain before this chain_start ends at n=%" PRIu64
				     " without a final checkpoint (tail cut or daemon crash)",
				     res->end_n);
			new_run(st, vf, i, false);
			memset(st->prev, 0, CHAIN_LEN);
			st->expect = 1;
		}
		if (!l->nl || !line_verifies(st, l, st->prev, st->expect)) {
			uint64_t n = res->n, mf = res->missing_first, ml = res->missing_last;
			uint64_t before = res->nproblems;
			struct verify_problem *pr;

			if (i == failed_at) {	/* cannot happen: resync found this line */
				i++;
				res->unverified++;
				continue;
			}
			classify(st, vf, i);
			if (before) {	/* res->n etc. describe the first problem */
				res->n = n;
				res->missing_first = mf;
				res->missing_last = ml;
			}
			pr = last_problem(st);
			if (pr)
				pr->n = l->ok ? l->n : 0;
			failed_at = i;
			i = resync(st, vf, i);
			continue;
		}
		accept(st, vf, i);
		i++;
	}
	if (vf->nlines) {
		const struct vline *t = &vf->lines[vf->nlines - 1];

		st->tail_ok = t->ok && t->nl;
		st->tail_n = t->n;
		memcpy(st->tail_chain, t->chain, CHAIN_LEN);
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

/* The chain state (verify --state-dir) names the last line saved: is it here? */
static void check_state(struct vstate *st)
{
	const struct verify_opts *o = st->opts;
	const char *file = st->last_file;
	uint64_t line = st->last_line;

	if (!o || !o->have_state || !o->state_run)
		return;
	if (!st->run_have || st->run < o->state_run) {
		fail(st, VERIFY_DELETED, file, line,
		     "the chain state names run %" PRIu64 " but the log ends in %s%" PRIu64
		     ": the last run%s missing (or a file rolled back)", o->state_run,
		     st->run_have ? "run " : "an unlinked run after run ",
		     st->run_have ? st->run : st->res->last_run,
		     st->run_have && o->state_run - st->run == 1 ? " is" : "s are");
		return;
	}
	if (st->run > o->state_run) {
		fail(st, VERIFY_RUN, file, line,
		     "the log has run %" PRIu64 ", after the last run the chain state knows (%" PRIu64 ")",
		     st->run, o->state_run);
		return;
	}
	if (!o->state_have_last || has_point(st, o->state_last_n, o->state_last_chain))
		return;
	if (o->state_last_n > st->run_last_n)
		fail(st, VERIFY_DELETED, file, line,
		     "the log ends at n=%" PRIu64 " of run %" PRIu64 " but the chain state saved n=%" PRIu64
		     ": n=%" PRIu64 "..%" PRIu64 " missing (tail cut, or a file rolled back)",
		     st->run_last_n, st->run, o->state_last_n, st->run_last_n + 1,
		     o->state_last_n);
	else
		fail(st, VERIFY_RUN, file, line,
		     "line n=%" PRIu64 " of run %" PRIu64 " does not have the chain value the chain state saved",
		     o->state_last_n, st->run);
}

static int finish(struct vstate *st)
{
	struct verify_result *res = st->res;
	char cp[64] = "no checkpoint";

	if (!res->have_last) {
		fail(st, VERIFY_TRUNCATED, st->last_file ? st->last_file : res->file,
		     st->last_line, "no chained lines");
	} else if (!st->clean && !st->lost_sync &&
		   !(st->opts && (st->opts->flags & VERIFY_LIVE))) {
		if (res->end_checkpoint_time_ns)
			snprintf(cp, sizeof(cp), "last checkpoint at time_ns %" PRIu64,
				 res->end_checkpoint_time_ns);
		if (!res->nproblems)
			res->n = res->end_n;
		fail(st, VERIFY_TRUNCATED, st->last_file, st->last_line,
		     "the log ends at n=%" PRIu64 " without a final checkpoint (%s)",
		     res->end_n, cp);
	}
	check_state(st);
	if (res->nproblems)
		return 1;
	res->final_time_ns = res->last_time_ns;
	return 0;
}

static void vstate_init(struct vstate *st, const uint8_t *key, size_t key_len,
			const struct verify_opts *opts, struct verify_result *res)
{
	memset(res, 0, sizeof(*res));
	memset(st, 0, sizeof(*st));
	st->key = key;
	st->key_len = key_len;
	st->opts = opts;
	st->res = res;
}

static void vstate_free(struct vstate *st)
{
	if (st->ekeys)
		OPENSSL_cleanse(st->ekeys, st->nekeys * sizeof(*st->ekeys));
	free(st->ekeys);
	OPENSSL_cleanse(&st->last_ekey, sizeof(st->last_ekey));
	free(st->points);
}

int verify_files_opts(const uint8_t *key, size_t key_len,
		      const char *const *files, int nfiles,
		      const struct verify_opts *opts, struct verify_result *res)
{
	struct vstate st;
	char why[sizeof(res->detail)];
	int i, ret = 0;

	vstate_init(&st, key, key_len, opts, res);
	for (i = 0; i < nfiles && !ret; i++) {
		struct vfile vf = { .name = files[i] };
		size_t len = 0;
		char *buf = NULL;

		ret = read_file(files[i], &buf, &len, why, sizeof(why));
		if (ret) {
			res->file = files[i];
			memcpy(res->detail, why, sizeof(why));
			break;
		}
		if (!res->nproblems)
			res->file = files[i];
		ret = split_lines(&vf, buf, len);
		if (!ret) {
			if (!vf.nlines) {
				st.last_file = files[i];
				st.last_line = 0;
			}
			ret = verify_vfile(&st, &vf);
		} else {
			res->file = files[i];
			snprintf(res->detail, sizeof(res->detail), "%s: %s",
				 files[i], strerror(-ret));
		}
		free(vf.lines);
		free(buf);
	}
	if (!ret)
		ret = finish(&st);
	vstate_free(&st);
	return ret;
}

int verify_files(const uint8_t *key, size_t key_len, const char *const *files,
		 int nfiles, struct verify_result *res)
{
	return verify_files_opts(key, key_len, files, nfiles, NULL, res);
}

int verify_buffer(const uint8_t *key, size_t key_len, const char *name,
		  const char *buf, size_t len, struct verify_result *res)
{
	return verify_buffer_opts(key, key_len, name, buf, len, NULL, res);
}

int verify_buffer_opts(const uint8_t *key, size_t key_len, const char *name,
		       const char *buf, size_t len, const struct verify_opts *opts,
		       struct verify_result *res)
{
	struct vfile vf = { .name = name };
	struct vstate st;
	int ret;

	vstate_init(&st, key, key_len, opts, res);
	res->file = name;
	st.last_file = name;
	ret = split_lines(&vf, buf, len);
	if (!ret)
		ret = verify_vfile(&st, &vf);
	free(vf.lines);
	if (!ret)
		ret = finish(&st);
	vstate_free(&st);
	return ret;
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
		[VERIFY_HEAD] = "head",
		[VERIFY_RUN] = "run",
		[VERIFY_STATE_LOST] = "state_lost",
		[VERIFY_EPOCH] = "epoch",
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

static void print_range(FILE *out, const struct verify_problem *pr)
{
	fprintf(out, "%s:%" PRIu64, pr->file ? pr->file : "-", pr->line);
	if (pr->line_last > pr->line)
		fprintf(out, "-%" PRIu64, pr->line_last);
}

/* What was verified and what was not. */
static void print_summary(FILE *out, const struct verify_result *res)
{
	fprintf(out, "verified: %" PRIu64 " line%s", res->lines_total,
		res->lines_total == 1 ? "" : "s");
	if (res->runs)
		fprintf(out, " in %" PRIu64 " run%s", res->runs, res->runs == 1 ? "" : "s");
	if (res->have_run)
		fprintf(out, " (runs %" PRIu64 "..%" PRIu64 ")", res->first_run, res->last_run);
	if (res->have_epoch)
		fprintf(out, ", epochs %" PRIu64 "..%" PRIu64, res->first_epoch, res->last_epoch);
	fprintf(out, "; not verified: %" PRIu64 " line%s", res->unverified,
		res->unverified == 1 ? "" : "s");
	if (res->partial)
		fprintf(out, "; the log continues from n=%" PRIu64, res->continues_from);
	if (res->partial && res->continues_run)
		fprintf(out, " of run %" PRIu64, res->continues_run);
	if (res->nproblems)
		fprintf(out, "; %" PRIu64 " problem%s", res->nproblems,
			res->nproblems == 1 ? "" : "s");
	fputc('\n', out);
}

static void print_json(FILE *out, const struct verify_result *res)
{
	uint64_t k;

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
	fprintf(out, ",\"lines_total\":%" PRIu64 ",\"end_n\":%" PRIu64
		",\"unverified\":%" PRIu64 ",\"runs\":%" PRIu64, res->lines_total, res->end_n,
		res->unverified, res->runs);
	if (res->have_run)
		fprintf(out, ",\"first_run\":%" PRIu64 ",\"last_run\":%" PRIu64,
			res->first_run, res->last_run);
	if (res->have_epoch)
		fprintf(out, ",\"first_epoch\":%" PRIu64 ",\"last_epoch\":%" PRIu64,
			res->first_epoch, res->last_epoch);
	if (res->partial)
		fprintf(out, ",\"continues_from\":%" PRIu64 ",\"continues_run\":%" PRIu64,
			res->continues_from, res->continues_run);
	fprintf(out, ",\"problem_count\":%" PRIu64 ",\"problems\":[", res->nproblems);
	for (k = 0; k < res->nproblems && k < VERIFY_MAX_PROBLEMS; k++) {
		const struct verify_problem *pr = &res->problems[k];

		fprintf(out, "%s{\"kind\":\"%s\",\"file\":", k ? "," : "",
			verify_kind_name(pr->kind));
		json_fputs(out, pr->file ? pr->file : "");
		fprintf(out, ",\"line\":%" PRIu64 ",\"line_last\":%" PRIu64 ",\"n\":%" PRIu64
			",\"detail\":", pr->line, pr->line_last, pr->n);
		json_fputs(out, pr->detail);
		fputc('}', out);
	}
	fputs("]}\n", out);
}

void verify_print(FILE *out, const struct verify_result *res, bool json)
{
	uint64_t k;

	if (json) {
		print_json(out, res);
		return;
	}
	if (res->kind == VERIFY_OK) {
		if (res->partial)
			fprintf(out, "continues from n=%" PRIu64 ": ", res->continues_from);
		else
			fputs("ok: ", out);
		fprintf(out, "%" PRIu64 " lines, chain intact, clean shutdown at time_ns %"
			PRIu64 "\n", res->lines, res->final_time_ns);
		print_gaps(out, res);
		if (res->have_run || res->partial)
			print_summary(out, res);
		return;
	}
	for (k = 0; k < res->nproblems && k < VERIFY_MAX_PROBLEMS; k++) {
		const struct verify_problem *pr = &res->problems[k];

		fputs("FAIL: ", out);
		print_range(out, pr);
		fprintf(out, ": %s: %s\n", verify_kind_name(pr->kind), pr->detail);
	}
	if (res->nproblems > VERIFY_MAX_PROBLEMS)
		fprintf(out, "FAIL: ... %" PRIu64 " more problems not listed\n",
			res->nproblems - VERIFY_MAX_PROBLEMS);
	/* the intact part before the first problem */
	if (res->lines)
		fprintf(out, "last verified: n=%" PRIu64 " time_ns=%" PRIu64,
			res->last_n, res->last_time_ns);
	else
		fputs("last verified: none", out);
	if (res->have_checkpoint)
		fprintf(out, ", last checkpoint time_ns=%" PRIu64, res->checkpoint_time_ns);
	fputc('\n', out);
	print_gaps(out, res);
	print_summary(out, res);
}

/* ---- a growing log, verified as its lines come (verify --follow) ---- */

struct verify_stream {
	struct vstate st;
	struct verify_opts opts;
	uint8_t key[CHAIN_KEY_MAX];
};

struct verify_stream *verify_stream_new(const uint8_t *key, size_t key_len,
					unsigned int flags, struct verify_result *res)
{
	struct verify_stream *vs = calloc(1, sizeof(*vs));

	if (!vs || key_len > CHAIN_KEY_MAX) {
		free(vs);
		return NULL;
	}
	memcpy(vs->key, key, key_len);
	vs->opts.flags = flags;
	vstate_init(&vs->st, vs->key, key_len, &vs->opts, res);
	return vs;
}

int verify_stream_feed(struct verify_stream *vs, const char *name, const char *buf,
		       size_t len)
{
	struct vfile vf = { .name = name };
	uint64_t before = vs->st.res->nproblems;
	int ret;

	ret = split_lines(&vf, buf, len);
	if (ret)
		return ret;
	vs->st.last_file = name;
	ret = verify_vfile(&vs->st, &vf);
	vs->st.line_base += vf.nlines;
	free(vf.lines);
	return ret < 0 ? ret : (int)(vs->st.res->nproblems - before);
}

void verify_stream_free(struct verify_stream *vs)
{
	if (!vs)
		return;
	vstate_free(&vs->st);
	OPENSSL_cleanse(vs, sizeof(*vs));
	free(vs);
}
