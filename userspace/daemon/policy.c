// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Device table and rules: see policy.h for what each record does.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

#define BUS_VIRTUAL_ID	0x06	/* linux/input.h BUS_VIRTUAL */

static struct policy_device **bucket(struct policy *p, uint32_t id)
{
	return &p->buckets[id % POLICY_HASH];
}

static struct policy_device *lookup(const struct policy *p, uint32_t id)
{
	struct policy_device *d;

	for (d = p->buckets[id % POLICY_HASH]; d; d = d->next)
		if (d->id == id)
			return d;
	return NULL;
}

const struct policy_device *policy_device(const struct policy *p, uint32_t id)
{
	return lookup(p, id);
}

/* The entry of a device, created empty if new; NULL when out of memory. */
static struct policy_device *get(struct policy *p, uint32_t id)
{
	struct policy_device *d = lookup(p, id);

	if (d)
		return d;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->id = id;
	d->action = p->cfg->default_action;
	d->next = *bucket(p, id);
	*bucket(p, id) = d;
	p->ndevices++;
	return d;
}

static void drop(struct policy *p, uint32_t id)
{
	struct policy_device **pp, *d;

	for (pp = bucket(p, id); (d = *pp); pp = &d->next) {
		if (d->id == id) {
			*pp = d->next;
			free(d);
			p->ndevices--;
			return;
		}
	}
}

void policy_init(struct policy *p, const struct ia_config *cfg)
{
	memset(p, 0, sizeof(*p));
	p->cfg = cfg;
}

void policy_free(struct policy *p)
{
	struct policy_device *d, *next;
	size_t i;

	for (i = 0; i < POLICY_HASH; i++) {
		for (d = p->buckets[i]; d; d = next) {
			next = d->next;
			free(d);
		}
		p->buckets[i] = NULL;
	}
	p->ndevices = 0;
}

static bool rule_matches(const struct ia_rule *r, const struct policy_device *d)
{
	if ((r->match & IA_MATCH_NAME) &&
	    (!d->name_valid || fnmatch(r->name_glob, d->name, 0)))
		return false;
	if ((r->match & IA_MATCH_BUS) && d->bus != r->bus)
		return false;
	if ((r->match & IA_MATCH_ID) &&
	    ((r->vendor >= 0 && d->vendor != r->vendor) ||
	     (r->product >= 0 && d->product != r->product)))
		return false;
	if ((r->match & IA_MATCH_VIRTUAL) && d->is_virtual != r->is_virtual)
		return false;
	if ((r->match & IA_MATCH_CREATOR) &&
	    (!d->has_creator || fnmatch(r->creator_glob, d->comm, 0)))
		return false;
	return true;
}

/* First matching rule in file order, else the default. */
static void choose_action(const struct ia_config *cfg, struct policy_device *d)
{
	size_t i;

	for (i = 0; i < cfg->nrules; i++) {
		if (rule_matches(&cfg->rules[i], d)) {
			d->rule = &cfg->rules[i];
			d->action = d->rule->action;
			return;
		}
	}
	d->rule = NULL;
	d->action = cfg->default_action;
}

void policy_set_config(struct policy *p, const struct ia_config *cfg)
{
	struct policy_device *d;
	size_t i;

	p->cfg = cfg;
	for (i = 0; i < POLICY_HASH; i++) {
		for (d = p->buckets[i]; d; d = d->next) {
			if (d->added)
				choose_action(cfg, d);
			else
				d->action = cfg->default_action;
		}
	}
}

static void alert(struct policy_verdict *v, const char *reason,
		  const char *rule)
{
	if (v->nalerts >= POLICY_MAX_ALERTS)
		return;
	v->alerts[v->nalerts].reason = reason;
	v->alerts[v->nalerts].rule = rule;
	v->nalerts++;
}

/* Byte i of a NUL-padded string packed little endian into u64 words. */
static char packed_byte(const __u64 *words, unsigned int i)
{
	return (char)(words[i / 8] >> (8 * (i % 8)));
}

static void name_chunk(struct policy *p, const struct inputaudit_record *rec)
{
	unsigned int idx = rec->flags & INPUTAUDIT_NAME_INDEX_MASK;
	struct policy_device *d = get(p, rec->dev_id);
	unsigned int i;

	if (!d)
		return;
	d->name_records++;
	if (idx == 0) {
		/* A new name: a repeat, or an id reused after wrapping. */
		memset(d->name, 0, sizeof(d->name));
		d->name_valid = false;
		d->name_truncated = false;
		d->next_chunk = 0;
	}
	if (idx != d->next_chunk || idx >= INPUTAUDIT_NAME_CHUNKS) {
		d->next_chunk = -1u;	/* a chunk went missing */
		d->name_valid = false;
		return;
	}
	for (i = 0; i < INPUTAUDIT_NAME_CHUNK; i++)
		d->name[idx * INPUTAUDIT_NAME_CHUNK + i] = packed_byte(rec->v, i);
	d->next_chunk++;
	if (rec->flags & INPUTAUDIT_NAME_LAST) {
		d->name_valid = true;
		d->name_truncated = rec->flags & INPUTAUDIT_NAME_TRUNCATED;
		d->next_chunk = -1u;	/* complete: a further chunk is stray */
	}
}

/*
 * Not inlined: device_added is rare, and inlined into policy_record() it
 * makes every key press pay for the registers it needs.
 */
static __attribute__((noinline))
void dev_added(struct policy *p, const struct inputaudit_record *rec,
	       struct policy_device *d, struct policy_verdict *v)
{
	const struct ia_config *cfg = p->cfg;
	uint64_t ident = rec->v[0];
	unsigned int i;

