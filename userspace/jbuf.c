// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The JSON writer; see jbuf.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "jbuf.h"

int jb_begin(struct jbuf *jb, char *buf, size_t size)
{
	*jb = (struct jbuf){ .buf = buf, .size = size };
	if (!size) {
		jb->overflow = true;
		return -ENOSPC;
	}
	buf[0] = '\0';
	jb_printf(jb, "{");
	return 0;
}

void jb_printf(struct jbuf *jb, const char *fmt, ...)
{
	size_t room = jb->size - jb->len;
	va_list ap;
	int n;

	if (jb->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(jb->buf + jb->len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		jb->overflow = true;
		return;
	}
	jb->len += n;
}

/* The separator before a member: none right after the opening brace. */
static const char *jb_sep(const struct jbuf *jb)
{
	return jb->len && jb->buf[jb->len - 1] == '{' ? "" : ",";
}

void jb_u64(struct jbuf *jb, const char *key, uint64_t val)
{
	jb_printf(jb, "%s\"%s\":%" PRIu64, jb_sep(jb), key, val);
}

void jb_str(struct jbuf *jb, const char *key, const char *val)
{
	jb_printf(jb, "%s\"%s\":\"%s\"", jb_sep(jb), key, val);
}

void jb_str_esc(struct jbuf *jb, const char *key, const char *val, size_t len)
{
	size_t i;

	jb_printf(jb, "%s\"%s\":\"", jb_sep(jb), key);
	for (i = 0; i < len; i++) {
		unsigned char c = val[i];

		if (c == '"' || c == '\\')
			jb_printf(jb, "\\%c", c);
		else if (c < 0x20 || c > 0x7e)
			jb_printf(jb, "\\u%04x", c);
		else
			jb_printf(jb, "%c", c);
	}
	jb_printf(jb, "\"");
}

void jb_bool(struct jbuf *jb, const char *key, bool val)
{
	jb_printf(jb, "%s\"%s\":%s", jb_sep(jb), key, val ? "true" : "false");
}

int jb_finish(struct jbuf *jb)
{
	jb_printf(jb, "}\n");
	if (jb->overflow)
		return -ENOSPC;
	return (int)jb->len;
}
