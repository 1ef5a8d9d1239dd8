# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Debian packages, included by the top-level Makefile.
#
#   make deb [NO_DEPS=1]
#       inputauditd_$(VERSION)_amd64.deb and inputaudit-dkms_$(VERSION)_all.deb in build/deb/,
#       built with dpkg-buildpackage from a copy of the tracked files (build/deb/src), then
#       checked with lintian (any error fails).  Installs missing build dependencies with apt-get
#       first (as root; NO_DEPS=1 skips that).  See scripts/deb.sh.

.PHONY: deb

deb:
	$(Q)NO_DEPS="$(NO_DEPS)" V="$(V)" scripts/deb.sh $(OUT)/deb
