// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests for userspace/daemon/policy.c: synthetic record streams (made-up
 * devices such as "ia-test keyboard") through policy_record() with a
 * configuration loaded by config_load(); each test checks exactly which
 * records are forwarded and which raise which alerts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "config.h"
#include "policy.h"

#define MAX_RECS	64
#define USB		0x03
#define BLUETOOTH	0x05
#define VIRTUAL		0x06
#define I8042		0x11

struct stream {
	struct inputaudit_record rec[MAX_RECS];
	unsigned int n;
	/* after run(): per record */
	int flags[MAX_RECS];
	struct policy_verdict v[MAX_RECS];
	char names[MAX_RECS][POLICY_NAME_MAX + 1];
};

#include "recgen.h"

static int load(const char *text, struct ia_config *cfg)
{
	char path[] = "/tmp/ia-test-policy-XXXXXX", err[512];
	int fd = mkstemp(path), ret;
	size_t len = strlen(text);

	if (fd < 0)
		return -errno;
	ret = write(fd, text, len) == (ssize_t)len ? 0 : -EIO;
	close(fd);
	if (!ret)
		ret = config_load(path, cfg, err, sizeof(err));
	if (ret)
		fprintf(stderr, "# config: %s\n", err);
	unlink(path);
	return ret;
}

/* Feed the stream through a fresh policy; keep every verdict (and a copy
 * of each name, which lives only as long as its device). */
static void run(struct stream *s, const struct ia_config *cfg)
{
	struct policy p;
	unsigned int i;

	policy_init(&p, cfg);
	for (i = 0; i < s->n; i++) {
		s->flags[i] = policy_record(&p, &s->rec[i], &s->v[i]);
		s->names[i][0] = '\0';
		if (s->v[i].name)
			snprintf(s->names[i], sizeof(s->names[i]), "%s",
				 s->v[i].name);
	}
	policy_free(&p);
}

/* "1,2,5": the seqs forwarded. */
static const char *forwarded(const struct stream *s, char *buf, size_t len)
{
	unsigned int i;
	size_t off = 0;

	buf[0] = '\0';
	for (i = 0; i < s->n; i++)
		if (s->flags[i] & POLICY_FORWARD)
			off += snprintf(buf + off, len - off, "%s%u",
					off ? "," : "", i + 1);
	return buf;
}

/* "3:device_rule/r1,creator;7:injection": the alerts, per seq. */
static const char *alerts(const struct stream *s, char *buf, size_t len)
{
	unsigned int i, j;
	size_t off = 0;

	buf[0] = '\0';
	for (i = 0; i < s->n; i++) {
		if (!(s->flags[i] & POLICY_ALERT))
			continue;
		off += snprintf(buf + off, len - off, "%s%u:", off ? ";" : "",
				i + 1);
		for (j = 0; j < s->v[i].nalerts; j++)
			off += snprintf(buf + off, len - off, "%s%s%s%s",
					j ? "," : "", s->v[i].alerts[j].reason,
					s->v[i].alerts[j].rule ? "/" : "",
					s->v[i].alerts[j].rule ?: "");
	}
	return buf;
}

FIXTURE(policy)
{
	struct stream s;
	struct ia_config cfg;
	char fw[512], al[512];
};

FIXTURE_SETUP(policy)
{
	memset(&self->s, 0, sizeof(self->s));
	memset(&self->cfg, 0, sizeof(self->cfg));
}

FIXTURE_TEARDOWN(policy)
{
	config_free(&self->cfg);
}

#define FW()	forwarded(&self->s, self->fw, sizeof(self->fw))
#define AL()	alerts(&self->s, self->al, sizeof(self->al))

