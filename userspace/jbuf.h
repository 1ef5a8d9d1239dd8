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

/* 0, or a compile error when e is true (as in the kernel). */
#define JB_BUILD_BUG_ON_ZERO(e)	((int)sizeof(struct { int:(-!!(e)); }))

/*
 * A short constant string with its length, zero padded to JB_FRAG_MAX
 * bytes so that jb_frag() can copy it as one fixed-size block: the
 * compiler inlines such a copy, where a copy of a length known only at run
 * time is a call into memcpy().  For the names of the hot path (record
 * types, event kinds, classes).  len 0: no string (a gap in a table).
 */
#define JB_FRAG_MAX	32

struct jb_frag {
	char s[JB_FRAG_MAX];	/* NUL terminated */
	uint8_t len;
};

/* A jb_frag initializer; the literal must leave room for its NUL. */
#define JB_FRAG(str) {							\
	.s = str,							\
	.len = sizeof(str) - 1 +					\
	       JB_BUILD_BUG_ON_ZERO(sizeof(str) > JB_FRAG_MAX),	\
}

/* f->s as it is: a fixed-size copy while there is room for it. */
static inline void jb_frag(struct jbuf *jb, const struct jb_frag *f)
{
	if (jb->overflow || jb->size - jb->len < JB_FRAG_MAX) {
		jb_put(jb, f->s, f->len);	/* near the end: exact */
		return;
	}
	/* Brings the NUL along: the padding is zeros. */
	memcpy(jb->buf + jb->len, f->s, JB_FRAG_MAX);
	jb->len += f->len;
}

/* val in decimal. */
void jb_num(struct jbuf *jb, uint64_t val);
void jb_printf(struct jbuf *jb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* One byte of a JSON string, escaped as above. */
void jb_char(struct jbuf *jb, uint8_t c);
/* At most max bytes of s (stopping at a NUL), escaped, in quotes. */
void jb_quoted(struct jbuf *jb, const char *s, size_t max);
/* s, escaped, in quotes, to a stream. */
void json_fputs(FILE *out, const char *s);

#endif /* INPUTAUDITD_JBUF_H */
