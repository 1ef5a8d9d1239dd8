// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The real BPF program on the host kernel: load the skeleton, run the
 * raw_tp program with BPF_PROG_TEST_RUN and nine u64 arguments as the
 * tracepoint would pass them (single records and batches of event
 * records), and read the ring with libbpf.
 * Needs root (or CAP_BPF + CAP_PERFMON); skipped otherwise.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kselftest_harness.h"
#include "inputaudit.h"
#include "inputaudit.skel.h"

#define MAX_SEEN	256

FIXTURE(bpf_ring)
{
	struct inputaudit_bpf *skel;
	struct ring_buffer *rb;
	unsigned int nseen;	/* records */
	unsigned int nsamples;
	unsigned int sample_records[MAX_SEEN];	/* records per sample */
	struct inputaudit_record seen[MAX_SEEN];
	size_t bad_size;	/* size of the last sample that had a wrong size */
};

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	fprintf(stderr, "# ");
	return vfprintf(stderr, fmt, ap);
}

static int on_sample(void *ctx, void *data, size_t size)
{
	FIXTURE_DATA(bpf_ring) *self = ctx;
	const size_t rs = sizeof(struct inputaudit_record);
	const char *p = data;

	if (!size || size % rs) {
		self->bad_size = size;
		return 0;
	}
	if (self->nsamples < MAX_SEEN)
		self->sample_records[self->nsamples] = size / rs;
	self->nsamples++;
	for (; size; p += rs, size -= rs) {
		if (self->nseen < MAX_SEEN)
			memcpy(&self->seen[self->nseen], p, rs);
		self->nseen++;
	}
	return 0;
}

/*
 * Open and load the skeleton with the given ring size and wakeup settings.
 * Return: 0, or a negative errno (-EPERM/-EACCES: no BPF privileges).
 */
static int load(FIXTURE_DATA(bpf_ring) *self, __u32 ring_size,
		__u64 threshold, __u64 latency_ns)
{
	int err;

	self->skel = inputaudit_bpf__open();
	if (!self->skel)
		return -errno;
	err = bpf_map__set_max_entries(self->skel->maps.records, ring_size);
	if (err)
		return err;
	self->skel->rodata->wakeup_threshold = threshold;
	self->skel->rodata->latency_ns = latency_ns;
	err = inputaudit_bpf__load(self->skel);
	if (err)
		return err;
	self->rb = ring_buffer__new(bpf_map__fd(self->skel->maps.records),
				    on_sample, self, NULL);
	if (!self->rb)
		return -errno;
	return 0;
}

/*
 * Only a caller without privileges may skip: as root, -EACCES is the
 * verifier refusing the program, which is a failure.
 */
static bool no_privilege(int err)
{
	return (err == -EPERM || err == -EACCES || err == -ENOSYS) &&
	       geteuid() != 0;
}

/* Run the program once as if the tracepoint fired with these arguments. */
static int fire(FIXTURE_DATA(bpf_ring) *self, const __u64 args[9])
{
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.ctx_in = args,
		.ctx_size_in = 9 * sizeof(__u64),
	);
	int err;

	err = bpf_prog_test_run_opts(
		bpf_program__fd(self->skel->progs.inputaudit_record), &opts);
	if (err)
		return -errno;
	return opts.retval;
}

static int fire_seq(FIXTURE_DATA(bpf_ring) *self, __u64 seq)
{
	const __u64 args[9] = { seq, seq * 1000, INPUTAUDIT_REC_ACTIVITY, 0, 1 };

	return fire(self, args);
}

/* The packed form of synthetic event i of a batch: kind, code, value vary. */
static __u32 batch_event(unsigned int i)
{
	return INPUTAUDIT_BATCH_PACK(1 + i % INPUTAUDIT_EV_SWITCH,
				     i ? 0x2ff - i : 0,
				     i == 7 ? INPUTAUDIT_BATCH_VALUE_MAX : i * 3);
}

/* Fire a batch of @n (may be out of range) events, seq first .. first+n-1. */
static int fire_batch(FIXTURE_DATA(bpf_ring) *self, __u64 first,
		      unsigned int n)
{
	__u64 args[9] = { first, 7000000, INPUTAUDIT_TP_EVENT_BATCH, n, 42 };
	unsigned int i;

	for (i = 0; i < n && i < INPUTAUDIT_BATCH_MAX; i++)
		args[5 + i / 2] |= (__u64)batch_event(i) << (32 * (i % 2));
	return fire(self, args);
}

