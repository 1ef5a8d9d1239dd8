/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * JSON output helpers shared by the daemon and inputauditctl: an
 * append-only writer into a caller's buffer (no allocation; an overflow is
 * sticky, so a formatter checks once at the end), and the one escaping rule
 * for strings: printable ASCII as is, '"' and '\' escaped, every other byte
 * as \u00XX, so the output is valid JSON and safe on a terminal whatever a
 * device or process named itself.
 */
#ifndef INPUTAUDITD_JBUF_H
#define INPUTAUDITD_JBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct jbuf {
	char *buf;
	size_t size;
	size_t len;
	bool overflow;
};

/* n bytes of s as they are (the hot path: no format parsing). */
static inline void jb_put(struct jbuf *jb, const char *s, size_t n)
{
	if (jb->overflow)
		return;
	if (n >= jb->size - jb->len) {
		jb->overflow = true;
		return;
	}
	memcpy(jb->buf + jb->len, s, n);
	jb->len += n;
	jb->buf[jb->len] = '\0';
}

/* A string literal, its length known at compile time. */
#define jb_lit(jb, s)	jb_put(jb, s, sizeof(s) - 1)

void jb_printf(struct jbuf *jb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* One byte of a JSON string, escaped as above. */
void jb_char(struct jbuf *jb, uint8_t c);
/* At most max bytes of s (stopping at a NUL), escaped, in quotes. */
void jb_quoted(struct jbuf *jb, const char *s, size_t max);
/* s, escaped, in quotes, to a stream. */
void json_fputs(FILE *out, const char *s);

#endif /* INPUTAUDITD_JBUF_H */
