# Debug kernel (KASAN, lockdep, DEBUG_ATOMIC_SLEEP, kmemleak) and the VM suite on it; see README "Debug kernel".
#   make debug-kernel   build it once (cached in $(CACHE)/kernels/debug)
#   make kmod-debug     inputaudit.ko built against it (M= with its kbuild tree)
#   make check-debug    both, then the VM suite (and the stress tests, when present) on it: zero splats
.PHONY: debug-kernel check-debug kmod-debug

debug-kernel:
	$(Q)scripts/debug-kernel.sh

# An explicit rule: it takes precedence over the Makefile's kmod-% (which uses linux-headers-ABI).
kmod-debug: debug-kernel
	$(call msg,KMOD,$(OUT)/kmod-debug/src/kmod/inputaudit.ko)
	$(Q)mkdir -p $(OUT)/kmod-debug/src
	$(Q)cp -p --parents $(KMOD_SRC) $(OUT)/kmod-debug/src/
	$(Q)env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
		$(MAKE) -C $(CACHE)/kernels/debug/build M=$(OUT)/kmod-debug/src $(KBUILD_ARGS) \
		$(if $(filter 1,$(V)),V=1,--no-print-directory) -j$(shell nproc) modules

check-debug:
	$(Q)scripts/check-debug.sh
