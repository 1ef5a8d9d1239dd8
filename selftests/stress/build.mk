# SPDX-License-Identifier: GPL-2.0-only
# Reliability under stress (issue 5, items 1-3 and the sysfs fuzzer of 4):
# selftests/stress/ia_stress, a static kselftest binary run as root in the
# test VM.  Its short version runs in every VM boot of make check
# (selftests/vm/run-vm-tests.sh); the long one is
#
#   make stress [STRESS_SECONDS=240] [STRESS_SEED=42] [KERNELS=...]
#
# one VM boot per kernel ABI, TAP in $(OUT)/stress/<abi>.tap.
STRESS_BIN := $(OUT)/selftests/stress/ia_stress
STRESS_SRCS = selftests/stress/ia_stress.c selftests/stress/stress_util.c \
	$(VM_LIB_SRCS)
STRESS_SECONDS ?= 240
STRESS_SEED ?= 42
# The whole boot: flood, churn, faults, reloads and fuzzing scale with it.
STRESS_VM_TIMEOUT ?= $(shell echo $$(( $(STRESS_SECONDS) * 4 + 1200 )))

.PHONY: stress stress-tests
stress-tests: $(STRESS_BIN)
# make all and the VM runs build it with the VM tests.
vm-tests: $(STRESS_BIN)

$(STRESS_BIN): $(STRESS_SRCS) $(wildcard selftests/stress/*.h selftests/vm/*.h) include/inputaudit.h | $(HARNESS)
	$(Q)mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(VM_TEST_CFLAGS) -Iselftests/stress -Iselftests/vm -Iinclude \
		-static -pthread -o $@ $(STRESS_SRCS)

stress: kmod userspace vm-tests
	$(Q)mkdir -p $(OUT)/stress
	$(Q)rc=0; for abi in $(KERNELS); do \
		VM_TIMEOUT=$(STRESS_VM_TIMEOUT) scripts/vm-run.sh $$abi env \
			STRESS_SECONDS=$(STRESS_SECONDS) STRESS_SEED=$(STRESS_SEED) \
			/bin/ia_stress | tee $(OUT)/stress/$$abi.tap || rc=1; \
	done; scripts/tap-summary.sh $(OUT)/stress/*.tap && exit $$rc
