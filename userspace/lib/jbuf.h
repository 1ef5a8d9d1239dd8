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

/*
 * Unchecked runs, for the daemon's hot path: a formatter that knows the
 * worst-case length of what it writes next checks the room once with
 * jb_reserve(), writes through a cursor with the jb_w*() helpers (each
 * returns the cursor past what it wrote) and ends with jb_commit().  Far
 * cheaper than a check per piece: the cursor stays in a register, where a
 * checked put must reload jb's fields after every store through jb->buf
 * (a char store may alias them).
 */

/* Where to write at most n bytes and a NUL, or NULL (jb overflowed). */
static inline char *jb_reserve(struct jbuf *jb, size_t n)
{
	if (jb->overflow || n >= jb->size - jb->len) {
		jb->overflow = true;
		return NULL;
	}
	return jb->buf + jb->len;
}

/* End a run at end (from the cursor of jb_reserve()). */
static inline void jb_commit(struct jbuf *jb, char *end)
{
	*end = '\0';
	jb->len = (size_t)(end - jb->buf);
}

static inline char *jb_wmem(char *p, const void *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

/* A string literal. */
#define jb_wlit(p, s)	jb_wmem(p, s, sizeof(s) - 1)

/* n bytes of s as they are. */
static inline void jb_put(struct jbuf *jb, const char *s, size_t n)
{
	char *p = jb_reserve(jb, n);

	if (p)
		jb_commit(jb, jb_wmem(p, s, n));
}

/* A string literal, its length known at compile time. */
#define jb_lit(jb, s)	jb_put(jb, s, sizeof(s) - 1)

/* val in decimal: needs JB_NUM_MAX bytes of room (it writes past the digits). */
#define JB_NUM_MAX	20
char *jb_wnum(char *p, uint64_t val);
/* One byte of a JSON string, escaped as above: at most 6 bytes. */
char *jb_wchar(char *p, uint8_t c);

/* 0, or a compile error when e is true (as in the kernel). */
#define JB_BUILD_BUG_ON_ZERO(e)	((int)sizeof(struct { int:(-!!(e)); }))

/*
 * A short constant string with its length, zero padded to JB_FRAG_MAX
 * bytes so that jb_wfrag() can copy it as one fixed-size block: the
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

/* f->s: needs JB_FRAG_MAX bytes of room (it writes the padding too). */
static inline char *jb_wfrag(char *p, const struct jb_frag *f)
{
	memcpy(p, f->s, JB_FRAG_MAX);
	return p + f->len;
}

void jb_printf(struct jbuf *jb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* One byte of a JSON string, escaped as above. */
void jb_char(struct jbuf *jb, uint8_t c);
/* At most max bytes of s (stopping at a NUL), escaped, in quotes. */
void jb_quoted(struct jbuf *jb, const char *s, size_t max);
/* s, escaped, in quotes, to a stream. */
void json_fputs(FILE *out, const char *s);

#endif /* INPUTAUDITD_JBUF_H */
