# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Installation, included by the top-level Makefile.
#
#   make install [DESTDIR=/tmp/root] [PREFIX=/usr] [KVER=6.1.0-56-amd64]
#       the module for kernel KVER (default: the running kernel if its headers are installed,
#       else the first ABI of the matrix), the daemon, inputauditctl if built, the example
#       configuration, the systemd unit, modprobe.d, sysusers.d and tmpfiles.d files, README,
#       manual pages.
#       Without DESTDIR it also runs depmod, systemd-sysusers and systemd-tmpfiles.
#   make install-dkms [DESTDIR=...]
#       the module source for DKMS in /usr/src/inputaudit-$(VERSION); then
#       dkms install -m inputaudit -v $(VERSION)
#   make uninstall [DESTDIR=...] [PREFIX=/usr] [KVER=...]

PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
DOCDIR ?= $(PREFIX)/share/doc/inputaudit
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
VERSION := $(shell cat $(CURDIR)/VERSION)
ifeq ($(origin KVER),undefined)
KVER = $(eval KVER := $(if $(wildcard /lib/modules/$(shell uname -r)/build/Makefile),$(shell uname -r),$(firstword $(KERNELS))))$(KVER)
endif
MODULEDIR = /lib/modules/$(KVER)/extra
DKMS_SRC = /usr/src/inputaudit-$(VERSION)

INSTALL_FILES = $(MODULEDIR)/inputaudit.ko $(SBINDIR)/inputauditd $(SBINDIR)/inputauditctl \
	$(SYSCONFDIR)/inputaudit/inputauditd.conf $(UNITDIR)/inputauditd.service \
	$(SYSCONFDIR)/modprobe.d/inputaudit.conf $(SYSUSERSDIR)/inputaudit.conf \
	$(TMPFILESDIR)/inputaudit.conf $(DOCDIR)/README.md \
	$(MANDIR)/man8/inputauditd.8 $(MANDIR)/man8/inputauditctl.8

.PHONY: install install-files install-userspace install-dkms uninstall

install:
	$(Q)test -n "$(KVER)" || { echo "install: no KVER: give KVER=... or run scripts/deps.sh" >&2; exit 1; }
	$(Q)$(MAKE) kmod-$(KVER) userspace
	$(Q)$(MAKE) install-files KVER=$(KVER)

install-files:
	$(call msg,INSTALL,$(if $(DESTDIR),$(DESTDIR) )KVER=$(KVER) PREFIX=$(PREFIX))
	$(Q)install -D -m 0644 $(OUT)/kmod-$(KVER)/src/kmod/inputaudit.ko $(DESTDIR)$(MODULEDIR)/inputaudit.ko
	$(Q)$(MAKE) install-userspace
	$(Q)if [ -z "$(DESTDIR)" ]; then depmod -a $(KVER) || true; fi

# Everything but the module (the inputauditd package: DKMS builds the module on the target).
install-userspace:
	$(Q)install -D -m 0755 $(OUT)/userspace/inputauditd $(DESTDIR)$(SBINDIR)/inputauditd
	$(Q)if [ -f $(OUT)/userspace/inputauditctl ]; then \
		install -D -m 0755 $(OUT)/userspace/inputauditctl $(DESTDIR)$(SBINDIR)/inputauditctl; fi
	$(Q)install -d -m 0750 $(DESTDIR)$(SYSCONFDIR)/inputaudit
	$(Q)if [ -f etc/inputauditd.conf ]; then \
		if [ -z "$(DESTDIR)" ] && [ -e $(SYSCONFDIR)/inputaudit/inputauditd.conf ]; then \
			echo "install: keeping $(SYSCONFDIR)/inputaudit/inputauditd.conf"; \
		else install -m 0640 etc/inputauditd.conf $(DESTDIR)$(SYSCONFDIR)/inputaudit/; fi; fi
	$(Q)install -d -m 0755 $(DESTDIR)$(UNITDIR)
	$(Q)sed -e 's|/usr/sbin/inputauditd|$(SBINDIR)/inputauditd|' \
		-e 's|file:/usr/share/doc/inputaudit/|file:$(DOCDIR)/|' packaging/inputauditd.service \
		>$(DESTDIR)$(UNITDIR)/inputauditd.service
	$(Q)chmod 0644 $(DESTDIR)$(UNITDIR)/inputauditd.service
	$(Q)install -D -m 0644 packaging/modprobe.d/inputaudit.conf $(DESTDIR)$(SYSCONFDIR)/modprobe.d/inputaudit.conf
	$(Q)install -D -m 0644 packaging/sysusers.d/inputaudit.conf $(DESTDIR)$(SYSUSERSDIR)/inputaudit.conf
	$(Q)install -D -m 0644 packaging/tmpfiles.d/inputaudit.conf $(DESTDIR)$(TMPFILESDIR)/inputaudit.conf
	$(Q)install -D -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md
	$(Q)install -D -m 0644 -t $(DESTDIR)$(MANDIR)/man8 packaging/man/inputauditd.8 packaging/man/inputauditctl.8
	$(Q)if [ -z "$(DESTDIR)" ]; then \
		! command -v systemd-sysusers >/dev/null || systemd-sysusers $(SYSUSERSDIR)/inputaudit.conf; \
		! command -v systemd-tmpfiles >/dev/null || systemd-tmpfiles --create $(TMPFILESDIR)/inputaudit.conf; \
		echo "install: now 'systemctl daemon-reload && systemctl enable --now inputauditd'"; fi

install-dkms:
	$(call msg,INSTALL,$(DESTDIR)$(DKMS_SRC))
	$(Q)grep -q '^PACKAGE_VERSION="$(VERSION)"$$' dkms.conf || \
		{ echo "install-dkms: dkms.conf PACKAGE_VERSION is not $(VERSION) (VERSION)" >&2; exit 1; }
	$(Q)install -d -m 0755 $(DESTDIR)$(DKMS_SRC)
	$(Q)cp -p --parents dkms.conf $(KMOD_SRC) $(DESTDIR)$(DKMS_SRC)/
	$(Q)if [ -z "$(DESTDIR)" ]; then echo "install-dkms: now 'dkms install -m inputaudit -v $(VERSION)'"; fi

uninstall:
	$(call msg,UNINSTALL,$(if $(DESTDIR),$(DESTDIR) )KVER=$(KVER) PREFIX=$(PREFIX))
	$(Q)rm -f $(addprefix $(DESTDIR),$(INSTALL_FILES))
	$(Q)if [ -z "$(DESTDIR)" ]; then depmod -a $(KVER) || true; fi
