# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# BPF program and its skeleton.  Included by the top-level Makefile, which
# normally defines the variables below; the defaults let this fragment be
# used on its own: make -f bpf/build.mk bpf
#
# Targets: bpf -> $(OUT)/bpf/inputaudit.bpf.o, $(OUT)/bpf/inputaudit.skel.h

OUT ?= $(CURDIR)/build
CLANG ?= clang
BPFTOOL ?= bpftool
BPF_ARCH ?= x86
# <asm/types.h> lives in the multiarch directory, which -target bpf omits.
BPF_MULTIARCH_INC ?= /usr/include/$(shell $(CC) -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)

ifeq ($(V),1)
IA_Q :=
IA_MSG = @true
else
IA_Q := @
IA_MSG = @printf '  %-9s %s\n'
endif

BPF_OUT := $(OUT)/bpf
BPF_OBJ := $(BPF_OUT)/inputaudit.bpf.o
BPF_SKEL := $(BPF_OUT)/inputaudit.skel.h
# -g is required: the maps are BTF-defined.
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(BPF_ARCH) \
	-I$(BPF_MULTIARCH_INC) -I$(CURDIR)/include -Wall -Wextra -Werror

.PHONY: bpf
bpf: $(BPF_OBJ) $(BPF_SKEL)

$(BPF_OBJ): $(CURDIR)/bpf/inputaudit.bpf.c $(CURDIR)/include/inputaudit.h
	$(IA_MSG) CLANG-BPF $(@:$(OUT)/%=%)
	$(IA_Q)mkdir -p $(@D)
	$(IA_Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# Write to a temporary file so a failed bpftool run leaves no empty header.
$(BPF_SKEL): $(BPF_OBJ)
	$(IA_MSG) GEN-SKEL $(@:$(OUT)/%=%)
	$(IA_Q)$(BPFTOOL) gen skeleton $< name inputaudit_bpf > $@.tmp
	$(IA_Q)mv $@.tmp $@
