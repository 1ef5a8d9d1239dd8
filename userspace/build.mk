# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The daemon, statically linked: it runs in a busybox initramfs guest.
# Included by the top-level Makefile after bpf/build.mk (it needs the
# skeleton); the defaults let it be used on its own with bpf/build.mk.
#
# Target: userspace -> $(OUT)/userspace/inputauditd

OUT ?= $(CURDIR)/build
CC ?= cc
STATIC_BPF_LIBS ?= -lbpf -lelf -lz


USERSPACE_OUT := $(OUT)/userspace
USERSPACE_BIN := $(USERSPACE_OUT)/inputauditd
USERSPACE_SRCS := inputauditd.c capture.c log.c output.c record_json.c \
	seqtrack.c
USERSPACE_OBJS := $(addprefix $(USERSPACE_OUT)/,$(USERSPACE_SRCS:.c=.o))
# The sinks (file, syslog + spool, journal).  Built (and so checked) with the
# daemon but linked only once it is linked dynamically: then
# USERSPACE_SRCS += $(SINK_SRCS) and $(SINK_LIBS) on the link line.
SINK_SRCS := json_fields.c sink_file.c sink_journal.c sink_syslog.c spool.c
SINK_LIBS := -lsystemd
SINK_OBJS := $(addprefix $(USERSPACE_OUT)/,$(SINK_SRCS:.c=.o))
USERSPACE_CFLAGS := -Wall -Wextra -Werror -O2 -g -I$(CURDIR)/include \
	-I$(OUT)/bpf -MMD -MP

.PHONY: userspace
userspace: $(USERSPACE_BIN) $(SINK_OBJS)

$(USERSPACE_OUT)/%.o: $(CURDIR)/userspace/%.c
	$(call msg,CC,$(@:$(OUT)/%=%))
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(USERSPACE_CFLAGS) -c $< -o $@

$(USERSPACE_OUT)/capture.o: $(OUT)/bpf/inputaudit.skel.h

$(USERSPACE_BIN): $(USERSPACE_OBJS)
	$(call msg,LD,$(@:$(OUT)/%=%))
	$(Q)$(CC) -static $^ $(STATIC_BPF_LIBS) -o $@

-include $(wildcard $(USERSPACE_OUT)/*.d)
