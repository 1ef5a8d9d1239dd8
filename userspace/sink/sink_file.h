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
 */
#ifndef INPUTAUDITD_SINK_FILE_H
#define INPUTAUDITD_SINK_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sink.h"

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

/* The sink's current file size in bytes (written and buffered); for tests. */
uint64_t sink_file_size(struct sink *s);

#endif /* INPUTAUDITD_SINK_FILE_H */
