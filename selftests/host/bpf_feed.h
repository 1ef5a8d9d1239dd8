/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Host tests: records into a running daemon's ring buffer the way the
 * module sends them.  The daemon (--no-attach: there is no module on the
 * host) loaded its BPF program; the test finds that program through the
 * daemon's descriptors and runs it with BPF_PROG_TEST_RUN, with a record's
 * fields as the tracepoint's nine arguments.  The program puts the record
 * in the daemon's ring, which the daemon reads as in live capture.  Needs
 * root.
 */
#ifndef INPUTAUDIT_HOST_BPF_FEED_H
#define INPUTAUDIT_HOST_BPF_FEED_H

#include <sys/types.h>

#include "inputaudit.h"

/* An fd of the BPF program daemon @pid holds.  Return: the fd or -errno. */
int bpf_feed_prog(pid_t pid);

/* Run the program @prog_fd as the tracepoint would for @rec.  Return: 0 or -errno. */
int bpf_feed_record(int prog_fd, const struct inputaudit_record *rec);

#endif /* INPUTAUDIT_HOST_BPF_FEED_H */
