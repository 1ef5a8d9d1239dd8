/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * inputauditctl key init: make the initial chain key (epoch 0) and the
 * daemon's first chain state, and print the key once, in hex, for escrow
 * off the host; `inputauditctl verify --key-hex FILE` takes it back.
 */
#ifndef INPUTAUDITCTL_KEY_H
#define INPUTAUDITCTL_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "chain.h"

/* The subcommand: argv[0] is "key".  Return: a CTL_EXIT_* status. */
int ctl_key(int argc, char **argv);

/**
 * ctl_key_read_hex() - read a key written as hex (what key init printed)
 * @path: the file: hex digits, whitespace ignored
 * @key: CHAIN_KEY_MAX bytes
 * @len: its length
 * @err: a message on failure
 * @errlen: its size
 *
 * Return: 0 or a negative errno.
 */
int ctl_key_read_hex(const char *path, uint8_t key[CHAIN_KEY_MAX], size_t *len,
		     char *err, size_t errlen);

#endif /* INPUTAUDITCTL_KEY_H */
