// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ia-recgen: write a synthetic record file (userspace/daemon/recfile.h) for the
 * daemon benchmarks: a realistic mix at level "events" as a daemon sees it
 * from its start (the consumer record and the inventory of the devices
 * present, then device lifecycle with names, origins and creators, key,
 * button, motion and touch events, activity summaries, heartbeats, an
 * occasional config change and injection verdict), deterministic for a
 * given count.  Made-up devices only.
 *
 *   ia-recgen N FILE      N records (N >= 64)
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inputaudit.h"
#include "recfile.h"

static FILE *out;
static uint64_t seq, total, want;
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 32) % n;
}

static void put(uint16_t type, uint16_t flags, uint32_t dev, uint64_t v0,
		uint64_t v1, uint64_t v2, uint64_t v3)
{
	struct inputaudit_record r;

	if (total >= want)
		return;
	memset(&r, 0, sizeof(r));
	r.seq = ++seq;
	r.time_ns = 5000000000ull + seq * 3000000ull / 10000000ull * 10000000ull;
	r.type = type;
	r.flags = flags;
	r.dev_id = dev;
	r.v[0] = v0;
	r.v[1] = v1;
	r.v[2] = v2;
	r.v[3] = v3;
	if (fwrite(&r, sizeof(r), 1, out) != 1) {
		perror("write");
		exit(1);
	}
	total++;
}

static void pack(uint64_t *w, size_t nwords, const char *s)
{
	size_t i, len = strlen(s);

	memset(w, 0, nwords * 8);
	for (i = 0; i < len && i < nwords * 8; i++)
		w[i / 8] |= (uint64_t)(unsigned char)s[i] << (8 * (i % 8));
}

struct dev {
	uint32_t id;
	const char *name;
	uint16_t bus, vendor, product, caps;
	uint16_t origin;	/* enum inputaudit_origin */
	const char *creator;
	uint64_t frames, records, keys, clicks, motion, touches;
};

/* present: announced in the inventory when the consumer attached. */
static void dev_add(struct dev *d, bool present)
{
	size_t len = strlen(d->name), off;
	uint64_t w[4], comm[2] = { 0, 0 };
	uint64_t who = (uint64_t)INPUTAUDIT_NO_CREATOR << 32 | INPUTAUDIT_NO_CREATOR;
	uint16_t flags = d->caps | d->origin << INPUTAUDIT_DEV_ORIGIN_SHIFT |
			 (present ? INPUTAUDIT_DEV_PRESENT : 0);
	unsigned int i;

	for (i = 0; i < INPUTAUDIT_NAME_CHUNKS; i++) {
		off = (size_t)i * INPUTAUDIT_NAME_CHUNK;
		pack(w, 4, off < len ? d->name + off : "");
		put(INPUTAUDIT_REC_DEV_NAME,
		    i | (len <= off + INPUTAUDIT_NAME_CHUNK ? INPUTAUDIT_NAME_LAST : 0),
		    d->id, w[0], w[1], w[2], w[3]);
		if (len <= off + INPUTAUDIT_NAME_CHUNK)
			break;
	}
	if (d->creator) {
		flags |= INPUTAUDIT_DEV_CREATOR;
		who = (uint64_t)1000 << 32 | (1000 + d->id);
		pack(comm, 2, d->creator);
	}
	put(INPUTAUDIT_REC_DEV_ADDED, flags, d->id,
	    INPUTAUDIT_IDENT(d->bus, d->vendor, d->product, 0x0111), who,
	    comm[0], comm[1]);
	d->frames = d->records = 0;
}

static void activity(struct dev *d)
{
	if (!d->keys && !d->clicks && !d->motion && !d->touches)
		return;
	put(INPUTAUDIT_REC_ACTIVITY, 0, d->id, d->keys, d->clicks, d->motion,
	    d->touches);
	d->records++;
	d->keys = d->clicks = d->motion = d->touches = 0;
}

static void dev_remove(struct dev *d)
{
	activity(d);
	put(INPUTAUDIT_REC_DEV_REMOVED, 0, d->id, d->frames, d->records, 0, 0);
}

static void ev(struct dev *d, uint16_t kind, uint64_t v0)
{
	put(INPUTAUDIT_REC_EVENT, kind, d->id, v0, 0, 0, 0);
	d->records++;
	d->frames++;
}

