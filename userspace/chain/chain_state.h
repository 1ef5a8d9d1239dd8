/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The chain's state between runs, kept in one file (CHAIN_STATE_FILE) in
 * the daemon's chain state directory: the run counter, the key epoch and
 * that epoch's key, the initial key's id, and the last line saved (its n
 * and chain value).  The next run's chain_start names that line, so
 * `inputauditctl verify` can tell a run deleted, swapped, replayed or cut.
 *
 * Text, one item a line:
 *   inputaudit-chain-state 1
 *   run R
 *   epoch E
 *   key_id <16 hex>
 *   key <hex of key_E>
 *   last none | last N <64 hex>
 *
 * Replaced atomically and durably (temporary file, fsync, rename, fsync of
 * the directory): a crash leaves the old state or the new one.  Mode 0600;
 * it holds the current epoch's key.
 */
#ifndef INPUTAUDITD_CHAIN_STATE_H
#define INPUTAUDITD_CHAIN_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "chain.h"

#define CHAIN_STATE_FILE	"chain.state"
#define CHAIN_STATE_TMP		".chain.state.tmp"

struct chain_state {
	uint64_t run;		/* the last run started; 0 after key init */
	uint64_t epoch;
	uint8_t key[CHAIN_KEY_MAX];	/* key_epoch */
	size_t key_len;
	char key_id[CHAIN_KEY_ID_LEN + 1];	/* of key_0 */
	bool have_last;
	uint64_t last_n;	/* the last line saved, of run @run */
	uint8_t last_chain[CHAIN_LEN];
};

/**
 * chain_state_load() - read the state file
 * @dirfd: the chain state directory
 * @st: the state
 *
 * Return: 0, -ENOENT if there is none, -EINVAL if it is malformed, or
 * another negative errno.
 */
int chain_state_load(int dirfd, struct chain_state *st);

/**
 * chain_state_save() - replace the state file atomically and durably
 * @dirfd: the chain state directory
 * @st: the state
 *
 * Return: 0 or a negative errno (the old file is then left).
 */
int chain_state_save(int dirfd, const struct chain_state *st);

/**
 * chain_state_wipe() - erase the key from @st
 * @st: the state
 */
void chain_state_wipe(struct chain_state *st);

#endif /* INPUTAUDITD_CHAIN_STATE_H */
