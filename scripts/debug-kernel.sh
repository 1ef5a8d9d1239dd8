#!/usr/bin/env bash
# Build (once) a small debug kernel from Debian's linux-source-6.12 with KASAN, lockdep, DEBUG_ATOMIC_SLEEP
# and kmemleak: tinyconfig + scripts/debug-kernel.config.  The result is cached under a key made of the
# source package version and a hash of the fragment (and compiler), and $CACHE/kernels/debug points at it,
# laid out like scripts/fetch-kernel.sh's kernels (vmlinuz, config, modules/RELEASE/ with the guest's modules
# and their modules.dep from `make modules_install`, uinput.ko, evdev.ko) plus build/, the kbuild output tree
# that the module is built against (M=).
#   debug-kernel.sh            build if needed, point $CACHE/kernels/debug at it
#   debug-kernel.sh --cached   exit 0 if the current key is built (no build, no output)
#   debug-kernel.sh --key      print the cache key
#   debug-kernel.sh --progress print how far the build of the current key has come (a build that was
#                              stopped goes on from there: kbuild keeps what it built)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${CACHE:-${HOME:-/root}/.cache/inputaudit}
JOBS=${JOBS:-2}
frag=$repo/scripts/debug-kernel.config
base=$CACHE/debug-kernel

tarball=$(ls /usr/src/linux-source-6.12.tar.xz 2>/dev/null || true)
pkgver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || true)
if [ -z "$tarball" ] || [ -z "$pkgver" ]; then
	case ${1:-} in --cached) exit 1 ;; --progress) echo "not started"; exit 0 ;; esac
	echo "debug-kernel: linux-source-6.12 is not installed; run scripts/deps.sh" >&2
	exit 1
fi
ver=$(tr '~:' '__' <<<"$pkgver")
hash=$( { cat "$frag"; ${CC:-gcc} --version | head -n1; } | sha256sum | cut -c1-12)
key=$ver-$hash
src=$base/src-$ver
bld=$base/build-$key
kdir=$CACHE/kernels/debug-$key
link=$CACHE/kernels/debug

have() { [ -s "$kdir/vmlinuz" ] && [ -s "$kdir/uinput.ko" ] && [ -s "$kdir/evdev.ko" ] &&
	[ -f "$kdir/build/Module.symvers" ] &&
	"$repo/scripts/guest-modules.sh" --check "$(ls -d "$kdir"/modules/*/ 2>/dev/null | head -n1)"; }
case ${1:-} in
--key) echo "$key"; exit 0 ;;
--cached) have; exit ;;
--progress)
	if have; then
		echo "built"
	elif [ -f "$bld/.fragment" ]; then
		echo "$(find "$bld" -name '*.o' | wc -l) object files built so far"
	else
		echo "not started"
	fi
	exit 0 ;;
esac

point() { ln -sfn "debug-$key" "$link.tmp" && mv -T "$link.tmp" "$link"; }
if have; then point; exit 0; fi
mkdir -p "$base" "$CACHE/kernels"
exec 9>"$base/.lock"
flock 9			# another run may be building already
if have; then point; exit 0; fi

# Kconfig and the build need these beyond scripts/deps.sh's list; installed here, for this build only.
need=()
for tool in flex bison bc; do command -v "$tool" >/dev/null || need+=("$tool"); done
if [ ${#need[@]} -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] || { echo "debug-kernel: missing ${need[*]}; install them as root" >&2; exit 1; }
	echo "debug-kernel: installing ${need[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends "${need[@]}" ||
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends "${need[@]}"; }
fi

start=$(date +%s)
# Source: the whole tree, extracted once per package version.
if [ ! -f "$src/.extracted" ]; then
	echo "debug-kernel: extracting $tarball into $src (about a minute)"
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xJf "$tarball" -C "$src.tmp" --strip-components=1
	touch "$src.tmp/.extracted"
	mv "$src.tmp" "$src"
fi

# Configuration: tinyconfig + the fragment; every fragment line must survive olddefconfig.
mkdir -p "$bld"
# DEBUG_KERNEL_NICE: the build's nice value (10: other work first).
kmake() { nice -n "${DEBUG_KERNEL_NICE:-10}" make -C "$src" O="$bld" "$@"; }
if ! cmp -s "$frag" "$bld/.fragment"; then
	echo "debug-kernel: configuring $bld"
	kmake -s tinyconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$bld" "$bld/.config" "$frag" >"$bld/merge.log"
	kmake -s olddefconfig
	bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) grep -qxF "$line" "$bld/.config" || { echo "debug-kernel: not in .config: $line" >&2; bad=1; } ;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }; sym=${sym%% *}
			! grep -q "^$sym=" "$bld/.config" || { echo "debug-kernel: set although the fragment unsets it: $sym" >&2; bad=1; } ;;
		esac
	done <"$frag"
	[ "$bad" = 0 ] || { echo "debug-kernel: the fragment does not apply; see $bld/.config" >&2; exit 1; }
	cp "$frag" "$bld/.fragment"
fi

# The build tree's own wall time and runs, over every run that built in it (make check stops a build
# in idle CPU time that is not ready when its VM runs end, and the next run goes on): a run that only
# completes the layout after an interrupted or older run must not pass for the build time.
account() {
	echo "$(($(cat "$bld/.build-seconds" 2>/dev/null || echo 0) + $(date +%s) - start))" >"$bld/.build-seconds.tmp"
	mv "$bld/.build-seconds.tmp" "$bld/.build-seconds"
	echo "$(($(cat "$bld/.build-runs" 2>/dev/null || echo 0) + 1))" >"$bld/.build-runs"
}
trap 'account; echo "debug-kernel: stopped ($("$repo/scripts/debug-kernel.sh" --progress))"; exit 143' TERM INT
echo "debug-kernel: building $(kmake -s kernelrelease) in $bld with -j$JOBS (the first build takes a while)"
kmake -j"$JOBS" bzImage modules
trap - TERM INT
account
# Out-of-tree modules need Module.symvers and the generated headers: the modules target leaves both.

tmp=$(mktemp -d "$CACHE/kernels/.debug-$key.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
cp "$bld/arch/x86/boot/bzImage" "$tmp/vmlinuz"
cp "$bld/.config" "$tmp/config"
# The guest's modules as a Debian kernel's are laid out: modules_install (which runs depmod) into a
# staging root, then the same selection as scripts/fetch-kernel.sh makes.
kmake -s INSTALL_MOD_PATH="$tmp/staging" modules_install
rel=$(cat "$bld/include/config/kernel.release")
"$repo/scripts/guest-modules.sh" "$tmp/staging/lib/modules/$rel" "$tmp/modules/$rel"
rm -rf "$tmp/staging"
cp "$tmp/modules/$rel/kernel/drivers/input/misc/uinput.ko" "$tmp/modules/$rel/kernel/drivers/input/evdev.ko" "$tmp/"
ln -s "$bld" "$tmp/build"
cp "$bld/.build-seconds" "$tmp/build-seconds"
cp "$bld/.build-runs" "$tmp/build-runs"
rm -rf "$kdir"
mv "$tmp" "$kdir"
trap - EXIT
point
echo "debug-kernel: $kdir ready, built in $(($(date +%s) - start))s"
