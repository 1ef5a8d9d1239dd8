# SPDX-License-Identifier: GPL-2.0-only
# VM tests: static kselftest binaries run as root inside the test VM by
# selftests/vm/run-vm-tests.sh, plus ia-type for the demo.
VM_LIB_SRCS := $(addprefix selftests/vm/,uinput_util.c kmod_util.c daemon_util.c capture_util.c uhid_util.c \
	fault_util.c)
VM_TEST_NAMES := vm_tests vm_control vm_privilege vm_daemon vm_ctl vm_handles vm_fleet vm_origin vm_observer vm_hw
VM_TEST_BINS := $(addprefix $(OUT)/selftests/vm/,$(VM_TEST_NAMES))
IA_TYPE := $(OUT)/selftests/vm/ia-type

vm-tests: $(VM_TEST_BINS) $(IA_TYPE)

# -O0: kselftest_harness.h keeps the forked test's pid in a local that
# longjmp() (a failed ASSERT) leaves clobbered when optimized, and the
# fixture's teardown is then skipped: the module stays loaded, a daemon
# runs on, and the next test fails for it.  Unoptimized, teardown runs.
# The harness is included as a system header: it is not -Wextra clean.
VM_TEST_CFLAGS := -std=gnu11 -O0 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-isystem $(HARNESS_DIR)

$(OUT)/selftests/vm/vm_%: selftests/vm/vm_%.c $(VM_LIB_SRCS) $(wildcard selftests/vm/*.h) include/inputaudit.h | $(HARNESS)
	$(Q)mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(VM_TEST_CFLAGS) -Iselftests/vm -Iinclude -static -pthread -o $@ $< \
		$(VM_LIB_SRCS)

# vm_ctl: inputauditctl status (its libcrypto-free part) on the real sysfs files.
VM_CTL_SRCS := userspace/ctl/ctl_status.c userspace/lib/status.c userspace/lib/jbuf.c \
	userspace/lib/atomic_file.c userspace/lib/fdio.c
$(OUT)/selftests/vm/vm_ctl: selftests/vm/vm_ctl.c $(VM_LIB_SRCS) $(VM_CTL_SRCS) $(wildcard selftests/vm/*.h) \
		userspace/ctl/ctl_status.h userspace/lib/status.h userspace/sink/sink.h include/inputaudit.h | $(HARNESS)
	$(Q)mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(VM_TEST_CFLAGS) -Iselftests/vm -Iinclude $(USERSPACE_INC) -static -o $@ $< \
		$(VM_LIB_SRCS) $(VM_CTL_SRCS)

# ia-type: synthetic typing and mouse motion for the demo.
$(IA_TYPE): selftests/vm/ia_type.c selftests/vm/uinput_util.c selftests/vm/uinput_util.h
	$(Q)mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -static -o $@ \
		selftests/vm/ia_type.c selftests/vm/uinput_util.c

.PHONY: vm-tests
