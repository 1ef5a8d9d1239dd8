#!/usr/bin/env bash
# Count TAP results in files (or stdin); print per-file counts, each failed test with the first
# failed assertion of it (or, without one, its last FAIL diagnostic: so the tail of a CI log names
# what failed), then
# "N passed, N failed, N skipped"; fail if any failed or none ran.
set -euo pipefail
awk '
function flush() {
	if (file != "" && file != "-")
		printf "# %s: %d passed, %d failed, %d skipped\n", file, fp, ff, fs
	printf "%s", failed
	fp = ff = fs = 0
	failed = why = ""
}
FNR == 1 { flush(); file = FILENAME }
# a kselftest assertion ("# path.c:LINE:test:Expected ..."): the first is the cause, later ones
# mostly follow from it; else a TAP diagnostic of a failure
/^#.*Expected/ { if (why !~ /Expected/) why = $0; next }
/^#.*FAIL/ { if (why !~ /Expected/) why = $0 }
/^not ok([ \t]|$)/ {
	ff++; f++
	failed = failed "#   " $0 "\n" (why != "" ? "#     " why "\n" : "")
	why = ""
	next
}
/^ok([ \t]|$)/ {
	why = ""
	if (toupper($0) ~ /#[ \t]*SKIP/) { fs++; s++ } else { fp++; p++ }
}
END {
	flush()
	printf "%d passed, %d failed, %d skipped\n", p, f, s
	exit (f > 0 || p + f + s == 0) ? 1 : 0
}' "$@"
