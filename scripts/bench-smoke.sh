#!/usr/bin/env bash
# Smoke test of `make bench` for make check: one short c-events boot on one kernel under -icount
# (about 30 s).  Prints TAP: the guest program ran, the daemon got every key frame as a record,
# the flood and latency phases reported.  Usage: bench-smoke.sh ABI
set -uo pipefail
cd "$(dirname "$0")/.."
abi=${1:?usage: bench-smoke.sh ABI}
OUT=${OUT:-$PWD/build}
log=$OUT/bench/smoke-$abi.log
echo "1..4"
if [ ! -x "$OUT/bench/ia_bench" ]; then
	for i in 1 2 3 4; do echo "ok $i # SKIP ia_bench not built"; done
	exit 0
fi
mkdir -p "$OUT/bench"
VM_QEMU_ARGS="-smp 1 -icount shift=0,sleep=off -seed 42 -rtc base=2024-01-01T00:00:00,clock=vm" \
VM_USB=0 VM_TIMEOUT=300 scripts/vm-run.sh "$abi" /bin/ia-bench-guest c-events --frames 200 --runs 1 \
	--flood 2000 --paced 50 --kinds key --vt-off >"$log" 2>&1
rc=$?
t() {	# t N DESCRIPTION COMMAND...
	local n=$1 d=$2
	shift 2
	if "$@"; then echo "ok $n - bench smoke $abi: $d"; else echo "not ok $n - bench smoke $abi: $d (see $log)"; fi
}
frame=$(grep -a '^IAB FRAME c-events key ' "$log")
t 1 "guest run completed" test "$rc" = 0 -a -n "$frame"
# 2 runs (warm-up + 1) of 200 key frames: one event record each, all received.
t 2 "daemon received all 400 key frames as records" test "$(awk '{ print $10 }' <<<"$frame")" = 400
t 3 "flood: 2000 records received" test "$(grep -a '^IAB FLOOD ' "$log" | awk '{ print $10 }')" = 2000
t 4 "latency: 50 of 50 frames delivered" test "$(grep -a '^IAB LAT ' "$log" | awk '{ print $9 }')" = 50
exit 0
