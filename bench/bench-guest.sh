#!/bin/sh
# Guest side of `make bench`: set up ONE condition, then run ia_bench on it.
# usage: ia-bench-guest COND [ia_bench options]   (see bench/ia_bench.c)
cond=${1:?condition}
shift
# Rate limits out of the way (the bench measures capture, not suppression).
# Timestamps at the default 10 ms, the finest below level keys (the privacy
# floors); latency is measured with the harness's own clock, not theirs.
kp="dev_rate=1000000 dev_burst=1000000 global_rate=10000000 global_burst=10000000"
ko=${INPUTAUDIT_KO:-/lib/inputaudit/inputaudit.ko}
echo "# ia-bench-guest: $cond on $(uname -r), $(grep -c ^processor /proc/cpuinfo) vCPU"
case $cond in
base-noevdev) rmmod evdev || exit 1 ;;
b-off) insmod "$ko" level=off $kp || exit 1 ;;
b-activity|c-activity) insmod "$ko" level=activity $kp || exit 1 ;;
b-events|c-events|floor) insmod "$ko" level=events $kp || exit 1 ;;
esac
/bin/ia_bench --cond "$cond" "$@"
rc=$?
if [ -d /sys/kernel/inputaudit ]; then
	echo "# counters: $(cat /sys/kernel/inputaudit/counters | tr '\n' ' ')"
fi
exit $rc
