// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * inputaudit BPF program: copy each inputaudit_record tracepoint firing
 * into the "records" ring buffer, counting what could not be copied.  A
 * firing is one record, copied as it is, or a batch of event records
 * (INPUTAUDIT_TP_EVENT_BATCH in include/inputaudit.h), unpacked into as
 * many records in one ring sample: one reservation and one commit per
 * batch, which is most of what a record costs here.
 *
 * The tracepoint is
 *   DECLARE_TRACE(inputaudit_record,
 *	TP_PROTO(u64 seq, u64 time_ns, u16 type, u16 flags, u32 dev_id,
 *		 u64 v0, u64 v1, u64 v2, u64 v3), ...)
 * and a raw_tp program sees its nine arguments widened to u64.  It has no
 * tracefs event and no module BTF, so the section names no target: the
 * daemon attaches by name at run time (the name changed around 6.16, see
 * INPUTAUDIT_TP_NAME and INPUTAUDIT_TP_NAME_SUFFIXED).
 *
 * Wakeup policy.  A wakeup per record costs about 15 times the capture
 * path (an irq_work, a wakeup and a context switch for one 56-byte record),
 * so records are submitted with BPF_RB_NO_WAKEUP and the consumer is woken
 * only when
 *   (a) wakeup_threshold bytes of records were submitted since the last
 *       wakeup, so a burst cannot fill the ring while the daemon sleeps
 *       (counted from the submitted counter: cheaper than asking the ring
 *       how much is unconsumed, and never less), or
 *   (b) latency_ns has passed since the last wakeup, so the first record
 *       after an idle period is delivered at once.  Time is counted in
 *       ticks (1-4 ms, see inputaudit_now()): small next to latency_ns.
 * Records submitted without a wakeup are picked up by the daemon's own
 * timeout: it polls with a timeout of latency_ns while records keep
 * arriving, and calls ring_buffer__consume() after every poll, because an
 * epoll wait is not ended by a record submitted without a wakeup.  After a
 * poll round that found nothing it sleeps long (about a second): the next
 * record comes at least latency_ns after the last wakeup, so (b) wakes it.
 * last_wakeup_ns is shared by all CPUs without a lock: a lost update only
 * causes one extra or one fewer early wakeup, never a lost record.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "inputaudit.h"

/* Set by the daemon before load; the defaults suit the default 1 MiB ring. */
const volatile __u64 wakeup_threshold = (1 << 20) / 4;
const volatile __u64 latency_ns = 20 * 1000 * 1000;

/* Read by the daemon through the skeleton's mmapped .bss. */
__u64 submitted;	/* records committed to the ring */
__u64 drops;		/* records lost because the ring was full */
__u64 last_wakeup_ns;	/* inputaudit_now() of the last forced wakeup */
__u64 last_wakeup_submitted;	/* submitted at the last forced wakeup */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);	/* the daemon's --ring-size overrides */
} records SEC(".maps");

/* A record's share of the ring: the record and the ring's own header. */
#define INPUTAUDIT_RING_BYTES (sizeof(struct inputaudit_record) + BPF_RINGBUF_HDR_SZ)

/*
 * The kernel's tick rate, from its config (/boot/config-$(uname -r) or
 * /proc/config.gz, read by libbpf at load); 0 when neither is there.
 */
extern unsigned int CONFIG_HZ __kconfig __weak;

/*
 * Now, in ns, as coarse as a tick: jiffies cost a load where the
 * monotonic clock costs a clocksource read (bpf_ktime_get_coarse_ns() is
 * not allowed in tracing programs).  Without the config, the fine clock.
 * The verifier knows CONFIG_HZ and drops the branch not taken.
 */
static __always_inline __u64 inputaudit_now(void)
{
	if (CONFIG_HZ)
		return bpf_jiffies64() * (1000000000 / CONFIG_HZ);
	return bpf_ktime_get_ns();
}

/* @n: submitted, this record included. */
static __always_inline __u64 inputaudit_wakeup_flag(__u64 n)
{
	__u64 now = inputaudit_now();

	if ((n - last_wakeup_submitted) * INPUTAUDIT_RING_BYTES >=
	    wakeup_threshold || now - last_wakeup_ns >= latency_ns) {
		last_wakeup_ns = now;
		last_wakeup_submitted = n;
		return BPF_RB_FORCE_WAKEUP;
	}
	return BPF_RB_NO_WAKEUP;
}

