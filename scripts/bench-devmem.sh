#!/usr/bin/env bash
# make bench-devmem: module bytes per attached device, in the VM on each kernel ABI given,
# by bench/daemon/ia_devmem.c (method in its header); rows into $OUT/bench/devmem.tsv, which
# scripts/bench-daemon.sh appends to extra-daemon.tsv.
#   scripts/bench-devmem.sh ABI...
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-$PWD/build}
[ $# -gt 0 ] || set -- $(scripts/kernels.sh)
tsv=$OUT/bench/devmem.tsv
mkdir -p "$OUT/bench"
: >"$tsv.new"
for abi in "$@"; do
	log=$OUT/bench/devmem-$abi.log
	VM_USB=0 VM_FILES="$OUT/bench/daemon/ia-devmem:/bin/ia-devmem" VM_MEM=1024 VM_APPEND="slub_debug=F" \
		scripts/vm-run.sh "$abi" /bin/ia-devmem 200 | tee "$log"
	line=$(grep -o 'devmem: slab=-\?[0-9]* meminfo=-\?[0-9]* devices=[0-9]*' "$log" | tail -n1) ||
		{ echo "bench-devmem: $abi: no result (see $log)" >&2; exit 1; }
	slab=$(sed 's/.*slab=\(-\?[0-9]*\).*/\1/' <<<"$line")
	size=$(pahole -C inputaudit_dev "$OUT/kmod-$abi/src/kmod/inputaudit.ko" 2>/dev/null |
		sed -n 's/.*size: \([0-9]*\),.*/\1/p' | head -n1) || true
	printf 'module bytes per attached device (slab delta, 200 devices)\t%s\t%s\tB\t-\t-\n' \
		"$abi" "$slab" >>"$tsv.new"
	[ -z "$size" ] || printf 'sizeof(struct inputaudit_dev)\t%s\t%s\tB\t-\t-\n' "$abi" "$size" >>"$tsv.new"
done
mv "$tsv.new" "$tsv"
cat "$tsv"