/* Record @i of a batch starting at seq @first, as it must come out. */
static void expect_batch_record(struct __test_metadata *_metadata,
				const struct inputaudit_record *r, __u64 first,
				unsigned int i)
{
	__u32 p = batch_event(i);

	EXPECT_EQ(first + i, r->seq);
	EXPECT_EQ(7000000, r->time_ns);
	EXPECT_EQ(INPUTAUDIT_REC_EVENT, r->type);
	EXPECT_EQ(1 + i % INPUTAUDIT_EV_SWITCH, r->flags);
	EXPECT_EQ(INPUTAUDIT_BATCH_KIND(p), r->flags);
	EXPECT_EQ(42, r->dev_id);
	EXPECT_EQ(i == 7 ? INPUTAUDIT_BATCH_VALUE_MAX : i * 3, r->v[0]);
	EXPECT_EQ(i ? 0x2ff - i : 0, r->v[1]);
	EXPECT_EQ(0, r->v[2]);
	EXPECT_EQ(0, r->v[3]);
}

FIXTURE_SETUP(bpf_ring)
{
	libbpf_set_print(libbpf_print);
	self->skel = NULL;
	self->rb = NULL;
	self->nseen = 0;
	self->nsamples = 0;
	self->bad_size = 0;
}

FIXTURE_TEARDOWN(bpf_ring)
{
	ring_buffer__free(self->rb);
	inputaudit_bpf__destroy(self->skel);
}

/* Each tracepoint argument lands in its record field, narrowed as declared. */
TEST_F(bpf_ring, record_matches_args)
{
	const __u64 args[9] = {
		0x1122334455667788ull,		/* seq */
		0x0102030405060708ull,		/* time_ns */
		INPUTAUDIT_REC_DEV_ADDED,	/* type (u16) */
		INPUTAUDIT_DEV_KEYBOARD | INPUTAUDIT_DEV_CREATOR, /* flags (u16) */
		0xdeadbeefu,			/* dev_id (u32) */
		INPUTAUDIT_IDENT(3, 0x046d, 0xc31c, 0x110),
		(__u64)1000 << 32 | 4242,
		0x1111111111111111ull,
		0xffffffffffffffffull,
	};
	const struct inputaudit_record want = {
		.seq = args[0], .time_ns = args[1], .type = args[2],
		.flags = args[3], .dev_id = args[4],
		.v = { args[5], args[6], args[7], args[8] },
	};
	int err;

	err = load(self, 1 << 20, (1 << 20) / 4, 20000000);
	if (no_privilege(err))
		SKIP(return, "cannot load BPF programs: %s", strerror(-err));
	ASSERT_EQ(0, err);

	ASSERT_EQ(0, fire(self, args));
	EXPECT_EQ(1, ring_buffer__consume(self->rb));
	EXPECT_EQ(0, self->bad_size);
	ASSERT_EQ(1, self->nseen);
	EXPECT_EQ(0, memcmp(&want, &self->seen[0], sizeof(want)));
	EXPECT_EQ(1, self->skel->bss->submitted);
	EXPECT_EQ(0, self->skel->bss->drops);
}

/* A full ring counts every failed reserve: submitted + drops == runs, exactly. */
TEST_F(bpf_ring, full_ring_counts_drops)
{
	const unsigned int runs = 100;
	unsigned int i, kept;
	int err;

	/* No wakeups: nothing consumes while the ring fills. */
	err = load(self, 4096, 1ull << 62, 1ull << 62);
	if (no_privilege(err))
		SKIP(return, "cannot load BPF programs: %s", strerror(-err));
	ASSERT_EQ(0, err);

	for (i = 1; i <= runs; i++)
		ASSERT_EQ(0, fire_seq(self, i));

	/*
	 * Each record takes 64 bytes (56 and an 8-byte header), and the
	 * kernel keeps the producer less than a full ring ahead of the
	 * consumer: 63 records fit in 4096 bytes.
	 */
	kept = ring_buffer__consume(self->rb);
	EXPECT_EQ(4096 / 64 - 1, kept);
	EXPECT_EQ(kept, self->nseen);
	EXPECT_EQ(kept, self->skel->bss->submitted);
	EXPECT_EQ(runs - kept, self->skel->bss->drops);
	EXPECT_EQ(runs, self->skel->bss->submitted + self->skel->bss->drops);
	/* The survivors are the first records, in order. */
	EXPECT_EQ(1, self->seen[0].seq);
	EXPECT_EQ(kept, self->seen[kept - 1].seq);

	/* Once drained, the ring takes records again. */
	ASSERT_EQ(0, fire_seq(self, runs + 1));
	EXPECT_EQ(1, ring_buffer__consume(self->rb));
	EXPECT_EQ(kept + 1, self->skel->bss->submitted);
	EXPECT_EQ(runs - kept, self->skel->bss->drops);
}

