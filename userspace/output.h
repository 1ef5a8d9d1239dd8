/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The JSON Lines sink: stdout or a file only root can read.  Lines are
 * buffered and written out by output_flush(), which the daemon calls after
 * every batch, so a reader never waits longer than one poll round.
 */
#ifndef INPUTAUDITD_OUTPUT_H
#define INPUTAUDITD_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

struct output {
	FILE *fp;
	const char *name;	/* for messages */
};

/* path NULL or "-": stdout.  Return: 0 or a negative errno. */
int output_open(struct output *out, const char *path);
/* Return: 0 or a negative errno. */
int output_write(struct output *out, const char *line, size_t len);
int output_flush(struct output *out);
/* Return: 0 or a negative errno (a failed final write). */
int output_close(struct output *out);

#endif /* INPUTAUDITD_OUTPUT_H */
