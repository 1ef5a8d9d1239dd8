#!/usr/bin/env bash
# make bench-daemon: the daemon's figures on the host, as rows of $OUT/bench/extra-daemon.tsv
# (figure, kernel, value, unit, target, verdict); optionally the VM's module bytes per device.
#   instructions per record (callgrind, --replay of synthetic records; the difference between
#   a run of N and one of 2N records, divided by N, so start-up and exit cost nothing):
#     JSON Lines without and with --chain-key, and the syslog sink (RFC 5424 over TCP to
#     ia-sink-discard on 127.0.0.1; a syslog sink needs the chain, so it is always chained)
#   peak RSS (ru_maxrss = VmHWM) after 1 M records through --replay
# Usage: scripts/bench-daemon.sh   (BENCH_N: records of the smaller run, default 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-$PWD/build}
bin=$OUT/bench/daemon
daemon=$OUT/userspace/inputauditd
N=${BENCH_N:-100000}
RSS_N=${BENCH_RSS_N:-1000000}
tsv=$OUT/bench/extra-daemon.tsv
tmp=$OUT/bench/daemon-tmp
rm -rf "$tmp"
mkdir -p "$tmp"
sink_pid=
cleanup() { [ -z "$sink_pid" ] || kill "$sink_pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

command -v valgrind >/dev/null || { echo "bench-daemon: valgrind missing (scripts/deps.sh)" >&2; exit 1; }
"$bin/ia-recgen" "$N" "$tmp/n.iarec"
"$bin/ia-recgen" $((2 * N)) "$tmp/2n.iarec"
head -c 32 /dev/zero | tr '\0' 'k' >"$tmp/chain.key"
chmod 600 "$tmp/chain.key"

# The sink for the syslog runs.
"$bin/ia-sink-discard" "$tmp/port" 1200 >"$tmp/sink.bytes" &
sink_pid=$!
for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || { echo "bench-daemon: ia-sink-discard did not start" >&2; exit 1; }
cat >"$tmp/syslog.conf" <<CONF
[chain]
key = $tmp/chain.key
[sink syslog bench]
host = 127.0.0.1
port = $(cat "$tmp/port")
spool_dir = $tmp/spool
transport = tcp
CONF

# callgrind's instruction total for one replay: cg FILE ARGS...
cg() {
	local rec=$1 f=$tmp/cg.out; shift
	valgrind --tool=callgrind --callgrind-out-file="$f" -q \
		"$daemon" --replay "$rec" --stats-interval-ms 0 "$@" >/dev/null 2>"$tmp/cg.err" ||
		{ cat "$tmp/cg.err" >&2; echo "bench-daemon: replay failed: $*" >&2; exit 1; }
	sed -n 's/^summary: *\([0-9]*\).*/\1/p; s/^totals: *\([0-9]*\).*/\1/p' "$f" | head -n1
}
per_record() {	# per_record ARGS...: instructions per record, to one decimal
	local a b
	a=$(cg "$tmp/n.iarec" "$@")
	b=$(cg "$tmp/2n.iarec" "$@")
	awk -v a="$a" -v b="$b" -v n="$N" 'BEGIN { printf "%.1f", (b - a) / n }'
}
verdict() {	# verdict VALUE LIMIT
	awk -v v="$1" -v l="$2" 'BEGIN { print (v <= l) ? "met" : "MISSED" }'
}

: >"$tsv.new"
row() { printf '%s\thost\t%s\t%s\t%s\t%s\n' "$@" | tee -a "$tsv.new"; }

json=$(per_record --no-config -o /dev/null)
row "daemon instructions per record, JSON Lines" "$json" "instr/record" "<= 1500" "$(verdict "$json" 1500)"
chained=$(per_record --no-config --chain-key "$tmp/chain.key" -o /dev/null)
row "daemon instructions per record, JSON Lines + chain (HMAC-SHA256)" "$chained" "instr/record" "-" "-"
# Linked runs with the key evolving at every checkpoint (issue 18; the most costly setting).
printf '[chain]\nkey = %s\nstate_dir = %s\nepoch_minutes = 0\n' "$tmp/chain.key" "$tmp/chain-state" \
	>"$tmp/linked.conf"
linked=$(per_record -c "$tmp/linked.conf" -o /dev/null)
row "daemon instructions per record, chain + linked runs, epoch per checkpoint" "$linked" "instr/record" "-" "-"
syslog=$(per_record -c "$tmp/syslog.conf")
kill "$sink_pid"; wait "$sink_pid" || true; sink_pid=
bytes=$(cat "$tmp/sink.bytes")
[ "${bytes:-0}" -gt 0 ] || { echo "bench-daemon: the syslog sink received nothing" >&2; exit 1; }
row "daemon instructions per record, syslog (RFC 5424/TCP, chained)" "$syslog" "instr/record" "-" "-"

"$bin/ia-recgen" "$RSS_N" "$tmp/rss.iarec"
rss=$("$bin/ia-maxrss" "$daemon" --replay "$tmp/rss.iarec" --no-config \
	--chain-key "$tmp/chain.key" --stats-interval-ms 0 -o "$tmp/rss.jsonl" 2>"$tmp/rss.err") ||
	{ cat "$tmp/rss.err" >&2; exit 1; }
lines=$(wc -l <"$tmp/rss.jsonl")
rm -f "$tmp/rss.jsonl" "$tmp/rss.iarec"
row "daemon peak RSS (VmHWM) after $RSS_N records (--replay, chained; $lines lines)" "$rss" "KiB" "-" "-"

# Module bytes per attached device, measured in the VM by bench-devmem (appended when run).
[ ! -s "$OUT/bench/devmem.tsv" ] || tee -a "$tsv.new" <"$OUT/bench/devmem.tsv"
mv "$tsv.new" "$tsv"
echo "bench-daemon: wrote $tsv"