/*
 * The consumer is woken for the first record after idle and when the
 * records submitted since the last wakeup reach the threshold (consumed or
 * not), and not for records in between:
 * those are only found by ring_buffer__consume().  epoll is level
 * triggered, so a wait right after a reported wakeup rechecks the ring;
 * only a wait that found it empty makes epoll forget it, which is the
 * state of an idle daemon.
 */
/*
 * Load for the wakeup tests: wake at three records since the last wakeup
 * (3 * 64 bytes), or when 5 s passed since it.  Return: why the test
 * cannot run here, or NULL (and *err is load()'s result).
 */
static const char *load_wakeup(FIXTURE_DATA(bpf_ring) *self, int *err)
{
	static char why[128];
	struct timespec now;

	/* The first wakeup relies on "now - 0 >= latency". */
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec < 10)
		return "system up less than 10 s";
	*err = load(self, 1 << 16, 3 * 64, 5ull * 1000 * 1000 * 1000);
	if (!no_privilege(*err))
		return NULL;
	snprintf(why, sizeof(why), "cannot load BPF programs: %s",
		 strerror(-*err));
	return why;
}

TEST_F(bpf_ring, wakeup_policy)
{
	const char *why;
	int err;

	why = load_wakeup(self, &err);
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, err);

	/* First record after idle: woken at once. */
	ASSERT_EQ(0, fire_seq(self, 1));
	EXPECT_EQ(1, ring_buffer__poll(self->rb, 1000));
	EXPECT_NE(0, self->skel->bss->last_wakeup_ns);
	EXPECT_EQ(0, ring_buffer__poll(self->rb, 0));

	/* Within the latency budget and below the threshold: no wakeup. */
	ASSERT_EQ(0, fire_seq(self, 2));
	EXPECT_EQ(0, ring_buffer__poll(self->rb, 50));
	EXPECT_EQ(1, ring_buffer__consume(self->rb));

	ASSERT_EQ(0, fire_seq(self, 3));
	EXPECT_EQ(0, ring_buffer__poll(self->rb, 50));

	/* The third record since the wakeup reaches the threshold. */
	ASSERT_EQ(0, fire_seq(self, 4));
	EXPECT_EQ(2, ring_buffer__poll(self->rb, 1000));
	EXPECT_EQ(4, self->nseen);
	EXPECT_EQ(4, self->seen[3].seq);
	EXPECT_EQ(4, self->skel->bss->last_wakeup_submitted);
	EXPECT_EQ(0, ring_buffer__poll(self->rb, 0));

	/* And the count starts again from there. */
	ASSERT_EQ(0, fire_seq(self, 5));
	ASSERT_EQ(0, fire_seq(self, 6));
	EXPECT_EQ(0, ring_buffer__poll(self->rb, 50));
	EXPECT_EQ(2, ring_buffer__consume(self->rb));
	ASSERT_EQ(0, fire_seq(self, 7));
	EXPECT_EQ(1, ring_buffer__poll(self->rb, 1000));
	EXPECT_EQ(7, self->nseen);
	EXPECT_EQ(0, self->skel->bss->drops);
}

/*
 * A batch of n event records becomes n records in ONE ring sample, for
 * every n from 1 to INPUTAUDIT_BATCH_MAX, each field unpacked.
 */
