#!/usr/bin/env bash
# Install the Debian packages needed to build and test inputaudit (idempotent; root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
here=$(cd "$(dirname "$0")" && pwd)

pkgs=(gcc make libc6-dev clang llvm bpftool libbpf-dev libelf-dev zlib1g-dev libzstd-dev
      dwarves qemu-system-x86 busybox-static cpio xz-utils kmod perl linux-headers-amd64
      libseccomp-dev libcap-ng-dev libsystemd-dev libinih-dev libssl-dev
      dkms openssl systemd rsyslog rsyslog-openssl pkg-config	# rsyslog-openssl: the TLS collector of test_sink_tls
      dpkg-dev debhelper dh-dkms fakeroot lintian	# make deb (scripts/deb.sh)
      valgrind libclang-rt-dev	# valgrind: make bench-daemon; libclang-rt-dev: libFuzzer (make fuzz)
      mmdebstrap util-linux	# Debian unstable's kernel: its chroot (scripts/sid-chroot.sh, scripts/sid-run.sh)
      acl e2fsprogs		# setfacl: test_metrics runs the unit's; mke2fs: the deployed-system test's disks
      librelp-dev rsyslog-relp rsyslog-openssl)	# the RELP sink; test_sink_relp's imrelp collector

installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]; }
updated=
apt_update() {
	[ -n "$updated" ] && return 0
	echo "deps: apt-get update"
	apt-get update -qq
	updated=1
}

# Package names that depend on what the archive holds are resolved now.
kernels=$("$here/kernels.sh" 2>/dev/null) || { apt_update; kernels=$("$here/kernels.sh"); }
for abi in $kernels; do
	# Debian unstable's kernel is built for in its own chroot (scripts/kbuild.sh), not with host headers.
	if apt-cache show "linux-headers-$abi" >/dev/null 2>&1; then
		pkgs+=("linux-headers-$abi")
	fi
done
src=$(apt-cache pkgnames linux-source-6. | grep -E '^linux-source-6\.[0-9]+$' | sort -V | tail -n1)
[ -n "$src" ] || { apt_update; src=$(apt-cache pkgnames linux-source-6. | grep -E '^linux-source-6\.[0-9]+$' | sort -V | tail -n1); }
pkgs+=("$src")

missing=()
for p in "${pkgs[@]}"; do
	installed "$p" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#pkgs[@]} packages present"
	exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "deps: missing ${missing[*]}; run as root" >&2; exit 1; }
echo "deps: installing ${missing[*]}"
apt_update
apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends "${missing[@]}"
