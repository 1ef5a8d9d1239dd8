#!/usr/bin/env bash
# Boot a Debian kernel (ABI) in QEMU/TCG with a busybox initramfs holding inputaudit, run a command, print its TAP.
set -euo pipefail
abi=${1:?usage: vm-run.sh ABI [command...]}
shift
[ $# -gt 0 ] || set -- /bin/run-vm-tests
repo=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$repo/build}
CACHE=${CACHE:-${HOME:-/root}/.cache/inputaudit}
VM_TIMEOUT=${VM_TIMEOUT:-600}	# hard limit for the whole boot + run, seconds
VM_MEM=${VM_MEM:-1024}
VM_FILES=${VM_FILES:-}		# extra "hostpath:guestpath" pairs, space separated
VM_QEMU_ARGS=${VM_QEMU_ARGS:-}	# e.g. "-icount shift=0,sleep=off -seed 42 -rtc base=2024-01-01T00:00:00,clock=vm"
VM_APPEND=${VM_APPEND:-}	# extra kernel command line
# One host thread for both vCPUs.  With QEMU 7.2's multi-threaded TCG (its default) Debian's 6.12
# and 7.2 guests died of "Oops: int3" at a static branch whose int3 the kernel had already
# replaced (the byte in memory is the final jmp): one vCPU ran a stale translation of code that
# another vCPU had patched (the module's tracepoint key flips on every consumer attach and detach).
# Reproduced with vm_handles in a loop beside two status readers: 6.12 died in its 2nd round,
# 7.2 in its 5th; with thread=single 7.2 ran 16 rounds (420 s) clean, each round as fast.
VM_ACCEL=${VM_ACCEL:-tcg,thread=single}
# 1: an xHCI controller with QEMU's USB keyboard on it ("QEMU QEMU USB Keyboard" once the guest loads
# xhci-pci, usbhid and hid-generic); 0: no USB at all (make bench: its figures stay comparable).
VM_USB=${VM_USB:-1}
# "stdio": the console streams through a pipe as the guest runs.  "file": QEMU writes it to a file,
# read when the guest is done, so a slow reader on a loaded host cannot hold up the guest's serial
# port at moments of the host's choosing (make bench uses it, for bit-identical -icount runs).
VM_CONSOLE=${VM_CONSOLE:-stdio}
VM_DIR=${VM_DIR:-vm-$abi}	# under $OUT: the guest's root, initramfs and console log
kdir=$CACHE/kernels/$abi
vm=$OUT/$VM_DIR
root=$vm/root

"$repo/scripts/fetch-kernel.sh" "$abi" >&2

# Root filesystem.
rm -rf "$root"
mkdir -p "$root"/{bin,dev,etc/inputaudit,lib/modules,lib/inputaudit,proc,sys,tmp,run,root}
cp /bin/busybox "$root/bin/busybox"
mknod -m 600 "$root/dev/console" c 5 1
mknod -m 666 "$root/dev/null" c 1 3
# The guest's modules (scripts/guest-modules.sh) at /lib/modules/RELEASE with their modules.dep, so
# busybox modprobe loads them by name, dependencies first.  Only uinput and evdev are loaded at boot.
cp -R "$kdir/modules/." "$root/lib/modules/"
# The kernel's config, as a Debian system has it in /boot: libbpf reads
# CONFIG_HZ from it for the BPF program's clock (init links it by release).
mkdir -p "$root/boot"
cp "$kdir/config" "$root/boot/config"
# inputaudit: the daemon's own user (packaging/sysusers.d makes it on a real system).
printf '%s\n' root:x:0:0:root:/root:/bin/sh inputaudit:x:990:990::/nonexistent:/bin/false \
	nobody:x:65534:65534:nobody:/nonexistent:/bin/false >"$root/etc/passwd"
