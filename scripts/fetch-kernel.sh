#!/usr/bin/env bash
# Fetch a Debian kernel image package and keep in $CACHE/kernels/ABI: vmlinuz, config, the guest's modules
# (scripts/guest-modules.sh) in modules/ABI/ with their modules.dep, and uinput.ko and evdev.ko on their own
# (the layout before modules/, which older checkouts sharing the cache still read).  A cache that lacks
# some of it is refreshed in place, each entry replaced atomically, since other runs may be reading it.
#   fetch-kernel.sh [--cached] ABI   --cached: exit 0 if it is cached, 1 if not (nothing fetched)
set -euo pipefail
cached=0
[ "${1:-}" != --cached ] || { cached=1; shift; }
abi=${1:?usage: fetch-kernel.sh [--cached] ABI}
if [ "$abi" = debug ]; then	# built from source, not fetched
	[ "$cached" = 0 ] || exec "$(dirname "$0")/debug-kernel.sh" --cached
	exec "$(dirname "$0")/debug-kernel.sh"
fi
CACHE=${CACHE:-${HOME:-/root}/.cache/inputaudit}
dir=$CACHE/kernels/$abi
here=$(cd "$(dirname "$0")" && pwd)

have() { [ -s "$dir/vmlinuz" ] && [ -s "$dir/uinput.ko" ] && [ -s "$dir/evdev.ko" ] &&
	"$here/guest-modules.sh" --check "$dir/modules/$abi"; }
have && exit 0
[ "$cached" = 0 ] || exit 1
mkdir -p "$CACHE/kernels"
exec 9>"$CACHE/kernels/.lock-$abi"
flock 9			# another build may be fetching the same kernel
have && exit 0

tmp=$(mktemp -d "$CACHE/kernels/.fetch-$abi.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if apt-cache show "linux-image-$abi-unsigned" >/dev/null 2>&1; then
	pkg=linux-image-$abi-unsigned
	echo "fetch-kernel: downloading $pkg"
	(cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root "$pkg")
	deb=$(ls "$tmp"/*.deb)
	echo "fetch-kernel: extracting $(basename "$deb")"
	dpkg -x "$deb" "$tmp/root"
	cp "$tmp/root/boot/vmlinuz-$abi" "$tmp/vmlinuz"
	cp "$tmp/root/boot/config-$abi" "$tmp/config"
else
	# Debian unstable's kernel (scripts/kernels.sh): the image is split into linux-binary (vmlinuz) and
	# linux-modules; its config is the headers' .config.
	pkgs=("linux-binary-$abi" "linux-modules-$abi" "linux-headers-$abi")
	echo "fetch-kernel: downloading ${pkgs[*]} from Debian unstable"
	(cd "$tmp" && "$here/sid-apt.sh" apt-get download -qq "${pkgs[@]}")
	for p in "${pkgs[@]}"; do
		deb=$(ls "$tmp/$p"_*.deb)
		echo "fetch-kernel: extracting $(basename "$deb")"
		dpkg -x "$deb" "$tmp/root"
	done
	deb=$(ls "$tmp/linux-binary-$abi"_*.deb)
	cp "$tmp/root/usr/lib/modules/$abi/vmlinuz" "$tmp/vmlinuz"
	cp "$tmp/root/usr/src/linux-headers-$abi/.config" "$tmp/config"
	# depmod -b looks in ROOT/lib/modules.
	mkdir -p "$tmp/root/lib/modules"
	mv -T "$tmp/root/usr/lib/modules/$abi" "$tmp/root/lib/modules/$abi"
fi
mkdir -p "$tmp/out"
mv "$tmp/vmlinuz" "$tmp/config" "$tmp/out/"
# The package leaves modules.dep to its postinst (depmod); make it the same way, from the package's modules.
PATH=$PATH:/usr/sbin:/sbin depmod -b "$tmp/root" "$abi"
"$here/guest-modules.sh" "$tmp/root/lib/modules/$abi" "$tmp/out/modules/$abi"
cp "$tmp/out/modules/$abi/kernel/drivers/input/misc/uinput.ko" "$tmp/out/modules/$abi/kernel/drivers/input/evdev.ko" "$tmp/out/"
ver=$(dpkg-deb -f "$deb" Version | tr '~:' '__')
chmod 755 "$tmp/out"
if [ ! -e "$dir" ]; then
	mv "$tmp/out/modules" "$tmp/out/modules-$ver"
	ln -s "modules-$ver" "$tmp/out/modules"
	mv -T "$tmp/out" "$dir"
else
	# Refresh what is there without a moment in which a file is missing: the modules go in as a new
	# directory and the "modules" symlink is swapped to it, then each file is renamed over its old copy.
	# Runs that already read the old files got a consistent kernel: the same ABI, the same package or an
	# upload of it that kept the ABI.
	new=modules-$ver.${tmp##*.}
	prev=$(readlink "$dir/modules" 2>/dev/null || true)
	mv -T "$tmp/out/modules" "$dir/$new"
	ln -sfn "$new" "$dir/.modules.tmp"
	mv -T "$dir/.modules.tmp" "$dir/modules"
	for f in vmlinuz config uinput.ko evdev.ko; do mv -f "$tmp/out/$f" "$dir/$f"; done
	for old in "$dir"/modules-*; do	# the one just replaced stays for runs still copying it
		case ${old##*/} in "$new" | "$prev") ;; *) rm -rf "$old" ;; esac
	done
fi
echo "fetch-kernel: $dir ready ($(du -sh "$dir" | cut -f1))"
