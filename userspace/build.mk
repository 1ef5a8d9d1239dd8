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

# Every library the daemon links against, in one place.  librelp is
# GPL-3.0-or-later: the daemon binary is distributed under GPLv3 (README "License").
RELP_LIBS := $(shell pkg-config --libs relp 2>/dev/null || echo -lrelp)
USERSPACE_LIBS := -lbpf -lelf -lz -linih -lssl -lcrypto -lseccomp -lcap-ng $(RELP_LIBS)
USERSPACE_OUT := $(OUT)/userspace
USERSPACE_BIN := $(USERSPACE_OUT)/inputauditd
USERSPACE_TEST_BIN := $(USERSPACE_OUT)/inputauditd-test
# Sources by folder (README "Layout"): daemon/ the daemon and its pipeline,
# sink/ the sinks, chain/ the hash chain and its verifier, ctl/ inputauditctl,
# lib/ helpers several of them use.  Paths are relative to userspace/, and so
# are the objects' paths under $(USERSPACE_OUT); headers are included by
# their bare names through USERSPACE_INC (one -I per folder).
USERSPACE_DIRS := lib daemon sink chain ctl
USERSPACE_INC := $(addprefix -I$(CURDIR)/userspace/,$(USERSPACE_DIRS))
USERSPACE_SRCS := daemon/inputauditd.c daemon/capture.c lib/log.c \
	daemon/record_json.c daemon/seqtrack.c daemon/privdrop.c daemon/config.c \
	daemon/policy.c daemon/recfile.c daemon/ksettings.c daemon/pipeline.c \
	daemon/options.c daemon/chain_run.c chain/chain.c chain/chain_state.c lib/status.c \
	sink/json_fields.c sink/sink_file.c sink/sink_journal.c sink/sink_syslog.c sink/rfc5424.c \
	sink/spool.c sink/tls_client.c sink/sink_relp.c lib/secret_file.c lib/keyfile.c \
	lib/jbuf.c lib/fdio.c lib/sandbox.c lib/atomic_file.c lib/sha256.c \
	lib/metrics.c
USERSPACE_OBJS := $(addprefix $(USERSPACE_OUT)/,$(USERSPACE_SRCS:.c=.o))
USERSPACE_TEST_OBJS := $(addprefix $(USERSPACE_OUT)/test-hooks/,$(USERSPACE_SRCS:.c=.o))
# The daemon's version (metrics: inputaudit_build_info), for the one file that uses it.
USERSPACE_VERSION := -DINPUTAUDIT_VERSION='"$(shell cat $(CURDIR)/VERSION)"'
# CPPFLAGS, CFLAGS, LDFLAGS: the caller's, after ours (debian/rules passes dpkg-buildflags' hardening).
USERSPACE_CFLAGS := -Wall -Wextra -Werror -O2 -g -I$(CURDIR)/include \
	$(USERSPACE_INC) -I$(OUT)/bpf -MMD -MP

# inputauditctl: verify chained output, show status; dynamically linked
# (libcrypto gets its updates from the distribution).
CTL_BIN := $(USERSPACE_OUT)/inputauditctl
CTL_SRCS := ctl/inputauditctl.c ctl/ctl_key.c ctl/verify_collector.c chain/rfc5424_parse.c chain/chain.c chain/chain_state.c chain/verify.c lib/status.c \
	ctl/ctl_status.c lib/log.c lib/jbuf.c lib/atomic_file.c lib/fdio.c
CTL_OBJS := $(addprefix $(USERSPACE_OUT)/,$(CTL_SRCS:.c=.o))
CTL_LIBS := -lcrypto

.PHONY: userspace
userspace: $(USERSPACE_BIN) $(USERSPACE_TEST_BIN) $(CTL_BIN)

$(USERSPACE_OUT)/%.o: $(CURDIR)/userspace/%.c
	$(call msg,CC,$(@:$(OUT)/%=%))
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(USERSPACE_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(USERSPACE_OUT)/test-hooks/%.o: $(CURDIR)/userspace/%.c
	$(call msg,CC,$(@:$(OUT)/%=%))
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(USERSPACE_CFLAGS) $(CPPFLAGS) $(CFLAGS) -DINPUTAUDITD_TEST_HOOKS -c $< -o $@

$(USERSPACE_OUT)/daemon/capture.o $(USERSPACE_OUT)/test-hooks/daemon/capture.o: \
	$(OUT)/bpf/inputaudit.skel.h
$(USERSPACE_OUT)/daemon/inputauditd.o $(USERSPACE_OUT)/test-hooks/daemon/inputauditd.o: \
	USERSPACE_CFLAGS += $(USERSPACE_VERSION)
$(USERSPACE_OUT)/daemon/inputauditd.o $(USERSPACE_OUT)/test-hooks/daemon/inputauditd.o: \
	$(CURDIR)/VERSION

$(USERSPACE_BIN): $(USERSPACE_OBJS)
	$(call msg,LD,$(@:$(OUT)/%=%))
	$(Q)$(CC) $(LDFLAGS) $^ $(USERSPACE_LIBS) -o $@

$(USERSPACE_TEST_BIN): $(USERSPACE_TEST_OBJS)
	$(call msg,LD,$(@:$(OUT)/%=%))
	$(Q)$(CC) $(LDFLAGS) $^ $(USERSPACE_LIBS) -o $@

$(CTL_BIN): $(CTL_OBJS)
	$(call msg,LD,$(@:$(OUT)/%=%))
	$(Q)$(CC) $(LDFLAGS) $^ $(CTL_LIBS) -o $@

-include $(wildcard $(USERSPACE_OUT)/*/*.d $(USERSPACE_OUT)/test-hooks/*/*.d)