/* A name glob picks the device; its name records are consumed, never forwarded. */
TEST_F(policy, name_glob)
{
	ASSERT_EQ(0, load("[alert]\ncreator = no\n"
			  "[rule quiet]\nmatch_name = ia-test key*\naction = ignore\n",
			  &self->cfg));
	device(&self->s, 1, "ia-test keyboard", USB, 1, 2, NULL);	/* 1-2 */
	device(&self->s, 2, "ia-test mouse", USB, 1, 3, NULL);		/* 3-4 */
	key_press(&self->s, 1);						/* 5 */
	key_press(&self->s, 2);						/* 6 */
	injection(&self->s, 1);						/* 7 */
	removed(&self->s, 1);						/* 8 */
	removed(&self->s, 2);						/* 9 */
	run(&self->s, &self->cfg);
	EXPECT_STREQ("2,4,6,7,8,9", FW());	/* the injection verdict is kept */
	EXPECT_STREQ("7:injection", AL());
	EXPECT_STREQ("ia-test keyboard", self->s.names[1]);
	EXPECT_EQ(IA_ACTION_IGNORE, self->s.v[1].action);
	EXPECT_STREQ("quiet", self->s.v[1].rule);
	EXPECT_STREQ("ia-test mouse", self->s.names[3]);
	EXPECT_EQ(IA_ACTION_AUDIT, self->s.v[3].action);
	EXPECT_EQ(NULL, self->s.v[3].rule);
	/* The name is only given with device_added. */
	EXPECT_EQ(NULL, self->s.v[4].name);
}

/* A bus rule matches the device's bus only. */
TEST_F(policy, bus)
{
	ASSERT_EQ(0, load("[rule usb]\nmatch_bus = usb\naction = ignore\n"
			  "[rule kbd]\nmatch_bus = 0x11\naction = alert\n",
			  &self->cfg));
	device(&self->s, 1, "ia-test usb", USB, 1, 1, NULL);		/* 1-2 */
	device(&self->s, 2, "ia-test bt", BLUETOOTH, 1, 1, NULL);	/* 3-4 */
	device(&self->s, 3, "ia-test at", I8042, 1, 1, NULL);		/* 5-6 */
	key_press(&self->s, 1);						/* 7 */
	key_press(&self->s, 2);						/* 8 */
	key_press(&self->s, 3);						/* 9 */
	run(&self->s, &self->cfg);
	EXPECT_STREQ("2,4,6,8,9", FW());
	EXPECT_STREQ("6:device_rule/kbd", AL());
}

/* An id rule matches vendor and product, either half a wildcard. */
TEST_F(policy, vendor_product)
{
	ASSERT_EQ(0, load("[rule exact]\nmatch_id = 046d:c52b\naction = alert\n"
			  "[rule vendor]\nmatch_id = 046d:*\naction = ignore\n"
			  "[rule product]\nmatch_id = *:0104\naction = alert\n",
			  &self->cfg));
	device(&self->s, 1, NULL, USB, 0x046d, 0xc52b, NULL);	/* 1 */
	device(&self->s, 2, NULL, USB, 0x046d, 0xc31c, NULL);	/* 2 */
	device(&self->s, 3, NULL, USB, 0x1d6b, 0x0104, NULL);	/* 3 */
	device(&self->s, 4, NULL, USB, 0x1d6b, 0x0105, NULL);	/* 4 */
	key_press(&self->s, 1);					/* 5 */
	key_press(&self->s, 2);					/* 6 */
	key_press(&self->s, 3);					/* 7 */
	key_press(&self->s, 4);					/* 8 */
	run(&self->s, &self->cfg);
	EXPECT_STREQ("1,2,3,4,5,7,8", FW());
	EXPECT_STREQ("1:device_rule/exact;3:device_rule/product", AL());
	/* No name records: the name is unknown. */
	EXPECT_EQ(NULL, self->s.v[0].name);
}

/* Virtual: registered by a process, or on the virtual bus. */
TEST_F(policy, virtual)
{
	ASSERT_EQ(0, load("[alert]\ncreator = no\n"
			  "[rule virt]\nmatch_virtual = yes\naction = alert\n"
			  "[rule real]\nmatch_virtual = no\naction = ignore\n",
			  &self->cfg));
	device(&self->s, 1, "ia-test uinput", USB, 1, 1, "ia-type");	/* 1-2 */
	device(&self->s, 2, "ia-test virtual", VIRTUAL, 1, 1, NULL);	/* 3-4 */
	device(&self->s, 3, "ia-test usb", USB, 1, 1, NULL);		/* 5-6 */
	key_press(&self->s, 1);						/* 7 */
	key_press(&self->s, 2);						/* 8 */
	key_press(&self->s, 3);						/* 9 */
	run(&self->s, &self->cfg);
	EXPECT_STREQ("2,4,6,7,8", FW());
	EXPECT_STREQ("2:device_rule/virt;4:device_rule/virt", AL());
}

