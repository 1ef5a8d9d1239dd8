// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The pipeline floor for `make bench`: the least a ring-buffer consumer of
 * the inputaudit_record tracepoint can cost.  One reserve and one submit
 * per record, no per-record wakeup (BPF_RB_NO_WAKEUP, like the wakeup
 * policy of bpf/inputaudit.bpf.c under load); the consumer (ia_bench)
 * polls with a timeout.  Only the sequence number is stored, so the
 * consumer can count what it got.  A firing that carries a batch of event
 * records (INPUTAUDIT_TP_EVENT_BATCH) gets one sample with room for all of
 * them, as bpf/inputaudit.bpf.c gives it: the same ring traffic, none of
 * the unpacking.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "inputaudit.h"

#define FLOOR_RECORD_SIZE 56	/* sizeof(struct inputaudit_record) */

__u64 floor_drops;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} floor_ring SEC(".maps");

/* @n records, @n a constant: a reservation's size must be one. */
static __always_inline int floor_n(struct bpf_raw_tracepoint_args *ctx,
				   const unsigned int n)
{
	__u64 *rec = bpf_ringbuf_reserve(&floor_ring, n * FLOOR_RECORD_SIZE, 0);

	if (!rec) {
		__sync_fetch_and_add(&floor_drops, n);
		return 0;
	}
	rec[0] = ctx->args[0];
	bpf_ringbuf_submit(rec, BPF_RB_NO_WAKEUP);
	return 0;
}

SEC("raw_tp")
int floor_record(struct bpf_raw_tracepoint_args *ctx)
{
	if (ctx->args[2] != INPUTAUDIT_TP_EVENT_BATCH)
		return floor_n(ctx, 1);
	switch (ctx->args[3]) {
	case 1:
		return floor_n(ctx, 1);
	case 2:
		return floor_n(ctx, 2);
	case 3:
		return floor_n(ctx, 3);
	case 4:
		return floor_n(ctx, 4);
	case 5:
		return floor_n(ctx, 5);
	case 6:
		return floor_n(ctx, 6);
	case 7:
		return floor_n(ctx, 7);
	case 8:
		return floor_n(ctx, 8);
	default:
		return 0;
	}
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
