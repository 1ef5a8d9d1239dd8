/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The RFC 5424 message the syslog and RELP sinks send for one line, and
 * the growing byte buffer they build it in.  Moved out of sink_syslog.c
 * unchanged (sink_syslog.h describes the format):
 *
 *   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ID k="v" ...] JSON
 *
 * Calling context: one formatter per sink, used by one thread.
 */
#ifndef INPUTAUDITD_RFC5424_H
#define INPUTAUDITD_RFC5424_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "sink.h"
#include "sink_syslog.h"

/* A growing byte buffer, always NUL terminated. */
struct buf {
	char *p;
	size_t len, cap;
	bool failed;		/* an allocation failed */
};

bool buf_reserve(struct buf *b, size_t more);
void buf_add(struct buf *b, const void *data, size_t len);
void buf_str(struct buf *b, const char *s);
/* A decimal number, at least @width digits (zero padded). */
void buf_num(struct buf *b, uint64_t v, unsigned int width);
void buf_free(struct buf *b);

struct rfc5424 {
	char *app_name, *hostname;
	char sd_open[SINK_SYSLOG_SD_ID_MAX + 3];	/* " [SD-ID" */
	size_t sd_open_len;
	pid_t pid;
	struct buf msg, tmp;
	/* "YYYY-MM-DDTHH:MM:SS" of ts_sec: formatted once a second. */
	time_t ts_sec;
	char ts_prefix[80];
};

/*
 * Set up @f: @app_name NULL: "inputaudit"; @hostname NULL: gethostname()
 * at rfc5424_open().  Return: 0, -ENOMEM, or -EINVAL for a bad @sd_id.
 */
int rfc5424_init(struct rfc5424 *f, const char *app_name, const char *sd_id,
		 const char *hostname);
/* Read the host name (if not given) and the PROCID.  Return: 0 or -ENOMEM. */
int rfc5424_open(struct rfc5424 *f);
/* The message for @line in f->msg (no newline, no framing).  Return: 0 or -ENOMEM. */
int rfc5424_format(struct rfc5424 *f, const struct sink_line *line);
void rfc5424_free(struct rfc5424 *f);

#endif /* INPUTAUDITD_RFC5424_H */
