# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Host unit tests: kselftest harness, ASan + UBSan, dynamically linked.
# Included by the top-level Makefile after bpf/build.mk (the BPF test needs
# the skeleton); the defaults let it run on its own with bpf/build.mk.
#
# Targets: host-tests (build), run-host-tests (run all, TAP on stdout; exits
# non-zero if any test binary failed, after running all of them).

OUT ?= $(CURDIR)/build
CACHE ?= $(HOME)/.cache/inputaudit
CC ?= cc


HOST_TEST_OUT := $(OUT)/host-tests
# -isystem: the harness itself is not -Wextra clean (unused parameters).
HOST_TEST_CFLAGS := -Wall -Wextra -Werror -O1 -g -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-isystem $(HARNESS_DIR) -I$(CURDIR)/include $(USERSPACE_INC) \
	-I$(OUT)/bpf -MMD -MP
HOST_TEST_LDFLAGS := -fsanitize=address,undefined
# The tests themselves at -O0: the harness's teardown survives a failed
# ASSERT only unoptimized (see selftests/vm/build.mk).
$(HOST_TEST_OUT)/test_%.o: HOST_TEST_CFLAGS += -O0
HOST_TEST_BPF_LIBS ?= -lbpf -lelf -lz

HOST_TESTS := $(addprefix $(HOST_TEST_OUT)/,test_record_json test_seqtrack \
	test_bpf_ring test_config test_policy test_recfile test_ksettings_fake \
	test_replay test_privdrop test_chain test_verify test_ctl_status \
	test_sink_file test_sink_journal test_sink_syslog test_spool \
	test_json_fields test_start test_disk_full test_metrics test_sink_tls test_sink_relp \
	test_chain_runs test_collector_follow)

.PHONY: host-tests run-host-tests
host-tests: $(HOST_TESTS)

run-host-tests: host-tests
	$(Q)rc=0; for t in $(HOST_TESTS); do $$t || rc=1; done; exit $$rc

$(HOST_TEST_OUT)/%.o: $(CURDIR)/selftests/host/%.c
	$(call msg,CC-TEST,$(@:$(OUT)/%=%))
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(HOST_TEST_CFLAGS) -c $< -o $@

# The code under test is rebuilt with the sanitizers, apart from the daemon's objects,
# in $(HOST_TEST_US) (with userspace/'s folders: daemon/, sink/, chain/, ctl/, lib/).
HOST_TEST_US := $(HOST_TEST_OUT)/userspace
$(HOST_TEST_US)/%.o: $(CURDIR)/userspace/%.c
	$(call msg,CC-TEST,$(@:$(OUT)/%=%))
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(HOST_TEST_CFLAGS) -c $< -o $@

$(HOST_TEST_OUT)/test_bpf_ring.o: $(OUT)/bpf/inputaudit.skel.h

$(HOST_TEST_OUT)/test_record_json: $(HOST_TEST_OUT)/test_record_json.o \
		$(HOST_TEST_US)/daemon/record_json.o $(HOST_TEST_US)/lib/jbuf.o
$(HOST_TEST_OUT)/test_seqtrack: $(HOST_TEST_OUT)/test_seqtrack.o \
		$(HOST_TEST_US)/daemon/seqtrack.o
$(HOST_TEST_OUT)/test_bpf_ring: $(HOST_TEST_OUT)/test_bpf_ring.o
$(HOST_TEST_OUT)/test_config.o: HOST_TEST_CFLAGS += \
	-DCONFIG_DIR='"$(CURDIR)/selftests/host/configs"' \
	-DEXAMPLE_CONF='"$(CURDIR)/etc/inputauditd.conf"'
$(HOST_TEST_OUT)/test_config: $(HOST_TEST_OUT)/test_config.o \
		$(HOST_TEST_US)/daemon/config.o $(HOST_TEST_US)/lib/sha256.o
