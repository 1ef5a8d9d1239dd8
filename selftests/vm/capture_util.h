/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One capture in a VM test: the daemon writing to a file, the test's own
 * uinput device, and the records read back afterwards.
 */
#ifndef _CAPTURE_UTIL_H
#define _CAPTURE_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "daemon_util.h"

#define WAIT_MS		20000

struct capture {
	pid_t daemon;	/* 0 when not running */
	int ufd;	/* the test's uinput device, -1 when none */
	char out[64];	/* the daemon's output file */
	struct jsonl j;	/* its records, after capture_finish() */
};

void capture_init(struct capture *c);
/*
 * Fixture setup: initializes c and unloads a module left loaded.  Returns
 * why the test cannot run here, or NULL.
 */
const char *capture_prepare(struct capture *c);
/* Stops whatever still runs, unloads the module, removes the file. */
int capture_cleanup(struct capture *c);
/*
 * Destroys the test's device, waits until the daemon wrote its
 * device_removed record, stops the daemon and loads its output.
 * Returns the device id, or 0 if something went wrong.
 */
uint64_t capture_finish(struct capture *c);
/* Reloads the output file into c->j; returns 0 or -errno. */
int capture_reload(struct capture *c);
/* Stops the daemon and loads what it wrote; 0, or -1 if it did not exit 0. */
int capture_stop_and_load(struct capture *c);
/* The id of the device this process created, from its device_added. */
bool find_own_device(const struct jsonl *j, uint64_t *dev);
/* The first record of a type for a device, or NULL. */
const char *find_record(const struct jsonl *j, const char *type, uint64_t dev);
/* How many records of a type a device has. */
int count_type(const struct jsonl *j, const char *type, uint64_t dev);
/* Sums a numeric field over the records of one type for one device. */
uint64_t sum_field(const struct jsonl *j, const char *type, uint64_t dev,
		   const char *field);
/* Counts event records of one kind (and class, if given) for a device. */
int count_events(const struct jsonl *j, uint64_t dev, const char *kind,
		 const char *class);
/*
 * Counts kernel records (with the name records merged into device_added)
 * and sums the missing seqs of loss records.
 */
void count_records(const struct jsonl *j, uint64_t *kernel, uint64_t *missing);
/* The daemon's final stats record, or NULL. */
const char *final_stats(const struct jsonl *j);

#endif
