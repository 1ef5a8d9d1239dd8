#!/usr/bin/env bash
# Run libFuzzer targets for FUZZ_SECONDS each (0: only replay the seed corpus), one TAP line each.
#   selftests/fuzz/run-fuzz.sh TARGET...      (built by make fuzz-build into $OUT/fuzz)
# Each run starts from the seeds in selftests/fuzz/corpus/TARGET plus what earlier runs found
# ($OUT/fuzz/corpus/TARGET); a crash leaves its input as $OUT/fuzz/crash-TARGET-* and fails.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-$PWD/build}
secs=${FUZZ_SECONDS:-60}
[ $# -gt 0 ] || { echo "usage: run-fuzz.sh TARGET..." >&2; exit 2; }
echo "1..$#"
i=0 rc=0
for t in "$@"; do
	i=$((i + 1))
	bin=$OUT/fuzz/$t seeds=selftests/fuzz/corpus/$t work=$OUT/fuzz/corpus/$t log=$OUT/fuzz/$t.log
	if [ ! -x "$bin" ]; then
		echo "not ok $i - fuzz $t: $bin not built"; rc=1; continue
	fi
	mkdir -p "$work"
	if [ "$secs" = 0 ]; then
		args=(-runs=0 "$seeds")
	else
		args=(-max_total_time="$secs" -timeout=10 -max_len=16384 -rss_limit_mb=2048
		      -artifact_prefix="$OUT/fuzz/crash-$t-" "$work" "$seeds")
	fi
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=print_stacktrace=1 \
		"$bin" -print_final_stats=1 "${args[@]}" >"$log" 2>&1
	r=$?
	execs=$(LC_ALL=C sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
	cov=$(grep -ao 'cov: [0-9]*' "$log" | tail -n1)
	if [ "$r" = 0 ]; then
		echo "ok $i - fuzz $t: ${secs}s, ${execs:-?} inputs, ${cov:-cov: ?}, no crash"
	else
		echo "not ok $i - fuzz $t: exit $r (log $log)"
		grep -aE 'ERROR|SUMMARY|runtime error|Test unit written|==[0-9]+==' "$log" | head -n 8 | sed 's/^/# /'
		rc=1
	fi
done
exit $rc