$(HOST_TEST_OUT)/test_config: HOST_TEST_LIBS := -linih -lcrypto
$(HOST_TEST_OUT)/test_policy: $(HOST_TEST_OUT)/test_policy.o \
		$(HOST_TEST_US)/daemon/policy.o $(HOST_TEST_US)/daemon/config.o \
		$(HOST_TEST_US)/daemon/record_json.o $(HOST_TEST_US)/lib/jbuf.o \
		$(HOST_TEST_US)/lib/sha256.o
$(HOST_TEST_OUT)/test_policy: HOST_TEST_LIBS := -linih -lcrypto
$(HOST_TEST_OUT)/test_recfile: $(HOST_TEST_OUT)/test_recfile.o \
		$(HOST_TEST_US)/daemon/recfile.o $(HOST_TEST_US)/lib/fdio.o
$(HOST_TEST_OUT)/test_ksettings_fake: $(HOST_TEST_OUT)/test_ksettings_fake.o \
		$(HOST_TEST_US)/daemon/ksettings.o $(HOST_TEST_US)/daemon/config.o \
		$(HOST_TEST_US)/lib/sha256.o
$(HOST_TEST_OUT)/test_ksettings_fake: HOST_TEST_LIBS := -linih -lcrypto
$(HOST_TEST_OUT)/test_sink_file: $(HOST_TEST_OUT)/test_sink_file.o \
		$(HOST_TEST_US)/sink/sink_file.o $(HOST_TEST_US)/lib/fdio.o $(HOST_TEST_US)/lib/log.o \
		$(HOST_TEST_US)/lib/sandbox.o
$(HOST_TEST_OUT)/test_sink_journal: $(HOST_TEST_OUT)/test_sink_journal.o \
		$(HOST_TEST_US)/sink/sink_journal.o $(HOST_TEST_US)/sink/json_fields.o \
		$(HOST_TEST_US)/lib/log.o
$(HOST_TEST_OUT)/test_sink_journal: HOST_TEST_LIBS := -lseccomp
$(HOST_TEST_OUT)/test_sink_syslog: $(HOST_TEST_OUT)/test_sink_syslog.o \
		$(HOST_TEST_OUT)/collector.o \
		$(HOST_TEST_US)/sink/sink_syslog.o $(HOST_TEST_US)/sink/rfc5424.o $(HOST_TEST_US)/sink/spool.o \
		$(HOST_TEST_US)/lib/log.o $(HOST_TEST_US)/lib/sandbox.o \
		$(HOST_TEST_US)/sink/json_fields.o $(HOST_TEST_US)/sink/tls_client.o \
		$(HOST_TEST_US)/lib/secret_file.o
$(HOST_TEST_OUT)/test_sink_syslog: HOST_TEST_LIBS := -lssl -lcrypto
# test_sink_tls: the TLS sink against rsyslogd with rsyslog-openssl, and the
# real daemon and inputauditctl (sanitized; the release build for the
# throughput figures).
$(HOST_TEST_OUT)/test_sink_tls.o: HOST_TEST_CFLAGS += \
	-DINPUTAUDITD_BIN='"$(HOST_TEST_DAEMON)"' -DINPUTAUDITD_REL='"$(USERSPACE_BIN)"' \
	-DINPUTAUDITCTL_BIN='"$(HOST_TEST_OUT)/inputauditctl"'
$(HOST_TEST_OUT)/test_sink_tls: $(HOST_TEST_OUT)/test_sink_tls.o \
		$(HOST_TEST_OUT)/collector.o $(HOST_TEST_OUT)/daemon_run.o \
		$(HOST_TEST_US)/sink/sink_syslog.o $(HOST_TEST_US)/sink/rfc5424.o \
		$(HOST_TEST_US)/sink/spool.o $(HOST_TEST_US)/lib/log.o \
		$(HOST_TEST_US)/lib/sandbox.o $(HOST_TEST_US)/sink/json_fields.o \
		$(HOST_TEST_US)/sink/tls_client.o $(HOST_TEST_US)/lib/secret_file.o \
		$(HOST_TEST_US)/daemon/recfile.o $(HOST_TEST_US)/lib/fdio.o \
		| $(HOST_TEST_DAEMON) $(USERSPACE_BIN) $(HOST_TEST_OUT)/inputauditctl
