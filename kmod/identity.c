// SPDX-License-Identifier: GPL-2.0-only
/*
 * inputaudit: a device's identity in the record stream.
 *
 * A consumer learns every device it hears about first by its identity: the
 * name, in up to INPUTAUDIT_NAME_CHUNKS DEV_NAME records, then DEV_ADDED
 * (bus, ids, capabilities, origin, creator).  A device attached while a
 * consumer is there is announced at once; when a consumer attaches after
 * none, every device already attached is announced to it, marked present
 * (the inventory), before any other record of it.  With no consumer
 * attached a device's identity is not sent, and not counted as unconsumed:
 * the next consumer gets it.
 */
#include <linux/input.h>
#include <linux/string.h>

#include "internal.h"

/* The name, so that the daemon can match rules on it without sysfs. */
static void inputaudit_emit_name(struct inputaudit_dev *iad)
{
	const char *name = iad->handle.dev->name ?: "";
	size_t len = strlen(name), off;
	u64 w[INPUTAUDIT_NAME_CHUNK / sizeof(u64)];
	u16 flags;
	int i;

	for (i = 0; i < INPUTAUDIT_NAME_CHUNKS; i++) {
		off = i * INPUTAUDIT_NAME_CHUNK;
		memset(w, 0, sizeof(w));
		if (off < len)
			memcpy(w, name + off,
			       min_t(size_t, len - off, INPUTAUDIT_NAME_CHUNK));
		flags = i;
		if (len <= off + INPUTAUDIT_NAME_CHUNK)
			flags |= INPUTAUDIT_NAME_LAST;
		else if (i == INPUTAUDIT_NAME_CHUNKS - 1)
			flags |= INPUTAUDIT_NAME_LAST | INPUTAUDIT_NAME_TRUNCATED;
		iad->records++;
		inputaudit_emit(INPUTAUDIT_REC_DEV_NAME, flags, iad->id,
				le64_to_cpu((__force __le64)w[0]),
				le64_to_cpu((__force __le64)w[1]),
				le64_to_cpu((__force __le64)w[2]),
				le64_to_cpu((__force __le64)w[3]));
		if (flags & INPUTAUDIT_NAME_LAST)
			break;
	}
}

/**
 * inputaudit_announce() - send a device's identity if the consumer lacks it
 * @iad: the device
 *
 * Does nothing while no consumer is attached: the announcement stays due.
 *
 * Context: @iad's dev->event_lock held, IRQs off, or the device no longer
 * reachable by events and workers (disconnect).
 */
void inputaudit_announce(struct inputaudit_dev *iad)
{
	const struct input_id *id = &iad->handle.dev->id;
	u64 comm[2] = { 0, 0 };
	u16 flags = iad->flags;

	if (likely(iad->announce == INPUTAUDIT_ANNOUNCE_NONE) ||
	    !inputaudit_consumer_attached())
		return;
	if (iad->announce == INPUTAUDIT_ANNOUNCE_PRESENT)
		flags |= INPUTAUDIT_DEV_PRESENT;
	iad->announce = INPUTAUDIT_ANNOUNCE_NONE;

	BUILD_BUG_ON(sizeof(comm) != TASK_COMM_LEN);
	memcpy(comm, iad->creator_comm, TASK_COMM_LEN);
	inputaudit_emit_name(iad);
	iad->records++;
	inputaudit_emit(INPUTAUDIT_REC_DEV_ADDED, flags, iad->id,
			INPUTAUDIT_IDENT(id->bustype, id->vendor, id->product,
					 id->version),
			(u64)iad->creator_uid << 32 | iad->creator_pid,
			le64_to_cpu((__force __le64)comm[0]),
			le64_to_cpu((__force __le64)comm[1]));
}
