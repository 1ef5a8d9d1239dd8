/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * inputaudit: the module tracepoint every record leaves the kernel through.
 *
 * A bare tracepoint: integer arguments only, no tracefs event, read by
 * raw_tp BPF programs (which need no module BTF).  A firing is one record
 * or a batch of event records of one device (INPUTAUDIT_TP_EVENT_BATCH in
 * include/inputaudit.h).  Anything root attaches here sees exactly what
 * the current capture level allows, so the arguments are already
 * minimized when the tracepoint fires.  record.c
 * defines it (CREATE_TRACE_POINTS); define_trace.h also makes the entry
 * that lets raw_tp programs find it.
 *
 * The name is INPUTAUDIT_TP_NAME in include/inputaudit.h; kernels from
 * about 6.16 append "_tp" to a DECLARE_TRACE() tracepoint's name.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM inputaudit

#if !defined(_INPUTAUDIT_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _INPUTAUDIT_TRACE_H

#include <linux/tracepoint.h>

#define INPUTAUDIT_TP_PROTO						\
	TP_PROTO(u64 seq, u64 time_ns, u16 type, u16 flags, u32 dev_id,	\
		 u64 v0, u64 v1, u64 v2, u64 v3)
#define INPUTAUDIT_TP_ARGS						\
	TP_ARGS(seq, time_ns, type, flags, dev_id, v0, v1, v2, v3)

DECLARE_TRACE(inputaudit_record, INPUTAUDIT_TP_PROTO, INPUTAUDIT_TP_ARGS);

#endif /* _INPUTAUDIT_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
