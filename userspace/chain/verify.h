/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Verify chained output files (chain.h): every line's HMAC, consecutive
 * "n", continuity across rotated files given in order, and a clean end (a
 * checkpoint with "final":true as the last line).
 *
 * A chain begins with a chain_start line (n = 1, chain_0 = 32 zero bytes)
 * or, in a rotated file verified on its own, with a file_continued line,
 * whose "prev_chain" is then trusted as chain_{n-1}.  A chain_start after a
 * clean end starts a new chain (daemon restart).
 *
 * The first problem found is classified:
 *   modified     the line has the expected n but its HMAC is wrong (or the
 *                line is malformed)
 *   deleted      n jumps forward: lines n=first..last are missing
 *   inserted     lines that are not part of the chain: the chain goes on
 *                after them from the last good line
 *   reordered    a genuine line appears before an earlier one (n goes back,
 *                or a later n comes before the expected one), also files
 *                given out of order
 *   truncated    the log does not end with a final checkpoint (tail cut, a
 *                crash, or a rotated file given without its successors)
 *
 * and further kinds for linked runs and evolving keys:
 *   head         the log does not begin at the first run: it starts with a
 *                chain_start that names a run before it, a file_continued
 *                line, or a line in the middle of a chain ("continues from
 *                n = K"; accepted with VERIFY_ALLOW_PARTIAL)
 *   run          a run's chain_start does not name the run before it in
 *                the log (a run from elsewhere, or "prev_run":"none" after
 *                another run); deleted, swapped and replayed runs are
 *                deleted, reordered and inserted
 *   state_lost   the daemon's chain state was missing at a start
 *                ("prev_run":"lost"): the link to the run before it is lost
 *   epoch        a line names an epoch that goes back, or skips forward
 *                (sealed with a later key than the one of its place)
 *
 * Verification goes on after a problem: it resynchronizes at the next
 * chain_start, file_continued or sink_gap line that verifies on its own,
 * or at the first line whose HMAC verifies after the chain value of the
 * line before it; the lines in between are not verified.  Every problem
 * is listed with its line range.
 *
 * Not a problem: a sink_gap line (a file sink could not write lines
 * first_n..last_n, its disk was full).  It has n = first_n, verifies after
 * the line before the gap (its "prev_chain", trusted at a file's start
 * like file_continued's) and carries "resume_chain", the chain value of
 * last_n, from which the chain goes on at last_n + 1.  Only the key holder
 * can make one, so the lines it stands for are accounted, not deleted;
 * they are counted in gaps and gap_lines.
 */
#ifndef INPUTAUDITD_VERIFY_H
#define INPUTAUDITD_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum verify_kind {
	VERIFY_OK,
	VERIFY_MODIFIED,
	VERIFY_DELETED,
	VERIFY_INSERTED,
	VERIFY_REORDERED,
	VERIFY_TRUNCATED,
	VERIFY_HEAD,
	VERIFY_RUN,
	VERIFY_STATE_LOST,
	VERIFY_EPOCH,
};

#define VERIFY_MAX_PROBLEMS	64	/* listed; more are counted */

struct verify_problem {
	enum verify_kind kind;
	const char *file;
	uint64_t line;		/* first line of the range, from 1 */
	uint64_t line_last;	/* last line not verified because of it */
	uint64_t n;
	char detail[240];
};

/* verify_files_opts() flags */
#define VERIFY_ALLOW_PARTIAL	0x1	/* a log that continues a chain is fine */
#define VERIFY_LIVE		0x2	/* still growing: no final checkpoint yet is fine */

struct verify_opts {
	unsigned int flags;
	/* with have_state: the chain state file the log must reach */
	bool have_state;
	uint64_t state_run;
	bool state_have_last;
	uint64_t state_last_n;
	uint8_t state_last_chain[32];
};

struct verify_result {
	/* the first problem (kind VERIFY_OK: none) */
	enum verify_kind kind;
	const char *file;	/* the file of the problem (one of the inputs) */
	uint64_t line;		/* its line number, from 1 */
	char detail[320];
	uint64_t n;		/* "n" of the line at fault, 0 if none */
	uint64_t missing_first;	/* deleted: the missing n range */
	uint64_t missing_last;
	uint64_t lines;		/* lines verified, over all files */
	bool have_last;		/* a line verified: */
	uint64_t last_n;	/*   its n */
	uint64_t last_time_ns;	/*   its time_ns */
	bool have_checkpoint;	/* a checkpoint verified: */
	uint64_t checkpoint_time_ns;	/* the last one's time_ns */
	uint64_t final_time_ns;	/* OK: time_ns of the final checkpoint */
	uint64_t gaps;		/* sink_gap lines verified */
	uint64_t gap_lines;	/* the lines they stand for */
	uint64_t gap_first;	/* the first one's range */
	uint64_t gap_last;
	/* every problem, in the order found */
	uint64_t nproblems;
	struct verify_problem problems[VERIFY_MAX_PROBLEMS];
	/*
	 * lines, last_n, last_time_ns and the checkpoint fields above describe
	 * the intact part before the first problem; these the whole log:
	 */
	uint64_t lines_total;	/* lines verified, over all files */
	uint64_t end_n;		/* the last line verified: its n */
	uint64_t end_time_ns;	/*   and time_ns */
	uint64_t end_checkpoint_time_ns;	/* the last checkpoint verified */
	uint64_t unverified;	/* lines not verified */
	uint64_t runs;		/* chain_start lines verified */
	bool have_run;		/* linked runs seen: */
	uint64_t first_run, last_run;
	bool have_epoch;	/* epochs named: */
	uint64_t first_epoch, last_epoch;
	bool partial;		/* the log continues from n = continues_from */
	uint64_t continues_from;
	uint64_t continues_run;	/* and run, 0 if none named */
};

/**
 * verify_files() - verify chained files, in the order written
 * @key: the chain key
 * @key_len: its length
 * @files: the files (e.g. audit.jsonl.2 audit.jsonl.1 audit.jsonl)
 * @nfiles: how many
 * @res: the outcome
 *
 * Each file must be a regular file, named without a symbolic link as its
 * last component (the log directory is the service user's; verify runs as
 * root): anything else is refused before it is read, and a file is read
 * only up to the size it has when opened, so every read ends.
 *
 * Return: 0 when the chain is intact and ends cleanly, 1 when a problem
 * was found (@res says which), or a negative errno when a file cannot be
 * read or is refused (-EINVAL not a regular file, -ELOOP a symbolic link;
 * @res->file and @res->detail say which).
 */
int verify_files(const uint8_t *key, size_t key_len, const char *const *files,
		 int nfiles, struct verify_result *res);

/**
 * verify_files_opts() - verify_files() with options
 * @key: the chain key: the initial key (epoch 0); later epochs' keys are
 *	derived from it
 * @key_len: its length
 * @files: the files, oldest first
 * @nfiles: how many
 * @opts: options, or NULL
 * @res: the outcome
 *
 * Return: as verify_files().
 */
int verify_files_opts(const uint8_t *key, size_t key_len,
		      const char *const *files, int nfiles,
		      const struct verify_opts *opts, struct verify_result *res);

/**
 * verify_buffer() - verify one in-memory file
 * @key: the chain key
 * @key_len: its length
 * @name: the file name for messages
 * @buf: the file's contents
 * @len: their length
 * @res: the outcome
 *
 * Return: as verify_files().
 */
int verify_buffer(const uint8_t *key, size_t key_len, const char *name,
		  const char *buf, size_t len, struct verify_result *res);

/**
 * verify_buffer_opts() - verify_buffer() with options
 * @key: the chain key
 * @key_len: its length
 * @name: the file name for messages
 * @buf: the file's contents
 * @len: their length
 * @opts: options, or NULL
 * @res: the outcome
 *
 * Return: as verify_files().
 */
int verify_buffer_opts(const uint8_t *key, size_t key_len, const char *name,
		       const char *buf, size_t len, const struct verify_opts *opts,
		       struct verify_result *res);

struct verify_stream;

/**
 * verify_stream_new() - verify a log as it grows, part by part
 * @key: the initial key
 * @key_len: its length
 * @flags: VERIFY_* (a log that may not have begun here: VERIFY_ALLOW_PARTIAL)
 * @res: where the outcome accumulates (cleared here); kept by the stream
 *
 * Each part is verified from where the last one ended (the chain value,
 * n, epoch, run and its lines), so the cost is that of the new lines.
 * Problem lines count from the first line ever fed.
 *
 * Return: the stream, or NULL (no memory, or a key too long).
 */
struct verify_stream *verify_stream_new(const uint8_t *key, size_t key_len,
					unsigned int flags, struct verify_result *res);

/**
 * verify_stream_feed() - verify the next whole lines
 * @vs: the stream
 * @name: the name for problems (must stay valid as long as @vs)
 * @buf: whole lines, each ending in a newline
 * @len: their length
 *
 * Return: how many problems these lines showed, or a negative errno.
 */
int verify_stream_feed(struct verify_stream *vs, const char *name, const char *buf,
		       size_t len);

/**
 * verify_stream_free() - forget the stream (and its key)
 * @vs: the stream, or NULL
 */
void verify_stream_free(struct verify_stream *vs);

/**
 * verify_kind_name() - "ok", "modified", "deleted", ...
 * @kind: the kind
 *
 * Return: a static string.
 */
const char *verify_kind_name(enum verify_kind kind);

/**
 * verify_print() - the outcome for people or as one JSON object
 * @out: where to
 * @res: the outcome of verify_files() that returned 0 or 1
 * @json: one JSON object line instead of text
 *
 * Text: "ok: N lines, chain intact, clean shutdown at time_ns T" (or
 * "continues from n=K: ..." for a partial log), or one line per problem,
 * "FAIL: FILE:LINE[-LAST]: KIND: DETAIL", then "last verified: n=N
 * time_ns=T" and "verified: ... not verified: ..." (the summary).
 */
void verify_print(FILE *out, const struct verify_result *res, bool json);

#endif /* INPUTAUDITD_VERIFY_H */