printf '%s\n' root:x:0: inputaudit:x:990: nogroup:x:65534: >"$root/etc/group"
printf '%s\n' 'passwd: files' 'group: files' >"$root/etc/nsswitch.conf"
add() {	# add HOST GUEST [mode]: copy a file in, warn when it has not been built
	if [ -f "$1" ]; then
		mkdir -p "$root$(dirname "$2")"
		install -m "${3:-755}" "$1" "$root$2"
	else
		echo "vm-run: warning: $1 missing, not in the VM" >&2
	fi
}
add "$OUT/kmod-$abi/src/kmod/inputaudit.ko" /lib/inputaudit/inputaudit.ko 644
add "$OUT/userspace/inputauditd" /bin/inputauditd
add "$OUT/userspace/inputauditctl" /bin/inputauditctl
add "$OUT/userspace/inputauditd-test" /bin/inputauditd-test
add "$OUT/selftests/vm/vm_tests" /bin/vm_tests
add "$OUT/selftests/vm/vm_control" /bin/vm_control
add "$OUT/selftests/vm/vm_privilege" /bin/vm_privilege
add "$OUT/selftests/vm/vm_daemon" /bin/vm_daemon
add "$OUT/selftests/vm/vm_ctl" /bin/vm_ctl
add "$OUT/selftests/vm/vm_handles" /bin/vm_handles
add "$OUT/selftests/vm/vm_fleet" /bin/vm_fleet
add "$OUT/selftests/vm/vm_origin" /bin/vm_origin
add "$OUT/selftests/vm/vm_observer" /bin/vm_observer
add "$OUT/selftests/vm/vm_hw" /bin/vm_hw
add "$repo/selftests/vm/run-vm-tests.sh" /bin/run-vm-tests
add "$OUT/selftests/vm/ia-type" /bin/ia-type
add "$OUT/bench/ia_bench" /bin/ia_bench
add "$repo/bench/bench-guest.sh" /bin/ia-bench-guest
add "$OUT/selftests/stress/ia_stress" /bin/ia_stress
[ ! -f "$repo/scripts/demo-guest.sh" ] || add "$repo/scripts/demo-guest.sh" /bin/demo.sh
for pair in $VM_FILES; do add "${pair%%:*}" "${pair#*:}"; done

# The shared libraries of every dynamically linked program in the guest, and the loader, at
# the paths ldd names (the loader searches /lib/x86_64-linux-gnu without an ld.so.cache).
libs=$(find "$root" -type f -perm -u+x | while read -r f; do
	if out=$(ldd "$f" 2>/dev/null); then
		if grep -q 'not found' <<<"$out"; then
			echo "vm-run: $f: $(grep 'not found' <<<"$out" | tr -s '\t\n' ' ')" >&2
			exit 1
		fi
		awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$out"
	fi
done | sort -u)
for lib in $libs; do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done

printf '%q ' "$@" >"$root/etc/inputaudit/cmd"
guest_timeout=$((VM_TIMEOUT > 120 ? VM_TIMEOUT - 60 : VM_TIMEOUT))
cat >"$root/init" <<INIT
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s /bin
export PATH=/bin HOME=/root
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t bpf bpf /sys/fs/bpf
ln -s config /boot/config-\$(uname -r)
hostname inputaudit-vm
for m in uinput evdev; do modprobe \$m || echo "init: modprobe \$m failed"; done
export INPUTAUDIT_KO=/lib/inputaudit/inputaudit.ko INPUTAUDITD=/bin/inputauditd
cd /tmp
echo
echo "=== INPUTAUDIT-BEGIN \$(uname -r) ==="
timeout -s KILL $guest_timeout sh /etc/inputaudit/cmd
echo "=== INPUTAUDIT-END rc=\$? ==="
echo "=== INPUTAUDIT-DMESG-BEGIN ==="
dmesg
echo "=== INPUTAUDIT-DMESG-END ==="
sync
# Without ACPI (the debug kernel) the kernel cannot power off; a reboot ends QEMU too (-no-reboot).
if [ -d /sys/firmware/acpi ]; then poweroff -f; else reboot -f; fi
while :; do sleep 60; done
INIT
chmod 755 "$root/init"
# Reproducible: the same files give the same bytes (times, inode and device numbers fixed), so
# that -icount boots of the same build are instruction for instruction the same.
find "$root" -exec touch -h -d @1704067200 {} +
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) >"$vm/initrd.cpio"