/* A creator glob never matches a device without a creator, even "*". */
TEST_F(policy, creator_comm)
{
	ASSERT_EQ(0, load("[alert]\ncreator = no\n"
			  "[rule typer]\nmatch_creator = ia_type*\naction = ignore\n"
			  "[rule anyproc]\nmatch_creator = *\naction = alert\n",
			  &self->cfg));
	device(&self->s, 1, "ia-test a", USB, 1, 1, "ia_typer");	/* 1-2 */
	device(&self->s, 2, "ia-test b", USB, 1, 1, "python3");		/* 3-4 */
	device(&self->s, 3, "ia-test c", USB, 1, 1, NULL);		/* 5-6 */
	/* 16 bytes, no NUL in the record */
	device(&self->s, 4, "ia-test d", USB, 1, 1, "ia_type_16bytes!");	/* 7-8 */
	key_press(&self->s, 1);						/* 9 */
	key_press(&self->s, 2);						/* 10 */
	key_press(&self->s, 3);						/* 11 */
	key_press(&self->s, 4);						/* 12 */
	run(&self->s, &self->cfg);
	EXPECT_STREQ("2,4,6,8,10,11", FW());
	EXPECT_STREQ("4:device_rule/anyproc", AL());
}

/*
 * Virtual also means an origin other than hardware: a uhid device claiming
 * a USB id, and a kernel-made device off BUS_VIRTUAL, with no creator.
 */
TEST_F(policy, virtual_by_origin)
{
	ASSERT_EQ(0, load("[alert]\ncreator = no\n"
			  "[rule virt]\nmatch_virtual = yes\naction = alert\n"
			  "[rule real]\nmatch_virtual = no\naction = ignore\n",
			  &self->cfg));
	device_flags(&self->s, 1, "ia-test uhid kbd", USB, 0x046d, 0xc31c, NULL,
		     ORIGIN_FLAGS(INPUTAUDIT_ORIGIN_UHID) |
		     INPUTAUDIT_DEV_CREATOR_UNKNOWN);			/* 1-2 */
	device_flags(&self->s, 2, "ia-test lid", 0x19, 0, 5, NULL,
		     ORIGIN_FLAGS(INPUTAUDIT_ORIGIN_VIRTUAL));		/* 3-4 */
	device_flags(&self->s, 3, "ia-test uinput", USB, 1, 1, NULL,
		     ORIGIN_FLAGS(INPUTAUDIT_ORIGIN_UINPUT) |
		     INPUTAUDIT_DEV_CREATOR_UNKNOWN);			/* 5-6 */
	device(&self->s, 4, "ia-test usb", USB, 0x046d, 0xc31c, NULL);	/* 7-8 */
	key_press(&self->s, 1);						/* 9 */
	key_press(&self->s, 2);						/* 10 */
	key_press(&self->s, 3);						/* 11 */
	key_press(&self->s, 4);						/* 12 */
	run(&self->s, &self->cfg);
	EXPECT_STREQ("2,4,6,8,9,10,11", FW());
	EXPECT_STREQ("2:device_rule/virt;4:device_rule/virt;6:device_rule/virt",
		     AL());
}

/*
 * match_creator never matches a device whose creator the kernel could not
 * name, not even "*"; the device is still virtual.
 */
TEST_F(policy, creator_unknown_never_matches)
{
	ASSERT_EQ(0, load("[alert]\ncreator = no\n"
			  "[rule anyproc]\nmatch_creator = *\naction = ignore\n"
			  "[rule virt]\nmatch_virtual = yes\naction = alert\n",
			  &self->cfg));
	device_flags(&self->s, 1, "ia-test uhid", USB, 1, 1, NULL,
		     ORIGIN_FLAGS(INPUTAUDIT_ORIGIN_UHID) |
		     INPUTAUDIT_DEV_CREATOR_UNKNOWN);			/* 1-2 */
	device_flags(&self->s, 2, "ia-test uhid named", USB, 1, 1, "bluetoothd",
		     ORIGIN_FLAGS(INPUTAUDIT_ORIGIN_UHID));		/* 3-4 */
	key_press(&self->s, 1);						/* 5 */
	key_press(&self->s, 2);						/* 6 */
	run(&self->s, &self->cfg);
	EXPECT_STREQ("2,4,5", FW());
	EXPECT_STREQ("2:device_rule/virt", AL());
	EXPECT_STREQ("virt", self->s.v[1].rule);
	EXPECT_STREQ("anyproc", self->s.v[3].rule);
}

