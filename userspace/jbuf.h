/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * An append-only JSON writer into a caller's buffer: no allocation, and an
 * overflow is sticky, so a formatter checks once, at jb_finish().
 */
#ifndef INPUTAUDITD_JBUF_H
#define INPUTAUDITD_JBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jbuf {
	char *buf;
	size_t size;
	size_t len;
	bool overflow;
};

/* Start an object in buf: writes "{".  Return: 0, or -ENOSPC if size is 0. */
int jb_begin(struct jbuf *jb, char *buf, size_t size);
void jb_printf(struct jbuf *jb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* ,"key":N -- or "key":N right after jb_begin(). */
void jb_u64(struct jbuf *jb, const char *key, uint64_t val);
/* ,"key":"val" for a val known to need no escaping (a name from a table). */
void jb_str(struct jbuf *jb, const char *key, const char *val);
/* ,"key":"..." for any bytes: '"' and '\' escaped, bytes outside 0x20..0x7e as \u00XX. */
void jb_str_esc(struct jbuf *jb, const char *key, const char *val, size_t len);
void jb_bool(struct jbuf *jb, const char *key, bool val);
/* Close the object and the line: "}\n".  Return: the length, or -ENOSPC. */
int jb_finish(struct jbuf *jb);

#endif /* INPUTAUDITD_JBUF_H */
