# SPDX-License-Identifier: GPL-2.0-only
# Kernel-side benchmarks: `make bench` (not part of `make check`; see bench/README.md).
#   bench-bins  build the guest program ia_bench and the floor BPF program
#   bench       boot every kernel once per condition under QEMU -icount, print the table,
#               write build/bench/results.{md,tsv,json}
BENCH_OUT := $(OUT)/bench
IA_BENCH := $(BENCH_OUT)/ia_bench
BENCH_REPORT := $(BENCH_OUT)/bench_report
FLOOR_OBJ := $(BENCH_OUT)/floor.bpf.o
FLOOR_SKEL := $(BENCH_OUT)/floor.skel.h
BENCH_LIB_SRCS := $(addprefix selftests/vm/,uinput_util.c kmod_util.c daemon_util.c)

.PHONY: bench bench-bins
# Built with everything else, so scripts/vm-run.sh always finds it.
all: bench-bins
bench-bins: $(IA_BENCH) $(BENCH_REPORT)

$(FLOOR_OBJ): bench/floor.bpf.c include/inputaudit.h
	$(call msg,CLANG-BPF,$(@:$(OUT)/%=%))
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_x86 -Iinclude \
		-I/usr/include/$(shell $(CC) -dumpmachine) -Wall -Wextra -Werror -c $< -o $@

$(FLOOR_SKEL): $(FLOOR_OBJ)
	$(call msg,GEN-SKEL,$(@:$(OUT)/%=%))
	$(Q)$(BPFTOOL) gen skeleton $< name floor_bpf > $@.tmp
	$(Q)mv $@.tmp $@

$(IA_BENCH): bench/ia_bench.c $(FLOOR_SKEL) $(BENCH_LIB_SRCS) $(wildcard selftests/vm/*.h) include/inputaudit.h
	$(call msg,CC,$(@:$(OUT)/%=%))
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -I$(BENCH_OUT) -Iselftests/vm -Iinclude \
		-static -pthread -o $@ $< $(BENCH_LIB_SRCS) $(STATIC_BPF_LIBS)

$(BENCH_REPORT): bench/bench_report.c
	$(call msg,CC,$(@:$(OUT)/%=%))
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $< -lm

bench: all bench-bins
	$(Q)KERNELS="$(KERNELS)" scripts/bench.sh