/*
 * The creator alert fires for every device made through uinput or uhid,
 * named or not, and for no hardware or kernel-made device.
 */
TEST_F(policy, creator_alert_by_origin)
{
	ASSERT_EQ(0, load("[alert]\ncreator = yes\nnew_device = no\n",
			  &self->cfg));
	device(&self->s, 1, "ia-test uinput", USB, 1, 1, "ia-type");	/* 1-2 */
	device_flags(&self->s, 2, "ia-test uinput anon", USB, 1, 1, NULL,
		     ORIGIN_FLAGS(INPUTAUDIT_ORIGIN_UINPUT) |
		     INPUTAUDIT_DEV_CREATOR_UNKNOWN);			/* 3-4 */
	device_flags(&self->s, 3, "ia-test uhid", USB, 0x046d, 0xc31c,
		     "bluetoothd", ORIGIN_FLAGS(INPUTAUDIT_ORIGIN_UHID)); /* 5-6 */
	device_flags(&self->s, 4, "ia-test uhid anon", USB, 0x046d, 0xc31c,
		     NULL, ORIGIN_FLAGS(INPUTAUDIT_ORIGIN_UHID) |
		     INPUTAUDIT_DEV_CREATOR_UNKNOWN);			/* 7-8 */
	device_flags(&self->s, 5, "ia-test lid", 0x19, 0, 5, NULL,
		     ORIGIN_FLAGS(INPUTAUDIT_ORIGIN_VIRTUAL));		/* 9-10 */
	device(&self->s, 6, "ia-test usb", USB, 0x046d, 0xc31c, NULL);	/* 11-12 */
	/* a uhid device in the inventory */
	device_flags(&self->s, 7, "ia-test uhid early", USB, 1, 1, NULL,
		     ORIGIN_FLAGS(INPUTAUDIT_ORIGIN_UHID) |
		     INPUTAUDIT_DEV_CREATOR_UNKNOWN |
		     INPUTAUDIT_DEV_PRESENT);				/* 13-14 */
	run(&self->s, &self->cfg);
	EXPECT_STREQ("2,4,6,8,10,12,14", FW());
	EXPECT_STREQ("2:creator;4:creator;6:creator;8:creator;14:creator", AL());
}

/*
 * A device announced as present (the inventory at attach) is treated like
 * device_added: identity, rules and their alerts, creator alert; only
 * new_device stays quiet, since the device was there before the daemon.
 */
TEST_F(policy, present_no_new_device)
{
	ASSERT_EQ(0, load("[alert]\nnew_device = yes\ncreator = yes\n"
			  "[rule watch]\nmatch_name = ia-test watched\naction = alert\n",
			  &self->cfg));
	device_flags(&self->s, 1, "ia-test keyboard", I8042, 1, 1, NULL,
		     INPUTAUDIT_DEV_PRESENT);				/* 1-2 */
	device_flags(&self->s, 2, "ia-test typer", USB, 1, 1, "ia-type",
		     ORIGIN_FLAGS(INPUTAUDIT_ORIGIN_UINPUT) |
		     INPUTAUDIT_DEV_PRESENT);				/* 3-4 */
	device_flags(&self->s, 3, "ia-test watched", USB, 0x046d, 0xc52b, NULL,
		     INPUTAUDIT_DEV_PRESENT);				/* 5-6 */
	device(&self->s, 4, "ia-test plugged", USB, 1, 1, NULL);	/* 7-8 */
	key_press(&self->s, 1);						/* 9 */
	run(&self->s, &self->cfg);
	EXPECT_STREQ("2,4,6,8,9", FW());
	EXPECT_STREQ("4:creator;6:device_rule/watch;8:new_device", AL());
	EXPECT_STREQ("ia-test keyboard", self->s.names[1]);
	EXPECT_STREQ("watch", self->s.v[5].rule);
	EXPECT_EQ(IA_ACTION_ALERT, self->s.v[5].action);
}

