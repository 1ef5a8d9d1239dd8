/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Synthetic record streams for host tests, built the way the module builds
 * them (made-up devices such as "ia-test keyboard"; never captured data).
 *
 * Include after defining MAX_RECS and a struct stream with at least
 *   struct inputaudit_record rec[MAX_RECS]; unsigned int n;
 * Sequence numbers count from 1 in the order records are added.
 */
#ifndef _RECGEN_H
#define _RECGEN_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inputaudit.h"

static inline uint64_t add(struct stream *s, uint16_t type, uint16_t flags,
		    uint32_t dev, uint64_t v0, uint64_t v1, uint64_t v2,
		    uint64_t v3)
{
	struct inputaudit_record *r = &s->rec[s->n];

	if (s->n >= MAX_RECS)
		abort();
	memset(r, 0, sizeof(*r));
	r->seq = ++s->n;
	r->time_ns = r->seq * 10000000ull;
	r->type = type;
	r->flags = flags;
	r->dev_id = dev;
	r->v[0] = v0;
	r->v[1] = v1;
	r->v[2] = v2;
	r->v[3] = v3;
	return r->seq;
}

/* Pack bytes little endian into u64 words, as the module does. */
static inline void pack(uint64_t *w, size_t nwords, const char *s, size_t len)
{
	size_t i;

	memset(w, 0, nwords * 8);
	for (i = 0; i < len && i < nwords * 8; i++)
		w[i / 8] |= (uint64_t)(unsigned char)s[i] << (8 * (i % 8));
}

/* The DEV_NAME records the module sends for name (kmod/handler.c). */
static inline void name_chunks(struct stream *s, uint32_t dev, const char *name)
{
	size_t len = strlen(name), off;
	unsigned int i;
	uint64_t w[4];
	uint16_t flags;

	for (i = 0; i < INPUTAUDIT_NAME_CHUNKS; i++) {
		off = i * INPUTAUDIT_NAME_CHUNK;
		pack(w, 4, off < len ? name + off : "",
		     off < len ? len - off : 0);
		flags = i;
		if (len <= off + INPUTAUDIT_NAME_CHUNK)
			flags |= INPUTAUDIT_NAME_LAST;
		else if (i == INPUTAUDIT_NAME_CHUNKS - 1)
			flags |= INPUTAUDIT_NAME_LAST | INPUTAUDIT_NAME_TRUNCATED;
		add(s, INPUTAUDIT_REC_DEV_NAME, flags, dev, w[0], w[1], w[2], w[3]);
		if (flags & INPUTAUDIT_NAME_LAST)
			break;
	}
}

/* DEV_ADDED flags for an enum inputaudit_origin. */
#define ORIGIN_FLAGS(origin)	((uint16_t)((origin) << INPUTAUDIT_DEV_ORIGIN_SHIFT))

/*
 * A keyboard's name chunks and DEV_ADDED with more flags (flags: an origin,
 * INPUTAUDIT_DEV_PRESENT, INPUTAUDIT_DEV_CREATOR_UNKNOWN); creator NULL:
 * none named.  Returns the DEV_ADDED's seq.
 */
static inline uint64_t device_flags(struct stream *s, uint32_t dev,
				    const char *name, uint16_t bus,
				    uint16_t vendor, uint16_t product,
				    const char *creator, uint16_t flags)
{
	uint64_t who = (uint64_t)INPUTAUDIT_NO_CREATOR << 32 | INPUTAUDIT_NO_CREATOR;
	uint64_t comm[2] = { 0, 0 };

	flags |= INPUTAUDIT_DEV_KEYBOARD;
	if (name)
		name_chunks(s, dev, name);
	if (creator) {
		flags |= INPUTAUDIT_DEV_CREATOR;
		who = (uint64_t)1000 << 32 | 4242;
		pack(comm, 2, creator, strlen(creator));
	}
	return add(s, INPUTAUDIT_REC_DEV_ADDED, flags, dev,
		   INPUTAUDIT_IDENT(bus, vendor, product, 1), who, comm[0],
		   comm[1]);
}

/*
 * A keyboard attached while the daemon is: hardware, or made through
 * uinput by creator (NULL: hardware).
 */
static inline uint64_t device(struct stream *s, uint32_t dev, const char *name,
		       uint16_t bus, uint16_t vendor, uint16_t product,
		       const char *creator)
{
	return device_flags(s, dev, name, bus, vendor, product, creator,
			    creator ? ORIGIN_FLAGS(INPUTAUDIT_ORIGIN_UINPUT) : 0);
}

static inline uint64_t key_press(struct stream *s, uint32_t dev)
{
	return add(s, INPUTAUDIT_REC_EVENT, INPUTAUDIT_EV_KEY_PRESS, dev,
		   INPUTAUDIT_KEY_TEXT, 0, 0, 0);
}

static inline uint64_t injection(struct stream *s, uint32_t dev)
{
	return add(s, INPUTAUDIT_REC_INJECTION, 0, dev, 5, 10000000, 0, 0);
}

static inline uint64_t removed(struct stream *s, uint32_t dev)
{
	return add(s, INPUTAUDIT_REC_DEV_REMOVED, 0, dev, 3, 2, 0, 0);
}

#endif /* _RECGEN_H */