$(HOST_TEST_OUT)/test_sink_tls: HOST_TEST_LIBS := -lssl -lcrypto
# test_sink_relp: a real rsyslogd with imrelp over TLS (relp_collector.c).
$(HOST_TEST_OUT)/test_sink_relp.o: HOST_TEST_CFLAGS += -DINPUTAUDITD_BIN='"$(HOST_TEST_DAEMON)"'
$(HOST_TEST_OUT)/test_sink_relp: $(HOST_TEST_OUT)/test_sink_relp.o \
		$(HOST_TEST_OUT)/collector.o $(HOST_TEST_OUT)/relp_collector.o \
		$(HOST_TEST_OUT)/daemon_run.o $(HOST_TEST_US)/daemon/recfile.o $(HOST_TEST_US)/lib/fdio.o \
		$(HOST_TEST_US)/sink/sink_relp.o $(HOST_TEST_US)/sink/rfc5424.o \
		$(HOST_TEST_US)/sink/sink_syslog.o $(HOST_TEST_US)/sink/tls_client.o \
		$(HOST_TEST_US)/sink/spool.o $(HOST_TEST_US)/sink/json_fields.o \
		$(HOST_TEST_US)/lib/keyfile.o $(HOST_TEST_US)/lib/secret_file.o \
		$(HOST_TEST_US)/lib/log.o $(HOST_TEST_US)/lib/sandbox.o \
		| $(HOST_TEST_DAEMON)
$(HOST_TEST_OUT)/test_sink_relp: HOST_TEST_LIBS := $(RELP_LIBS) -lssl -lcrypto -lpthread
$(HOST_TEST_OUT)/test_spool: $(HOST_TEST_OUT)/test_spool.o $(HOST_TEST_US)/sink/spool.o \
		$(HOST_TEST_US)/lib/log.o
$(HOST_TEST_OUT)/test_json_fields: $(HOST_TEST_OUT)/test_json_fields.o \
		$(HOST_TEST_US)/sink/json_fields.o
$(HOST_TEST_OUT)/test_bpf_ring: HOST_TEST_LIBS := $(HOST_TEST_BPF_LIBS)
# test_replay runs the real daemon, built from the same sources with the
# sanitizers (a leak or overflow in the daemon fails the test).
HOST_TEST_DAEMON := $(HOST_TEST_OUT)/inputauditd
$(HOST_TEST_OUT)/test_replay.o: HOST_TEST_CFLAGS += \
	-DINPUTAUDITD_BIN='"$(HOST_TEST_DAEMON)"' \
	-DINPUTAUDITCTL_BIN='"$(OUT)/userspace/inputauditctl"'
$(HOST_TEST_OUT)/test_replay: $(HOST_TEST_OUT)/test_replay.o $(HOST_TEST_OUT)/daemon_run.o \
		$(HOST_TEST_US)/daemon/recfile.o $(HOST_TEST_US)/lib/fdio.o | $(HOST_TEST_DAEMON) \
		$(OUT)/userspace/inputauditctl
# test_disk_full: the real daemon and inputauditctl verify on a small tmpfs.
$(HOST_TEST_OUT)/test_disk_full.o: HOST_TEST_CFLAGS += \
	-DINPUTAUDITD_BIN='"$(HOST_TEST_DAEMON)"' \
	-DINPUTAUDITCTL_BIN='"$(OUT)/userspace/inputauditctl"'
$(HOST_TEST_OUT)/test_disk_full: $(HOST_TEST_OUT)/test_disk_full.o $(HOST_TEST_OUT)/daemon_run.o \
		$(HOST_TEST_US)/daemon/recfile.o $(HOST_TEST_US)/lib/fdio.o | $(HOST_TEST_DAEMON) \
		$(OUT)/userspace/inputauditctl