/*
 * Rules match a present device from its announcement on: an ignored
 * keyboard that was plugged in at boot has none of its later input
 * forwarded, only its lifecycle and what was done to it (an injection
 * verdict, a blind period); an audited one keeps everything.
 */
TEST_F(policy, present_device_rules)
{
	struct policy p;
	struct policy_verdict v;
	const struct policy_device *d;
	unsigned int i;

	ASSERT_EQ(0, load("[alert]\nnew_device = yes\n"
			  "[rule quiet]\nmatch_name = ia-test boot keyboard\n"
			  "match_bus = i8042\naction = ignore\n",
			  &self->cfg));
	device_flags(&self->s, 1, "ia-test boot keyboard", I8042, 1, 1, NULL,
		     INPUTAUDIT_DEV_PRESENT);				/* 1-2 */
	device_flags(&self->s, 2, "ia-test boot mouse", USB, 1, 1, NULL,
		     INPUTAUDIT_DEV_PRESENT);				/* 3-4 */
	key_press(&self->s, 1);						/* 5 */
	key_press(&self->s, 2);						/* 6 */
	add(&self->s, INPUTAUDIT_REC_ACTIVITY, 0, 1, 1, 0, 0, 0);	/* 7 */
	injection(&self->s, 1);						/* 8 */
	add(&self->s, INPUTAUDIT_REC_BLIND, INPUTAUDIT_BLIND_START, 1, 0, 0, 0, 0); /* 9 */
	key_press(&self->s, 1);						/* 10 */
	removed(&self->s, 1);						/* 11 */
	run(&self->s, &self->cfg);
	EXPECT_STREQ("2,4,6,8,9,11", FW());
	EXPECT_STREQ("8:injection", AL());
	EXPECT_EQ(IA_ACTION_IGNORE, self->s.v[1].action);
	EXPECT_STREQ("quiet", self->s.v[1].rule);
	EXPECT_EQ(IA_ACTION_IGNORE, self->s.v[10].action);

	/* The table holds its identity like any device_added's. */
	policy_init(&p, &self->cfg);
	for (i = 0; i < 4; i++)
		policy_record(&p, &self->s.rec[i], &v);
	d = policy_device(&p, 1);
	ASSERT_NE(NULL, d);
	EXPECT_TRUE(d->added);
	EXPECT_EQ(I8042, d->bus);
	EXPECT_STREQ("ia-test boot keyboard", d->name);
	EXPECT_FALSE(d->is_virtual);
	EXPECT_EQ(IA_ACTION_IGNORE, d->action);
	policy_free(&p);
}

/* ignore / audit / alert, and alert raises injection alerts even with [alert] injection = no. */
TEST_F(policy, actions)
{
	ASSERT_EQ(0, load("[alert]\ninjection = no\ncreator = no\n"
			  "[rule i]\nmatch_name = ia-test ignored\naction = ignore\n"
			  "[rule a]\nmatch_name = ia-test audited\naction = audit\n"
			  "[rule x]\nmatch_name = ia-test alerted\naction = alert\n",
			  &self->cfg));
	device(&self->s, 1, "ia-test ignored", USB, 1, 1, NULL);	/* 1-2 */
	device(&self->s, 2, "ia-test audited", USB, 1, 1, NULL);	/* 3-4 */
	device(&self->s, 3, "ia-test alerted", USB, 1, 1, NULL);	/* 5-6 */
	injection(&self->s, 1);						/* 7 */
	injection(&self->s, 2);						/* 8 */
	injection(&self->s, 3);						/* 9 */
	add(&self->s, INPUTAUDIT_REC_ACTIVITY, 0, 1, 1, 0, 0, 0);	/* 10 */
	add(&self->s, INPUTAUDIT_REC_ACTIVITY, 0, 3, 1, 0, 0, 0);	/* 11 */
	removed(&self->s, 1);						/* 12 */
	removed(&self->s, 3);						/* 13 */
	run(&self->s, &self->cfg);
	EXPECT_STREQ("2,4,6,7,8,9,11,12,13", FW());
	EXPECT_STREQ("6:device_rule/x;9:injection", AL());
}

/*
 * ignore drops a device's input, never what was done to it: its injection
 * verdicts, blind periods and suppressed counts are kept (with their
 * alerts), its lifecycle too; its key presses and activity are not.
 */
