#!/usr/bin/env bash
# Fetch a Debian kernel image package and keep vmlinuz, uinput.ko and evdev.ko in $CACHE/kernels/ABI.
set -euo pipefail
abi=${1:?usage: fetch-kernel.sh ABI}
[ "$abi" != debug ] || exec "$(dirname "$0")/debug-kernel.sh"	# built from source, not fetched
CACHE=${CACHE:-${HOME:-/root}/.cache/inputaudit}
dir=$CACHE/kernels/$abi
mods=(drivers/input/misc/uinput drivers/input/evdev)

have() { [ -s "$dir/vmlinuz" ] && [ -s "$dir/uinput.ko" ] && [ -s "$dir/evdev.ko" ]; }
have && exit 0
mkdir -p "$CACHE/kernels"
exec 9>"$CACHE/kernels/.lock-$abi"
flock 9			# another build may be fetching the same kernel
have && exit 0

tmp=$(mktemp -d "$CACHE/kernels/.fetch-$abi.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
pkg=linux-image-$abi-unsigned
echo "fetch-kernel: downloading $pkg"
(cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root "$pkg")
deb=$(ls "$tmp"/*.deb)
echo "fetch-kernel: extracting $(basename "$deb")"
dpkg -x "$deb" "$tmp/root"
moddir=$tmp/root/lib/modules/$abi/kernel
mkdir -p "$tmp/out"
cp "$tmp/root/boot/vmlinuz-$abi" "$tmp/out/vmlinuz"
cp "$tmp/root/boot/config-$abi" "$tmp/out/config"
for m in "${mods[@]}"; do
	n=$(basename "$m")
	if [ -f "$moddir/$m.ko.xz" ]; then
		xz -dc "$moddir/$m.ko.xz" >"$tmp/out/$n.ko"
	elif [ -f "$moddir/$m.ko.zst" ]; then
		zstd -qdc "$moddir/$m.ko.zst" >"$tmp/out/$n.ko"
	else
		cp "$moddir/$m.ko" "$tmp/out/$n.ko"
	fi
done
rm -rf "$dir"
mv "$tmp/out" "$dir"
echo "fetch-kernel: $dir ready ($(du -sh "$dir" | cut -f1))"
