/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The file sink: JSON Lines appended to a file (or stdout), with size-based
 * rotation and reopening on SIGHUP.
 *
 * Files are created 0600, or 0640 with a configured group; an existing file
 * is tightened to that mode (and given the group), never loosened.  The
 * file is opened O_APPEND | O_NOFOLLOW; its directory is held open from
 * sink_ops.open on, and rotation and reopening work relative to that
 * directory fd (renameat/openat/unlinkat), so they keep working after the
 * privilege drop as long as the daemon's user may write the directory.
 * A file created after the privilege drop gets the group only if the
 * daemon's user may chown to it (member of the group) or the directory is
 * setgid with that group (recommended: /var/log/inputaudit owned by the
 * daemon's user and the group, mode 2750); otherwise it stays 0600 and a
 * warning is logged.
 *
 * Rotation (max_size > 0): path.keep is deleted, path.(i) becomes
 * path.(i+1) for i = keep-1 .. 1, path becomes path.1 and a new path is
 * created.  With keep = 0 the old file is deleted.
 *
 * Chaining and rotation: the first line of a new file must be a chained
 * `file_continued` line whose n directly follows the last line of the old
 * file.  A line given to sink_ops.write is already chained, so rotation is
 * decided BEFORE the daemon seals a line: the daemon calls
 * sink_file_prepare() with an upper bound of the next line's length; when
 * that line would pass max_size, the sink rotates and calls on_new_file(),
 * from which the daemon emits `file_continued` through its normal path (to
 * every sink; this sink writes it as the new file's first line), then seals
 * and writes the line it was about to write.  Without on_new_file (no
 * chain), sink_ops.write rotates by itself and sink_file_prepare() is not
 * needed.  If the daemon writes a line without preparing, the line goes to
 * the current file even if it passes max_size; the next prepare rotates.
 *
 * sink_ops.reopen (SIGHUP, after logrotate moved the file) opens path again
 * and, when that is a different file than before, calls
 * on_new_file(ctx, s, NULL).
 *
 * A write that fails (ENOSPC, EDQUOT, EIO, ...) never leaves part of a line
 * in the file: what a write took of a line that did not fit is cut off
 * again (ftruncate), so every line is either whole in the file or lost.
 * With disk_full_action "keep" (FILE_FULL_KEEP) the sink then goes "full":
 * write() counts every line it is given as lost, exactly (by its n and
 * time), and returns 0, so the daemon and the other sinks go on.  It
 * tries to write again at most once per back-off (1 s doubling to 60 s),
 * or at the next tick that finds more free space or inodes than after the
 * failure: the daemon asks (sink_file_gap_due()), seals a sink_gap line
 * for the lost range, and the sink writes it first (sink_file_resume()).
 * With FILE_FULL_STOP, and always for stdout or a FIFO, the error is
 * returned (the daemon stops).  A rotation that fails is retried on the
 * same back-off, not with every line.
 *
 * sink_ops.tick reads the filesystem's free space (fstatfs) for health,
 * the retries and space_left: when the free space falls below it, a
 * warning is due once (sink_file_take_space_low()), again only after it
 * was above it.
 */
#ifndef INPUTAUDITD_SINK_FILE_H
#define INPUTAUDITD_SINK_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sink.h"

/* What a file sink does when a write fails. */
enum file_full_action {
	FILE_FULL_KEEP,		/* count lost lines, go on, resume (default) */
	FILE_FULL_STOP,		/* return the error: the daemon stops */
};

struct file_sink_conf {
	const char *name;	/* s->name; NULL: "file:PATH" or "stdout" */
	const char *path;	/* NULL or "-": stdout (no rotation, no reopen) */
	const char *group;	/* NULL: mode 0600; else 0640 with this group */
	uint64_t max_size;	/* rotate before a line would pass it; 0 = never */
	unsigned int keep;	/* rotated files kept: path.1 .. path.keep */
	/*
	 * Called after a rotation (prev_basename: what the old file is called
	 * now, e.g. "audit.jsonl.1"; NULL if it was deleted, keep = 0) and after
	 * a reopen that found a different file (prev_basename NULL).  It may
	 * call this sink's write().  NULL: no callback.
	 */
	void (*on_new_file)(void *ctx, struct sink *s, const char *prev_basename);
	void *ctx;
	/*
	 * The daemon's user, 0 for none.  An existing file at the path is used
	 * only if it is a regular file owned by this user, or by root with a
	 * single link (what the daemon made before its privilege drop: it
	 * stays root's, unreadable to the user; a reload does not reopen it).
	 */
	uid_t owner;
	/* Warn below this much free space: bytes, or percent when space_left_pct. */
	uint64_t space_left;	/* 0: no warning */
	bool space_left_pct;
	enum file_full_action full_action;
};

/* Lines a file sink could not write, in a row (consecutive n). */
struct file_gap {
	uint64_t lines;		/* how many: last_n - first_n + 1 */
	uint64_t first_n, last_n;
	uint64_t first_time_ns, last_time_ns;	/* their "time_ns" */
	int err;		/* the write error that began it */
	uint64_t prev_n;	/* the last line in the file before it (0: none) */
	bool have_prev_chain;	/* its "chain" is known: */
	char prev_chain[65];	/*   64 hex digits, NUL terminated */
};

/*
 * Set up @s as a file sink; nothing is opened before s->ops->open(s).  The
 * strings in @c are copied.  s->name becomes c->name, else "file:PATH"
 * (or "stdout").
 * Return: 0 or -ENOMEM / -EINVAL.
 */
int sink_file_new(struct sink *s, const struct file_sink_conf *c);

/*
 * Before sealing a line of at most @len bytes: rotate now if it would pass
 * max_size (calling on_new_file).  Does nothing for stdout, max_size 0, a
 * file holding no line, or a file whose only line came from on_new_file.
 * Return: 1 if rotated, 0 if not, or a negative errno.
 */
int sink_file_prepare(struct sink *s, size_t len);

/*
 * A rotation failed since the last call and was not reported yet: fills
 * @err (its negative errno) and @failures (failed rotations so far) and
 * returns true, once per streak of failures (the daemon writes it in-band
 * as a sink_error line).
 */
bool sink_file_take_rotate_failure(struct sink *s, int *err, uint64_t *failures);

/*
 * The sink is full (lines lost since it last wrote) and a resume is due
 * (back-off over, or space came back; decided by sink_ops.tick): fills @g.
 * The caller makes the gap's line and hands it to sink_file_resume().
 */
bool sink_file_gap_due(struct sink *s, struct file_gap *g);

/*
 * Write @line (the gap's line, n = gap.first_n) as the first line after
 * the gap; @resume_chain: the chain value of the gap's last line (64 hex
 * digits, where a gap right after this one begins), NULL unchained.
 * Return: 0, the sink writes again (the gap is closed); or a negative
 * errno: still full, the next try after a longer back-off.
 */
int sink_file_resume(struct sink *s, const char *line, size_t len,
		     const char *resume_chain);

/* The open gap, if the sink is full (at a stop).  Return: true if full. */
bool sink_file_gap(struct sink *s, struct file_gap *g);

/*
 * Writing failed since the last call and was not reported yet: fills @err
 * and returns true, once per streak (the daemon writes a sink_error line).
 */
bool sink_file_take_write_failure(struct sink *s, int *err, uint64_t *failures);

/*
 * The free space fell below space_left since the last call: @free and
 * @threshold in bytes; true once per crossing.
 */
bool sink_file_take_space_low(struct sink *s, uint64_t *free, uint64_t *threshold);

/* Rotations that failed since the sink was made; for tests. */
uint64_t sink_file_rotate_failures(struct sink *s);

/* The sink's current file size in bytes (written and buffered); for tests. */
uint64_t sink_file_size(struct sink *s);

#endif /* INPUTAUDITD_SINK_FILE_H */