int main(int argc, char **argv)
{
	static const uint8_t key_classes[] = { 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4, 4, 5, 0 };
	struct dev devs[] = {
		{ .id = 1, .name = "AT Translated Set 2 keyboard", .bus = 0x11,
		  .vendor = 0x0001, .product = 0x0001,
		  .caps = INPUTAUDIT_DEV_KEYBOARD },
		{ .id = 2, .name = "ia-bench USB Optical Mouse", .bus = 0x03,
		  .vendor = 0x1d6b, .product = 0x0201,
		  .caps = INPUTAUDIT_DEV_POINTER },
		{ .id = 3, .name = "ia-bench Touchpad", .bus = 0x18,
		  .vendor = 0x06cb, .product = 0x0301,
		  .caps = INPUTAUDIT_DEV_POINTER | INPUTAUDIT_DEV_TOUCH },
		{ .id = 4, .name = "ia-bench virtual keyboard with a rather long name, for the chunks",
		  .bus = 0x06, .vendor = 0x1d6b, .product = 0x0104,
		  .caps = INPUTAUDIT_DEV_KEYBOARD,
		  .origin = INPUTAUDIT_ORIGIN_UINPUT, .creator = "ia-type" },
	};
	uint64_t heartbeat_frames = 0;
	uint32_t next_id = 5;
	uint8_t hdr[RECFILE_HEADER_LEN] = { 0 };
	unsigned int i;

	if (argc != 3 || (want = strtoull(argv[1], NULL, 10)) < 64) {
		fprintf(stderr, "usage: ia-recgen N FILE   (N >= 64)\n");
		return 2;
	}
	out = fopen(argv[2], "w");
	if (!out) {
		perror(argv[2]);
		return 1;
	}
	memcpy(hdr, RECFILE_MAGIC, RECFILE_MAGIC_LEN);
	hdr[8] = sizeof(struct inputaudit_record);
	fwrite(hdr, sizeof(hdr), 1, out);

	/* The daemon attaches: nothing went unconsumed; the inventory. */
	put(INPUTAUDIT_REC_CONSUMER, 0, 0, 2000000000, 0, 2000000000, 0);
	for (i = 0; i < 4; i++)
		dev_add(&devs[i], true);
	while (total < want) {
		uint32_t r = rnd(100);
		struct dev *d;

		if (r < 55) {		/* typing: a press and its release */
			uint8_t cls = key_classes[rnd(sizeof(key_classes))];

			d = &devs[rnd(3) ? 0 : 3];
			ev(d, INPUTAUDIT_EV_KEY_PRESS, cls);
			ev(d, INPUTAUDIT_EV_KEY_RELEASE, cls);
			d->keys++;
		} else if (r < 80) {	/* pointer motion */
			d = &devs[1 + rnd(2)];
			ev(d, INPUTAUDIT_EV_MOTION, 1 + rnd(3));
			d->motion += 1 + rnd(40);
		} else if (r < 88) {	/* a click */
			uint64_t cls = 1 + rnd(3);

			d = &devs[1];
			ev(d, INPUTAUDIT_EV_BUTTON_PRESS, cls);
			ev(d, INPUTAUDIT_EV_BUTTON_RELEASE, cls);
			d->clicks++;
		} else if (r < 94) {	/* a touch */
			d = &devs[2];
			ev(d, INPUTAUDIT_EV_TOUCH_DOWN, 0);
			ev(d, INPUTAUDIT_EV_TOUCH_UP, 0);
			d->touches++;
		} else if (r < 98) {	/* the window ends for one device */
			activity(&devs[rnd(4)]);
		} else if (r < 99) {	/* every so often: the global heartbeat */
			heartbeat_frames += 1000;
			put(INPUTAUDIT_REC_HEARTBEAT, 0, 0, heartbeat_frames,
			    heartbeat_frames / 100, 0, 0);
		} else {		/* rare: churn, config, injection, blind */
			switch (rnd(4)) {
			case 0:
				dev_remove(&devs[3]);
				devs[3].id = next_id++;
				dev_add(&devs[3], false);
				break;
			case 1:
				put(INPUTAUDIT_REC_CONFIG, INPUTAUDIT_CFG_WINDOW_MS,
				    0, 10000, 1000 + rnd(9000), 0, 0);
				break;
			case 2:
				put(INPUTAUDIT_REC_INJECTION, 0, devs[3].id, 5,
				    10000000, 0, 0);
				break;
			default:
				put(INPUTAUDIT_REC_SUPPRESSED,
				    INPUTAUDIT_LIMIT_DEVICE, devs[0].id,
				    1 + rnd(100), 0, 0, 0);
				break;
			}
		}
	}
	if (fclose(out)) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}
