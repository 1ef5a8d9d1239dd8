/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * inputaudit: the module tracepoint every record leaves the kernel through.
 *
 * A bare tracepoint: integer arguments only, no tracefs event, read by
 * raw_tp BPF programs (which need no module BTF).  Anything root attaches
 * here sees exactly what the current capture level allows, so the
 * arguments are already minimized when the tracepoint fires.  record.c
 * defines it with DEFINE_TRACE_FN() to learn when consumers come and go.
 *
 * The name is INPUTAUDIT_TP_NAME in include/inputaudit.h; kernels from
 * about 6.16 append "_tp" to a DECLARE_TRACE() tracepoint's name.
 */
#ifndef _INPUTAUDIT_TRACE_H
#define _INPUTAUDIT_TRACE_H

#include <linux/tracepoint.h>

#define INPUTAUDIT_TP_PROTO						\
	TP_PROTO(u64 seq, u64 time_ns, u16 type, u16 flags, u32 dev_id,	\
		 u64 v0, u64 v1, u64 v2, u64 v3)
#define INPUTAUDIT_TP_ARGS						\
	TP_ARGS(seq, time_ns, type, flags, dev_id, v0, v1, v2, v3)

DECLARE_TRACE(inputaudit_record, INPUTAUDIT_TP_PROTO, INPUTAUDIT_TP_ARGS);

#endif /* _INPUTAUDIT_TRACE_H */