$(HOST_TEST_US)/daemon/capture.o: $(OUT)/bpf/inputaudit.skel.h
# test_start: the loader (capture.c) and the real daemon, on the host kernel,
# its sinks to real collectors (rsyslogd: collector.c; journald: journald.c).
$(HOST_TEST_OUT)/test_start.o: $(OUT)/bpf/inputaudit.skel.h
$(HOST_TEST_OUT)/test_start.o: HOST_TEST_CFLAGS += \
	-DINPUTAUDITD_BIN='"$(HOST_TEST_DAEMON)"'
$(HOST_TEST_OUT)/test_start: $(HOST_TEST_OUT)/test_start.o \
		$(HOST_TEST_OUT)/collector.o $(HOST_TEST_OUT)/journald.o $(HOST_TEST_OUT)/daemon_run.o \
		$(HOST_TEST_US)/sink/json_fields.o $(HOST_TEST_US)/lib/status.o \
		$(HOST_TEST_US)/lib/jbuf.o $(HOST_TEST_US)/lib/atomic_file.o $(HOST_TEST_US)/lib/fdio.o \
		$(HOST_TEST_US)/daemon/capture.o | $(HOST_TEST_DAEMON)
$(HOST_TEST_OUT)/test_start: HOST_TEST_LIBS := $(HOST_TEST_BPF_LIBS)
$(HOST_TEST_US)/daemon/inputauditd.o: HOST_TEST_CFLAGS += $(USERSPACE_VERSION)
$(HOST_TEST_US)/daemon/inputauditd.o: $(CURDIR)/VERSION
$(HOST_TEST_DAEMON): $(addprefix $(HOST_TEST_US)/,$(USERSPACE_SRCS:.c=.o))
	$(call msg,LD-TEST,$(@:$(OUT)/%=%))
	$(Q)$(CC) $(HOST_TEST_LDFLAGS) $^ $(USERSPACE_LIBS) -o $@
# test_metrics: metrics_format(), and the metrics file of the real daemon as
# deployed, records fed into its ring through its BPF program (bpf_feed.c),
# read with a parser of the exposition format (prom_text.c).
$(HOST_TEST_OUT)/test_metrics.o: HOST_TEST_CFLAGS += \
	-DINPUTAUDITD_BIN='"$(HOST_TEST_DAEMON)"' $(USERSPACE_VERSION) \
	-DUNIT_FILE='"$(CURDIR)/packaging/inputauditd.service"'
$(HOST_TEST_OUT)/test_metrics.o: $(CURDIR)/VERSION
$(HOST_TEST_OUT)/test_metrics: $(HOST_TEST_OUT)/test_metrics.o $(HOST_TEST_OUT)/daemon_run.o \
		$(HOST_TEST_OUT)/bpf_feed.o $(HOST_TEST_OUT)/prom_text.o $(HOST_TEST_US)/lib/metrics.o \
		$(HOST_TEST_US)/lib/status.o $(HOST_TEST_US)/lib/jbuf.o \
		$(HOST_TEST_US)/lib/atomic_file.o $(HOST_TEST_US)/lib/fdio.o \
		$(HOST_TEST_US)/lib/log.o | $(HOST_TEST_DAEMON)
$(HOST_TEST_OUT)/test_metrics: HOST_TEST_LIBS := $(HOST_TEST_BPF_LIBS) -lcrypto
$(HOST_TEST_OUT)/test_privdrop: $(HOST_TEST_OUT)/test_privdrop.o \
		$(HOST_TEST_US)/daemon/privdrop.o $(HOST_TEST_US)/lib/log.o $(HOST_TEST_US)/lib/sandbox.o
$(HOST_TEST_OUT)/test_privdrop: HOST_TEST_LIBS := -lseccomp -lcap-ng

$(HOST_TEST_OUT)/test_chain: $(HOST_TEST_OUT)/test_chain.o \
		$(HOST_TEST_US)/chain/chain.o $(HOST_TEST_US)/lib/jbuf.o $(HOST_TEST_US)/lib/log.o
