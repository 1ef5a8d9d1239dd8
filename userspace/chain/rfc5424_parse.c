// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Stored RFC 5424 messages; see rfc5424_parse.h. */
#include <string.h>

#include "rfc5424_parse.h"

/* One header token at *p (up to a space); false if none. */
static bool token(const char **p, const char *end, const char **tok, size_t *len)
{
	const char *s = *p;

	while (*p < end && **p != ' ')
		(*p)++;
	if (*p == s || *p >= end)
		return false;
	*tok = s;
	*len = (size_t)(*p - s);
	(*p)++;
	return true;
}

/* STRUCTURED-DATA: "-" or [ID params]... with \" \\ \] escaped in values. */
static bool skip_sd(const char **p, const char *end)
{
	bool quoted = false;

	if (*p < end && **p == '-') {
		(*p)++;
		return true;
	}
	if (*p >= end || **p != '[')
		return false;
	while (*p < end) {
		char c = **p;

		if (quoted && c == '\\' && *p + 1 < end) {
			*p += 2;
			continue;
		}
		if (c == '"')
			quoted = !quoted;
		(*p)++;
		if (!quoted && c == ']' && (*p >= end || **p != '['))
			return true;
	}
	return false;
}

bool rfc5424_parse(const char *line, size_t len, struct rfc5424_msg *m)
{
	const char *p = line, *end = line + len, *tok;
	size_t tlen;

	for (;;) {
		const char *lt = memchr(p, '<', (size_t)(end - p));
		const char *q;

		if (!lt)
			return false;
		for (q = lt + 1; q < end && *q >= '0' && *q <= '9' && q - lt <= 4; q++)
			;
		if (q > lt + 1 && q + 2 < end && *q == '>' && q[1] == '1' && q[2] == ' ') {
			p = q + 3;
			break;
		}
		p = lt + 1;
	}
	if (!token(&p, end, &tok, &tlen))		/* TIMESTAMP */
		return false;
	if (!token(&p, end, &m->host, &m->host_len))	/* HOSTNAME */
		return false;
	if (!token(&p, end, &m->app, &m->app_len))	/* APP-NAME */
		return false;
	if (!token(&p, end, &tok, &tlen) || !token(&p, end, &tok, &tlen))	/* PROCID MSGID */
		return false;
	if (!skip_sd(&p, end))
		return false;
	if (p < end && *p == ' ')
		p++;
	/* a UTF-8 BOM may start MSG */
	if (end - p >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	m->msg = p;
	m->msg_len = (size_t)(end - p);
	return true;
}
