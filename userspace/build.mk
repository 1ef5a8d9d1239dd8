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

ifeq ($(V),1)
IA_Q :=
IA_MSG = @true
else
IA_Q := @
IA_MSG = @printf '  %-9s %s\n'
endif

USERSPACE_OUT := $(OUT)/userspace
USERSPACE_BIN := $(USERSPACE_OUT)/inputauditd
USERSPACE_SRCS := inputauditd.c capture.c log.c output.c record_json.c \
	seqtrack.c
USERSPACE_OBJS := $(addprefix $(USERSPACE_OUT)/,$(USERSPACE_SRCS:.c=.o))
USERSPACE_CFLAGS := -Wall -Wextra -Werror -O2 -g -I$(CURDIR)/include \
	-I$(OUT)/bpf -MMD -MP

.PHONY: userspace
userspace: $(USERSPACE_BIN)

$(USERSPACE_OUT)/%.o: $(CURDIR)/userspace/%.c
	$(IA_MSG) CC $(@:$(OUT)/%=%)
	$(IA_Q)mkdir -p $(@D)
	$(IA_Q)$(CC) $(USERSPACE_CFLAGS) -c $< -o $@

$(USERSPACE_OUT)/capture.o: $(OUT)/bpf/inputaudit.skel.h

$(USERSPACE_BIN): $(USERSPACE_OBJS)
	$(IA_MSG) LD $(@:$(OUT)/%=%)
	$(IA_Q)$(CC) -static $^ $(STATIC_BPF_LIBS) -o $@

-include $(wildcard $(USERSPACE_OUT)/*.d)
