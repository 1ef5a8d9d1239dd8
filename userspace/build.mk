# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The daemon, dynamically linked (fleets get library updates, OpenSSL first
# of all); scripts/vm-run.sh copies its shared libraries into the guest.
# Included by the top-level Makefile after bpf/build.mk (it needs the
# skeleton); the defaults let it be used on its own with bpf/build.mk.
#
# Target: userspace -> $(OUT)/userspace/inputauditd, $(OUT)/userspace/inputauditctl,
# and $(OUT)/userspace/inputauditd-test: the same daemon sources built with
# -DINPUTAUDITD_TEST_HOOKS (a signal that makes a forbidden syscall), for
# the VM tests only.

OUT ?= $(CURDIR)/build
CC ?= cc

# Every library the daemon links against, in one place.
USERSPACE_LIBS := -lbpf -lelf -lz -linih -lcrypto -lseccomp -lcap-ng -lsystemd
USERSPACE_OUT := $(OUT)/userspace
USERSPACE_BIN := $(USERSPACE_OUT)/inputauditd
USERSPACE_TEST_BIN := $(USERSPACE_OUT)/inputauditd-test
USERSPACE_SRCS := inputauditd.c capture.c log.c record_json.c \
	seqtrack.c privdrop.c config.c policy.c recfile.c ksettings.c \
	pipeline.c options.c chain.c status.c json_fields.c sink_file.c \
	sink_journal.c sink_syslog.c spool.c jbuf.c fdio.c
USERSPACE_OBJS := $(addprefix $(USERSPACE_OUT)/,$(USERSPACE_SRCS:.c=.o))
USERSPACE_TEST_OBJS := $(addprefix $(USERSPACE_OUT)/test-hooks/,$(USERSPACE_SRCS:.c=.o))
USERSPACE_CFLAGS := -Wall -Wextra -Werror -O2 -g -I$(CURDIR)/include \
	-I$(OUT)/bpf -MMD -MP

# inputauditctl: verify chained output, show status; dynamically linked
# (libcrypto gets its updates from the distribution).
CTL_BIN := $(USERSPACE_OUT)/inputauditctl
CTL_SRCS := inputauditctl.c chain.c verify.c status.c ctl_status.c log.c jbuf.c
CTL_OBJS := $(addprefix $(USERSPACE_OUT)/,$(CTL_SRCS:.c=.o))
CTL_LIBS := -lcrypto

.PHONY: userspace
userspace: $(USERSPACE_BIN) $(USERSPACE_TEST_BIN) $(CTL_BIN)

$(USERSPACE_OUT)/%.o: $(CURDIR)/userspace/%.c
	$(call msg,CC,$(@:$(OUT)/%=%))
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(USERSPACE_CFLAGS) -c $< -o $@

$(USERSPACE_OUT)/test-hooks/%.o: $(CURDIR)/userspace/%.c
	$(call msg,CC,$(@:$(OUT)/%=%))
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(USERSPACE_CFLAGS) -DINPUTAUDITD_TEST_HOOKS -c $< -o $@

$(USERSPACE_OUT)/capture.o $(USERSPACE_OUT)/test-hooks/capture.o: \
	$(OUT)/bpf/inputaudit.skel.h

$(USERSPACE_BIN): $(USERSPACE_OBJS)
	$(call msg,LD,$(@:$(OUT)/%=%))
	$(Q)$(CC) $^ $(USERSPACE_LIBS) -o $@

$(USERSPACE_TEST_BIN): $(USERSPACE_TEST_OBJS)
	$(call msg,LD,$(@:$(OUT)/%=%))
	$(Q)$(CC) $^ $(USERSPACE_LIBS) -o $@

$(CTL_BIN): $(CTL_OBJS)
	$(call msg,LD,$(@:$(OUT)/%=%))
	$(Q)$(CC) $^ $(CTL_LIBS) -o $@

-include $(wildcard $(USERSPACE_OUT)/*.d $(USERSPACE_OUT)/test-hooks/*.d)
