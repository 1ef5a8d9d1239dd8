// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The pipeline floor for `make bench`: the least a ring-buffer consumer of
 * the inputaudit_record tracepoint can cost.  One reserve and one submit
 * per record, no per-record wakeup (BPF_RB_NO_WAKEUP, like the wakeup
 * policy of bpf/inputaudit.bpf.c under load); the consumer (ia_bench)
 * polls with a timeout.  Only the sequence number is stored, so the
 * consumer can count what it got.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define FLOOR_RECORD_SIZE 56	/* sizeof(struct inputaudit_record) */

__u64 floor_drops;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} floor_ring SEC(".maps");

SEC("raw_tp")
int floor_record(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 *rec = bpf_ringbuf_reserve(&floor_ring, FLOOR_RECORD_SIZE, 0);

	if (!rec) {
		__sync_fetch_and_add(&floor_drops, 1);
		return 0;
	}
	rec[0] = ctx->args[0];
	bpf_ringbuf_submit(rec, BPF_RB_NO_WAKEUP);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