/* Record @i of a batch (@w: its packed word, @i a constant). */
static __always_inline void
inputaudit_unpack(struct inputaudit_record *rec, struct bpf_raw_tracepoint_args *ctx,
		  __u64 w, const unsigned int i)
{
	__u32 p = w >> (32 * (i % 2));

	rec[i].seq = ctx->args[0] + i;
	rec[i].time_ns = ctx->args[1];
	rec[i].type = INPUTAUDIT_REC_EVENT;
	rec[i].flags = INPUTAUDIT_BATCH_KIND(p);
	rec[i].dev_id = ctx->args[4];
	rec[i].v[0] = INPUTAUDIT_BATCH_VALUE(p);
	rec[i].v[1] = INPUTAUDIT_BATCH_CODE(p);
	rec[i].v[2] = 0;
	rec[i].v[3] = 0;
}

/*
 * A batch of @n event records, @n a constant (a ring reservation's size
 * must be one).  Written out rather than looped: the verifier wants a
 * constant index into ctx->args[], and the conditions fold away.
 */
static __always_inline int inputaudit_batch(struct bpf_raw_tracepoint_args *ctx,
					    const unsigned int n)
{
	struct inputaudit_record *rec;
	__u64 total;

	rec = bpf_ringbuf_reserve(&records, n * sizeof(*rec), 0);
	if (!rec) {
		__sync_fetch_and_add(&drops, n);
		return 0;
	}
	inputaudit_unpack(rec, ctx, ctx->args[5], 0);
	if (n > 1)
		inputaudit_unpack(rec, ctx, ctx->args[5], 1);
	if (n > 2)
		inputaudit_unpack(rec, ctx, ctx->args[6], 2);
	if (n > 3)
		inputaudit_unpack(rec, ctx, ctx->args[6], 3);
	if (n > 4)
		inputaudit_unpack(rec, ctx, ctx->args[7], 4);
	if (n > 5)
		inputaudit_unpack(rec, ctx, ctx->args[7], 5);
	if (n > 6)
		inputaudit_unpack(rec, ctx, ctx->args[8], 6);
	if (n > 7)
		inputaudit_unpack(rec, ctx, ctx->args[8], 7);
	total = __sync_fetch_and_add(&submitted, n) + n;
	bpf_ringbuf_submit(rec, inputaudit_wakeup_flag(total));
	return 0;
}

/*
 * ctx->args[] rather than BPF_PROG(): the copy is the same, and BPF_PROG's
 * hidden ctx parameter trips -Wunused-parameter.  Never read past args[8]:
 * attaching a program that reads beyond the last argument fails.
 */
SEC("raw_tp")
int inputaudit_record(struct bpf_raw_tracepoint_args *ctx)
{
	struct inputaudit_record *rec;
	__u64 n;

	_Static_assert(INPUTAUDIT_BATCH_MAX == 8, "one case per batch size");
	if (ctx->args[2] == INPUTAUDIT_TP_EVENT_BATCH) {
		switch (ctx->args[3]) {
		case 1:
			return inputaudit_batch(ctx, 1);
		case 2:
			return inputaudit_batch(ctx, 2);
		case 3:
			return inputaudit_batch(ctx, 3);
		case 4:
			return inputaudit_batch(ctx, 4);
		case 5:
			return inputaudit_batch(ctx, 5);
		case 6:
			return inputaudit_batch(ctx, 6);
		case 7:
			return inputaudit_batch(ctx, 7);
		case 8:
			return inputaudit_batch(ctx, 8);
		default:
			return 0;	/* not from inputaudit: no records */
		}
	}

	rec = bpf_ringbuf_reserve(&records, sizeof(*rec), 0);
	if (!rec) {
		__sync_fetch_and_add(&drops, 1);
		return 0;
	}

	rec->seq = ctx->args[0];
	rec->time_ns = ctx->args[1];
	rec->type = ctx->args[2];
	rec->flags = ctx->args[3];
	rec->dev_id = ctx->args[4];
	rec->v[0] = ctx->args[5];
	rec->v[1] = ctx->args[6];
	rec->v[2] = ctx->args[7];
	rec->v[3] = ctx->args[8];

	/* Counted before the commit: never behind what a consumer can read. */
	n = __sync_fetch_and_add(&submitted, 1) + 1;
	bpf_ringbuf_submit(rec, inputaudit_wakeup_flag(n));
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
