// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Unit tests for userspace/daemon/seqtrack.c: when a sequence gap becomes a loss. */
#include "kselftest_harness.h"
#include "seqtrack.h"

#define MAX_RANGES	16

FIXTURE(seqtrack)
{
	struct seqtrack st;
	unsigned int nranges;
	uint64_t first[MAX_RANGES];
	uint64_t last[MAX_RANGES];
};

static void record_loss(void *ctx, uint64_t first, uint64_t last)
{
	FIXTURE_DATA(seqtrack) *self = ctx;

	if (self->nranges < MAX_RANGES) {
		self->first[self->nranges] = first;
		self->last[self->nranges] = last;
	}
	self->nranges++;
}

FIXTURE_SETUP(seqtrack)
{
	self->nranges = 0;
	seqtrack_init(&self->st, 0, record_loss, self);
}

FIXTURE_TEARDOWN(seqtrack)
{
}

static void add_range(struct seqtrack *st, uint64_t from, uint64_t to)
{
	uint64_t seq;

	for (seq = from; seq <= to; seq++)
		seqtrack_add(st, seq);
}

/* Records in order resolve at once: nothing pending, nothing lost, even on flush. */
TEST_F(seqtrack, in_order)
{
	add_range(&self->st, 1, 10000);
	EXPECT_EQ(10000, self->st.received);
	EXPECT_EQ(10001, self->st.base);
	seqtrack_flush(&self->st);
	EXPECT_EQ(0, self->nranges);
	EXPECT_EQ(0, self->st.lost);
	EXPECT_EQ(0, self->st.duplicates);
}

/* Records swapped across CPUs within the window are not a loss. */
TEST_F(seqtrack, reordered_within_window)
{
	static const uint64_t order[] = { 5, 7, 6, 9, 8, 12, 10, 11, 13 };
	unsigned int i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		EXPECT_TRUE(seqtrack_add(&self->st, order[i]));
	EXPECT_EQ(14, self->st.base);
	seqtrack_flush(&self->st);
	EXPECT_EQ(0, self->nranges);
	EXPECT_EQ(9, self->st.received);
}

/* A gap that is filled before anything forces it out is not a loss. */
TEST_F(seqtrack, gap_then_fill)
{
	seqtrack_add(&self->st, 1);
	add_range(&self->st, 5, 4000);
	EXPECT_EQ(2, self->st.base);
	EXPECT_EQ(0, self->nranges);
	add_range(&self->st, 2, 4);
	EXPECT_EQ(4001, self->st.base);
	seqtrack_flush(&self->st);
	EXPECT_EQ(0, self->nranges);
	EXPECT_EQ(0, self->st.lost);
}

/* A gap never filled is declared lost once, as one range, when the ring is idle. */
TEST_F(seqtrack, real_gap_on_flush)
{
	add_range(&self->st, 1, 9);
	add_range(&self->st, 13, 20);
	EXPECT_EQ(0, self->nranges);
	seqtrack_flush(&self->st);
	ASSERT_EQ(1, self->nranges);
	EXPECT_EQ(10, self->first[0]);
	EXPECT_EQ(12, self->last[0]);
	EXPECT_EQ(3, self->st.lost);
	/* A late arrival of a declared-lost record is a duplicate, not news. */
	EXPECT_FALSE(seqtrack_add(&self->st, 11));
	EXPECT_EQ(1, self->st.duplicates);
	seqtrack_flush(&self->st);
	EXPECT_EQ(1, self->nranges);
}

/* Several holes are reported separately, in increasing order. */
TEST_F(seqtrack, several_gaps)
{
	seqtrack_add(&self->st, 1);
	seqtrack_add(&self->st, 3);
	seqtrack_add(&self->st, 4);
	seqtrack_add(&self->st, 8);
	seqtrack_flush(&self->st);
	ASSERT_EQ(2, self->nranges);
	EXPECT_EQ(2, self->first[0]);
	EXPECT_EQ(2, self->last[0]);
	EXPECT_EQ(5, self->first[1]);
	EXPECT_EQ(7, self->last[1]);
	EXPECT_EQ(4, self->st.lost);
	EXPECT_EQ(9, self->st.base);
}

/* A record a full window above a hole forces the hole out as lost, without a flush. */
TEST_F(seqtrack, window_overflow)
{
	seqtrack_add(&self->st, 1);
	add_range(&self->st, 3, SEQTRACK_WINDOW + 1);
	EXPECT_EQ(0, self->nranges);		/* 2 is still inside the window */
	seqtrack_add(&self->st, SEQTRACK_WINDOW + 2);
	ASSERT_EQ(1, self->nranges);
	EXPECT_EQ(2, self->first[0]);
	EXPECT_EQ(2, self->last[0]);
	EXPECT_EQ(SEQTRACK_WINDOW + 3, self->st.base);
}

