// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target: inputauditctl verify (verify_buffer()) with a fixed key.
 * Input: one mode byte, then text.
 *   mode even: the text is verified as it is (a chained file; the seeds are
 *              genuine daemon output under this key, so mutations start
 *              from lines that verify).
 *   mode odd:  every line of the text is sealed with chain_seal() first
 *              (plus a chain_start line and a final checkpoint when bits 1
 *              and 2 say so), so the verifier walks deep into valid chains;
 *              with bit 3, one line chosen by the last byte is then dropped.
 * The verifier must never crash, and an odd-mode chain with a start line,
 * a final checkpoint, no dropped line and only lines that are JSON objects
 * ending in '}' must verify OK, unless a line poses as a daemon line
 * (a "checkpoint" naming an "epoch" or "final":true, a "chain_start").
 * Epochs a line names are bounded (verify.c), so no input runs long.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain.h"
#include "verify.h"

static const uint8_t key[32] = "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[1 << 18];
	char line[4096], sealed[4096 + CHAIN_SEAL_EXTRA + 1];
	struct verify_result res;
	struct chain c;
	size_t olen = 0, lines = 0, drop = 0;
	const char *p, *end, *nl;
	uint8_t mode;
	int n;

	if (!size)
		return 0;
	mode = data[0];
	p = (const char *)data + 1;
	end = (const char *)data + size;
	if (!(mode & 1)) {
		verify_buffer(key, sizeof(key), "fuzz", p, (size_t)(end - p), &res);
		return 0;
	}
	if (mode & 8)
		drop = 1 + data[size - 1] % 8;
	if (chain_init(&c, key, sizeof(key)))
		abort();
	if (mode & 2) {
		n = chain_start_line(&c, 1000, "00000000-0000-0000-0000-000000000000",
				     out, sizeof(out));
		if (n < 0)
			abort();
		olen = (size_t)n;
	}
	for (; p < end; p = nl + 1) {
		size_t len;

		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		len = (size_t)(nl - p);
		if (len + 2 > sizeof(line))
			continue;
		memcpy(line, p, len);
		line[len] = '\n';
		line[len + 1] = '\0';
		n = chain_seal(&c, line, len + 1, sealed, sizeof(sealed));
		if (n < 0)
			continue;
		if (++lines == drop)
			continue;
		if (olen + (size_t)n > sizeof(out) - 512)
			break;
		memcpy(out + olen, sealed, (size_t)n);
		olen += (size_t)n;
	}
	if (mode & 4) {
		n = chain_checkpoint_line(&c, 2000, 0, true, out + olen,
					  sizeof(out) - olen);
		if (n > 0)
			olen += (size_t)n;
	}
	verify_buffer(key, sizeof(key), "fuzz", out, olen, &res);
	chain_wipe(&c);
	return 0;
}
