// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The daemon's own records; the schema is in daemon_json.h. */
#include <errno.h>
#include <string.h>

#include "daemon_json.h"
#include "jbuf.h"

static void jb_head(struct jbuf *jb, uint64_t time_ns, const char *type)
{
	jb_u64(jb, "time_ns", time_ns);
	jb_str(jb, "type", type);
}

int daemon_json_alert(uint64_t time_ns, const char *reason, uint32_t dev,
		      uint64_t ref_seq, const char *rule, char *buf,
		      size_t size)
{
	struct jbuf jb;

	if (jb_begin(&jb, buf, size))
		return -ENOSPC;
	jb_head(&jb, time_ns, "alert");
	jb_str(&jb, "reason", reason);
	jb_u64(&jb, "dev", dev);
	jb_u64(&jb, "ref_seq", ref_seq);
	if (rule)
		jb_str_esc(&jb, "rule", rule, strlen(rule));
	return jb_finish(&jb);
}

int daemon_json_sink_loss(uint64_t time_ns, const char *sink, uint64_t dropped,
			  char *buf, size_t size)
{
	struct jbuf jb;

	if (jb_begin(&jb, buf, size))
		return -ENOSPC;
	jb_head(&jb, time_ns, "sink_loss");
	jb_str_esc(&jb, "sink", sink, strlen(sink));
	jb_u64(&jb, "dropped", dropped);
	return jb_finish(&jb);
}
