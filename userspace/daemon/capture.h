/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The BPF side of the daemon: load the inputaudit_bpf skeleton, attach it
 * to the module's tracepoint, and wait on and drain its ring buffer.
 */
#ifndef INPUTAUDITD_CAPTURE_H
#define INPUTAUDITD_CAPTURE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <bpf/libbpf.h>

struct inputaudit_bpf;

struct capture {
	struct inputaudit_bpf *skel;
	struct bpf_link *link;
	struct ring_buffer *rb;
	/*
	 * How late the module may send an event record: it stages them for
	 * up to one kernel tick (kmod/batch.c).  1000 / CONFIG_HZ rounded up,
	 * or 10 (HZ=100, the slowest tick) when the config is not readable.
	 */
	unsigned int stage_ms;
	/*
	 * Neither /boot/config-$(uname -r) nor /proc/config.gz could be
	 * read: the program was loaded with CONFIG_HZ=0 (its fine clock,
	 * bpf_ktime_get_ns()) and stage_ms is 10.
	 */
	bool no_kconfig;
};

struct capture_counters {
	uint64_t submitted;	/* records the BPF program committed */
	uint64_t drops;		/* reserves that failed: ring full */
};

/*
 * Open and load the program; set stage_ms and no_kconfig.  Return: 0 or a
 * negative errno.
 */
int capture_load(struct capture *cap, uint32_t ring_size, uint64_t latency_ns);
/*
 * Attach to the tracepoint under either of its names.
 * Return: 0; -ENOENT when the module (so the tracepoint) is absent; or
 * another negative errno.  *name is set to the name tried last.
 */
int capture_attach(struct capture *cap, const char **name);
/* Set up the ring consumer.  Return: 0 or a negative errno. */
int capture_ring(struct capture *cap, ring_buffer_sample_fn fn, void *ctx);
/*
 * Wait up to timeout_ms for a wakeup, with sigmask in effect during the
 * wait only (as ppoll does).  Return: > 0 woken, 0 timed out, -EINTR, or
 * another negative errno.
 */
int capture_wait(struct capture *cap, int timeout_ms, const sigset_t *sigmask);
/* Hand every committed record to the sample callback; see ring_buffer__consume(). */
int capture_consume(struct capture *cap);
void capture_read_counters(const struct capture *cap, struct capture_counters *c);
/* Detach from the tracepoint: the module can be unloaded afterwards. */
void capture_detach(struct capture *cap);
void capture_close(struct capture *cap);

#endif /* INPUTAUDITD_CAPTURE_H */
