// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* JSON output helpers; see jbuf.h. */
#include <stdarg.h>

#include "jbuf.h"

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

void jb_char(struct jbuf *jb, uint8_t c)
{
	static const char hex[] = "0123456789abcdef";
	char s[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

	if (c == '"' || c == '\\') {
		s[1] = (char)c;
		jb_put(jb, s, 2);
	} else if (c < 0x20 || c > 0x7e) {
		jb_put(jb, s, 6);
	} else {
		jb_put(jb, (const char *)&c, 1);
	}
}

void jb_quoted(struct jbuf *jb, const char *s, size_t max)
{
	size_t i;

	jb_lit(jb, "\"");
	for (i = 0; i < max && s[i]; i++)
		jb_char(jb, (uint8_t)s[i]);
	jb_lit(jb, "\"");
}

void json_fputs(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20 || ch > 0x7e)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}
