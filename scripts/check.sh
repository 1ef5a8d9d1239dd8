#!/usr/bin/env bash
# make check: install deps, build, run host tests and VM tests on every kernel, end with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
export OUT=$PWD/build	# the Makefile always builds into ./build
setup_failed() { echo "not ok - setup: $1"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
[ "${NO_DEPS:-0}" = 1 ] || scripts/deps.sh || setup_failed "scripts/deps.sh failed"
# The fragments may not depend on $(HARNESS) themselves: extract it first.
scripts/kselftest-src.sh || setup_failed "scripts/kselftest-src.sh failed"
KERNELS=$(echo ${KERNELS:-$(scripts/kernels.sh)}) || setup_failed "scripts/kernels.sh failed"
[ -n "$KERNELS" ] || setup_failed "no kernel ABIs"
tapdir=$OUT/tap
rm -rf "$tapdir"
mkdir -p "$tapdir"

# ---- debug kernel, part 1: a fresh machine builds it (scripts/debug-kernel.sh, ~7 min of CPU) in the
# background, under nice, while everything below runs; part 2 waits for it.  CHECK_DEBUG=0 skips both.
debug_pid=
debug_log=$OUT/debug-kernel-build.log
if [ "${CHECK_DEBUG:-}" != 0 ] && ! scripts/debug-kernel.sh --cached; then
	echo "# debug kernel: not cached, building it in the background (log $debug_log)"
	setsid scripts/debug-kernel.sh >"$debug_log" 2>&1 </dev/null &
	debug_pid=$!
	# Its own process group: stopped with everything it started if this script ends first.
	trap '[ -z "$debug_pid" ] || kill -- "-$debug_pid" 2>/dev/null || true' EXIT
fi
mk() { make KERNELS="$KERNELS" "$@"; }

# A step that exits non-zero without reporting a failure of its own gets a "not ok" line.
verdict() {	# verdict RC TAPFILE WHAT
	if [ "$1" != 0 ] && ! grep -q '^not ok' "$2"; then
		echo "not ok - $3 (exit $1)" | tee -a "$2"
	fi
}

echo "# build ($(echo $KERNELS); ${SECONDS}s)"
rc=0; mk -k all >"$tapdir/build.log" 2>&1 || rc=$?
sed 's/^\(ok\|not ok\)/# &/' "$tapdir/build.log"	# build output is not TAP
: >"$tapdir/build.tap"
verdict "$rc" "$tapdir/build.tap" "build: make all failed"
# Each kernel's module was built for that kernel: its vermagic names it (the VM boots then load it there).
for abi in $KERNELS; do
	ko=$OUT/kmod-$abi/src/kmod/inputaudit.ko
	vermagic=$(modinfo -F vermagic "$ko" 2>/dev/null || true)
	if [ "${vermagic%% *}" = "$abi" ]; then
		echo "ok - kmod $abi: inputaudit.ko built, vermagic '$vermagic'"
	else
		echo "not ok - kmod $abi: inputaudit.ko built with vermagic $abi (got '${vermagic:-no module}')"
	fi
done | tee -a "$tapdir/build.tap"

echo "# host tests (${SECONDS}s)"
rc=0; mk -s run-host-tests 2>&1 | tee "$tapdir/host.tap" || rc=$?
verdict "$rc" "$tapdir/host.tap" "host tests: make run-host-tests failed"

echo "# packaging (${SECONDS}s)"
rc=0; KERNELS="$KERNELS" selftests/packaging/test-packaging.sh 2>&1 | tee "$tapdir/packaging.tap" || rc=$?
verdict "$rc" "$tapdir/packaging.tap" "packaging: test-packaging.sh failed"

# ---- fuzz (helper i5b): a short libFuzzer run of each target (selftests/fuzz) ----
echo "# fuzz (${SECONDS}s)"
rc=0; { mk -s fuzz-build && mk -s fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-20}"; } 2>&1 | tee "$tapdir/fuzz.tap" || rc=$?
verdict "$rc" "$tapdir/fuzz.tap" "fuzz: make fuzz failed"
# ---- end fuzz ----

for abi in $KERNELS; do
	tap=$tapdir/vm-$abi.tap
	if [ ! -f "$OUT/kmod-$abi/src/kmod/inputaudit.ko" ]; then
		echo "not ok - vm $abi: inputaudit.ko was not built, VM tests not run" | tee "$tap"
		continue
	fi
	echo "# vm $abi (${SECONDS}s)"
	rc=0; scripts/vm-run.sh "$abi" | tee "$tap" || rc=$?
	verdict "$rc" "$tap" "vm $abi: vm-run.sh failed"
done

# ---- bench smoke (issue 5, I5-A): one short `make bench` condition under -icount, ~15 s per kernel ----
for abi in $KERNELS; do
	[ -f "$OUT/kmod-$abi/src/kmod/inputaudit.ko" ] || continue	# reported above
	echo "# bench smoke $abi (${SECONDS}s)"
	tap=$tapdir/bench-smoke-$abi.tap
	rc=0; scripts/bench-smoke.sh "$abi" 2>&1 | tee "$tap" || rc=$?
	verdict "$rc" "$tap" "bench smoke $abi: bench-smoke.sh failed"
done
# ---- end bench smoke ----

# ---- debug kernel, part 2 (scripts/check-debug.sh, README "Debug kernel"): wait for the background build,
# then one boot with the VM suite (~4-6 min); the long stress boot only with DEBUG_STRESS=1.
if [ "${CHECK_DEBUG:-}" = 0 ]; then
	echo "ok 1 - debug kernel # SKIP CHECK_DEBUG=0" | tee "$tapdir/debug.tap"
else
	echo "# debug kernel (${SECONDS}s)"
	rc=0
	if [ -n "$debug_pid" ]; then
		waited=$SECONDS
		wait "$debug_pid" || rc=$?
		debug_pid=
		echo "# debug kernel: background build $([ "$rc" = 0 ] && echo done || echo failed), waited $((SECONDS - waited))s for it"
	fi
	if [ "$rc" != 0 ]; then
		{ tail -n 20 "$debug_log" | sed 's/^/# /'
		  echo "not ok - debug kernel: build failed (see $debug_log)"; } | tee "$tapdir/debug.tap"
	else
		DEBUG_STRESS=${DEBUG_STRESS:-0} scripts/check-debug.sh 2>&1 | tee "$tapdir/debug.tap" || rc=$?
		verdict "$rc" "$tapdir/debug.tap" "debug kernel: check-debug.sh failed"
	fi
fi
# ---- end debug kernel ----

echo "# summary (${SECONDS}s)"
exec scripts/tap-summary.sh "$tapdir"/*.tap
