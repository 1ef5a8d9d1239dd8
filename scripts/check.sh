#!/usr/bin/env bash
# make check: install deps, build, run host tests and VM tests on every kernel, end with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
export OUT=$PWD/build	# the Makefile always builds into ./build
setup_failed() { echo "not ok - setup: $1"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
# CHECK_DEBUG: the debug kernel's lane (below).
debug_mode=${CHECK_DEBUG:-auto}
case $debug_mode in
0 | auto | wait) ;;
1) debug_mode="wait" ;;	# what any value but 0 meant before auto
*) setup_failed "CHECK_DEBUG=$debug_mode: expected auto, wait or 0" ;;
esac
[ "${NO_DEPS:-0}" = 1 ] || scripts/deps.sh || setup_failed "scripts/deps.sh failed"
KERNELS=$(echo ${KERNELS:-$(scripts/kernels.sh)}) || setup_failed "scripts/kernels.sh failed"
[ -n "$KERNELS" ] || setup_failed "no kernel ABIs"
tapdir=$OUT/tap
rm -rf "$tapdir"
mkdir -p "$tapdir"

# A step that exits non-zero without reporting a failure of its own gets a "not ok" line.
verdict() {	# verdict RC TAPFILE WHAT
	if [ "$1" != 0 ] && ! grep -q '^not ok' "$2"; then
		echo "not ok - $3 (exit $1)" | tee -a "$2"
	fi
}

# Background jobs run in process groups of their own, stopped with everything they started if this
# script ends first.
bg_pids=()
trap 'for p in "${bg_pids[@]}"; do kill -- "-$p" 2>/dev/null || true; done' EXIT
bg() {	# bg FUNCTION: run a function of this script in the background, in a process group of its own
	export -f "$1" verdict debug_competes
	export KERNELS OUT tapdir debug_pid debug_deferred debug_log debug_mode
	setsid bash -c "$1" </dev/null &
	bg_pid=$!
	bg_pids+=("$bg_pid")
}

# How busy the CPUs were, reported before the summary (scripts/cpu-sample.sh; build/cpu.log).
rm -f "$OUT/cpu.log"
setsid scripts/cpu-sample.sh record "$OUT/cpu.log" </dev/null &
cpu_pid=$!
bg_pids+=("$cpu_pid")

# ---- debug kernel, part 1: a machine without it cached builds it (scripts/debug-kernel.sh, ~1,200 CPU s)
# in the background while everything below runs; part 2 boots it once it is there.  CHECK_DEBUG:
#   auto (default)  built in idle CPU time only (SCHED_IDLE), and only by a run that finds the machine's
#                   other caches made (the kernels, the unstable chroot, the deployed system's image): a
#                   fresh machine's first run makes those and skips the debug kernel, since the two
#                   together are more than two cores do in 25 min (a first run with the build in it took
#                   28 min, 20 min without; README, A fresh machine).  Booted if it is ready when the
#                   Debian kernels' VM runs end; else its lane says SKIP, the build stops with the run and
#                   the next run goes on from where it stopped (kbuild keeps what is built).
#   wait            the build at nice 10, waited for (a fresh machine: 32-37 min, the work of both on
#                   two cores).
#   0               neither.
# Whether the machine's other caches are made already (a fresh machine's first run makes them).
caches_ready() {
	local abi
	for abi in $KERNELS; do
		scripts/fetch-kernel.sh --cached "$abi" || return 1
		[ -d "/usr/src/linux-headers-$abi" ] || scripts/sid-chroot.sh --cached "$abi" || return 1
	done
	[ "${CHECK_DEPLOY:-}" = 0 ] || scripts/deploy-image.sh --cached
}
debug_pid=
debug_deferred=	# auto, not cached, and this run makes the other caches: no build in it
debug_log=$OUT/debug-kernel-build.log
if [ "$debug_mode" != 0 ] && ! scripts/debug-kernel.sh --cached; then
	if [ "$debug_mode" = auto ] && ! caches_ready; then
		debug_deferred=1
		echo "# debug kernel: not cached ($(scripts/debug-kernel.sh --progress)); this run makes the" \
			"machine's other caches, the next one builds it in idle CPU time"
	else
		if [ "$debug_mode" = wait ]; then
			echo "# debug kernel: not cached, building it in the background (log $debug_log)"
			# Niced (debug-kernel.sh): the VM runs come first; it fills their idle time.  Not
			# niced, it finished no sooner (the VMs leave it most of a core anyway) and made
			# them slower.
			setsid scripts/debug-kernel.sh >"$debug_log" 2>&1 </dev/null &
		else
			echo "# debug kernel: not cached ($(scripts/debug-kernel.sh --progress)), building it in idle" \
				"CPU time (log $debug_log): booted if it is ready when the VM runs end, else kept for" \
				"the next run"
			# SCHED_IDLE: it runs only on a CPU that nothing else wants.  At nice 10 the fresh
			# runs took 2,055-2,217 s, against 1,261 s without the debug kernel (README, A
			# fresh machine).
			setsid chrt --idle 0 scripts/debug-kernel.sh >"$debug_log" 2>&1 </dev/null &
		fi
		debug_pid=$!
		bg_pids+=("$debug_pid")	# a process group of its own: setsid
	fi
