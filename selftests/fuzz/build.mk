# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# libFuzzer targets (clang -fsanitize=fuzzer,address,undefined) for the
# daemon's parsers; seed corpora in selftests/fuzz/corpus/<target>/.
#
# Targets:
#   fuzz-build   build every target into $(OUT)/fuzz/
#   fuzz         run each for FUZZ_SECONDS (default 60) on a scratch copy of
#                its corpus (new inputs stay in $(OUT)/fuzz/corpus/<target>;
#                the seeds in the repo are not touched); TAP on stdout, a
#                crash input is kept as $(OUT)/fuzz/crash-<target>-*
#   fuzz-regress run each target once over its seed corpus (no fuzzing)

FUZZ_OUT := $(OUT)/fuzz
FUZZ_CC ?= $(CLANG)
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := fuzz_config fuzz_record fuzz_verify fuzz_json_fields
FUZZ_BINS := $(addprefix $(FUZZ_OUT)/,$(FUZZ_TARGETS))
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := -Wall -Wextra -Werror -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN) \
	-I$(CURDIR)/include $(USERSPACE_INC) -MMD -MP

.PHONY: fuzz fuzz-build fuzz-regress
fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) selftests/fuzz/run-fuzz.sh $(FUZZ_TARGETS)

fuzz-regress: fuzz-build
	$(Q)FUZZ_SECONDS=0 selftests/fuzz/run-fuzz.sh $(FUZZ_TARGETS)

# The code under test, instrumented for coverage and the sanitizers, in
# $(FUZZ_OUT)/userspace/ with userspace/'s folders.
$(FUZZ_OUT)/userspace/%.o: $(CURDIR)/userspace/%.c
	$(call msg,CC-FUZZ,$(@:$(OUT)/%=%))
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_OUT)/%.o: $(CURDIR)/selftests/fuzz/%.c
	$(call msg,CC-FUZZ,$(@:$(OUT)/%=%))
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_OUT)/fuzz_config: $(FUZZ_OUT)/fuzz_config.o $(FUZZ_OUT)/userspace/daemon/config.o \
	$(FUZZ_OUT)/userspace/lib/sha256.o
$(FUZZ_OUT)/fuzz_config: FUZZ_LIBS := -linih -lcrypto
$(FUZZ_OUT)/fuzz_record: $(FUZZ_OUT)/fuzz_record.o $(addprefix $(FUZZ_OUT)/userspace/,\
	daemon/pipeline.o daemon/policy.o daemon/config.o daemon/record_json.o \
	daemon/seqtrack.o chain/chain.o daemon/chain_run.o chain/chain_state.o lib/atomic_file.o \
	sink/sink_file.o lib/sandbox.o lib/log.o daemon/recfile.o \
	sink/json_fields.o lib/jbuf.o lib/fdio.o lib/sha256.o)
$(FUZZ_OUT)/fuzz_record: FUZZ_LIBS := -linih -lcrypto
$(FUZZ_OUT)/fuzz_verify: $(FUZZ_OUT)/fuzz_verify.o $(addprefix $(FUZZ_OUT)/userspace/,\
	chain/verify.o chain/chain.o lib/log.o lib/jbuf.o)
$(FUZZ_OUT)/fuzz_verify: FUZZ_LIBS := -lcrypto
$(FUZZ_OUT)/fuzz_json_fields: $(FUZZ_OUT)/fuzz_json_fields.o \
	$(FUZZ_OUT)/userspace/sink/json_fields.o

$(FUZZ_BINS):
	$(call msg,LD-FUZZ,$(@:$(OUT)/%=%))
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) $^ $(FUZZ_LIBS) -o $@

-include $(wildcard $(FUZZ_OUT)/*.d $(FUZZ_OUT)/userspace/*/*.d)
