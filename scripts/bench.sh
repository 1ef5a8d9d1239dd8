#!/usr/bin/env bash
# make bench: kernel-side benchmarks.  Boots every kernel once per condition under QEMU -icount
# (1 guest ns = 1 instruction), runs bench/ia_bench there, then bench_report prints the table and
# writes build/bench/results.{md,tsv,json}.  Not part of make check: about 1 min per boot.
#   BENCH_CONDS  conditions to run (default: all, see bench/ia_bench.c)
#   BENCH_ARGS   ia_bench options (default: --frames 2000 --runs 3 --flood 20000 --paced 500)
#   BENCH_REPEAT condition booted a second time to check bit-identical repeats ("" = none)
# Other benchmarks add rows through build/bench/extra-*.tsv; the format is in bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-$PWD/build}
KERNELS=$(echo ${KERNELS:-$(scripts/kernels.sh)})
conds=${BENCH_CONDS:-base base-noevdev e-fifo e-other f b-off b-activity b-events c-activity c-events floor}
args=${BENCH_ARGS:---frames 2000 --runs 3 --flood 20000 --paced 500}
repeat=${BENCH_REPEAT-base}
raw=$OUT/bench/raw
# One vCPU (-smp 1 overrides vm-run.sh's -smp 2): deterministic, and what the figures are per.
export VM_QEMU_ARGS="-smp 1 -icount shift=0,sleep=off -seed 42 -rtc base=2024-01-01T00:00:00,clock=vm"
export VM_TIMEOUT=${VM_TIMEOUT:-900}
export VM_CONSOLE=${VM_CONSOLE:-file}	# no host timing through the console (scripts/vm-run.sh)
export VM_USB=0			# no USB controller: the figures stay comparable with earlier rounds
mkdir -p "$raw"
[ -x "$OUT/bench/ia_bench" ] && [ -x "$OUT/bench/bench_report" ] || {
	echo "bench: build first (make bench-bins)" >&2; exit 1; }

boot() {	# boot ABI COND LOGNAME: one condition, one boot; IAB lines go to LOGNAME.iab
	local abi=$1 cond=$2 log=$raw/$abi.$3
	echo "# bench $abi $cond ($(date -u +%H:%M:%S))" >&2
	rm -f "$log.log" "$log.iab"
	if ! scripts/vm-run.sh "$abi" /bin/ia-bench-guest "$cond" $args --vt-off >"$log.log" 2>&1; then
		echo "# bench $abi $cond: boot failed, see $log.log" >&2
		echo "IAB ERROR $cond boot failed" >>"$log.log"
	fi
	grep '^IAB ' "$log.log" | sed "s|^|$abi |" >"$log.iab" || true
}

for abi in $KERNELS; do
	for cond in $conds; do
		boot "$abi" "$cond" "$cond"
	done
	if [ -n "$repeat" ]; then
		boot "$abi" "$repeat" "$repeat-repeat"
		# Bit-identical: the RUN lines (ns of every run) of both boots must match.
		if cmp -s <(grep ' IAB RUN ' "$raw/$abi.$repeat.iab") \
			  <(grep ' IAB RUN ' "$raw/$abi.$repeat-repeat.iab"); then
			verdict=identical
		else
			verdict=differs
		fi
		# The largest relative difference of one run between the two boots, in ppm.
		ppm=$(paste <(grep ' IAB RUN ' "$raw/$abi.$repeat.iab" | awk '{ print $7 }') \
			    <(grep ' IAB RUN ' "$raw/$abi.$repeat-repeat.iab" | awk '{ print $7 }') |
		      awk '{ d = ($2 - $1) / $1 * 1e6; if (d < 0) d = -d; if (d > m) m = d }
			   END { printf "%.1f", m }')
		# Keep only the verdict from the second boot.
		echo "$abi IAB REPEAT $repeat $verdict $ppm" >"$raw/$abi.$repeat-repeat.iab"
	fi
done
"$OUT/bench/bench_report" "$OUT/bench"
