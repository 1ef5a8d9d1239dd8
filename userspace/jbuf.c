// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* JSON output helpers; see jbuf.h. */
#include <stdarg.h>

#include "jbuf.h"

/* Decimal digits of val, 1 to 20, without a loop. */
static unsigned int dec_len(uint64_t val)
{
	/* The smallest value with i + 1 digits; 0 for i = 0 so 0 has one. */
	static const uint64_t min_of_len[20] = {
		0ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull,
		10000000ull, 100000000ull, 1000000000ull, 10000000000ull,
		100000000000ull, 1000000000000ull, 10000000000000ull,
		100000000000000ull, 1000000000000000ull, 10000000000000000ull,
		100000000000000000ull, 1000000000000000000ull,
		10000000000000000000ull,
	};
	/*
	 * 1233 / 4096 is just above log10(2): from the bit length this gives
	 * the digits of the smallest value of that length, less one; values
	 * of the same bit length have at most one digit more.
	 */
	unsigned int t = ((64 - __builtin_clzll(val | 1)) * 1233) >> 12;

	return t + (val >= min_of_len[t]);
}

static const char dec_pairs[201] =
	"00010203040506070809101112131415161718192021222324"
	"25262728293031323334353637383940414243444546474849"
	"50515253545556575859606162636465666768697071727374"
	"75767778798081828384858687888990919293949596979899";

/* val in decimal, two digits per division, ending right before end. */
static void put_dec(char *end, uint64_t val)
{
	while (val >= 100) {
		unsigned int d = (unsigned int)(val % 100);

		val /= 100;
		end -= 2;
		memcpy(end, &dec_pairs[2 * d], 2);
	}
	if (val >= 10)
		memcpy(end - 2, &dec_pairs[2 * val], 2);
	else
		end[-1] = (char)('0' + val);
}

/* The hot path's number format (several per record): the length first. */
void jb_num(struct jbuf *jb, uint64_t val)
{
	unsigned int n = dec_len(val);
	char *p;

	if (jb->overflow)
		return;
	if (n >= jb->size - jb->len) {
		jb->overflow = true;
		return;
	}
	p = jb->buf + jb->len + n;
	*p = '\0';
	jb->len += n;
	put_dec(p, val);
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
