#!/usr/bin/env bash
# make check-debug: build the debug kernel once (scripts/debug-kernel.sh), inputaudit.ko against it, then boot
# it with the whole VM suite and, when the tree has them, the stress tests; TAP on stdout, exit 1 on any failure.
# Splats (KASAN, lockdep, atomic sleep, WARNING, BUG) fail through vm-run.sh's console check; leaks attributed
# to inputaudit fail through the kmemleak scan of scripts/debug-guest.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export OUT=${OUT:-$PWD/build}
export VM_TIMEOUT=${VM_TIMEOUT:-2400}	# KASAN + lockdep under TCG: several times slower than Debian's kernel
export VM_MEM=${VM_MEM:-2048}		# KASAN's shadow, lockdep's and kmemleak's tables
log=$OUT/debug-kernel.log
mkdir -p "$OUT"

echo "# debug kernel: scripts/debug-kernel.sh (log $log)"
if ! scripts/debug-kernel.sh >"$log" 2>&1; then
	tail -n 20 "$log" | sed 's/^/# /'
	echo "not ok - debug kernel: build failed (see $log)"
	exit 1
fi
kdir=$(readlink -f "${CACHE:-${HOME:-/root}/.cache/inputaudit}/kernels/debug")
echo "# debug kernel: $kdir (its build took $(cat "$kdir/build-seconds" 2>/dev/null || echo ?)s of wall time" \
	"in $(cat "$kdir/build-runs" 2>/dev/null || echo 1) run(s))"

# What runs in the guest besides the VM suite: the stress tests (a second boot, STRESS_SECONDS long;
# DEBUG_STRESS=0 skips it), if scripts/vm-run.sh puts a stress binary into the guest.
stress=${STRESS_CMD-$(sed -n 's|^add .* \(/bin/[^ ]*stress[^ ]*\)\( .*\)\{0,1\}$|\1|p' scripts/vm-run.sh | head -n1)}
targets=(kmod-debug bpf userspace vm-tests)
[ -z "$stress" ] || ! make -n stress-tests >/dev/null 2>&1 || targets+=(stress-tests)
if ! make "${targets[@]}" >>"$log" 2>&1; then
	tail -n 20 "$log" | sed 's/^/# /'
	echo "not ok - debug kernel: make ${targets[*]} failed (see $log)"
	exit 1
fi

fail=0
guest() {	# guest NAME CMD...: one boot of the debug kernel running CMD under debug-guest
	local rc=0 name=$1
	shift
	# Multi-threaded TCG here, unlike the Debian kernels' guests (vm-run.sh): both vCPUs at once is
	# what lockdep and KASAN want to see races, and this guest boots alone.  Under thread=single
	# its xHCI port never saw QEMU's USB keyboard within vm_hw's 90 s, and 24 flooding mice got
	# 900 frames/s each; its stale-translation crash has not been seen on this kernel (README).
	VM_ACCEL=${VM_ACCEL:-tcg} VM_FILES="${VM_FILES:-} $PWD/scripts/debug-guest.sh:/bin/debug-guest" \
		scripts/vm-run.sh debug /bin/debug-guest "$@" || rc=$?
	cp "$OUT/vm-debug/console.log" "$OUT/vm-debug/console-$name.log" 2>/dev/null || true	# the next boot overwrites it
	[ "$rc" = 0 ] || fail=1
}
guest suite /bin/run-vm-tests
if [ "${DEBUG_STRESS:-1}" = 0 ]; then
	echo "ok - debug kernel: long stress run # SKIP DEBUG_STRESS=0"
elif [ -n "$stress" ]; then
	guest stress env STRESS_SECONDS="${STRESS_SECONDS:-60}" STRESS_SEED="${STRESS_SEED:-42}" "$stress"
else
	echo "ok - debug kernel: stress tests # SKIP no stress runner in scripts/vm-run.sh yet"
fi
exit $fail
