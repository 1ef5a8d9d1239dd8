# inputaudit: kernel module for each kernel of the matrix, BPF object, daemon, tests, QEMU test runs.
# make [all] | check | demo | deb | checkpatch | kernels | clean        (V=1 for verbose output)

# ---- variables the fragments (bpf/, userspace/, selftests/*/build.mk) use ----
O := build
OUT := $(CURDIR)/$(O)
CACHE ?= $(or $(HOME),/root)/.cache/inputaudit
HARNESS_DIR := $(CACHE)/linux-src/tools/testing/selftests
HARNESS := $(HARNESS_DIR)/kselftest_harness.h
CHECKPATCH := $(CACHE)/linux-src/scripts/checkpatch.pl
ifeq ($(origin CC),default)
CC := gcc
endif
CLANG ?= clang
BPFTOOL ?= bpftool
# Link a static binary that uses libbpf: $(CC) -static ... $(STATIC_BPF_LIBS)
STATIC_BPF_LIBS := -lbpf -lelf -lz -lzstd

ifeq ($(V),1)
Q :=
msg =
else
Q := @
msg = @printf '  %-9s %s\n' '$(1)' '$(2)';
MAKEFLAGS += --no-print-directory
endif
export CACHE OUT V

# Kernel ABIs to build and test against; resolved from apt once, on first use.
ifeq ($(origin KERNELS),undefined)
KERNELS = $(eval KERNELS := $(shell scripts/kernels.sh))$(KERNELS)
endif
# Extra kbuild arguments for the module build.
KBUILD_ARGS ?= W=1

.DEFAULT_GOAL := all
.PHONY: all kmod check demo demo-run checkpatch kernels deps clean

all: $(HARNESS) kmod bpf userspace host-tests vm-tests

-include bpf/build.mk
-include userspace/build.mk
-include selftests/host/build.mk
-include selftests/vm/build.mk
-include selftests/deploy/build.mk
-include selftests/stress/build.mk
-include packaging/install.mk packaging/deb.mk
-include scripts/debug.mk
-include bench/build.mk bench/daemon.mk selftests/fuzz/build.mk

# Stand-ins while a fragment is not there yet.
define missing-fragment
$(1):
	@echo "  SKIP      $(1): $(2) not present"
endef
$(if $(wildcard bpf/build.mk),,$(eval $(call missing-fragment,bpf,bpf/build.mk)))
$(if $(wildcard userspace/build.mk),,$(eval $(call missing-fragment,userspace,userspace/build.mk)))
$(if $(wildcard selftests/host/build.mk),,$(eval $(call missing-fragment,host-tests,selftests/host/build.mk)))
$(if $(wildcard selftests/host/build.mk),,$(eval $(call missing-fragment,run-host-tests,selftests/host/build.mk)))
$(if $(wildcard selftests/vm/build.mk),,$(eval $(call missing-fragment,vm-tests,selftests/vm/build.mk)))

# ---- setup ----
deps:
	$(Q)scripts/deps.sh

$(HARNESS) $(HARNESS_DIR)/kselftest.h $(CHECKPATCH):
	$(Q)scripts/kselftest-src.sh

kernels:
	$(Q)test -n "$(KERNELS)" || { echo "no kernel ABIs resolved; run scripts/deps.sh" >&2; exit 1; }
	$(Q)for abi in $(KERNELS); do scripts/fetch-kernel.sh $$abi && echo "$$abi: $(CACHE)/kernels/$$abi"; done

# ---- kernel module, once per kernel ABI, built outside the source tree (scripts/kbuild.sh: with the
# host's headers, or in a Debian unstable chroot for unstable's kernel) ----
KMOD_SRC = VERSION $(shell find Kbuild kmod include -type f \( -name '*.[ch]' -o -name Kbuild -o -name Makefile \) 2>/dev/null)

kmod:
	$(Q)test -n "$(KERNELS)" || { echo "no kernel ABIs resolved; run scripts/deps.sh" >&2; exit 1; }
	$(Q)$(MAKE) $(addprefix kmod-,$(KERNELS)) KERNELS="$(strip $(KERNELS))"

kmod-%:
	$(call msg,KMOD,$(OUT)/kmod-$*/src/kmod/inputaudit.ko)
	$(Q)mkdir -p $(OUT)/kmod-$*/src
	$(Q)cp -p --parents $(KMOD_SRC) $(OUT)/kmod-$*/src/
	$(Q)scripts/kbuild.sh $* $(OUT)/kmod-$*/src $(KBUILD_ARGS) \
		$(if $(filter 1,$(V)),V=1,--no-print-directory) modules

# ---- VM runs: make vmrun-ABI [VM_CMD="..."] ----
vmrun-%: kmod-% userspace vm-tests
	$(Q)scripts/vm-run.sh $* $(VM_CMD)

# ---- check: build, host tests, VM tests on every kernel, then one summary line ----
check:
	$(Q)KERNELS="$(if $(filter command environment,$(origin KERNELS)),$(KERNELS))" scripts/check.sh

# demo: boot the first (6.1) kernel and run scripts/demo-guest.sh, installed in the guest as /bin/demo.sh.
demo:
	$(Q)[ "$(NO_DEPS)" = 1 ] || scripts/deps.sh
	$(Q)$(MAKE) demo-run

demo-run: all
	$(Q)scripts/vm-run.sh $(firstword $(KERNELS)) /bin/demo.sh

checkpatch: $(CHECKPATCH)
	$(Q)$(CHECKPATCH) --no-tree --strict -q -f $(wildcard kmod/*.c kmod/*.h kmod/conftest/*.c)

clean:
	$(call msg,CLEAN,$(OUT))
	$(Q)rm -rf $(OUT)
