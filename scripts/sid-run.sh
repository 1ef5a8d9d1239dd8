#!/usr/bin/env bash
# Run a command inside the Debian unstable chroot of kernel ABI (scripts/sid-chroot.sh), with /proc mounted
# (objtool and dkms read it) in a private mount namespace, so nothing stays mounted when it ends:
#   sid-run.sh ABI COMMAND [ARGS...]
# Paths are the chroot's; scripts/kbuild.sh and selftests/packaging copy what they need into it first.
set -euo pipefail
abi=${1:?usage: sid-run.sh ABI COMMAND [ARGS...]}
shift
root=$("$(dirname "$0")/sid-chroot.sh" "$abi")
exec unshare --mount --propagation private -- sh -c 'mount -t proc proc "$0/proc" && exec chroot "$0" "$@"' \
	"$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"
