// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Host tests: a parser of Prometheus' text exposition format; see prom_text.h. */
#define _GNU_SOURCE
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "prom_text.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Keep the first problem.  Return: false. */
__attribute__((format(printf, 2, 3)))
static bool prom_bad(struct prom *p, const char *fmt, ...)
{
	va_list ap;

	if (p->why[0])
		return false;
	va_start(ap, fmt);
	vsnprintf(p->why, sizeof(p->why), fmt, ap);
	va_end(ap);
	return false;
}

/* A metric name ([a-zA-Z_:][a-zA-Z0-9_:]*) or, without @colon, a label name. */
static bool prom_ident(const char **s, char *out, size_t size, bool colon)
{
	size_t n = 0;

	while (((*s)[n] >= 'a' && (*s)[n] <= 'z') || ((*s)[n] >= 'A' && (*s)[n] <= 'Z') ||
	       (*s)[n] == '_' || (colon && (*s)[n] == ':') ||
	       (n && (*s)[n] >= '0' && (*s)[n] <= '9'))
		n++;
	if (!n || n >= size)
		return false;
	memcpy(out, *s, n);
	out[n] = '\0';
	*s += n;
	return true;
}

/* Whether s is valid UTF-8 (glibc's decoder, which refuses overlong forms). */
static bool valid_utf8(const char *s)
{
	locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	locale_t old;
	size_t n;

	if (!utf8)
		return true;	/* nothing to check with */
	old = uselocale(utf8);
	n = mbstowcs(NULL, s, 0);
	uselocale(old);
	freelocale(utf8);
	return n != (size_t)-1;
}

/* A label value after its opening quote: only \\, \" and \n are escapes. */
static bool prom_label_value(const char **s, char *out, size_t size)
{
	size_t n = 0;

	for (; **s && **s != '"'; (*s)++) {
		char c = **s;

		if (c == '\\') {
			c = *++*s;
			if (c == 'n')
				c = '\n';
			else if (c != '\\' && c != '"')
				return false;
		}
		if (n + 1 >= size)
			return false;
		out[n++] = c;
	}
	out[n] = '\0';
	if (**s != '"')
		return false;
	(*s)++;
	return valid_utf8(out);
}

static struct prom_family *find_family(struct prom *p, const char *name)
{
	for (unsigned int i = 0; i < p->nfam; i++)
		if (!strcmp(p->fam[i].name, name))
			return &p->fam[i];
	return NULL;
}

const struct prom_family *prom_family_of(const struct prom *p, const char *name)
{
	return find_family((struct prom *)p, name);
}

/* # HELP or # TYPE: a family's lines come together, before its samples. */
static bool prom_meta(struct prom *p, const char *s, bool help)
{
	static const char *const types[] = { "counter", "gauge", "untyped",
					     "summary", "histogram" };
	struct prom_family *f;
	char name[96];
	unsigned int i;

	if (!prom_ident(&s, name, sizeof(name), true) || *s++ != ' ')
		return prom_bad(p, "bad %s line", help ? "HELP" : "TYPE");
	f = find_family(p, name);
	if (f && f != &p->fam[p->nfam - 1])
		return prom_bad(p, "%s: its lines are not together", name);
	if (f && p->ns && !strcmp(p->s[p->ns - 1].name, name))
		return prom_bad(p, "%s: %s after its samples", name, help ? "HELP" : "TYPE");
	if (!f) {
		if (p->nfam == PROM_MAX)
			return prom_bad(p, "too many families");
		f = &p->fam[p->nfam++];
		snprintf(f->name, sizeof(f->name), "%s", name);
	}
	if (help) {
		if (f->help)
			return prom_bad(p, "%s: HELP twice", name);
		f->help = true;
		if (strchr(s, '\\') && !strstr(s, "\\\\") && !strstr(s, "\\n"))
			return prom_bad(p, "%s: a bad escape in HELP", name);
		return true;
	}
	if (f->type[0])
		return prom_bad(p, "%s: TYPE twice", name);
	for (i = 0; i < ARRAY_SIZE(types) && strcmp(s, types[i]); i++)
		;
	if (i == ARRAY_SIZE(types))
		return prom_bad(p, "%s: unknown TYPE '%s'", name, s);
	snprintf(f->type, sizeof(f->type), "%s", s);
	return true;
}

