// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target: the daemon's record path on arbitrary kernel records.
 * Input: one option byte, then 56-byte struct inputaudit_record's (a short
 * tail is ignored, as --replay reports it).  The records go through the real
 * pipeline (pipeline.c: sequence check, policy with device names and rules,
 * JSON, the chain) into a sink that checks every line: one line, ending in
 * "}\n", as long as its length says, and walkable by json_fields() with
 * every string member decodable.
 *
 * Option byte: bit 0 expect the first record at seq 1 (else take whatever
 * comes first), bit 1 --raw, bit 2 chained, bit 3 [alert] loss.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "json_fields.h"
#include "pipeline.h"
#include "policy.h"
#include "record_json.h"

static const char rules_conf[] =
	"[policy]\ndefault = audit\n"
	"[rule uinput]\nmatch_virtual = yes\nmatch_creator = ia-*\naction = alert\n"
	"[rule usb-logi]\nmatch_bus = usb\nmatch_id = 046d:*\nmatch_name = *Receiver*\naction = audit\n"
	"[rule quiet]\nmatch_name = *[Qq]uiet*\naction = ignore\n"
	"[rule lid]\nmatch_bus = 0x19\nmatch_name = Lid Switch\naction = ignore\n"
	"[alert]\ninjection = yes\nnew_device = yes\ncreator = yes\nblind_ms = 0\nloss = yes\n";
static const uint8_t key[32] = "fuzz-key-fuzz-key-fuzz-key-fuzz";

static struct ia_config cfg;

static int check_member(void *ctx, const char *k, const char *val, size_t vallen,
			enum json_kind kind)
{
	char out[2048];

	(void)ctx;
	(void)k;
	if (kind == JSON_STRING && json_unescape(val, vallen, out, sizeof(out)) < 0)
		abort();
	return 0;
}

static int check_write(struct sink *s, const struct sink_line *l)
{
	(void)s;
	if (!l->len || strlen(l->text) != l->len || l->text[l->len - 1] != '\n' ||
	    memchr(l->text, '\n', l->len) != l->text + l->len - 1 ||
	    l->len < 3 || l->text[0] != '{' || l->text[l->len - 2] != '}')
		abort();
	if (json_fields(l->text, l->len, check_member, NULL))
		abort();
	return 0;
}

static int nop(struct sink *s)
{
	(void)s;
	return 0;
}

static const struct sink_ops check_ops = {
	.kind = "check",
	.open = nop,
	.write = check_write,
	.flush = nop,
	.close = nop,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];

	(void)argc;
	(void)argv;
	if (config_load_mem("rules.conf", rules_conf, sizeof(rules_conf) - 1,
			    &cfg, err, sizeof(err))) {
		fprintf(stderr, "fuzz_record: %s\n", err);
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pipeline p;	/* the seqtrack bitmap is large */
	struct inputaudit_record rec;
	struct policy pol;
	struct sink *s;
	uint8_t opt;

	if (!size)
		return 0;
	opt = data[0];
	data++;
	size--;

	pipeline_init(&p, opt & 1 ? 1 : 0);
	p.raw = opt & 2;
	p.alert_loss = opt & 8;
	policy_init(&pol, &cfg);
	p.policy = &pol;
	if ((opt & 4) && pipeline_set_key(&p, key, sizeof(key)))
		abort();
	s = pipeline_add_sink(&p);
	s->ops = &check_ops;
	snprintf(s->name, sizeof(s->name), "check");
	pipeline_start(&p);
	for (; size >= sizeof(rec); data += sizeof(rec), size -= sizeof(rec)) {
		memcpy(&rec, data, sizeof(rec));
		pipeline_kernel_record(&p, &rec);
	}
	seqtrack_flush(&p.seq);
	pipeline_checkpoint(&p, true);
	if (pipeline_close(&p))
		abort();
	policy_free(&pol);
	return 0;
}
