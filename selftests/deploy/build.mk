# SPDX-License-Identifier: GPL-2.0-only
# The deployed-system test (selftests/deploy/run-deploy.sh): deploy_guest runs in the booted
# Debian 12 guest (static, kselftest harness), deploy_host on the host (QEMU, the collector).
DEPLOY_GUEST := $(OUT)/selftests/deploy/deploy_guest
DEPLOY_HOST := $(OUT)/selftests/deploy/deploy_host

deploy-tests: $(DEPLOY_GUEST) $(DEPLOY_HOST)

$(DEPLOY_GUEST): selftests/deploy/deploy_guest.c selftests/deploy/guest_util.c selftests/deploy/guest_util.h \
		selftests/vm/uinput_util.c selftests/vm/uinput_util.h | $(HARNESS)
	$(Q)mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(VM_TEST_CFLAGS) -Iselftests/deploy -Iselftests/vm -static -o $@ $< \
		selftests/deploy/guest_util.c selftests/vm/uinput_util.c

$(DEPLOY_HOST): selftests/deploy/deploy_host.c selftests/deploy/qmp.c selftests/deploy/qmp.h \
		selftests/host/collector.c selftests/host/collector.h
	$(Q)mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iselftests/deploy -Iselftests/host -o $@ $< \
		selftests/deploy/qmp.c selftests/host/collector.c

# The deployed-system test itself (it builds the packages, the image and the binaries above).
.PHONY: deploy-tests deploy-check
deploy-check:
	$(Q)selftests/deploy/run-deploy.sh