static bool prom_sample_line(struct prom *p, const char *s)
{
	struct prom_sample *x;
	char label[32];
	char *end;

	if (p->ns == PROM_MAX)
		return prom_bad(p, "too many samples");
	x = &p->s[p->ns];
	memset(x, 0, sizeof(*x));
	if (!prom_ident(&s, x->name, sizeof(x->name), true))
		return prom_bad(p, "bad metric name in '%s'", s);
	if (*s == '{') {
		s++;
		while (*s != '}') {
			if (!prom_ident(&s, label, sizeof(label), false) || *s++ != '=' ||
			    *s++ != '"')
				return prom_bad(p, "%s: bad label", x->name);
			if (x->label[0])
				return prom_bad(p, "%s: more than one label", x->name);
			snprintf(x->label, sizeof(x->label), "%s", label);
			if (!prom_label_value(&s, x->value, sizeof(x->value)))
				return prom_bad(p, "%s: bad label value", x->name);
			if (*s == ',')
				s++;
			else if (*s != '}')
				return prom_bad(p, "%s: bad label list", x->name);
		}
		s++;
	}
	if (*s++ != ' ')
		return prom_bad(p, "%s: no value", x->name);
	if (strchr(s, ' '))
		return prom_bad(p, "%s: a timestamp (the textfile collector refuses them)",
				x->name);
	strtod(s, &end);
	if (end == s || *end || strlen(s) >= sizeof(x->raw))
		return prom_bad(p, "%s: bad value '%s'", x->name, s);
	snprintf(x->raw, sizeof(x->raw), "%s", s);
	if (!p->nfam || strcmp(p->fam[p->nfam - 1].name, x->name))
		return prom_bad(p, "%s: a sample outside its family", x->name);
	if (!p->fam[p->nfam - 1].type[0])
		return prom_bad(p, "%s: a sample before its TYPE", x->name);
	for (unsigned int i = 0; i < p->ns; i++)
		if (!strcmp(p->s[i].name, x->name) && !strcmp(p->s[i].label, x->label) &&
		    !strcmp(p->s[i].value, x->value))
			return prom_bad(p, "%s{%s=\"%s\"}: twice", x->name, x->label, x->value);
	p->ns++;
	return true;
}

bool prom_parse(const char *text, struct prom *p)
{
	const char *line = text, *nl;
	char buf[1024];

	memset(p, 0, sizeof(*p));
	if (!*text || text[strlen(text) - 1] != '\n')
		prom_bad(p, "empty, or no newline at the end");
	for (; *line && !p->why[0]; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		if ((size_t)(nl - line) >= sizeof(buf)) {
			prom_bad(p, "line too long");
			break;
		}
		memcpy(buf, line, nl - line);
		buf[nl - line] = '\0';
		if (!strncmp(buf, "# HELP ", 7))
			prom_meta(p, buf + 7, true);
		else if (!strncmp(buf, "# TYPE ", 7))
			prom_meta(p, buf + 7, false);
		else if (buf[0] != '#' && buf[0])
			prom_sample_line(p, buf);
	}
	return !p->why[0];
}

const struct prom_sample *prom_get(const struct prom *p, const char *name,
				   const char *value)
{
	for (unsigned int i = 0; i < p->ns; i++)
		if (!strcmp(p->s[i].name, name) &&
		    (value ? !strcmp(p->s[i].value, value) : !p->s[i].label[0]))
			return &p->s[i];
	return NULL;
}

uint64_t prom_u64(const struct prom *p, const char *name, const char *value)
{
	const struct prom_sample *x = prom_get(p, name, value);
	char *end;
	uint64_t v;

	if (!x)
		return UINT64_MAX;
	v = strtoull(x->raw, &end, 10);
	return *end ? UINT64_MAX : v;
}

uint64_t prom_ns(const struct prom *p, const char *name)
{
	const struct prom_sample *x = prom_get(p, name, NULL);
	char frac[10] = "000000000", *end;
	uint64_t sec;
	size_t n;

	if (!x)
		return UINT64_MAX;
	sec = strtoull(x->raw, &end, 10);
	if (*end == '.') {
		n = strlen(++end);
		if (!n || n > 9 || strspn(end, "0123456789") != n)
			return UINT64_MAX;
		memcpy(frac, end, n);
	} else if (*end) {
		return UINT64_MAX;
	}
	return sec * 1000000000 + strtoull(frac, NULL, 10);
}