	d->added = true;
	d->bus = INPUTAUDIT_IDENT_BUS(ident);
	d->vendor = INPUTAUDIT_IDENT_VENDOR(ident);
	d->product = INPUTAUDIT_IDENT_PRODUCT(ident);
	d->version = INPUTAUDIT_IDENT_VERSION(ident);
	d->origin = INPUTAUDIT_DEV_ORIGIN(rec->flags);
	d->has_creator = rec->flags & INPUTAUDIT_DEV_CREATOR;
	d->creator_unknown = rec->flags & INPUTAUDIT_DEV_CREATOR_UNKNOWN;
	memset(d->comm, 0, sizeof(d->comm));
	if (d->has_creator)
		for (i = 0; i < 16; i++)
			d->comm[i] = packed_byte(&rec->v[2], i);
	d->is_virtual = d->origin != INPUTAUDIT_ORIGIN_HARDWARE ||
			d->has_creator || d->bus == BUS_VIRTUAL_ID;
	/* Made by a process, whether or not the kernel could name it. */
	d->process_made = d->origin == INPUTAUDIT_ORIGIN_UINPUT ||
			  d->origin == INPUTAUDIT_ORIGIN_UHID ||
			  d->has_creator || d->creator_unknown;
	if (!d->name_valid)
		memset(d->name, 0, sizeof(d->name));
	choose_action(cfg, d);

	v->name = d->name_valid ? d->name : NULL;
	v->name_truncated = d->name_valid && d->name_truncated;
	v->name_records = d->name_records;
	if (d->action == IA_ACTION_IGNORE)
		return;
	if (d->action == IA_ACTION_ALERT)
		alert(v, "device_rule", d->rule ? d->rule->name : NULL);
	/* The inventory: the device was there before the daemon. */
	if (cfg->alert.new_device && !(rec->flags & INPUTAUDIT_DEV_PRESENT))
		alert(v, "new_device", NULL);
	if (cfg->alert.creator && d->process_made)
		alert(v, "creator", NULL);
}

int policy_record(struct policy *p, const struct inputaudit_record *rec,
		  struct policy_verdict *v)
{
	const struct ia_config *cfg = p->cfg;
	struct policy_device *d = NULL;

	/*
	 * Every field but alerts[] (only [0, nalerts) is ever read): a
	 * memset() of the whole verdict costs more than the rest of a key
	 * press's decision.
	 */
	v->flags = 0;
	v->name = NULL;
	v->name_truncated = false;
	v->name_records = 0;
	v->action = cfg->default_action;
	v->rule = NULL;
	v->nalerts = 0;

	switch (rec->type) {
	case INPUTAUDIT_REC_DEV_NAME:
		name_chunk(p, rec);
		return 0;	/* merged into device_added, never written */
	case INPUTAUDIT_REC_CONFIG:
	case INPUTAUDIT_REC_HEARTBEAT:
		v->flags = POLICY_FORWARD;
		return v->flags;
	case INPUTAUDIT_REC_CONSUMER:
		v->flags = POLICY_FORWARD;
		if (cfg->alert.loss && rec->v[1])
			alert(v, "loss", NULL);
		break;
	case INPUTAUDIT_REC_DEV_ADDED:
		d = get(p, rec->dev_id);
		if (!d) {	/* out of memory: audit it unmatched */
			v->flags = POLICY_FORWARD;
			return v->flags;
		}
		dev_added(p, rec, d, v);
		v->action = d->action;
		v->rule = d->rule ? d->rule->name : NULL;
		v->flags = POLICY_FORWARD;	/* lifecycle is always kept */
		break;
	case INPUTAUDIT_REC_DEV_REMOVED:
		d = lookup(p, rec->dev_id);
		if (d) {
			v->action = d->action;
			v->rule = d->rule ? d->rule->name : NULL;
		}
		drop(p, rec->dev_id);
		v->flags = POLICY_FORWARD;
		return v->flags;
	default:
		if (!rec->dev_id) {
			v->flags = POLICY_FORWARD;
			return v->flags;
		}
		d = lookup(p, rec->dev_id);
		if (d && d->added) {
			v->action = d->action;
			v->rule = d->rule ? d->rule->name : NULL;
		}
		/*
		 * ignore drops what a device typed or did, never what was done
		 * to it or what was not recorded: an injection verdict, a blind
		 * period (someone grabbed it) and a suppressed count are kept.
		 * A rule matches on a name and ids its maker chooses: it must
		 * not hide an attack.
		 */
		if (v->action == IA_ACTION_IGNORE &&
		    rec->type != INPUTAUDIT_REC_INJECTION &&
		    rec->type != INPUTAUDIT_REC_BLIND &&
		    rec->type != INPUTAUDIT_REC_SUPPRESSED)
			return 0;
		v->flags = POLICY_FORWARD;
		if (rec->type == INPUTAUDIT_REC_INJECTION &&
		    (cfg->alert.injection || v->action == IA_ACTION_ALERT))
			alert(v, "injection", NULL);
		if (rec->type == INPUTAUDIT_REC_BLIND &&
		    ((cfg->alert.blind_ms == 0 &&
		      rec->flags == INPUTAUDIT_BLIND_START) ||
		     (cfg->alert.blind_ms > 0 &&
		      rec->flags == INPUTAUDIT_BLIND_END &&
		      rec->v[0] >= (uint64_t)cfg->alert.blind_ms * 1000000)))
			alert(v, "blind", NULL);
		break;
	}
	if (v->nalerts)
		v->flags |= POLICY_ALERT;
	return v->flags;
}
