#!/bin/sh
# Guest side of `make check-debug` (installed as /bin/debug-guest): run the command given, then let
# kmemleak scan and fail on any leak attributed to inputaudit: a backtrace frame in [inputaudit], or a
# frame that no longer resolves (a module unloaded since: only inputaudit is unloaded by the tests).
kml=/sys/kernel/debug/kmemleak
if [ -w "$kml" ]; then
	echo scan >"$kml"	# the boot's own suspects are not ours: report them now, then forget them
	echo "# kmemleak: $(grep -c '^unreferenced object' "$kml") suspects from the boot, cleared"
	echo clear >"$kml"
fi
# For the tests: slab and SUnreclaim figures include KASAN's quarantine and kmemleak's own objects
# here, and everything runs several times slower; kmemleak replaces slab-growth leak checks.
export INPUTAUDIT_DEBUG_KERNEL=1 STRESS_SLAB_CHECK=0
"$@"
rc=$?
# lockdep turns itself off after its first report (or when its tables overflow): say if it did.
if [ -r /proc/lockdep_stats ]; then
	if grep -q 'debug_locks: *1' /proc/lockdep_stats; then
		echo "ok - lockdep still on at the end (debug_locks 1)"
	else
		echo "not ok - lockdep switched itself off during the run (see the console for its report)"
		grep -E 'debug_locks|lock-classes|direct dependencies|dependency chains' /proc/lockdep_stats | sed 's/^/# /'
		rc=1
	fi
fi
if [ ! -w "$kml" ]; then
	echo "ok - kmemleak # SKIP $kml not there (kernel without DEBUG_KMEMLEAK)"
	exit $rc
fi
sleep 6			# kmemleak ignores objects younger than 5 s
if ! { echo scan >"$kml" && echo scan >"$kml"; } 2>/dev/null; then	# the second pass drops objects in flight
	echo "not ok - kmemleak: scan refused, kmemleak switched itself off during the run (see the console)"
	exit 1
fi
cat "$kml" >/tmp/kmemleak.txt
awk -v rc="$rc" '
function flush() {
	if (obj == "") return
	total++
	if (ours) { mine++; printf "%s", text }
	else if (++other <= 10) { gsub(/# kmemleak: /, "# kmemleak, not inputaudit: ", text); printf "%s", text }
	obj = ""; ours = 0; text = ""
}
/^unreferenced object/ { flush(); obj = $0 }
/^ *comm "/ { comm = $0; sub(/^ */, "", comm) }
obj != "" {
	text = text "# kmemleak: " $0 "\n"
	if ($0 ~ /\[inputaudit\]/ || $0 ~ /^[ \t]*(\[<[0-9a-f]+>\] )?0x[0-9a-f]+$/) ours = 1
}
END {
	flush()
	if (mine) printf "not ok - kmemleak: %d of %d unreferenced objects attributed to inputaudit\n", mine, total
	else printf "ok - kmemleak: none of %d unreferenced objects attributed to inputaudit\n", total
	exit mine ? 1 : rc
}' /tmp/kmemleak.txt
