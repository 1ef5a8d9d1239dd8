#!/usr/bin/env bash
# make bench-tls: syslog over TLS against plain TCP, to the same local rsyslogd in one run.
# One rsyslogd (rsyslog-openssl) listens twice on 127.0.0.1: TLS (ossl driver, a client
# certificate required) and plain TCP, each input writing to a file of its own.  The
# release daemon replays the same synthetic record file (ia-recgen) through a [sink syslog]
# with transport = tls (mutual authentication) and with transport = tcp, alternately,
# BENCH_TLS_RUNS times each.  Per run: lines per second = the lines the collector stored /
# the collector's rate between lines N/4 and 3N/4 of the run; the daemon's CPU (user +
# system, wait4) per record (one line each, and a few of its own).  Prints the medians and the TLS/TCP ratio.
# Usage: scripts/bench-tls.sh   (BENCH_TLS_N: records per run, default 200000;
#                                BENCH_TLS_RUNS: runs per transport, default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-$PWD/build}
bin=$OUT/bench/daemon
daemon=$OUT/userspace/inputauditd
N=${BENCH_TLS_N:-200000}
RUNS=${BENCH_TLS_RUNS:-3}
tmp=$(mktemp -d /tmp/ia-bench-tls.XXXXXX)
rs_pid=
cleanup() { [ -z "$rs_pid" ] || kill "$rs_pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

[ -x /usr/sbin/rsyslogd ] && [ -e /usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_ossl.so ] ||
	{ echo "bench-tls: needs rsyslog and rsyslog-openssl (scripts/deps.sh)" >&2; exit 1; }

# Test certificates, made now, removed at the end.
(
	cd "$tmp"; umask 077
	openssl req -x509 -new -newkey rsa:2048 -nodes -days 1 -subj /CN=bench-ca \
		-keyout ca.key -out ca.pem >/dev/null 2>&1
	for leaf in srv:collector.test cli:client.test; do
		n=${leaf%%:*}; dns=${leaf#*:}
		openssl req -new -newkey rsa:2048 -nodes -subj "/CN=$dns" -keyout $n.key \
			-out $n.csr >/dev/null 2>&1
		printf 'subjectAltName=DNS:%s\n' "$dns" >$n.ext
		openssl x509 -req -in $n.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 \
			-extfile $n.ext -out $n.pem >/dev/null 2>&1
	done
	chmod 0644 ./*.pem
)
"$bin/ia-recgen" "$N" "$tmp/r.iarec"
head -c 32 /dev/zero | tr '\0' 'k' >"$tmp/chain.key"
chmod 600 "$tmp/chain.key"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
tls_port=$(free_port)
tcp_port=$(free_port)
mkdir "$tmp/work"
cat >"$tmp/rsyslog.conf" <<CONF
global(workDirectory="$tmp/work" maxMessageSize="64k"
       DefaultNetstreamDriver="ossl" DefaultNetstreamDriverCAFile="$tmp/ca.pem"
       DefaultNetstreamDriverCertFile="$tmp/srv.pem" DefaultNetstreamDriverKeyFile="$tmp/srv.key")
module(load="imtcp" StreamDriver.Name="ossl" StreamDriver.Mode="1" StreamDriver.AuthMode="x509/certvalid")
template(name="t" type="string" string="%msgid%\t%msg%\n")
ruleset(name="tls") { action(type="omfile" file="$tmp/out-tls" template="t") }
ruleset(name="tcp") { action(type="omfile" file="$tmp/out-tcp" template="t") }
input(type="imtcp" address="127.0.0.1" port="$tls_port" ruleset="tls")
input(type="imtcp" address="127.0.0.1" port="$tcp_port" ruleset="tcp"
      StreamDriver.Name="ptcp" StreamDriver.Mode="0" StreamDriver.AuthMode="anon")
CONF
/usr/sbin/rsyslogd -n -f "$tmp/rsyslog.conf" -i "$tmp/rsyslogd.pid" >"$tmp/rsyslogd.log" 2>&1 &
rs_pid=$!
for _ in $(seq 100); do
	(exec 3<>/dev/tcp/127.0.0.1/$tls_port) 2>/dev/null && (exec 3<>/dev/tcp/127.0.0.1/$tcp_port) 2>/dev/null && break
	sleep 0.1
done

for t in tls tcp; do
	{
		printf '[chain]\nkey = %s\n[sink syslog bench]\nhost = 127.0.0.1\n' "$tmp/chain.key"
		printf 'spool_dir = %s/spool-%s\n' "$tmp" "$t"
		if [ $t = tls ]; then
			printf 'port = %s\ntls_ca = %s/ca.pem\ntls_peer_name = collector.test\n' "$tls_port" "$tmp"
			printf 'tls_cert = %s/cli.pem\ntls_key = %s/cli.key\n' "$tmp" "$tmp"
		else
			printf 'port = %s\ntransport = tcp\n' "$tcp_port"
		fi
	} >"$tmp/$t.conf"
done

now() { date +%s.%N; }
# run T: one replay over transport T; prints "LINES_PER_S CPU_US_PER_RECORD RECORDS".
# The rate is the collector's between the lines N/4 and 3N/4 of the run (steady state:
# no start-up; at its end a replay stops with what the collector has not taken yet left
# in the spool, see README); the CPU is the daemon's whole run over the lines it wrote.
run() {
	local t=$1 out=$tmp/out-$1 lo=$((N / 4)) hi=$((3 * N / 4)) t_lo= t_hi= lines cpu
	rm -rf "$tmp/spool-$t"; : >"$out"
	"$bin/ia-cputime" "$daemon" --replay "$tmp/r.iarec" --stats-interval-ms 0 \
		-c "$tmp/$t.conf" >"$tmp/cpu-$t" 2>"$tmp/daemon-$t.err" </dev/null &
	local pid=$!
	for _ in $(seq 6000); do
		lines=$(wc -l <"$out")
		[ -n "$t_lo" ] || [ "$lines" -lt "$lo" ] || t_lo=$(now)
		[ "$lines" -lt "$hi" ] || { t_hi=$(now); break; }
		sleep 0.01
	done
	wait "$pid" || { cat "$tmp/daemon-$t.err" >&2; exit 1; }
	[ -n "$t_hi" ] || { echo "bench-tls: $t: line $hi never arrived" >&2; exit 1; }
	# The lines the daemon wrote: one per record, and its own few (chain_start, stats...).
	lines=$N
	awk -v n="$((hi - lo))" -v a="$t_lo" -v b="$t_hi" -v c="$(cat "$tmp/cpu-$t")" -v l="$lines" 'BEGIN {
		split(c, u, " "); printf "%.0f %.2f %d\n", n / (b - a), (u[1] + u[2]) * 1e6 / l, l }'
}
for i in $(seq "$RUNS"); do
	for t in tcp tls; do
		r=$(run $t)
		echo "$t $r" >>"$tmp/results"
		echo "bench-tls: run $i $t: $r (lines/s, daemon CPU us/record, records)"
	done
done
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
tcp_rate=$(awk '$1 == "tcp" { print $2 }' "$tmp/results" | median)
tls_rate=$(awk '$1 == "tls" { print $2 }' "$tmp/results" | median)
tcp_cpu=$(awk '$1 == "tcp" { print $3 }' "$tmp/results" | median)
tls_cpu=$(awk '$1 == "tls" { print $3 }' "$tmp/results" | median)
echo "bench-tls: median of $RUNS runs of $N records, rsyslogd $(/usr/sbin/rsyslogd -v | head -n1 | awk '{print $2}' | tr -d ,) on 127.0.0.1:"
printf '  %-40s %10s lines/s  daemon CPU %6s us/record\n' "tcp (plain)" "$tcp_rate" "$tcp_cpu"
printf '  %-40s %10s lines/s  daemon CPU %6s us/record\n' "tls (TLSv1.3, mutual authentication)" "$tls_rate" "$tls_cpu"
awk -v a="$tls_rate" -v b="$tcp_rate" -v c="$tls_cpu" -v d="$tcp_cpu" \
	'BEGIN { printf "  TLS/TCP: throughput %.2f, daemon CPU per record %.2f\n", a / b, c / d }'
