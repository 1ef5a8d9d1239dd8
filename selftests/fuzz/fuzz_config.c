// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target: the daemon's configuration parser (config_load_mem(),
 * the same code as config_load() on a file).  Whatever the input, it must
 * either load or fail with "NAME:LINE: reason", leak nothing, and a loaded
 * configuration must be internally consistent.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ia_config cfg;
	char err[512];
	size_t i;
	int ret;

	ret = config_load_mem("fuzz.conf", (const char *)data, size, &cfg, err,
			      sizeof(err));
	if (ret == -EINVAL) {
		/* The message names the file and a line. */
		if (strncmp(err, "fuzz.conf:", 10))
			abort();
		return 0;
	}
	if (ret)
		return 0;	/* -ENOMEM */
	if (cfg.nsyslogs && !cfg.chain_key)
		abort();
	for (i = 0; i < cfg.nrules; i++)
		if (!config_action_name(cfg.rules[i].action))
			abort();
	for (i = 0; i < cfg.nfiles; i++)
		if (!cfg.files[i].path || cfg.files[i].path[0] != '/')
			abort();
	config_free(&cfg);
	return 0;
}
