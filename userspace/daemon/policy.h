/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Device policy: what happens to each kernel record.
 *
 * The daemon never reads sysfs for device identity (it runs unprivileged):
 * the device table is fed by the record stream only.
 *  - DEV_NAME records (1 to INPUTAUDIT_NAME_CHUNKS chunks, right before a
 *    DEV_ADDED of the same device) are merged into the device's name and
 *    consumed: they are never forwarded.  A name whose chunks did not all
 *    arrive in order (a loss) is unknown: match_name never matches it.
 *  - DEV_ADDED fills identity (bus, vendor, product, origin, creator
 *    comm), picks the device's action from the rules (first match in file
 *    order, else [policy] default) and remembers it.  A DEV_ADDED with
 *    INPUTAUDIT_DEV_PRESENT (the inventory the module sends when a consumer
 *    attaches: devices attached before the daemon) is treated exactly the
 *    same, except that it raises no "new_device" alert.
 *  - DEV_REMOVED is forwarded (lifecycle is kept even for ignored devices)
 *    and frees the entry.
 * Records of a device the table does not know get the default action: its
 * DEV_ADDED was lost, or the daemon attached while another consumer (say
 * bpftrace) already was, in which case the module sent no inventory.
 * Records without a device (dev 0) and config records are always forwarded.
 *
 * A device is virtual (match_virtual) when its origin is not hardware
 * (uinput, uhid, or made by the kernel), when a creator is named, or when
 * it is on BUS_VIRTUAL.  match_creator only ever matches a named creator:
 * never a device whose creator is unknown.
 *
 * Alerts (each one becomes an "alert" record written after the record):
 *  - "device_rule": device_added of a device whose action is alert (with
 *    the rule's name; none when [policy] default = alert chose it)
 *  - "new_device": device_added without "present", with [alert]
 *    new_device = yes
 *  - "creator": device_added of a device made by a process (origin uinput
 *    or uhid, a named creator, or "creator_unknown"), with [alert]
 *    creator = yes
 *  - "injection": an injection record, with [alert] injection = yes or when
 *    the device's action is alert
 *  - "blind": a blind end that lasted >= [alert] blind_ms, or every blind
 *    start when blind_ms = 0
 *  - "loss": a consumer record reporting records produced with no consumer
 *    (unconsumed > 0), with [alert] loss = yes.  (Daemon-made losses: the
 *    daemon checks cfg->alert.loss itself.)
 * An ignored device raises no alerts: its records other than lifecycle are
 * dropped.
 */
#ifndef INPUTAUDITD_POLICY_H
#define INPUTAUDITD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "inputaudit.h"

#define POLICY_FORWARD	(1 << 0)	/* write the record */
#define POLICY_ALERT	(1 << 1)	/* and v->alerts[0..nalerts) after it */

#define POLICY_MAX_ALERTS	4
#define POLICY_NAME_MAX	(INPUTAUDIT_NAME_CHUNK * INPUTAUDIT_NAME_CHUNKS)
#define POLICY_HASH	64

/* One device known from the stream. */
struct policy_device {
	uint32_t id;
	bool added;		/* DEV_ADDED seen (else only name chunks so far) */
	bool name_valid;	/* every chunk arrived, in order */
	bool name_truncated;	/* the kernel cut the name */
	unsigned int next_chunk;	/* while merging; -1u: a chunk was lost */
	unsigned int name_records;	/* DEV_NAME records received */
	char name[POLICY_NAME_MAX + 1];
	uint16_t bus, vendor, product, version;
	unsigned int origin;	/* enum inputaudit_origin */
	bool has_creator;	/* the kernel named the creator */
	bool creator_unknown;	/* made through uinput/uhid, creator unnamed */
	char comm[17];		/* creator comm, "" without creator */
	/* origin not hardware, a named creator, or bus BUS_VIRTUAL */
	bool is_virtual;
	/* origin uinput or uhid, a named creator, or creator_unknown */
	bool process_made;
	enum ia_action action;
	const struct ia_rule *rule;	/* the rule that matched, NULL: default */
	struct policy_device *next;	/* hash chain */
};

struct policy {
	const struct ia_config *cfg;
	struct policy_device *buckets[POLICY_HASH];
	size_t ndevices;
};

struct policy_alert {
	/* "device_rule", "new_device", "creator", "injection", "blind", "loss" */
	const char *reason;
	const char *rule;	/* rule name for "device_rule", else NULL */
};

/* policy_record() sets every field but alerts[nalerts..]: a new field too. */
struct policy_verdict {
	int flags;		/* POLICY_FORWARD | POLICY_ALERT, as returned */
	/*
	 * device_added only: the merged name (NULL if unknown) for
	 * record_json_format_named(); valid until the device is removed.
	 */
	const char *name;
	bool name_truncated;
	/* device_added only: DEV_NAME records merged into it */
	unsigned int name_records;
	enum ia_action action;	/* the device's action (default if unknown) */
	const char *rule;	/* the rule that set it, NULL: default */
	unsigned int nalerts;
	struct policy_alert alerts[POLICY_MAX_ALERTS];
};

/*
 * Start with an empty device table.  cfg must outlive the policy (or be
 * replaced with policy_set_config()).
 */
void policy_init(struct policy *p, const struct ia_config *cfg);

/*
 * A new configuration (SIGHUP): every known device's action is chosen
 * again from the new rules.  The old config may be freed afterwards.
 */
void policy_set_config(struct policy *p, const struct ia_config *cfg);

/*
 * Decide about one kernel record, in stream order, and update the device
 * table.  Return: v->flags, a bitmask of POLICY_FORWARD and POLICY_ALERT
 * (0: drop the record).
 */
int policy_record(struct policy *p, const struct inputaudit_record *rec,
		  struct policy_verdict *v);

/* The table entry of a device, or NULL. */
const struct policy_device *policy_device(const struct policy *p, uint32_t id);

/* Free the device table. */
void policy_free(struct policy *p);

#endif /* INPUTAUDITD_POLICY_H */