fi
# The build competes with the lanes below for the CPUs (CHECK_DEBUG=wait, not cached): they then run
# otherwise (see the host tests and the deployed system).
debug_competes() { [ "$debug_mode" = wait ] && [ -n "$debug_pid" ] && kill -0 "$debug_pid" 2>/dev/null; }
# Downloads meanwhile: the kernels the VMs boot, and the Debian unstable chroot the newest one's module is
# built in (scripts/kbuild.sh waits for it); both wait on the other's lock, never fetch twice.
prefetch() {
	for abi in $KERNELS; do
		[ -d "/usr/src/linux-headers-$abi" ] || scripts/sid-chroot.sh "$abi" >/dev/null
	done
	for abi in $KERNELS; do scripts/fetch-kernel.sh "$abi"; done
}
prefetch_log() { prefetch >"$OUT/prefetch.log" 2>&1; }
export -f prefetch
bg prefetch_log
# The deployed system's image too (a fresh machine: ~5 min of mmdebstrap, mostly downloads and dpkg):
# its list holds what the daemon package depends on (scripts/deploy-image.sh), so the deployed-system
# lane below finds it made, or waits for it on its lock.  A failure here is that lane's to report.
deploy_image() { scripts/deploy-image.sh >"$OUT/deploy-image.log" 2>&1 || true; }
[ "${CHECK_DEPLOY:-}" = 0 ] || bg deploy_image
# The fragments may not depend on $(HARNESS) themselves: extract it first.
scripts/kselftest-src.sh || setup_failed "scripts/kselftest-src.sh failed"
mk() { make KERNELS="$KERNELS" "$@"; }

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

