/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Host tests: a strict parser of Prometheus' text exposition format
 * (0.0.4): every line a HELP, a TYPE, a comment or a sample; a family's
 * lines together, TYPE before its samples; label values with only the
 * \\, \" and \n escapes, valid UTF-8; no timestamps (node exporter's
 * textfile collector refuses them); no series twice.  Written for
 * test_metrics, independent of the code it tests.
 */
#ifndef INPUTAUDIT_HOST_PROM_TEXT_H
#define INPUTAUDIT_HOST_PROM_TEXT_H

#include <stdbool.h>
#include <stdint.h>

#define PROM_MAX	64

struct prom_family {
	char name[96];
	char type[16];
	bool help;
};

struct prom_sample {
	char name[96];
	char label[32];		/* its one label's name, "" without */
	char value[256];	/* the label's value, unescaped */
	char raw[64];		/* the sample's value as written */
};

struct prom {
	struct prom_family fam[PROM_MAX];
	unsigned int nfam;
	struct prom_sample s[PROM_MAX];
	unsigned int ns;
	char why[256];		/* the first problem, "" if none */
};

/* Parse @text; false (p->why says why) at the first line that is wrong. */
bool prom_parse(const char *text, struct prom *p);

/* The family @name, or NULL. */
const struct prom_family *prom_family_of(const struct prom *p, const char *name);

/* The sample @name (with @value as its label's value, NULL: no label), or NULL. */
const struct prom_sample *prom_get(const struct prom *p, const char *name,
				   const char *value);

/* A sample's value as an integer; UINT64_MAX if absent or not one. */
uint64_t prom_u64(const struct prom *p, const char *name, const char *value);

/* A value in seconds ("7.5") as ns, exactly; UINT64_MAX if absent or not one. */
uint64_t prom_ns(const struct prom *p, const char *name);

#endif /* INPUTAUDIT_HOST_PROM_TEXT_H */
