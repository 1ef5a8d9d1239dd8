// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target: json_fields() and json_unescape() (the syslog and
 * journal sinks' field reader) on arbitrary bytes.  Neither may read past
 * the input (ASan), and json_unescape() must keep to its output buffer
 * (sizes from tiny to ample) and NUL terminate it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_fields.h"

static int member(void *ctx, const char *key, const char *val, size_t vallen,
		  enum json_kind kind)
{
	static const size_t sizes[] = { 1, 2, 7, 64, 4096 };
	unsigned int *calls = ctx;
	size_t i;

	if (strlen(key) > 127)
		abort();
	if (kind != JSON_STRING)
		return 0;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char *out = malloc(sizes[i]);
		ssize_t n;

		if (!out)
			return 0;
		n = json_unescape(val, vallen, out, sizes[i]);
		if (n >= 0 && ((size_t)n >= sizes[i] || out[n] != '\0'))
			abort();
		free(out);
	}
	return ++*calls > 1000;	/* a non-zero return stops the walk */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int calls = 0;
	char *copy = malloc(size ? size : 1);

	/* A heap copy of exactly size bytes: ASan catches any read past it. */
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	json_fields(copy, size, member, &calls);
	free(copy);
	return 0;
}
