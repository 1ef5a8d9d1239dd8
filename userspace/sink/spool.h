/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * An on-disk FIFO of records (byte strings) with a size cap, for sinks that
 * must hold lines while their destination is away.
 *
 * Layout: segment files "<16 hex digits>.spool" (mode 0600) in one
 * directory, oldest first; each record is a 4-byte little-endian length and
 * the bytes.  Records are appended to the newest segment (a new one is
 * started when it reaches seg_max bytes) and read from the oldest; a segment
 * is deleted once it has been read completely, and all of them once the
 * spool is empty.  The directory is opened by spool_open() and everything
 * afterwards is relative to that fd (works after the privilege drop).
 *
 * Restarts: spool_open() takes over the segments a previous run left, drops
 * a torn last record (crash during an append) and resumes at the read
 * position spool_close() saved in the file "position".  After a crash there
 * is no saved position: the oldest segment is read again from its start, so
 * records may be sent twice.
 *
 * The cap counts the bytes of all segment files, read parts of the oldest
 * included; spool_append() refuses a record that would pass it.
 */
#ifndef INPUTAUDITD_SPOOL_H
#define INPUTAUDITD_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SPOOL_RECORD_MAX	(1024 * 1024)

struct spool {
	int dirfd;		/* -1: no spool directory, every append fails */
	uint64_t max_bytes;	/* cap on the segment files' total size */
	uint64_t seg_max;	/* start a new segment at this size */
	uint64_t head_idx;	/* oldest segment */
	uint64_t next_idx;	/* next segment to create; empty if == head_idx */
	int head_fd;		/* reading the oldest segment, or -1 */
	uint64_t head_off;	/* read position in it */
	int tail_fd;		/* appending to the newest segment, or -1 */
	uint64_t tail_size;
	uint64_t bytes;		/* total size of the segment files */
	uint64_t records;	/* records not consumed yet */
	uint32_t peek_len;	/* length of the record spool_peek() returned */
};

/*
 * Open the spool in @dir (created 0700 if missing; with @uid != -1 the
 * directory and the files in it are given to uid:gid, for the user the
 * daemon becomes).  dir NULL: a spool that holds nothing.
 * Return: 0 or a negative errno.
 */
int spool_open(struct spool *sp, const char *dir, uint64_t max_bytes, uid_t uid, gid_t gid);

/*
 * Append a record of @len bytes (1 .. SPOOL_RECORD_MAX).
 * Return: 0, -ENOSPC if it would pass the cap (nothing written), -EMSGSIZE,
 * or another negative errno (nothing written).
 */
int spool_append(struct spool *sp, const void *data, size_t len);

/*
 * Copy the oldest record into @buf without removing it.
 * Return: its length, 0 if the spool is empty, -ENOSPC if it does not fit
 * in @size, or a negative errno.
 */
ssize_t spool_peek(struct spool *sp, void *buf, size_t size);

/* Remove the record spool_peek() returned.  Return: 0 or a negative errno. */
int spool_consume(struct spool *sp);

/*
 * Reading ahead of the oldest record (the RELP sink keeps records it has
 * sent in the spool until the collector acknowledges them, and sends the
 * following ones meanwhile).  A cursor starts at the oldest record
 * (spool_cursor_reset()); spool_cursor_read() copies the record at the
 * cursor and moves past it.  spool_consume() (after spool_peek()) may
 * remove segments behind a cursor, never the one it is in.
 */
struct spool_cursor {
	uint64_t idx;		/* segment */
	uint64_t off;		/* in it */
	int fd;			/* that segment, or -1 */
	uint64_t ahead;		/* records read through it since the reset */
};

void spool_cursor_reset(struct spool *sp, struct spool_cursor *c);
/* Return: the record's length, 0 at the end, -ENOSPC if it does not fit in @size, -errno. */
ssize_t spool_cursor_read(struct spool *sp, struct spool_cursor *c, void *buf, size_t size);
void spool_cursor_close(struct spool_cursor *c);

/* Save the read position and close everything (the files stay). */
void spool_close(struct spool *sp);

/*
 * A counter kept beside the spool across runs (the syslog sink's drops not
 * yet reported to its collector): spool_save_count() writes it to @name in
 * the spool directory (0 removes the file); spool_take_count() reads it
 * back (a regular file, no link followed, a decimal number) and removes
 * it.  Return: 0 or -errno; the value read, or 0.
 */
int spool_save_count(struct spool *sp, const char *name, uint64_t value);
uint64_t spool_take_count(struct spool *sp, const char *name);

#endif /* INPUTAUDITD_SPOOL_H */
