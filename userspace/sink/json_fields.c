// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* A minimal JSON object walker for sinks; see json_fields.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "json_fields.h"

#define KEY_MAX		128
#define DEPTH_MAX	8

struct walker {
	const char *p, *end;
	json_field_fn fn;
	void *ctx;
	char key[KEY_MAX];
};

static void skip_ws(struct walker *w)
{
	while (w->p < w->end && (*w->p == ' ' || *w->p == '\t' || *w->p == '\n' ||
				 *w->p == '\r'))
		w->p++;
}

/* At a quote: advance past the closing quote; s, n: the content. */
static int scan_string(struct walker *w, const char **s, size_t *n)
{
	const char *start = ++w->p;

	while (w->p < w->end && *w->p != '"') {
		if (*w->p == '\\') {
			w->p++;
			if (w->p >= w->end)
				return -EINVAL;
		}
		w->p++;
	}
	if (w->p >= w->end)
		return -EINVAL;
	*s = start;
	*n = (size_t)(w->p - start);
	w->p++;
	return 0;
}

static int skip_value(struct walker *w, int depth);

static int skip_container(struct walker *w, int depth)
{
	const char *s;
	size_t n;
	int err;

	if (depth > DEPTH_MAX)
		return -EINVAL;
	w->p++;	/* '[' or '{' */
	for (;;) {
		skip_ws(w);
		if (w->p >= w->end)
			return -EINVAL;
		if (*w->p == ']' || *w->p == '}') {
			w->p++;
			return 0;
		}
		if (*w->p == ',' || *w->p == ':') {
			w->p++;
			continue;
		}
		if (*w->p == '"') {
			err = scan_string(w, &s, &n);
		} else {
			err = skip_value(w, depth + 1);
		}
		if (err)
			return err;
	}
}

/* A scalar: s, n: its text; kind: what it is. */
static int scan_scalar(struct walker *w, const char **s, size_t *n, enum json_kind *kind)
{
	const char *start = w->p;

	if (*w->p == '"') {
		*kind = JSON_STRING;
		return scan_string(w, s, n);
	}
	while (w->p < w->end && !strchr(",}] \t\r\n", *w->p))
		w->p++;
	*s = start;
	*n = (size_t)(w->p - start);
	if (*n == 4 && !memcmp(start, "true", 4))
		*kind = JSON_TRUE;
	else if (*n == 5 && !memcmp(start, "false", 5))
		*kind = JSON_FALSE;
	else if (*n == 4 && !memcmp(start, "null", 4))
		*kind = JSON_NULL;
	else if (*n && (*start == '-' || (*start >= '0' && *start <= '9')))
		*kind = JSON_NUMBER;
	else
		return -EINVAL;
	return 0;
}

static int skip_value(struct walker *w, int depth)
{
	enum json_kind kind;
	const char *s;
	size_t n;

	if (w->p >= w->end)
		return -EINVAL;
	if (*w->p == '[' || *w->p == '{')
		return skip_container(w, depth);
	return scan_scalar(w, &s, &n, &kind);
}

/* At a '{'; keylen: length of the prefix in w->key. */
static int walk_object(struct walker *w, size_t keylen, int depth)
{
	enum json_kind kind;
	const char *s;
	size_t n;
	int err;

	if (depth > DEPTH_MAX)
		return -EINVAL;
	w->p++;
	skip_ws(w);
	if (w->p < w->end && *w->p == '}') {
		w->p++;
		return 0;
	}
	for (;;) {
		size_t klen = keylen;
		bool fits;

		skip_ws(w);
		if (w->p >= w->end || *w->p != '"')
			return -EINVAL;
		err = scan_string(w, &s, &n);
		if (err)
			return err;
		fits = keylen + (keylen ? 1 : 0) + n < KEY_MAX;
		if (fits) {
			if (keylen)
				w->key[klen++] = '.';
			memcpy(w->key + klen, s, n);
			klen += n;
			w->key[klen] = 0;
		}
		skip_ws(w);
		if (w->p >= w->end || *w->p != ':')
			return -EINVAL;
		w->p++;
		skip_ws(w);
		if (w->p >= w->end)
			return -EINVAL;
		if (*w->p == '{' && fits) {
			err = walk_object(w, klen, depth + 1);
		} else if (*w->p == '{' || *w->p == '[') {
			err = skip_container(w, depth + 1);
		} else {
			err = scan_scalar(w, &s, &n, &kind);
			if (!err && fits)
				err = w->fn(w->ctx, w->key, s, n, kind);
		}
		if (err)
			return err;
		w->key[keylen] = 0;
		skip_ws(w);
		if (w->p >= w->end)
			return -EINVAL;
		if (*w->p == '}') {
			w->p++;
			return 0;
		}
		if (*w->p != ',')
			return -EINVAL;
		w->p++;
	}
}

int json_fields(const char *text, size_t len, json_field_fn fn, void *ctx)
{
	struct walker w = { .p = text, .end = text + len, .fn = fn, .ctx = ctx };

	skip_ws(&w);
	if (w.p >= w.end || *w.p != '{')
		return -EINVAL;
	return walk_object(&w, 0, 0);
}

static int hex4(const char *p, unsigned int *v)
{
	unsigned int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		char c = p[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned int)(c - 'A' + 10);
		else
			return -EINVAL;
	}
	return 0;
}

static size_t utf8_put(unsigned int cp, char *b)
{
	if (cp < 0x80) {
		b[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	b[0] = (char)(0xf0 | (cp >> 18));
	b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	b[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

ssize_t json_unescape(const char *in, size_t len, char *out, size_t size)
{
	size_t i = 0, o = 0;

	while (i < len) {
		char tmp[4];
		size_t n = 1;
		unsigned int cp, lo;

		if (in[i] != '\\') {
			tmp[0] = in[i++];
		} else {
			if (i + 1 >= len)
				return -EINVAL;
			switch (in[i + 1]) {
			case '"': tmp[0] = '"'; break;
			case '\\': tmp[0] = '\\'; break;
			case '/': tmp[0] = '/'; break;
			case 'b': tmp[0] = '\b'; break;
			case 'f': tmp[0] = '\f'; break;
			case 'n': tmp[0] = '\n'; break;
			case 'r': tmp[0] = '\r'; break;
			case 't': tmp[0] = '\t'; break;
			case 'u':
				if (i + 6 > len || hex4(in + i + 2, &cp))
					return -EINVAL;
				if (cp >= 0xd800 && cp < 0xdc00 && i + 12 <= len &&
				    in[i + 6] == '\\' && in[i + 7] == 'u' &&
				    !hex4(in + i + 8, &lo) && lo >= 0xdc00 && lo < 0xe000) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					i += 6;
				}
				n = utf8_put(cp, tmp);
				i += 4;
				break;
			default:
				return -EINVAL;
			}
			i += 2;
		}
		if (o + n >= size)
			return -ENOSPC;
		memcpy(out + o, tmp, n);
		o += n;
	}
	if (o >= size)
		return -ENOSPC;
	out[o] = 0;
	return (ssize_t)o;
}
