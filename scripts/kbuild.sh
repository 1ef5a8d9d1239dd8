#!/usr/bin/env bash
# Run kbuild for an external module in SRC against kernel ABI's headers:
#   kbuild.sh ABI SRC [kbuild arguments...]
# With the headers installed on the host (/usr/src/linux-headers-ABI), there.  Otherwise ABI is Debian
# unstable's kernel, whose headers need unstable's gcc and libc: the build runs in the unstable chroot
# of scripts/sid-chroot.sh (scripts/sid-run.sh), on a copy of SRC that is copied back when it is done.
set -euo pipefail
abi=${1:?usage: kbuild.sh ABI SRC [kbuild arguments...]}
src=$(cd "${2:?usage: kbuild.sh ABI SRC [kbuild arguments...]}" && pwd)
shift 2
here=$(cd "$(dirname "$0")" && pwd)
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

if [ -d "/usr/src/linux-headers-$abi" ]; then
	exec make -C "/usr/src/linux-headers-$abi" M="$src" -j"$(nproc)" "$@"
fi
if ! "$here/sid-apt.sh" apt-cache show "linux-headers-$abi" >/dev/null 2>&1; then
	echo "kbuild: no /usr/src/linux-headers-$abi, and Debian unstable has no linux-headers-$abi: run scripts/deps.sh" >&2
	exit 1
fi
root=$("$here/sid-chroot.sh" "$abi")
mkdir -p "$root/build"
work=$(mktemp -d "$root/build/kmod.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -a "$src/." "$work/"
"$here/sid-run.sh" "$abi" make -C "/usr/src/linux-headers-$abi" M="/build/${work##*/}" -j"$(nproc)" "$@"
cp -a "$work/." "$src/"