TEST_F(policy, ignore_never_hides_attacks)
{
	ASSERT_EQ(0, load("[alert]\ninjection = yes\nblind_ms = 0\ncreator = no\n"
			  "[rule i]\nmatch_name = Logitech*\naction = ignore\n",
			  &self->cfg));
	device(&self->s, 1, "Logitech USB Keyboard", USB, 1, 1, NULL);	/* 1-2 */
	key_press(&self->s, 1);						/* 3 */
	add(&self->s, INPUTAUDIT_REC_ACTIVITY, 0, 1, 1, 0, 0, 0);	/* 4 */
	injection(&self->s, 1);						/* 5 */
	add(&self->s, INPUTAUDIT_REC_BLIND, INPUTAUDIT_BLIND_START, 1, 0, 0, 0, 0); /* 6 */
	add(&self->s, INPUTAUDIT_REC_SUPPRESSED, 0, 1, 3, 0, 0, 0);	/* 7 */
	removed(&self->s, 1);						/* 8 */
	run(&self->s, &self->cfg);
	EXPECT_STREQ("2,5,6,7,8", FW());
	EXPECT_STREQ("5:injection;6:blind", AL());
}

/* The first matching rule in file order decides, even if a later one is more specific. */
TEST_F(policy, first_match_wins)
{
	ASSERT_EQ(0, load("[rule broad]\nmatch_bus = usb\naction = audit\n"
			  "[rule narrow]\nmatch_bus = usb\nmatch_name = ia-test keyboard\n"
			  "action = ignore\n"
			  "[rule later]\nmatch_name = ia-test *\naction = alert\n",
			  &self->cfg));
	device(&self->s, 1, "ia-test keyboard", USB, 1, 1, NULL);	/* 1-2 */
	device(&self->s, 2, "ia-test keyboard", BLUETOOTH, 1, 1, NULL);	/* 3-4 */
	key_press(&self->s, 1);						/* 5 */
	key_press(&self->s, 2);						/* 6 */
	run(&self->s, &self->cfg);
	EXPECT_STREQ("broad", self->s.v[1].rule);
	EXPECT_STREQ("later", self->s.v[3].rule);
	EXPECT_STREQ("2,4,5,6", FW());
	EXPECT_STREQ("4:device_rule/later", AL());
}

/* The default applies to unmatched devices and to devices the daemon never saw added. */
TEST_F(policy, default_action)
{
	ASSERT_EQ(0, load("[policy]\ndefault = ignore\n"
			  "[rule kept]\nmatch_name = ia-test kept\naction = audit\n",
			  &self->cfg));
	device(&self->s, 1, "ia-test kept", USB, 1, 1, NULL);		/* 1-2 */
	device(&self->s, 2, "ia-test other", USB, 1, 1, NULL);		/* 3-4 */
	key_press(&self->s, 1);						/* 5 */
	key_press(&self->s, 2);						/* 6 */
	key_press(&self->s, 9);		/* 7: added before the daemon started */
	add(&self->s, INPUTAUDIT_REC_HEARTBEAT, 0, 0, 1, 2, 3, 4);	/* 8 */
	add(&self->s, INPUTAUDIT_REC_CONFIG, INPUTAUDIT_CFG_DEV_ENABLED, 2,
	    1, 0, 0, 0);						/* 9 */
	removed(&self->s, 9);						/* 10 */
	run(&self->s, &self->cfg);
	EXPECT_STREQ("2,4,5,8,9,10", FW());
	EXPECT_STREQ("", AL());
}

