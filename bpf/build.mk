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


BPF_OUT := $(OUT)/bpf
BPF_OBJ := $(BPF_OUT)/inputaudit.bpf.o
BPF_SKEL := $(BPF_OUT)/inputaudit.skel.h
# -g is required: the maps are BTF-defined.
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(BPF_ARCH) \
	-I$(BPF_MULTIARCH_INC) -I$(CURDIR)/include -Wall -Wextra -Werror

.PHONY: bpf
bpf: $(BPF_OBJ) $(BPF_SKEL)

$(BPF_OBJ): $(CURDIR)/bpf/inputaudit.bpf.c $(CURDIR)/include/inputaudit.h
	$(call msg,CLANG-BPF,$(@:$(OUT)/%=%))
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# Write to a temporary file so a failed bpftool run leaves no empty header.
$(BPF_SKEL): $(BPF_OBJ)
	$(call msg,GEN-SKEL,$(@:$(OUT)/%=%))
	$(Q)$(BPFTOOL) gen skeleton $< name inputaudit_bpf > $@.tmp
	$(Q)mv $@.tmp $@