# Boot.  The console goes to console.log; the lines between the markers are the command's output.
log=$vm/console.log
tap=$vm/output.tap
echo "# vm $abi: booting $(basename "$vm")/initrd.cpio ($(du -k "$vm/initrd.cpio" | cut -f1) KiB): $*"
awk=(awk)		# mawk reads its input in blocks unless interactive: stream the guest output
if command -v mawk >/dev/null; then awk=(mawk -W interactive); fi
usb=()
[ "$VM_USB" = 0 ] || usb=(-device qemu-xhci,id=xhci -device usb-kbd,bus=xhci.0)
qemu() {	# qemu CONSOLE-ARGS...
	timeout -k 10 "$VM_TIMEOUT" qemu-system-x86_64 -accel "$VM_ACCEL" -cpu max -smp 2 -m "$VM_MEM" \
		-no-reboot -net none "${usb[@]}" -kernel "$kdir/vmlinuz" -initrd "$vm/initrd.cpio" "$@" \
		-pidfile "$vm/qemu.pid" $VM_QEMU_ARGS -append "console=ttyS0 panic=-1 quiet $VM_APPEND" </dev/null
}
# A guest whose output is complete (its dmesg printed) but which does not power off within 30 s is
# stopped: seen once with the debug kernel, stuck in its shutdown after an xHCI controller whose keyboard
# never enumerated.  The results are in by then; the hang is reported below, not waited out.
reaper() {	# reaper FILE: watch the console FILE
	while sleep 2; do
		grep -q '=== INPUTAUDIT-DMESG-END ===' "$1" 2>/dev/null || continue
		for _ in $(seq 15); do sleep 2; [ -s "$vm/qemu.pid" ] && kill -0 "$(cat "$vm/qemu.pid")" 2>/dev/null || exit 0; done
		touch "$vm/reaped"
		kill "$(cat "$vm/qemu.pid")" 2>/dev/null
		exit 0
	done
}
# The console to console.log; the command's output (between the markers) to stdout.
console() {
	"${awk[@]}" -v v="${V:-0}" -v clog="$log" '
		{ sub(/\r$/, ""); print > clog; fflush(clog) }
		/=== INPUTAUDIT-BEGIN/ { on = 1 }
		/=== INPUTAUDIT-END/ { on = 0 }
		on && !/=== INPUTAUDIT-BEGIN/ && !/^\[ *[0-9]+\.[0-9]+\] / { print; fflush(); next }
		v == 1 { print "# console: " $0; fflush() }'
}
start=$(date +%s)
rm -f "$vm/qemu.pid" "$vm/reaped" "$log"
set +e
if [ "$VM_CONSOLE" = file ]; then
	rm -f "$vm/console.raw"
	reaper "$vm/console.raw" &
	reaper_pid=$!
	qemu -display none -monitor none -serial file:"$vm/console.raw" >/dev/null 2>&1
	qrc=$?
	console <"$vm/console.raw" | tee "$tap"
else
	reaper "$log" &
	reaper_pid=$!
	qemu -nographic 2>&1 | console | tee "$tap"
	qrc=${PIPESTATUS[0]}
fi
kill "$reaper_pid" 2>/dev/null
wait "$reaper_pid" 2>/dev/null
set -e
secs=$(($(date +%s) - start))

# Verdict: the command's exit code, plus anything that went wrong with the kernel or the VM.
fail=0
notok() { echo "not ok - vm $abi: $*" | tee -a "$tap"; fail=1; }
rc=$(sed -n 's/^.*=== INPUTAUDIT-END rc=\([0-9]*\) ===$/\1/p' "$log" | tail -n1)
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	notok "timed out after ${VM_TIMEOUT}s (see $log)"
elif [ -z "$rc" ]; then
	notok "no end marker, guest died (qemu exit $qrc; see $log)"
elif [ "$rc" != 0 ] && [ "$rc" != 4 ]; then	# 4 = KSFT_SKIP
	grep -q '^not ok' "$tap" || notok "command exited with $rc"
	fail=1
fi
oops=$(grep -E '^\[ *[0-9]+\.[0-9]+\] .*(Oops|BUG:|WARNING:|Kernel panic|kernel BUG at|general protection fault|UBSAN:|KASAN:|refcount_t:|list_(add|del) corruption|soft lockup|hard LOCKUP|self-detected stall|blocked for more than|possible (circular|recursive) locking|inconsistent lock state|suspicious RCU usage|possible irq lock inversion|sleeping function called from invalid context|trying to register non-static key)' "$log" |
	sed 's/^\[ *[0-9.]*\] //' | sort -u | head -n 5) || true
while read -r line; do
	[ -z "$line" ] || notok "kernel: $line"
done <<<"$oops"
# When the guest died or the kernel complained, the kernel's own words go into the output (CI keeps only
# that): the console from 10 lines before the first complaint, or its last 60 lines.
if [ "$fail" = 1 ] && { [ -n "$oops" ] || [ -z "$rc" ]; }; then
	first=$(grep -n -m1 -E '^\[ *[0-9]+\.[0-9]+\] .*(Oops|BUG:|WARNING:|Kernel panic|kernel BUG at|general protection fault|UBSAN:|KASAN:|soft lockup|hard LOCKUP|self-detected stall|blocked for more than|possible (circular|recursive) locking)' "$log" | cut -d: -f1)
	if [ -n "$first" ]; then
		sed -n "$((first > 10 ? first - 10 : 1)),$((first + 70))p" "$log"
	else
		tail -n 60 "$log"
	fi | sed 's/^/# console: /'
fi
[ ! -e "$vm/reaped" ] || echo "# vm $abi: warning: the guest did not power off within 30 s of its end; stopped"
echo "# vm $abi: exit ${rc:-none}, boot+run ${secs}s, console log $log"
exit $fail
