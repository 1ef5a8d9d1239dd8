#!/usr/bin/env bash
# Count TAP results in files (or stdin); print per-file counts, then "N passed, N failed, N skipped"; fail if any failed or none ran.
set -euo pipefail
awk '
function flush() {
	if (file != "" && file != "-")
		printf "# %s: %d passed, %d failed, %d skipped\n", file, fp, ff, fs
	fp = ff = fs = 0
}
FNR == 1 { flush(); file = FILENAME }
/^not ok([ \t]|$)/ { ff++; f++; next }
/^ok([ \t]|$)/ {
	if (toupper($0) ~ /#[ \t]*SKIP/) { fs++; s++ } else { fp++; p++ }
}
END {
	flush()
	printf "%d passed, %d failed, %d skipped\n", p, f, s
	exit (f > 0 || p + f + s == 0) ? 1 : 0
}' "$@"
