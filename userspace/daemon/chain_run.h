/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Linked runs and evolving keys for the daemon's chain ([chain] state_dir,
 * --chain-state): the chain state (chain_state.h) is read at start, before
 * the privilege drop; each run's chain_start names the run before it and
 * the key moves one epoch forward at the start and at checkpoints (every
 * one, or the first one [chain] epoch_minutes after the epoch began).
 *
 * The order at a chain_start or checkpoint: the key evolves (the old one
 * is erased from memory) and the state file is rewritten with the new key
 * before the line is sealed; the line is handed to the sinks; once they
 * have flushed it (chain_run_commit() from pipeline_flush()), it becomes
 * the last line the state names, written with the next epoch change, or at
 * once for a chain_start (the run counter) and the final checkpoint.  So
 * the last line a state names is in the log even after a crash, the state
 * is written once per epoch (not per checkpoint), and a key on disk never
 * seals a line before it.
 */
#ifndef INPUTAUDITD_CHAIN_RUN_H
#define INPUTAUDITD_CHAIN_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "chain.h"
#include "chain_state.h"

struct chain_run {
	int dirfd;			/* the state directory; -1: runs not linked */
	struct chain_state st;		/* what is on disk */
	struct chain_run_info info;	/* this run, for its chain_start */
	char machine_id[33];
	uint64_t epoch_ns;		/* epoch length; 0: every checkpoint */
	uint64_t epoch_began_ns;	/* CLOCK_BOOTTIME of the current epoch */
	int save_err;			/* first failed save (logged once) */
	bool pending;			/* a line to save as the last, once flushed */
	bool save_on_commit;		/* write the state when it is flushed */
	uint64_t pending_n;
	uint8_t pending_chain[CHAIN_LEN];
};

/**
 * chain_run_open() - read the chain state and key the chain (before the drop)
 * @cr: the run
 * @c: the chain to key: with the state's epoch key, or with @key_path's
 *	initial key (epoch 0) when the state file is missing ("lost")
 * @dir: the chain state directory (created 0700 if missing)
 * @key_path: the initial key file ([chain] key), or NULL
 * @uid: the owner to give @dir and its files, (uid_t)-1 to leave it
 * @gid: their group
 * @epoch_minutes: [chain] epoch_minutes
 *
 * Return: 0 or a negative errno (logged).
 */
int chain_run_open(struct chain_run *cr, struct chain *c, const char *dir,
		   const char *key_path, uid_t uid, gid_t gid,
		   uint32_t epoch_minutes);

/**
 * chain_run_epoch() - at a chain_start or checkpoint, before sealing it
 * @cr: the run (dirfd -1: nothing happens)
 * @c: the chain
 * @now_ns: CLOCK_BOOTTIME
 * @force: evolve whatever the time (chain_start)
 */
void chain_run_epoch(struct chain_run *cr, struct chain *c, uint64_t now_ns,
		     bool force);

/**
 * chain_run_saved() - after sealing a chain_start or checkpoint: the last line, once flushed
 * @cr: the run
 * @c: the chain, its last line the one just sealed
 * @now: write the state as soon as it is flushed (chain_start, final checkpoint)
 */
void chain_run_saved(struct chain_run *cr, const struct chain *c, bool now);

/**
 * chain_run_commit() - the sinks flushed: save the line of chain_run_saved()
 * @cr: the run
 */
void chain_run_commit(struct chain_run *cr);

/**
 * chain_run_close() - erase the key and close the directory
 * @cr: the run
 */
void chain_run_close(struct chain_run *cr);

#endif /* INPUTAUDITD_CHAIN_RUN_H */
