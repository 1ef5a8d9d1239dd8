#!/usr/bin/env bash
# The kernel modules the test guest gets: the set below and everything it depends on, in a tree busybox
# modprobe uses as /lib/modules/RELEASE (scripts/vm-run.sh copies it there).
#   guest-modules.sh MODDIR DEST    copy them from MODDIR into DEST
#   guest-modules.sh --check DEST   exit 0 when DEST holds the whole set (for the caches' have() checks)
# MODDIR is a kernel's /lib/modules/RELEASE (from a package or `make modules_install`, with its modules.dep).
# DEST gets DEST/kernel/... with the modules, decompressed to .ko, and DEST/modules.dep with just their
# lines from MODDIR/modules.dep (dependencies resolved from it, not listed here), in the original order,
# compression suffixes dropped.  Fails when a module of the set is not in modules.dep.
set -euo pipefail
# uinput, evdev: loaded at boot.  The rest only when a test loads it (selftests/vm/vm_hw.c): uhid and
# hid-generic for uhid devices; xhci-pci and usbhid for QEMU's USB keyboard (scripts/vm-run.sh, VM_USB).
mods=(uinput evdev uhid hid hid-generic usbhid xhci-pci)

modname() { local n=${1##*/}; n=${n%%.ko*}; echo "${n//-/_}"; }
if [ "${1:-}" = --check ]; then
	dep=${2:-}/modules.dep
	[ -n "${2:-}" ] && [ -s "$dep" ] || exit 1
	have=$(while IFS=: read -r ko _; do [ -s "${dep%/*}/$ko" ] && modname "$ko"; done <"$dep")
	for m in "${mods[@]}"; do grep -qx "$(modname "$m")" <<<"$have" || exit 1; done
	exit 0
fi
moddir=${1:?usage: guest-modules.sh MODDIR DEST}
dest=${2:?usage: guest-modules.sh MODDIR DEST}
[ -s "$moddir/modules.dep" ] || { echo "guest-modules: no $moddir/modules.dep" >&2; exit 1; }

# modules.dep lines are "kernel/PATH.ko[.xz]: DEP.ko[.xz] ..."; depmod already lists every dependency
# of a module on its line, but follow them anyway in case a tree was made otherwise.
lines=$(awk -v want="${mods[*]}" '
function modname(p) { sub(/.*\//, "", p); sub(/\.ko(\.[a-z]+)?$/, "", p); gsub(/-/, "_", p); return p }
function add(n,    k, i, d) {
	if (n in keep) return
	if (!(n in line)) { printf "guest-modules: %s is not in modules.dep\n", n > "/dev/stderr"; bad = 1; return }
	keep[n] = 1
	k = split(deps[n], d, " ")
	for (i = 1; i <= k; i++) add(modname(d[i]))
}
{
	i = index($0, ":")
	n = modname(substr($0, 1, i - 1))
	line[n] = $0; deps[n] = substr($0, i + 1); order[NR] = n
}
END {
	k = split(want, w, " ")
	for (i = 1; i <= k; i++) add(modname(w[i]))
	if (bad) exit 1
	for (i = 1; i <= NR; i++) if (order[i] in keep) { s = line[order[i]]; gsub(/\.ko\.[a-z]+/, ".ko", s); print s }
}' "$moddir/modules.dep")

mkdir -p "$dest"
while IFS= read -r l; do
	ko=${l%%:*}
	src=
	for f in "$moddir/$ko"{,.xz,.zst,.gz}; do [ -f "$f" ] && { src=$f; break; }; done
	[ -n "$src" ] || { echo "guest-modules: $moddir/$ko missing" >&2; exit 1; }
	mkdir -p "$dest/$(dirname "$ko")"
	case $src in
	*.xz) xz -dc "$src" >"$dest/$ko" ;;
	*.zst) zstd -qdc "$src" >"$dest/$ko" ;;
	*.gz) gzip -dc "$src" >"$dest/$ko" ;;
	*) cp "$src" "$dest/$ko" ;;
	esac
done <<<"$lines"
printf '%s\n' "$lines" >"$dest/modules.dep"
