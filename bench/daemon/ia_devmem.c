// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ia-devmem (guest, static): the kernel memory inputaudit costs per attached
 * device.  Loads the module (no consumer attached) and unloads it again,
 * first with only the guest's own devices there, then with DEVICES (200)
 * uinput keyboards more, and compares the kernel memory each load took
 * (the devices exist before and after, so only what the module allocates
 * for them counts):
 *   slab:    sum over /proc/slabinfo of active objects x object size
 *            (every kmalloc, kobject, kernfs node, the module's own
 *            struct inputaudit_dev), the figure reported; exact when the
 *            guest boots with slub_debug=F (no per-CPU slabs, whose free
 *            objects slabinfo would count as active; no cache merging);
 *   meminfo: MemTotal - MemFree - Buffers - Cached (whole pages), a cross-check.
 * bytes per device = (load delta with DEVICES more - load delta without)
 * / DEVICES, each delta the mean of 4 loads after a warm-up load; before
 * every reading the guest waits 1 s (RCU frees) and drops the caches.
 * Output: "ok" TAP lines and one "# devmem: slab=B meminfo=B devices=N" line.
 *
 *   ia-devmem [DEVICES]     (INPUTAUDIT_KO: the module to load)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kmod_util.h"
#include "uinput_util.h"

#define MAX_DEVICES	1000

struct mem {
	long long slab;
	long long used;
};

#define MAX_CACHES	512

/* Per cache: active objects x object size, at the last two readings. */
static struct cache {
	char name[64];
	long long bytes, prev;
} caches[MAX_CACHES];
static int ncaches;

static struct cache *cache_get(const char *name)
{
	int i;

	for (i = 0; i < ncaches; i++)
		if (!strcmp(caches[i].name, name))
			return &caches[i];
	if (ncaches == MAX_CACHES)
		return NULL;
	snprintf(caches[ncaches].name, sizeof(caches[ncaches].name), "%.63s", name);
	return &caches[ncaches++];
}

static long long slabinfo_bytes(void)
{
	FILE *f = fopen("/proc/slabinfo", "r");
	char line[512], name[128];
	long long total = 0, active, num, size;
	struct cache *c;
	int i;

	if (!f)
		return -1;
	for (i = 0; i < ncaches; i++) {
		caches[i].prev = caches[i].bytes;
		caches[i].bytes = 0;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%127s %lld %lld %lld", name, &active, &num, &size) != 4)
			continue;
		total += active * size;
		c = cache_get(name);
		if (c)
			c->bytes = active * size;
	}
	fclose(f);
	return total;
}

/* The caches that grew by at least min bytes between the last two readings. */
static void print_caches(long long min, int n)
{
	int i;

	for (i = 0; i < ncaches; i++)
		if (caches[i].bytes - caches[i].prev >= min)
			printf("# devmem:   %-24s %+lld B (%lld B per device)\n",
			       caches[i].name, caches[i].bytes - caches[i].prev,
			       (caches[i].bytes - caches[i].prev) / n);
}

static long long meminfo_used(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	long long total = 0, free_ = 0, buffers = 0, cached = 0, v;
	char key[64];

	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld kB", key, &v) == 2) {
		if (!strcmp(key, "MemTotal:"))
			total = v;
		else if (!strcmp(key, "MemFree:"))
			free_ = v;
		else if (!strcmp(key, "Buffers:"))
			buffers = v;
		else if (!strcmp(key, "Cached:"))
			cached = v;
	}
	fclose(f);
	return (total - free_ - buffers - cached) * 1024;
}

static struct mem measure(void)
{
	sleep_ms(1000);
	write_file("/proc/sys/vm/drop_caches", "3");
	sleep_ms(200);
	return (struct mem){ slabinfo_bytes(), meminfo_used() };
}

static int ndevices(void)
{
	char status[256];
	const char *p;

	if (read_file("/sys/kernel/inputaudit/status", status, sizeof(status)) < 0)
		return -1;
	p = strstr(status, "devices=");
	return p ? atoi(p + 8) : -1;
}

/*
 * Load the module (it attaches to every device there is), read, unload;
 * ROUNDS times.  Return: 0, with the mean of what loading took.
 */
static int load_rounds(int rounds, struct mem *delta, int *attached)
{
	struct mem before, after;
	int r, err;

	delta->slab = delta->used = 0;
	for (r = 0; r < rounds; r++) {
		before = measure();
		err = kmod_load("");
		if (err) {
			printf("not ok 1 - devmem: insmod: %s\n", strerror(-err));
			return -1;
		}
		after = measure();
		*attached = ndevices();
		if (rounds > 1 && r == rounds - 1 && *attached > 100)
			print_caches(4096, *attached);
		err = kmod_unload(0);
		if (err) {
			printf("not ok 1 - devmem: rmmod: %s\n", strerror(-err));
			return -1;
		}
		printf("# devmem: load with %d devices attached: slab %+lld B, meminfo %+lld B\n",
		       *attached, after.slab - before.slab, after.used - before.used);
		delta->slab += after.slab - before.slab;
		delta->used += after.used - before.used;
	}
	delta->slab /= rounds;
	delta->used /= rounds;
	return 0;
}

int main(int argc, char **argv)
{
	static int fds[MAX_DEVICES];
	int n = argc > 1 ? atoi(argv[1]) : 200;
	int rounds = 4, base_attached, attached, i;
	struct mem base, many, warm;
	long long slab, used;
	char name[64];

	if (n < 1 || n > MAX_DEVICES) {
		fprintf(stderr, "usage: ia-devmem [DEVICES]  (1 - %d)\n", MAX_DEVICES);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("1..1\n");
	if (kmod_loaded())
		kmod_unload(0);
	/* Loading with the devices already there: their own memory cancels. */
	if (load_rounds(1, &warm, &base_attached) ||
	    load_rounds(rounds, &base, &base_attached))
		return 1;
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "ia-devmem keyboard %d", i);
		fds[i] = uinput_create(UINPUT_KEYBOARD, name);
		if (fds[i] < 0) {
			printf("not ok 1 - devmem: uinput_create %d: %s\n", i, strerror(-fds[i]));
			return 1;
		}
	}
	if (load_rounds(1, &warm, &attached) || load_rounds(rounds, &many, &attached))
		return 1;
	for (i = 0; i < n; i++)
		uinput_destroy(fds[i]);
	if (attached - base_attached != n) {
		printf("not ok 1 - devmem: %d devices attached, expected %d more than %d\n",
		       attached, n, base_attached);
		return 1;
	}
	slab = (many.slab - base.slab) / n;
	used = (many.used - base.used) / n;
	printf("# devmem: slab=%lld meminfo=%lld devices=%d\n", slab, used, n);
	printf("ok 1 - devmem: inputaudit costs %lld bytes of slab per attached device (meminfo: %lld)\n",
	       slab, used);
	return 0;
}
