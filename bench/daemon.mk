# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Daemon-side benchmark figures (scripts/bench-daemon.sh; README "Daemon figures").
#
# Targets:
#   bench-daemon      bench-devmem (unless BENCH_DEVMEM_RUN=0), then instructions per
#                     record (callgrind on --replay) for JSON Lines, chained JSON and
#                     the syslog sink, and peak RSS after 1 M records; writes
#                     $(OUT)/bench/extra-daemon.tsv (make bench includes it)
#   bench-devmem      module bytes per attached device, in the VM on every kernel ABI;
#                     writes $(OUT)/bench/devmem.tsv, which bench-daemon appends
#   bench-daemon-tools  the host tools and the guest program only
#   bench-tls         syslog over TLS against plain TCP to one local rsyslogd: lines per
#                     second, their ratio, the daemon's CPU per line (scripts/bench-tls.sh)

BENCH_DAEMON_OUT := $(OUT)/bench/daemon
BENCH_DAEMON_TOOLS := $(addprefix $(BENCH_DAEMON_OUT)/,ia-recgen ia-sink-discard ia-maxrss \
	ia-cputime)
BENCH_DEVMEM := $(BENCH_DAEMON_OUT)/ia-devmem
BENCH_DAEMON_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude $(USERSPACE_INC)

.PHONY: bench-daemon bench-devmem bench-daemon-tools bench-tls
bench-daemon-tools: $(BENCH_DAEMON_TOOLS) $(BENCH_DEVMEM)

# BENCH_DEVMEM_RUN=0: the host figures only (keeps an earlier devmem.tsv).
BENCH_DEVMEM_RUN ?= 1
bench-daemon: $(BENCH_DAEMON_TOOLS) $(BENCH_DEVMEM) userspace $(if $(filter 0,$(BENCH_DEVMEM_RUN)),,kmod)
	$(Q)[ "$(BENCH_DEVMEM_RUN)" = 0 ] || scripts/bench-devmem.sh $(KERNELS)
	$(Q)scripts/bench-daemon.sh

bench-tls: $(BENCH_DAEMON_OUT)/ia-recgen $(BENCH_DAEMON_OUT)/ia-cputime userspace
	$(Q)OUT=$(OUT) scripts/bench-tls.sh

bench-devmem: $(BENCH_DEVMEM) kmod userspace
	$(Q)scripts/bench-devmem.sh $(KERNELS)

$(BENCH_DAEMON_OUT)/ia-recgen: bench/daemon/ia_recgen.c userspace/daemon/recfile.h include/inputaudit.h
$(BENCH_DAEMON_OUT)/ia-sink-discard: bench/daemon/ia_sink_discard.c
$(BENCH_DAEMON_OUT)/ia-maxrss: bench/daemon/ia_maxrss.c
$(BENCH_DAEMON_OUT)/ia-cputime: bench/daemon/ia_cputime.c
$(BENCH_DAEMON_TOOLS):
	$(call msg,CC,$(@:$(OUT)/%=%))
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BENCH_DAEMON_CFLAGS) -o $@ $<

# The guest program: static, like the VM tests.
$(BENCH_DEVMEM): bench/daemon/ia_devmem.c selftests/vm/uinput_util.c selftests/vm/uinput_util.h \
		selftests/vm/kmod_util.c selftests/vm/kmod_util.h
	$(call msg,CC,$(@:$(OUT)/%=%))
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BENCH_DAEMON_CFLAGS) -Iselftests/vm -static -o $@ $< selftests/vm/uinput_util.c selftests/vm/kmod_util.c