$(HOST_TEST_OUT)/test_chain: HOST_TEST_LIBS := -lcrypto
# test_chain_runs: the real daemon (linked runs, epochs) and inputauditctl key init.
$(HOST_TEST_OUT)/test_chain_runs.o: HOST_TEST_CFLAGS += \
	-DINPUTAUDITD_BIN='"$(HOST_TEST_DAEMON)"' \
	-DINPUTAUDITCTL_BIN='"$(HOST_TEST_CTL)"'
$(HOST_TEST_OUT)/test_chain_runs: $(HOST_TEST_OUT)/test_chain_runs.o $(HOST_TEST_OUT)/daemon_run.o \
		$(HOST_TEST_US)/chain/chain.o $(HOST_TEST_US)/chain/chain_state.o \
		$(HOST_TEST_US)/chain/verify.o $(HOST_TEST_US)/lib/jbuf.o $(HOST_TEST_US)/lib/log.o \
		$(HOST_TEST_US)/lib/atomic_file.o $(HOST_TEST_US)/lib/fdio.o \
		$(HOST_TEST_US)/daemon/recfile.o | $(HOST_TEST_DAEMON) $(HOST_TEST_OUT)/inputauditctl
$(HOST_TEST_OUT)/test_chain_runs: HOST_TEST_LIBS := -lcrypto
# test_collector_follow: the daemon's syslog sink to a real rsyslogd storing RFC 5424,
# inputauditctl verify --collector and --follow on its file.
$(HOST_TEST_OUT)/test_collector_follow.o: HOST_TEST_CFLAGS += \
	-DINPUTAUDITD_BIN='"$(HOST_TEST_DAEMON)"' \
	-DINPUTAUDITCTL_BIN='"$(HOST_TEST_CTL)"'
$(HOST_TEST_OUT)/test_collector_follow: $(HOST_TEST_OUT)/test_collector_follow.o \
		$(HOST_TEST_OUT)/daemon_run.o $(HOST_TEST_OUT)/collector.o $(HOST_TEST_OUT)/bpf_feed.o \
		$(HOST_TEST_US)/daemon/recfile.o $(HOST_TEST_US)/lib/fdio.o \
		| $(HOST_TEST_DAEMON) $(HOST_TEST_OUT)/inputauditctl
$(HOST_TEST_OUT)/test_collector_follow: HOST_TEST_LIBS := $(HOST_TEST_BPF_LIBS)
# test_verify also runs the real inputauditctl, built with the sanitizers.
$(HOST_TEST_OUT)/test_verify: $(HOST_TEST_OUT)/test_verify.o \
		$(HOST_TEST_US)/chain/chain.o $(HOST_TEST_US)/chain/verify.o $(HOST_TEST_US)/lib/jbuf.o \
		$(HOST_TEST_US)/lib/log.o | $(HOST_TEST_OUT)/inputauditctl
$(HOST_TEST_OUT)/test_verify: HOST_TEST_LIBS := -lcrypto
# test_ctl_status runs inputauditctl built with the sanitizers.
HOST_TEST_CTL := $(HOST_TEST_OUT)/inputauditctl
$(HOST_TEST_OUT)/test_ctl_status: $(HOST_TEST_OUT)/test_ctl_status.o \
		$(HOST_TEST_US)/lib/status.o $(HOST_TEST_US)/lib/jbuf.o \
		$(HOST_TEST_US)/lib/atomic_file.o $(HOST_TEST_US)/lib/fdio.o | $(HOST_TEST_CTL)
$(HOST_TEST_CTL): $(addprefix $(HOST_TEST_US)/,$(CTL_SRCS:.c=.o))
	$(call msg,LD-TEST,$(@:$(OUT)/%=%))
	$(Q)$(CC) $(HOST_TEST_LDFLAGS) $^ -lcrypto -o $@

$(HOST_TESTS):
	$(call msg,LD-TEST,$(@:$(OUT)/%=%))
	$(Q)$(CC) $(HOST_TEST_LDFLAGS) $^ $(HOST_TEST_LIBS) -o $@

-include $(wildcard $(HOST_TEST_OUT)/*.d $(HOST_TEST_US)/*/*.d)