# ---- after the build, two lanes in the background beside the host, packaging, fuzz and VM runs below:
# (1) bench smoke (issue 5, I5-A): one short `make bench` condition per kernel under -icount, ~15 s each:
#     deterministic in instructions, so whatever else runs does not change what it counts;
# (2) debug kernel, part 2 (scripts/check-debug.sh, README "Debug kernel"): once the background build is
#     there, one boot with the VM suite (~4-7 min); the long stress boot only with DEBUG_STRESS=1.
# Their VMs have directories of their own (VM_DIR); their TAP is printed at the end.
bench_lane() {
	for abi in $KERNELS; do
		[ -f "$OUT/kmod-$abi/src/kmod/inputaudit.ko" ] || continue	# reported above
		tap=$tapdir/bench-smoke-$abi.tap
		rc=0; VM_DIR=vm-bench-$abi scripts/bench-smoke.sh "$abi" >"$tap" 2>&1 || rc=$?
		verdict "$rc" "$tap" "bench smoke $abi: bench-smoke.sh failed" >/dev/null
	done
}
debug_lane() {
	local rc=0 waited=$SECONDS tap=$tapdir/debug.tap
	if [ -n "$debug_pid" ] && [ "$debug_mode" = wait ]; then
		while kill -0 "$debug_pid" 2>/dev/null; do sleep 5; done
		echo "# debug kernel: background build ended, waited $((SECONDS - waited))s for it" >"$tap"
	fi
	if [ -n "$debug_deferred" ]; then
		echo "ok 1 - debug kernel # SKIP not built yet ($(scripts/debug-kernel.sh --progress)): this" \
			"run made the machine's other caches (kernels, unstable chroot, deployed system's image);" \
			"the next make check builds it in idle CPU time (CHECK_DEBUG=wait: in this run)" >>"$tap"
		return
	fi
	# Its boot waits for the Debian kernels' VM runs: one guest at a time (a 6.12 guest died of a
	# double fault in its slab allocator while the debug guest ran beside it; see README, Tests).
	while [ ! -e "$tapdir/.vm-runs-done" ]; do sleep 5; done
	# auto, not built yet: the deployed system's guest (one TCG thread) may still be running, alone,
	# and leave the build a core; it is waited for as long as that guest runs.
	if [ -n "$debug_pid" ] && kill -0 "$debug_pid" 2>/dev/null; then
		local at_vm_end
		at_vm_end=$(scripts/debug-kernel.sh --progress)
		waited=$SECONDS
		while kill -0 "$debug_pid" 2>/dev/null && [ ! -e "$tapdir/.deploy-done" ]; do sleep 5; done
		if kill -0 "$debug_pid" 2>/dev/null; then
			echo "ok 1 - debug kernel # SKIP not built yet, $at_vm_end when the VM runs ended," \
				"$(scripts/debug-kernel.sh --progress) when the deployed system's test ended (it is" \
				"built in idle CPU time; the next make check goes on with it; CHECK_DEBUG=wait" \
				"waits for it)" >>"$tap"
			return
		fi
		echo "# debug kernel: built in idle CPU time ($at_vm_end when the VM runs ended, ready" \
			"$((SECONDS - waited))s later, beside the deployed system's guest)" >>"$tap"
	fi
	if ! scripts/debug-kernel.sh --cached; then
		{ tail -n 20 "$debug_log" | sed 's/^/# /'
		  echo "not ok - debug kernel: build failed (see $debug_log)"; } >>"$tap"
		return
	fi
	echo "# debug kernel: boot ${SECONDS}s after the lane started" >>"$tap"
	DEBUG_STRESS=${DEBUG_STRESS:-0} scripts/check-debug.sh >>"$tap" 2>&1 || rc=$?
	verdict "$rc" "$tap" "debug kernel: check-debug.sh failed" >/dev/null
}
echo "# bench smoke and debug kernel lanes started (${SECONDS}s)"
bg bench_lane
bench_pid=$bg_pid
debug_lane_pid=
if [ "${CHECK_DEBUG:-}" = 0 ]; then
	echo "ok 1 - debug kernel # SKIP CHECK_DEBUG=0" >"$tapdir/debug.tap"
else
	bg debug_lane
	debug_lane_pid=$bg_pid
fi

# ---- host tests, then fuzz (helper i5b: a short libFuzzer run of each target, selftests/fuzz).  With the
# debug kernel cached they run in a lane of their own beside packaging and the VM runs (the host tests
# mostly wait on the real rsyslogds, daemons and collectors they start; fuzz keeps one core busy for
# ~1.5 min), which took 4 min off a cached run.  While the debug kernel is being built at nice 10
# (CHECK_DEBUG=wait) they stay in the main lane: the CPUs are busy anyway, and the niced build needs
# the time a lane would take from it (a fresh run with the lane took 6 min longer: the build ended
# 350 s later, and its boot with it). ----
host_lane() {
	local rc=0
	make KERNELS="$KERNELS" -s run-host-tests >"$tapdir/host.tap" 2>&1 || rc=$?
	verdict "$rc" "$tapdir/host.tap" "host tests: make run-host-tests failed" >/dev/null
	rc=0
	{ make KERNELS="$KERNELS" -s fuzz-build &&
	  make KERNELS="$KERNELS" -s fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-20}"; } >"$tapdir/fuzz.tap" 2>&1 || rc=$?
	verdict "$rc" "$tapdir/fuzz.tap" "fuzz: make fuzz failed" >/dev/null
}
host_lane_pid=
if debug_competes; then
	echo "# host tests and fuzz (${SECONDS}s)"
	host_lane
	cat "$tapdir/host.tap" "$tapdir/fuzz.tap"
else
	echo "# host tests and fuzz lane started (${SECONDS}s)"
	bg host_lane
	host_lane_pid=$bg_pid
fi

echo "# packaging (${SECONDS}s)"
# DEB_OUT: the packages it builds stay for the deployed-system test below.
rc=0; KERNELS="$KERNELS" DEB_OUT="$OUT/deb" selftests/packaging/test-packaging.sh 2>&1 | tee "$tapdir/packaging.tap" || rc=$?
verdict "$rc" "$tapdir/packaging.tap" "packaging: test-packaging.sh failed"

