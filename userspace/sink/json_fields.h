/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A minimal reader for the daemon's own JSON lines, for sinks that split
 * fields out of a line (syslog structured data, journal fields).  It walks
 * one JSON object and reports its scalar members; members of nested objects
 * are reported as "outer.inner", arrays are skipped.  Not a validator: it
 * only has to be safe (never reads past len) on any input.
 */
#ifndef INPUTAUDITD_JSON_FIELDS_H
#define INPUTAUDITD_JSON_FIELDS_H

#include <stddef.h>
#include <sys/types.h>

enum json_kind {
	JSON_NUMBER,
	JSON_STRING,	/* val: the content between the quotes, escapes intact */
	JSON_TRUE,
	JSON_FALSE,
	JSON_NULL,
};

/*
 * Called per scalar member.  key is NUL terminated (escapes in keys are
 * kept as they are); val is not.  A non-zero return stops the walk and is
 * returned by json_fields().
 */
typedef int (*json_field_fn)(void *ctx, const char *key, const char *val, size_t vallen,
			     enum json_kind kind);

/*
 * Walk the object in text[0..len) (leading whitespace allowed, anything
 * after the object ignored).  Keys longer than 127 bytes with their prefix
 * are skipped.  Return: 0, fn's non-zero return, or -EINVAL on malformed
 * input (members before the error have been reported).
 */
int json_fields(const char *text, size_t len, json_field_fn fn, void *ctx);

/*
 * Decode the JSON escapes of string content in[0..len) into out (UTF-8;
 * \u0000 becomes U+0000 as one 0 byte).  out is NUL terminated.
 * Return: the decoded length, -ENOSPC if out is too small, -EINVAL.
 */
ssize_t json_unescape(const char *in, size_t len, char *out, size_t size);

#endif /* INPUTAUDITD_JSON_FIELDS_H */
