// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Loss detection from kernel sequence numbers; see seqtrack.h. */
#include <string.h>

#include "seqtrack.h"

#define SEQTRACK_MASK	(SEQTRACK_WINDOW - 1)

static bool seen_test(const struct seqtrack *st, uint64_t seq)
{
	uint64_t bit = seq & SEQTRACK_MASK;

	return st->seen[bit / 64] & (1ull << (bit % 64));
}

static void seen_set(struct seqtrack *st, uint64_t seq)
{
	uint64_t bit = seq & SEQTRACK_MASK;

	st->seen[bit / 64] |= 1ull << (bit % 64);
}

static void seen_clear(struct seqtrack *st, uint64_t seq)
{
	uint64_t bit = seq & SEQTRACK_MASK;

	st->seen[bit / 64] &= ~(1ull << (bit % 64));
}

static void report_loss(struct seqtrack *st, uint64_t first, uint64_t last)
{
	st->lost += last - first + 1;
	if (st->on_loss)
		st->on_loss(st->ctx, first, last);
}

/*
 * Move base up to limit, declaring every unseen number on the way lost.
 * Only [base, base + SEQTRACK_WINDOW) can have bits set, so the walk stops
 * there and anything beyond it up to limit is one lost range.
 */
static void resolve_below(struct seqtrack *st, uint64_t limit)
{
	uint64_t walk_end = limit;
	uint64_t run_start = 0;
	bool in_run = false;
	uint64_t seq;

	if (walk_end - st->base > SEQTRACK_WINDOW)
		walk_end = st->base + SEQTRACK_WINDOW;

	for (seq = st->base; seq < walk_end; seq++) {
		if (seen_test(st, seq)) {
			seen_clear(st, seq);
			if (in_run)
				report_loss(st, run_start, seq - 1);
			in_run = false;
		} else if (!in_run) {
			run_start = seq;
			in_run = true;
		}
	}
	if (walk_end < limit && !in_run) {
		run_start = walk_end;
		in_run = true;
	}
	if (in_run)
		report_loss(st, run_start, limit - 1);
	st->base = limit;
	if (st->next < limit)
		st->next = limit;
}

/* Advance base over the numbers already seen. */
static void advance_base(struct seqtrack *st)
{
	while (st->base < st->next && seen_test(st, st->base)) {
		seen_clear(st, st->base);
		st->base++;
	}
}

void seqtrack_init(struct seqtrack *st, uint64_t expected_first,
		   seqtrack_loss_fn on_loss, void *ctx)
{
	memset(st, 0, sizeof(*st));
	st->on_loss = on_loss;
	st->ctx = ctx;
	if (expected_first) {
		st->have_base = true;
		st->base = expected_first;
		st->next = expected_first;
	}
}

bool seqtrack_add(struct seqtrack *st, uint64_t seq)
{
	/*
	 * Nearly every record: the next number with nothing pending, which
	 * leaves the window empty.  The general path below does the same
	 * with a bit set and cleared again.  (seq + 1 must not wrap: the
	 * general path keeps base at the highest number then.)
	 */
	if (seq == st->base && seq == st->next && st->have_base &&
	    seq != UINT64_MAX) {
		st->base = seq + 1;
		st->next = seq + 1;
		st->received++;
		return true;
	}
	if (!st->have_base) {
		st->have_base = true;
		st->base = seq;
		st->next = seq;
	}
	if (seq < st->base || (seq - st->base < SEQTRACK_WINDOW &&
			       seq < st->next && seen_test(st, seq))) {
		st->duplicates++;
		return false;
	}
	/* Too far ahead: slide the window so seq becomes its last slot. */
	if (seq - st->base >= SEQTRACK_WINDOW)
		resolve_below(st, seq - SEQTRACK_WINDOW + 1);

	seen_set(st, seq);
	if (seq >= st->next)
		st->next = seq + 1;
	st->received++;
	advance_base(st);
	return true;
}

void seqtrack_flush(struct seqtrack *st)
{
	seqtrack_flush_until(st, 0);
}

void seqtrack_flush_until(struct seqtrack *st, uint64_t end)
{
	if (!st->have_base)
		return;
	if (end < st->next)
		end = st->next;
	if (st->base < end)
		resolve_below(st, end);
}
