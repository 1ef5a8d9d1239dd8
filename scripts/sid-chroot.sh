#!/usr/bin/env bash
# A Debian unstable chroot with the headers of kernel ABI and unstable's own toolchain (its headers need a
# newer gcc and libc than the host has), and dkms with openssl (selftests/packaging: dkms makes its signing
# key with it), made with mmdebstrap from the host's package archive and kept in $CACHE/sid/chroot-ABI-HASH
# (HASH: of the package list, so a changed list makes a new one).  Prints the chroot's path.
# scripts/kbuild.sh builds the module in it; scripts/sid-run.sh runs a command in it.
#   sid-chroot.sh [--cached] ABI   --cached: exit 0 if it is made, 1 if not (nothing made, nothing printed)
set -euo pipefail
cached=0
[ "${1:-}" != --cached ] || { cached=1; shift; }
abi=${1:?usage: sid-chroot.sh [--cached] ABI}
CACHE=${CACHE:-${HOME:-/root}/.cache/inputaudit}
here=$(cd "$(dirname "$0")" && pwd)
pkgs="linux-headers-$abi dkms openssl"
dir=$CACHE/sid/chroot-$abi-$(sha256sum <<<"$pkgs" | cut -c1-8)

have() { [ -f "$dir/.complete" ] && [ -f "$dir/usr/src/linux-headers-$abi/Makefile" ]; }
[ "$cached" = 0 ] || { have; exit; }
if ! have; then
	mkdir -p "$CACHE/sid"
	exec 9>"$CACHE/sid/.lock-chroot"
	flock 9		# another build may be making it
	if ! have; then
		command -v mmdebstrap >/dev/null || { echo "sid-chroot: mmdebstrap missing: run scripts/deps.sh" >&2; exit 1; }
		mirror=$("$here/archive.sh")
		tmp=$(mktemp -d "$CACHE/sid/.chroot.XXXXXX")
		trap 'rm -rf "$tmp"' EXIT
		echo "sid-chroot: making a Debian unstable chroot with $pkgs (mmdebstrap)" >&2
		# buildd: essential packages and build-essential.  The archive's unstable Release file may be
		# past its validity date (a snapshot): allowed for this chroot only.  In a private mount
		# namespace: the /proc, /sys and /dev/pts mmdebstrap mounts in the chroot go away with it even if
		# it is killed, and never stay behind for the rm -rf of the trap (or anyone's) to walk into.
		unshare --mount --propagation private -- mmdebstrap --quiet --variant=buildd --mode=root \
			--aptopt='Acquire::Check-Valid-Until "false"' \
			--include="${pkgs// /,}" sid "$tmp/root" "deb $mirror sid main" >&2
		touch "$tmp/root/.complete"
		rm -rf "$dir"
		mv -T "$tmp/root" "$dir"
		# Older chroots (another ABI, another package list) are not needed by anything.
		for old in "$CACHE"/sid/chroot-*; do [ "$old" = "$dir" ] || rm -rf "$old"; done
		echo "sid-chroot: $dir ready ($(du -sh "$dir" | cut -f1))" >&2
	fi
fi
echo "$dir"