/* A one-chunk name and a four-chunk one merge; the last may be truncated. */
TEST_F(policy, name_chunks_merge)
{
	char long_name[200];
	unsigned int i;

	for (i = 0; i < 100; i++)
		long_name[i] = 'a' + i % 26;
	memcpy(long_name, "ia-test ", 8);
	long_name[100] = '\0';
	ASSERT_EQ(0, load("[rule long]\nmatch_name = ia-test ijk*uv\naction = alert\n",
			  &self->cfg));
	device(&self->s, 1, "ia-test kbd", USB, 1, 1, NULL);	/* 1: 1 chunk, 2 */
	device(&self->s, 2, long_name, USB, 1, 1, NULL);	/* 3-6: 4 chunks, 7 */
	for (i = 0; i < 150; i++)
		long_name[i] = 'z';
	long_name[150] = '\0';
	device(&self->s, 3, long_name, USB, 1, 1, NULL);	/* 8-11, 12 */
	run(&self->s, &self->cfg);
	EXPECT_EQ(INPUTAUDIT_REC_DEV_ADDED, self->s.rec[6].type);
	EXPECT_STREQ("2,7,12", FW());
	EXPECT_STREQ("ia-test kbd", self->s.names[1]);
	EXPECT_FALSE(self->s.v[1].name_truncated);
	EXPECT_EQ(100, strlen(self->s.names[6]));
	EXPECT_EQ(0, strncmp(self->s.names[6], "ia-test ijklmn", 14));
	EXPECT_FALSE(self->s.v[6].name_truncated);
	EXPECT_STREQ("7:device_rule/long", AL());
	EXPECT_EQ(128, strlen(self->s.names[11]));
	EXPECT_TRUE(self->s.v[11].name_truncated);
}

/* A lost chunk makes the name unknown: match_name never matches it. */
TEST_F(policy, name_chunk_lost)
{
	struct stream full = { .n = 0 };
	unsigned int i;

	ASSERT_EQ(0, load("[policy]\ndefault = ignore\n"
			  "[rule any]\nmatch_name = *\naction = audit\n",
			  &self->cfg));
	/* "ia-test " + 60 letters: 3 chunks; drop the second. */
	name_chunks(&full, 1, "ia-test abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefgh");
	ASSERT_EQ(3, full.n);
	self->s.rec[0] = full.rec[0];
	self->s.rec[1] = full.rec[2];
	self->s.n = 2;
	device(&self->s, 1, NULL, USB, 1, 1, NULL);	/* 3 */
	key_press(&self->s, 1);				/* 4 */
	/* An empty name is a name. */
	device(&self->s, 2, "", USB, 1, 1, NULL);	/* 5-6 */
	key_press(&self->s, 2);				/* 7 */
	for (i = 0; i < 2; i++)
		self->s.rec[i].seq = i + 1;
	run(&self->s, &self->cfg);
	EXPECT_EQ(NULL, self->s.v[2].name);
	EXPECT_STREQ("", self->s.names[5]);
	EXPECT_NE(NULL, self->s.v[5].name);
	EXPECT_STREQ("3,6,7", FW());
}

/* [alert]: new_device, creator, blind thresholds, loss. */
TEST_F(policy, alert_settings)
{
	ASSERT_EQ(0, load("[alert]\nnew_device = yes\ncreator = yes\nblind_ms = 500\n"
			  "loss = yes\ninjection = yes\n", &self->cfg));
	device(&self->s, 1, "ia-test plain", USB, 1, 1, NULL);	/* 1-2 */
	device(&self->s, 2, "ia-test made", USB, 1, 1, "ia-type");	/* 3-4 */
	add(&self->s, INPUTAUDIT_REC_BLIND, INPUTAUDIT_BLIND_START, 1, 0, 0, 0, 0); /* 5 */
	add(&self->s, INPUTAUDIT_REC_BLIND, INPUTAUDIT_BLIND_END, 1,
	    499999999, 499999999, 0, 0);				/* 6 */
	add(&self->s, INPUTAUDIT_REC_BLIND, INPUTAUDIT_BLIND_END, 1,
	    500000000, 999999999, 0, 0);				/* 7 */
	add(&self->s, INPUTAUDIT_REC_CONSUMER, 0, 0, 100, 0, 100, 0);	/* 8 */
	add(&self->s, INPUTAUDIT_REC_CONSUMER, 0, 0, 100, 7, 200, 0);	/* 9 */
	injection(&self->s, 2);						/* 10 */
	run(&self->s, &self->cfg);
	EXPECT_STREQ("2,4,5,6,7,8,9,10", FW());
	EXPECT_STREQ("2:new_device;4:new_device,creator;7:blind;9:loss;10:injection",
		     AL());
}

