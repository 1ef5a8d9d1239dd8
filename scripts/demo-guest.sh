#!/bin/sh
# Guest side of `make demo`: load the module, start the daemon, type synthetic input, show records.
set -u
say() { printf '\n### %s\n' "$*"; }
wait_attached() {
	for _ in $(seq 100); do
		grep -q consumer=attached /sys/kernel/inputaudit/status && return 0
		sleep 0.1
	done
	echo "demo: the daemon did not attach" >&2
	exit 1
}

say "insmod inputaudit.ko level=events window_ms=1000"
insmod "$INPUTAUDIT_KO" level=events window_ms=1000 || exit 1
grep -E '^(N|H):' /proc/bus/input/devices
say "status (world-readable): $(cat /sys/kernel/inputaudit/status)"

say "inputauditd: JSON Lines on stdout"
inputauditd --latency-ms 20 &
daemon=$!
wait_attached

say "typing 'hello world' on a new uinput keyboard (level events: key classes only)"
ia-type --keyboard "hello world"
sleep 1

say "lowering the level to activity (a config record and a kernel log line)"
echo activity > /sys/module/inputaudit/parameters/level
say "typing 'a secret password 123' (level activity: only counts leave the kernel)"
ia-type --keyboard "a secret password 123"
say "moving and clicking a new uinput mouse"
ia-type --mouse 30
sleep 2

say "stopping the daemon (SIGTERM: final stats, detach)"
kill -TERM "$daemon"
wait "$daemon"
echo "daemon exit: $?"

say "module counters (root only)"
for f in records_emitted records_unconsumed no_consumer_ns; do
	printf '%s: ' "$f"; cat "/sys/kernel/inputaudit/$f"
done
cat /sys/kernel/inputaudit/counters
for d in /sys/kernel/inputaudit/devices/*; do
	echo "device ${d##*/}: $(cat "$d/name"), $(cat "$d/creator")"
done
dmesg | grep 'inputaudit:'
rmmod inputaudit && echo "rmmod: ok"
