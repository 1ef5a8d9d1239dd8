#!/usr/bin/env bash
# How busy the machine's CPUs were while make check ran (issue 14: where a fresh run's time goes).
#   cpu-sample.sh record FILE       every 10 s, append "SECONDS busy_ticks total_ticks" (until killed)
#   cpu-sample.sh report FILE       one comment line: the whole run's utilization and each 5 minutes'
# busy = all ticks but idle and iowait, over all CPUs: 100 % is every core busy.
set -euo pipefail
case ${1:-} in
record)
	start=$(date +%s)
	while :; do
		read -r _ user nice system idle iowait irq softirq steal _ </proc/stat
		total=$((user + nice + system + idle + iowait + irq + softirq + steal))
		echo "$(($(date +%s) - start)) $((total - idle - iowait)) $total" >>"$2"
		sleep 10
	done ;;
report)
	awk '
	NR == 1 { t0 = $1; b0 = $2; n0 = $3; bt = $1; bb = $2; bn = $3; next }
	{ t = $1; b = $2; n = $3
	  if (t - bt >= 300) { s = s sprintf(" %d-%ds %d%%", bt - t0, t - t0, 100 * (b - bb) / (n - bn)); bt = t; bb = b; bn = n } }
	END { if (NR < 2) { print "# cpu: not sampled"; exit }
	      if (t > bt) s = s sprintf(" %d-%ds %d%%", bt - t0, t - t0, 100 * (b - bb) / (n - bn))
	      printf "# cpu: busy %d%% of all cores over %d s;%s\n", 100 * (b - b0) / (n - n0), t - t0, s }' "$2" ;;
*) echo "usage: cpu-sample.sh record|report FILE" >&2; exit 2 ;;
esac
