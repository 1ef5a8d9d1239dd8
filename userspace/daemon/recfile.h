/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Record files: the raw kernel records as the daemon received them, for
 * --record FILE and --replay FILE (tests and bug reports).
 *
 * Format: a 16-byte header, then struct inputaudit_record's back to back
 * in the host's byte order (the same bytes the BPF ring held).
 *   bytes 0-7    magic "IAREC\0\0\1" (the last byte is the format version)
 *   bytes 8-11   record size, u32 little endian: 56
 *   bytes 12-15  reserved, u32 little endian: 0
 * A file is created mode 0600 (an existing one is truncated and narrowed
 * to 0600): records can hold key codes at level "keys".
 */
#ifndef INPUTAUDITD_RECFILE_H
#define INPUTAUDITD_RECFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "inputaudit.h"

#define RECFILE_MAGIC		"IAREC\0\0\1"
#define RECFILE_MAGIC_LEN	8
#define RECFILE_HEADER_LEN	16

#define RECFILE_BUF_RECORDS	64

struct recfile {
	int fd;
	bool writing;
	/* writing: records not yet written out (one write() per batch) */
	unsigned int buffered;
	/* reading: bytes in buf, and how many of them were consumed */
	size_t rd_have, rd_pos;
	struct inputaudit_record buf[RECFILE_BUF_RECORDS];
	uint64_t records;	/* written, or read so far */
	uint64_t offset;	/* reading: bytes consumed, header included */
	char err[256];		/* why the last call failed */
};

/*
 * Create (or truncate) path for writing and write the header.  Return: 0
 * or a negative errno (rf->err says what failed).
 */
int recfile_create(struct recfile *rf, const char *path);

/* Append one record.  Return: 0 or a negative errno. */
int recfile_write(struct recfile *rf, const struct inputaudit_record *rec);
/*
 * Write out the buffered records (recfile_write() buffers up to
 * RECFILE_BUF_RECORDS; recfile_close() flushes).  Return: 0 or -errno.
 */
int recfile_flush(struct recfile *rf);

/*
 * Open path for reading and check its header.  Return: 0; -EINVAL when the
 * header is short or wrong (bad magic or version, record size other than
 * 56, reserved not 0), with rf->err naming it; or another negative errno.
 */
int recfile_open(struct recfile *rf, const char *path);

/*
 * Read the next record.  Return: 1 with *rec filled; 0 at the end of the
 * file; -ENODATA when the file ends inside a record (a truncated final
 * record; rf->err gives its offset and size); or another negative errno.
 */
int recfile_read(struct recfile *rf, struct inputaudit_record *rec);

/* Close (after fsync when writing).  Return: 0 or a negative errno. */
int recfile_close(struct recfile *rf);

#endif /* INPUTAUDITD_RECFILE_H */