/* blind_ms = 0 alerts on every blind start; alerts switched off stay quiet. */
TEST_F(policy, alert_blind_start_and_off)
{
	ASSERT_EQ(0, load("[alert]\nblind_ms = 0\nloss = no\ninjection = no\n"
			  "creator = no\n", &self->cfg));
	device(&self->s, 1, "ia-test plain", USB, 1, 1, NULL);	/* 1-2 */
	add(&self->s, INPUTAUDIT_REC_BLIND, INPUTAUDIT_BLIND_START, 1, 0, 0, 0, 0); /* 3 */
	add(&self->s, INPUTAUDIT_REC_BLIND, INPUTAUDIT_BLIND_END, 1,
	    5000000000, 5000000000, 0, 0);				/* 4 */
	add(&self->s, INPUTAUDIT_REC_CONSUMER, 0, 0, 100, 7, 200, 0);	/* 5 */
	injection(&self->s, 1);						/* 6 */
	device(&self->s, 2, "ia-test made", USB, 1, 1, "ia-type");	/* 7-8 */
	run(&self->s, &self->cfg);
	EXPECT_STREQ("2,3,4,5,6,8", FW());
	EXPECT_STREQ("3:blind", AL());
}

/* Default action alert: device_rule without a rule name. */
TEST_F(policy, default_alert)
{
	ASSERT_EQ(0, load("[policy]\ndefault = alert\n[alert]\ncreator = no\ninjection = no\n",
			  &self->cfg));
	device(&self->s, 1, "ia-test x", USB, 1, 1, NULL);	/* 1-2 */
	injection(&self->s, 1);					/* 3 */
	run(&self->s, &self->cfg);
	EXPECT_STREQ("2,3", FW());
	EXPECT_STREQ("2:device_rule;3:injection", AL());
}

/* DEV_REMOVED frees the entry; a reload re-decides every known device. */
TEST_F(policy, table_and_reload)
{
	struct ia_config cfg2;
	struct policy_verdict v;
	struct policy p;
	unsigned int i;

	ASSERT_EQ(0, load("[policy]\ndefault = audit\n", &self->cfg));
	ASSERT_EQ(0, load("[rule k]\nmatch_name = ia-test k*\naction = ignore\n",
			  &cfg2));
	device(&self->s, 1, "ia-test keyboard", USB, 0x1234, 0x5678, "ia-type");
	device(&self->s, 2, "ia-test mouse", USB, 1, 1, NULL);
	policy_init(&p, &self->cfg);
	for (i = 0; i < self->s.n; i++)
		policy_record(&p, &self->s.rec[i], &v);
	ASSERT_EQ(2, p.ndevices);
	ASSERT_NE(NULL, policy_device(&p, 1));
	EXPECT_EQ(USB, policy_device(&p, 1)->bus);
	EXPECT_EQ(0x1234, policy_device(&p, 1)->vendor);
	EXPECT_EQ(0x5678, policy_device(&p, 1)->product);
	EXPECT_STREQ("ia-type", policy_device(&p, 1)->comm);
	EXPECT_EQ(INPUTAUDIT_ORIGIN_UINPUT, policy_device(&p, 1)->origin);
	EXPECT_TRUE(policy_device(&p, 1)->is_virtual);
	EXPECT_TRUE(policy_device(&p, 1)->process_made);
	EXPECT_EQ(INPUTAUDIT_ORIGIN_HARDWARE, policy_device(&p, 2)->origin);
	EXPECT_FALSE(policy_device(&p, 2)->process_made);
	EXPECT_FALSE(policy_device(&p, 2)->is_virtual);
	EXPECT_EQ(IA_ACTION_AUDIT, policy_device(&p, 1)->action);

	policy_set_config(&p, &cfg2);
	config_free(&self->cfg);
	EXPECT_EQ(IA_ACTION_IGNORE, policy_device(&p, 1)->action);
	EXPECT_STREQ("k", policy_device(&p, 1)->rule->name);
	EXPECT_EQ(IA_ACTION_AUDIT, policy_device(&p, 2)->action);
	self->s.n = 0;
	key_press(&self->s, 1);
	removed(&self->s, 1);
	EXPECT_EQ(0, policy_record(&p, &self->s.rec[0], &v));
	EXPECT_EQ(POLICY_FORWARD, policy_record(&p, &self->s.rec[1], &v));
	EXPECT_EQ(IA_ACTION_IGNORE, v.action);
	EXPECT_EQ(NULL, policy_device(&p, 1));
	EXPECT_EQ(1, p.ndevices);
	policy_free(&p);
	EXPECT_EQ(0, p.ndevices);
	config_free(&cfg2);
}

TEST_HARNESS_MAIN
