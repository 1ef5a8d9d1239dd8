#!/usr/bin/env bash
# The deployed-system test's Debian 12 disk image (selftests/deploy): systemd as PID 1, udev, rsyslog,
# dkms, Debian 12's current kernel with its headers, Prometheus' node exporter and the shared libraries
# the inputauditd package depends on, made with mmdebstrap from the host's package archive.  Those
# libraries are in the list below as well as given by the caller (run-deploy.sh: the built package's
# Depends), so that make check can make the image from its first second, before any package is built,
# and the deployed-system test then finds it made: the list is sorted and made unique, and the same
# list is the same image.  Kept in
# $CACHE/deploy/bookworm-HASH (HASH: of the package list and this script, so a change makes a new one):
#   disk.img    raw ext4 root filesystem (boot it with -snapshot: the cached image never changes)
#   vmlinuz, initrd.img   the image's own kernel and initramfs, for QEMU's -kernel/-initrd
#   release     that kernel's release (uname -r)
# The image has no apt sources (the guest is offline: `apt install ./*.deb` must find every dependency
# installed), a static address on QEMU's user network (10.0.2.15, gateway 10.0.2.2 = the host), and one
# unit of its own, inputaudit-deploy-entry.service: at the end of the boot it mounts the second disk
# (/dev/vdb, made per run by selftests/deploy/run-deploy.sh) read-only and runs its `entry` program,
# then powers the machine off.  Prints the image directory.
#   deploy-image.sh [EXTRA-PACKAGE...]   EXTRA: e.g. the inputauditd package's Depends
#   deploy-image.sh --cached [EXTRA...]  exit 0 if that image is made, 1 if not (nothing made or printed)
set -euo pipefail
cached=0
[ "${1:-}" != --cached ] || { cached=1; shift; }
CACHE=${CACHE:-${HOME:-/root}/.cache/inputaudit}
here=$(cd "$(dirname "$0")" && pwd)

# The second line: debian/control's Depends of inputauditd as dpkg-shlibdeps resolves them (the first
# alternative of each); a new one given by the caller makes another image.
pkgs="systemd-sysv udev dbus rsyslog dkms linux-image-amd64 linux-headers-amd64 prometheus-node-exporter
kmod procps iproute2 util-linux e2fsprogs
acl systemd libbpf1 libc6 libcap-ng0 libinih1 librelp0 libseccomp2 libssl3 $*"
pkgs=$(tr -s ' \n' '\n\n' <<<"$pkgs" | sed '/^$/d' | sort -u | tr '\n' ' ')
hash=$( { echo "$pkgs"; cat "$0" "$here/deploy-image-setup.sh"; } | sha256sum | cut -c1-12)
dir=$CACHE/deploy/bookworm-$hash

have() { [ -f "$dir/.complete" ] && [ -s "$dir/disk.img" ] && [ -s "$dir/vmlinuz" ] && [ -s "$dir/initrd.img" ]; }
[ "$cached" = 0 ] || { have; exit; }
if have; then echo "$dir"; exit 0; fi
mkdir -p "$CACHE/deploy"
exec 9>"$CACHE/deploy/.lock"
flock 9			# another run may be making it
if have; then echo "$dir"; exit 0; fi
command -v mmdebstrap >/dev/null || { echo "deploy-image: mmdebstrap missing: run scripts/deps.sh" >&2; exit 1; }
command -v mke2fs >/dev/null || { echo "deploy-image: mke2fs (e2fsprogs) missing" >&2; exit 1; }

mirror=$("$here/archive.sh")
security=$("$here/archive.sh" --security)
sources="deb $mirror bookworm main
deb $mirror bookworm-updates main"
[ -z "$security" ] || sources="$sources
deb $security bookworm-security main"

start=$(date +%s)
tmp=$(mktemp -d "$CACHE/deploy/.image.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "deploy-image: making a Debian 12 image with $pkgs(mmdebstrap; a few minutes)" >&2


# In a private mount namespace: the /proc, /sys and /dev/pts mmdebstrap mounts go away with it.
unshare --mount --propagation private -- mmdebstrap --quiet --variant=minbase --mode=root \
	--include="${pkgs// /,}" \
	--customize-hook="bash $here/deploy-image-setup.sh \"\$1\"" \
	bookworm "$tmp/root" "$sources" >&2

rel=$(ls "$tmp/root/lib/modules" | sort -V | tail -n1)
[ -n "$rel" ] && [ -s "$tmp/root/boot/vmlinuz-$rel" ] && [ -s "$tmp/root/boot/initrd.img-$rel" ] ||
	{ echo "deploy-image: no kernel and initramfs in the image" >&2; exit 1; }
cp "$tmp/root/boot/vmlinuz-$rel" "$tmp/vmlinuz"
cp "$tmp/root/boot/initrd.img-$rel" "$tmp/initrd.img"
echo "$rel" >"$tmp/release"
# Room for the packages, the DKMS build and the logs of a run (sparse: only what is written counts).
truncate -s 4G "$tmp/disk.img"
mke2fs -q -t ext4 -L root -E root_owner=0:0 -d "$tmp/root" "$tmp/disk.img" >&2
rm -rf "$tmp/root"
touch "$tmp/.complete"
rm -rf "$dir"
mv -T "$tmp" "$dir"
trap - EXIT
# Older images (another package list) are not needed by anything.
for old in "$CACHE"/deploy/bookworm-*; do [ "$old" = "$dir" ] || rm -rf "$old"; done
echo "deploy-image: $dir ready ($(du -sh --apparent-size "$dir/disk.img" | cut -f1) apparent, $(du -sh "$dir/disk.img" | cut -f1) used), $(($(date +%s) - start))s" >&2
echo "$dir"
