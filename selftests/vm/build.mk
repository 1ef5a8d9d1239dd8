# SPDX-License-Identifier: GPL-2.0-only
# VM tests: one static kselftest binary run as root inside the test VM.
VM_TESTS_SRCS := $(addprefix selftests/vm/,vm_tests.c uinput_util.c kmod_util.c daemon_util.c)
VM_TESTS := $(OUT)/selftests/vm/vm_tests

IA_TYPE := $(OUT)/selftests/vm/ia-type

vm-tests: $(VM_TESTS) $(IA_TYPE)

$(VM_TESTS): $(VM_TESTS_SRCS) $(wildcard selftests/vm/*.h) | $(HARNESS)
	$(Q)mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
		-I$(HARNESS_DIR) -Iselftests/vm -Iinclude -static -o $@ $(VM_TESTS_SRCS)

.PHONY: vm-tests

# ia-type: synthetic typing and mouse motion for the demo.
$(IA_TYPE): selftests/vm/ia_type.c selftests/vm/uinput_util.c selftests/vm/uinput_util.h
	$(Q)mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -static -o $@ \
		selftests/vm/ia_type.c selftests/vm/uinput_util.c