/* A jump far beyond the window declares the whole skipped span as one range. */
TEST_F(seqtrack, far_jump)
{
	seqtrack_add(&self->st, 1);
	seqtrack_add(&self->st, 3);
	seqtrack_add(&self->st, 1000000);
	ASSERT_EQ(2, self->nranges);
	EXPECT_EQ(2, self->first[0]);
	EXPECT_EQ(2, self->last[0]);
	EXPECT_EQ(4, self->first[1]);
	EXPECT_EQ(1000000 - SEQTRACK_WINDOW, self->last[1]);
	seqtrack_flush(&self->st);
	ASSERT_EQ(3, self->nranges);
	EXPECT_EQ(1000000 - SEQTRACK_WINDOW + 1, self->first[2]);
	EXPECT_EQ(999999, self->last[2]);
	EXPECT_EQ(1000000 - 3, self->st.lost);
	EXPECT_EQ(3, self->st.received);
}

/* Flush with nothing pending, or before any record, declares nothing. */
TEST_F(seqtrack, flush_idle)
{
	seqtrack_flush(&self->st);
	EXPECT_EQ(0, self->nranges);
	add_range(&self->st, 100, 110);
	seqtrack_flush(&self->st);
	seqtrack_flush(&self->st);
	EXPECT_EQ(0, self->nranges);
	EXPECT_EQ(111, self->st.base);
}

/* A repeated record, and one below the first seen, are counted as duplicates. */
TEST_F(seqtrack, duplicates)
{
	EXPECT_TRUE(seqtrack_add(&self->st, 10));
	EXPECT_FALSE(seqtrack_add(&self->st, 10));
	EXPECT_TRUE(seqtrack_add(&self->st, 12));
	EXPECT_FALSE(seqtrack_add(&self->st, 12));	/* seen, still pending */
	EXPECT_FALSE(seqtrack_add(&self->st, 3));	/* before the base */
	EXPECT_EQ(3, self->st.duplicates);
	EXPECT_EQ(2, self->st.received);
	EXPECT_EQ(0, self->nranges);
}

/* With an expected first seq, records missing before the first arrival are lost. */
TEST_F(seqtrack, expected_first)
{
	seqtrack_init(&self->st, 41, record_loss, self);
	EXPECT_FALSE(seqtrack_add(&self->st, 40));
	add_range(&self->st, 45, 50);
	seqtrack_flush(&self->st);
	ASSERT_EQ(1, self->nranges);
	EXPECT_EQ(41, self->first[0]);
	EXPECT_EQ(44, self->last[0]);
	EXPECT_EQ(1, self->st.duplicates);
}

/* The window works across the bitmap's wrap point over many slides. */
TEST_F(seqtrack, long_run_with_periodic_gaps)
{
	uint64_t seq, expect_lost = 0;

	for (seq = 1; seq <= 5 * SEQTRACK_WINDOW; seq++) {
		if (seq % 1000 == 0) {
			expect_lost++;
			continue;
		}
		seqtrack_add(&self->st, seq);
	}
	seqtrack_flush(&self->st);
	EXPECT_EQ(expect_lost, self->nranges);
	EXPECT_EQ(expect_lost, self->st.lost);
	EXPECT_EQ(5 * SEQTRACK_WINDOW - expect_lost, self->st.received);
	EXPECT_EQ(1000, self->first[0]);
	EXPECT_EQ(2000, self->first[1]);
}

/* At exit, records the module emitted after the last one seen are declared lost. */
TEST_F(seqtrack, flush_until_emitted_total)
{
	add_range(&self->st, 1, 5);
	seqtrack_add(&self->st, 7);
	seqtrack_flush_until(&self->st, 11);
	ASSERT_EQ(2, self->nranges);
	EXPECT_EQ(6, self->first[0]);
	EXPECT_EQ(6, self->last[0]);
	EXPECT_EQ(8, self->first[1]);
	EXPECT_EQ(10, self->last[1]);
	EXPECT_EQ(4, self->st.lost);
	/* An end at or below what was seen adds nothing. */
	seqtrack_flush_until(&self->st, 3);
	EXPECT_EQ(2, self->nranges);
}

TEST_HARNESS_MAIN
