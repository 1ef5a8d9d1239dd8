#!/bin/sh
# Guest side of `make demo`: load the module, start the daemon as a fleet runs it (config file,
# unprivileged, chained file sink), type synthetic input, show the forwarded records, verify them.
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

say "insmod inputaudit.ko max_level=events window_ms=1000 heartbeat_ms=2000"
insmod "$INPUTAUDIT_KO" max_level=events window_ms=1000 heartbeat_ms=2000 || exit 1
grep -E '^(N|H):' /proc/bus/input/devices
say "status (world-readable): $(cat /sys/kernel/inputaudit/status)"

say "the daemon's configuration, a chain key, a log directory owned by its user"
mkdir -p /etc/inputaudit /var/log/inputaudit
chown inputaudit:inputaudit /var/log/inputaudit
(umask 077 && head -c 32 /dev/urandom >/etc/inputaudit/chain.key)
cat >/etc/inputaudit/inputauditd.conf <<'CONF'
[kernel]
level = events

[daemon]
user = inputaudit
group = inputaudit
stats_interval_ms = 0
; no node exporter in this VM: no metrics file
metrics_file =

[chain]
key = /etc/inputaudit/chain.key

[rule demo-tools]
match_virtual = yes
match_creator = ia-type*
action = alert

[sink file audit]
path = /var/log/inputaudit/audit.jsonl
CONF
cat /etc/inputaudit/inputauditd.conf
inputauditd --check-config /etc/inputaudit/inputauditd.conf

say "inputauditd -c /etc/inputaudit/inputauditd.conf (applies level=events, drops to user inputaudit)"
inputauditd -c /etc/inputaudit/inputauditd.conf &
daemon=$!
wait_attached
sleep 0.5
grep -E '^(Uid|CapEff|NoNewPrivs|Seccomp):' "/proc/$daemon/status"

say "typing 'hello world' on a new uinput keyboard (level events: key classes only)"
ia-type --keyboard "hello world"
sleep 1

say "lowering the level to activity (a config record and a kernel log line)"
echo activity > /sys/module/inputaudit/parameters/level
say "typing 'a secret password 123' (level activity: only counts leave the kernel)"
ia-type --keyboard "a secret password 123"
say "moving and clicking a new uinput mouse"
ia-type --mouse 30
sleep 2.5

say "inputauditctl status"
inputauditctl status

say "stopping the daemon (SIGTERM: final stats, final checkpoint, detach)"
kill -TERM "$daemon"
wait "$daemon"
echo "daemon exit: $?"

say "the forwarded records: $(ls -l /var/log/inputaudit/audit.jsonl)"
cat /var/log/inputaudit/audit.jsonl

say "inputauditctl verify (tamper evidence)"
demo_rc=0
inputauditctl verify --key /etc/inputaudit/chain.key /var/log/inputaudit/audit.jsonl || demo_rc=1
# The first key press (its line number depends on what came before it) turned into a release.
line=$(grep -n '"event":"key_press"' /var/log/inputaudit/audit.jsonl | head -n1 | cut -d: -f1)
echo "and after changing the first key press (line $line) into a release:"
sed -i "${line}s/\"key_press\"/\"key_release\"/" /var/log/inputaudit/audit.jsonl
if inputauditctl verify --key /etc/inputaudit/chain.key /var/log/inputaudit/audit.jsonl; then
	echo "demo: FAILED: verify did not notice the changed line"
	demo_rc=1
fi

say "module counters (root only)"
for f in records_emitted records_unconsumed no_consumer_ns; do
	printf '%s: ' "$f"; cat "/sys/kernel/inputaudit/$f"
done
cat /sys/kernel/inputaudit/counters
dmesg | grep 'inputaudit:'
rmmod inputaudit && echo "rmmod: ok"
exit $demo_rc
