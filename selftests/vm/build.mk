# SPDX-License-Identifier: GPL-2.0-only
# VM tests: one static kselftest binary run as root inside the test VM.
VM_TESTS_SRCS := $(addprefix selftests/vm/,vm_tests.c uinput_util.c kmod_util.c daemon_util.c)
VM_TESTS := $(OUT)/selftests/vm/vm_tests

vm-tests: $(VM_TESTS)

$(VM_TESTS): $(VM_TESTS_SRCS) $(wildcard selftests/vm/*.h) | $(HARNESS_DIR)/kselftest_harness.h
	$(Q)mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
		-I$(HARNESS_DIR) -Iselftests/vm -Iinclude -static -o $@ $(VM_TESTS_SRCS)

.PHONY: vm-tests
