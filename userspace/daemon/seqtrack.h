/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Loss detection from kernel sequence numbers.
 *
 * The module allocates a record's sequence number before the BPF program
 * reserves ring space for it, so two CPUs can commit neighbouring records in
 * the opposite order: a gap is not yet a loss.  The tracker keeps a bitmap of
 * SEQTRACK_WINDOW sequence numbers starting at the lowest one not yet
 * resolved (base).  A missing number is declared lost, through the loss
 * callback, only when
 *  - a record arrives SEQTRACK_WINDOW or more above it, so the window must
 *    slide past it, or
 *  - seqtrack_flush() is called: the daemon does so when the ring is drained
 *    and idle (a wait that timed out, then a drain that found nothing) and
 *    at exit.
 * Contiguous missing numbers are reported as one range.  Numbers below base
 * (already seen, already declared lost, or older than the expected first
 * record) are counted as duplicates and otherwise ignored.
 */
#ifndef INPUTAUDITD_SEQTRACK_H
#define INPUTAUDITD_SEQTRACK_H

#include <stdbool.h>
#include <stdint.h>

#define SEQTRACK_WINDOW	4096	/* a power of two */

/* Called once per lost range [first, last], in increasing order. */
typedef void (*seqtrack_loss_fn)(void *ctx, uint64_t first, uint64_t last);

struct seqtrack {
	bool have_base;		/* false until the first record or an expectation */
	uint64_t base;		/* lowest unresolved number: all below are done */
	uint64_t next;		/* one above the highest number seen */
	uint64_t received;	/* distinct numbers accepted */
	uint64_t duplicates;	/* numbers ignored */
	uint64_t lost;		/* numbers declared lost */
	seqtrack_loss_fn on_loss;
	void *ctx;
	/* bit (seq % SEQTRACK_WINDOW) set: seq in [base, next) was seen */
	uint64_t seen[SEQTRACK_WINDOW / 64];
};

/*
 * expected_first: the first number the daemon should see, or 0 when unknown
 * (the first record seen then sets it).
 */
void seqtrack_init(struct seqtrack *st, uint64_t expected_first,
		   seqtrack_loss_fn on_loss, void *ctx);

/* Return: true if seq is new, false if it was ignored as a duplicate. */
bool seqtrack_add(struct seqtrack *st, uint64_t seq);

/* Declare every missing number below the highest seen lost. */
void seqtrack_flush(struct seqtrack *st);
/*
 * The same, and also every number from there up to end - 1: at exit the
 * module's emitted total reveals records dropped after the last one seen.
 */
void seqtrack_flush_until(struct seqtrack *st, uint64_t end);

#endif /* INPUTAUDITD_SEQTRACK_H */
