// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The BPF side of the daemon; see capture.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "capture.h"
#include "inputaudit.h"
#include "inputaudit.skel.h"

/*
 * Every __kconfig extern of the program, set for a kernel whose config
 * libbpf cannot read.  libbpf (1.1) reads the config file anyway as soon as
 * one CONFIG_ extern is left unset here, and fails the load without it: an
 * extern added to the program must be added here too.  CONFIG_HZ=0 makes
 * the program time with bpf_ktime_get_ns() instead of jiffies.
 */
#define CAPTURE_KCONFIG_FALLBACK	"CONFIG_HZ=0\n"

/* Whether path can be opened for reading, as libbpf's gzopen() would. */
static bool readable(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/*
 * Whether libbpf can read the running kernel's config for the CONFIG_
 * externs: it tries /boot/config-$(uname -r), then /proc/config.gz, and
 * when it can open neither it fails the load, even for an extern declared
 * __weak (libbpf 1.1, bpf_object__read_kconfig_file()).
 */
static bool kconfig_readable(void)
{
	char path[PATH_MAX];
	struct utsname uts;

	if (!uname(&uts)) {
		snprintf(path, sizeof(path), "/boot/config-%s", uts.release);
		if (readable(path))
			return true;
	}
	return readable("/proc/config.gz");
}

int capture_load(struct capture *cap, uint32_t ring_size, uint64_t latency_ns)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts);
	unsigned int hz;
	int err;

	cap->no_kconfig = !kconfig_readable();
	if (cap->no_kconfig)
		opts.kconfig = CAPTURE_KCONFIG_FALLBACK;
	cap->skel = inputaudit_bpf__open_opts(&opts);
	if (!cap->skel)
		return -errno;

	err = bpf_map__set_max_entries(cap->skel->maps.records, ring_size);
	if (err)
		return err;
	/* Wake the daemon before a burst can fill the ring. */
	cap->skel->rodata->wakeup_threshold = ring_size / 4;
	cap->skel->rodata->latency_ns = latency_ns;

	err = inputaudit_bpf__load(cap->skel);
	if (err)
		return err;
	/* libbpf has read the kernel's config (or the fallback's 0) by now. */
	hz = cap->skel->kconfig->CONFIG_HZ;
	cap->stage_ms = hz ? (1000 + hz - 1) / hz : 10;
	return 0;
}

int capture_attach(struct capture *cap, const char **name)
{
	static const char *const names[] = {
		INPUTAUDIT_TP_NAME,
		INPUTAUDIT_TP_NAME_SUFFIXED,	/* kernels from about 6.16 */
	};
	struct bpf_program *prog = cap->skel->progs.inputaudit_record;
	int err = -ENOENT;
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		*name = names[i];
		cap->link = bpf_program__attach_raw_tracepoint(prog, names[i]);
		if (cap->link)
			return 0;
		err = -errno;
		if (err != -ENOENT)
			break;
	}
	return err;
}

int capture_ring(struct capture *cap, ring_buffer_sample_fn fn, void *ctx)
{
	cap->rb = ring_buffer__new(bpf_map__fd(cap->skel->maps.records), fn,
				   ctx, NULL);
	return cap->rb ? 0 : -errno;
}

/*
 * epoll_pwait() on libbpf's epoll instance rather than ring_buffer__poll():
 * the same wait, but the signal mask is swapped atomically with it, so a
 * SIGTERM cannot slip in between the exit check and the wait.  The caller
 * always drains with capture_consume() afterwards, which is what finds
 * records submitted without a wakeup.
 */
int capture_wait(struct capture *cap, int timeout_ms, const sigset_t *sigmask)
{
	struct epoll_event ev;
	int n;

	n = epoll_pwait(ring_buffer__epoll_fd(cap->rb), &ev, 1, timeout_ms,
			sigmask);
	return n < 0 ? -errno : n;
}

int capture_consume(struct capture *cap)
{
	return ring_buffer__consume(cap->rb);
}

/* The BPF program updates these with atomic adds; read each once. */
void capture_read_counters(const struct capture *cap, struct capture_counters *c)
{
	c->submitted = __atomic_load_n(&cap->skel->bss->submitted,
				       __ATOMIC_RELAXED);
	c->drops = __atomic_load_n(&cap->skel->bss->drops, __ATOMIC_RELAXED);
}

void capture_detach(struct capture *cap)
{
	bpf_link__destroy(cap->link);
	cap->link = NULL;
}

void capture_close(struct capture *cap)
{
	capture_detach(cap);
	ring_buffer__free(cap->rb);
	cap->rb = NULL;
	inputaudit_bpf__destroy(cap->skel);
	cap->skel = NULL;
}