TEST_F(bpf_ring, batch_unpacks_in_one_sample)
{
	unsigned int n, i, r = 0;
	__u64 first = 100;
	int err;

	err = load(self, 1 << 20, 1ull << 62, 1ull << 62);
	if (no_privilege(err))
		SKIP(return, "cannot load BPF programs: %s", strerror(-err));
	ASSERT_EQ(0, err);

	for (n = 1; n <= INPUTAUDIT_BATCH_MAX; n++) {
		ASSERT_EQ(0, fire_batch(self, first, n));
		first += n;
	}
	EXPECT_EQ(INPUTAUDIT_BATCH_MAX, ring_buffer__consume(self->rb));
	EXPECT_EQ(0, self->bad_size);
	ASSERT_EQ(INPUTAUDIT_BATCH_MAX, self->nsamples);
	ASSERT_EQ(36, self->nseen);
	first = 100;
	for (n = 1; n <= INPUTAUDIT_BATCH_MAX; n++) {
		EXPECT_EQ(n, self->sample_records[n - 1]);
		for (i = 0; i < n; i++)
			expect_batch_record(_metadata, &self->seen[r++], first, i);
		first += n;
	}
	EXPECT_EQ(36, self->skel->bss->submitted);
	EXPECT_EQ(0, self->skel->bss->drops);
}

/* A batch size out of range is not from inputaudit: no record, no drop. */
TEST_F(bpf_ring, batch_bad_size_ignored)
{
	int err;

	err = load(self, 1 << 20, 1ull << 62, 1ull << 62);
	if (no_privilege(err))
		SKIP(return, "cannot load BPF programs: %s", strerror(-err));
	ASSERT_EQ(0, err);

	ASSERT_EQ(0, fire_batch(self, 1, 0));
	ASSERT_EQ(0, fire_batch(self, 1, INPUTAUDIT_BATCH_MAX + 1));
	ASSERT_EQ(0, fire_batch(self, 1, 1000));
	EXPECT_EQ(0, ring_buffer__consume(self->rb));
	EXPECT_EQ(0, self->skel->bss->submitted);
	EXPECT_EQ(0, self->skel->bss->drops);
	/* The program still takes batches afterwards. */
	ASSERT_EQ(0, fire_batch(self, 1, 2));
	EXPECT_EQ(1, ring_buffer__consume(self->rb));
	EXPECT_EQ(2, self->nseen);
}

/*
 * A batch that does not fit is dropped whole and counted as that many
 * records: submitted + drops == records fired, exactly, and the kept
 * records are the first ones with no seq missing among them.
 */
TEST_F(bpf_ring, batch_drops_count_records)
{
	const unsigned int runs = 20, n = INPUTAUDIT_BATCH_MAX;
	unsigned int i, kept;
	int err;

	err = load(self, 4096, 1ull << 62, 1ull << 62);
	if (no_privilege(err))
		SKIP(return, "cannot load BPF programs: %s", strerror(-err));
	ASSERT_EQ(0, err);

	for (i = 0; i < runs; i++)
		ASSERT_EQ(0, fire_batch(self, 1 + i * n, n));
	/* 8 records and an 8-byte header: 456 bytes; 8 fit below 4096. */
	kept = ring_buffer__consume(self->rb);
	EXPECT_EQ(8, kept);
	EXPECT_EQ(kept * n, self->nseen);
	EXPECT_EQ(kept * n, self->skel->bss->submitted);
	EXPECT_EQ((runs - kept) * n, self->skel->bss->drops);
	for (i = 0; i < kept * n; i++)
		EXPECT_EQ(1 + i, self->seen[i].seq);
}

/* The wakeup threshold counts a batch's records, not its one sample. */
TEST_F(bpf_ring, batch_wakeup_counts_records)
{
	const char *why;
	int err;

	why = load_wakeup(self, &err);
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, err);

	/* First after idle: woken at once. */
	ASSERT_EQ(0, fire_seq(self, 1));
	EXPECT_EQ(1, ring_buffer__poll(self->rb, 1000));
	EXPECT_EQ(0, ring_buffer__poll(self->rb, 0));	/* epoll forgets */
	/* Two records: below the threshold, no wakeup. */
	ASSERT_EQ(0, fire_batch(self, 2, 2));
	EXPECT_EQ(0, ring_buffer__poll(self->rb, 50));
	EXPECT_EQ(1, ring_buffer__consume(self->rb));
	/* One sample of three records reaches it. */
	ASSERT_EQ(0, fire_batch(self, 4, 3));
	EXPECT_EQ(1, ring_buffer__poll(self->rb, 1000));
	EXPECT_EQ(6, self->nseen);
	EXPECT_EQ(6, self->skel->bss->last_wakeup_submitted);
}

TEST_HARNESS_MAIN