# ---- the deployed-system test (selftests/deploy, README "The deployed system"), in a lane of its own:
# its Debian 12 image (cached; a fresh machine makes it with mmdebstrap, ~5 min, mostly download and
# dpkg) and the packages it upgrades to, then the booted Debian 12 with systemd that installs the
# packages and runs them as a fleet does (~8 min: two DKMS builds under TCG, one host thread,
# thread=single as the Debian kernels' guests).  It boots as soon as those are ready, beside the VM
# runs, unless the debug kernel is still being built at nice 10 (CHECK_DEBUG=wait): that build needs
# the second core, so the boot then waits for the VM runs (or the build's end) and runs beside the
# debug guest.  CHECK_DEPLOY=0 skips it. ----
deploy_lane() {
	local rc=0 tap=$tapdir/deploy.tap
	if ! DEBS=$OUT/deb selftests/deploy/run-deploy.sh --prepare >"$tapdir/deploy-prepare.log" 2>&1; then
		sed 's/^/# /' "$tapdir/deploy-prepare.log" | tail -n 20 >"$tap"
	fi
	while debug_competes && [ ! -e "$tapdir/.vm-runs-done" ]; do
		sleep 5
	done
	# Beside the VM runs, niced: their guests (and their time-bound tests) come first; back to
	# nice 0 (the lane's process group) once they are done, beside the debug kernel's guest.
	local niceness=0 pid
	[ -e "$tapdir/.vm-runs-done" ] || niceness=5
	echo "# deployed system: boot ${SECONDS}s after the lane started (nice $niceness)" >>"$tap"
	DEBS=$OUT/deb nice -n "$niceness" selftests/deploy/run-deploy.sh >>"$tap" 2>&1 &
	pid=$!
	if [ "$niceness" != 0 ]; then
		while kill -0 "$pid" 2>/dev/null && [ ! -e "$tapdir/.vm-runs-done" ]; do sleep 5; done
		renice -n 0 -g "$$" >/dev/null 2>&1 || true
	fi
	wait "$pid" || rc=$?
	verdict "$rc" "$tap" "deploy: run-deploy.sh failed" >/dev/null
	touch "$tapdir/.deploy-done"	# a debug kernel still being built is waited for until now
}
deploy_lane_pid=
if [ "${CHECK_DEPLOY:-}" != 0 ]; then
	echo "# deployed system lane started (${SECONDS}s)"
	bg deploy_lane
	deploy_lane_pid=$bg_pid
else
	echo "ok 1 - deployed system # SKIP CHECK_DEPLOY=0" >"$tapdir/deploy.tap"
	touch "$tapdir/.deploy-done"
fi

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

touch "$tapdir/.vm-runs-done"	# the debug lane boots now (see debug_lane)

# ---- the lanes' results ----
if [ -n "$host_lane_pid" ]; then
	echo "# host tests and fuzz (waiting for their lane, ${SECONDS}s)"
	wait "$host_lane_pid" || true
	cat "$tapdir/host.tap" "$tapdir/fuzz.tap"
fi
if [ -n "$deploy_lane_pid" ]; then
	echo "# deployed system (waiting for its lane, ${SECONDS}s)"
	wait "$deploy_lane_pid" || true
	cat "$tapdir/deploy.tap"
fi
echo "# bench smoke (waiting for its lane, ${SECONDS}s)"
wait "$bench_pid" || true
for abi in $KERNELS; do
	[ ! -f "$tapdir/bench-smoke-$abi.tap" ] || cat "$tapdir/bench-smoke-$abi.tap"
done
if [ -n "$debug_lane_pid" ]; then
	echo "# debug kernel (waiting for its lane, ${SECONDS}s)"
	wait "$debug_lane_pid" || true
fi
cat "$tapdir/debug.tap"

# The exec below skips the EXIT trap: stop the sampler, and a debug kernel build still going (auto: it
# was not ready; kbuild goes on from what it built next time).
kill -- "-$cpu_pid" 2>/dev/null || true
if [ -n "$debug_pid" ] && kill -0 "$debug_pid" 2>/dev/null; then
	kill -- "-$debug_pid" 2>/dev/null || true
	echo "# debug kernel: build stopped with the run ($(scripts/debug-kernel.sh --progress))"
fi
scripts/cpu-sample.sh report "$OUT/cpu.log" || true
echo "# summary (${SECONDS}s)"
exec scripts/tap-summary.sh "$tapdir"/*.tap
