// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* JSON output helpers; see jbuf.h. */
#include <endian.h>
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

/*
 * v < 10^8 as 8 ASCII digits, leading zeros included, in a u64 whose
 * little-endian bytes are the digits in order: 4 digits per 32-bit lane,
 * then 2 per 16-bit lane, then 1 per byte, each step a multiply by a
 * reciprocal that is exact for the lane's range.  About 20 instructions,
 * where two digits per division took 4 rounds of more than 10; inlined,
 * as a call costs a third of that again.
 */
static inline __attribute__((always_inline)) uint64_t dec8(uint32_t v)
{
	uint32_t hi = v / 10000;
	uint64_t m = hi | (uint64_t)(v - hi * 10000) << 32;
	uint64_t q;

	q = (m * 10486 >> 20) & 0x0000007f0000007full;	/* / 100 below 10^4 */
	m = q | (m - q * 100) << 16;
	q = (m * 103 >> 10) & 0x000f000f000f000full;	/* / 10 below 100 */
	m = q | (m - q * 10) << 8;
	return m | 0x3030303030303030ull;
}

/*
 * The last k (1 to 8) digits of dec8(v) at p, as one 8-byte store: the
 * leading digits dropped are the low bytes.  Writes 8 - k bytes past them.
 */
static char *put_dec8(char *p, uint32_t v, unsigned int k)
{
	uint64_t w = htole64(dec8(v) >> (8 * (8 - k)));

	memcpy(p, &w, 8);
	return p + k;
}

/*
 * The hot path's number format (several per record): 8 digits at a time,
 * the first chunk holding what is left over.  Each chunk's store writes
 * past it, so the chunks go in order and the next one overwrites that.
 */
char *jb_wnum(char *p, uint64_t val)
{
	unsigned int n;

	if (val < 10) {		/* dev ids, counts, flags */
		*p = (char)('0' + val);
		return p + 1;
	}
	n = dec_len(val);
	if (n > 16) {
		p = put_dec8(p, (uint32_t)(val / 10000000000000000ull), n - 16);
		val %= 10000000000000000ull;
		n = 16;
	}
	if (n > 8) {
		p = put_dec8(p, (uint32_t)(val / 100000000), n - 8);
		val %= 100000000;
		n = 8;
	}
	return put_dec8(p, (uint32_t)val, n);
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

char *jb_wchar(char *p, uint8_t c)
{
	static const char hex[] = "0123456789abcdef";

	if (c == '"' || c == '\\') {
		p[0] = '\\';
		p[1] = (char)c;
		return p + 2;
	}
	if (c < 0x20 || c > 0x7e) {
		memcpy(p, "\\u00", 4);
		p[4] = hex[c >> 4];
		p[5] = hex[c & 15];
		return p + 6;
	}
	*p = (char)c;
	return p + 1;
}

void jb_char(struct jbuf *jb, uint8_t c)
{
	char s[6];

	jb_put(jb, s, (size_t)(jb_wchar(s, c) - s));
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
