#!/usr/bin/env bash
# Print the URL of the Debian package archive this host's apt uses (not the security archive), read from
# its apt sources at run time: the project never names a host.  Both formats: deb822 (*.sources) and
# one-line (sources.list, *.list).  With --security: the security archive's URL instead (empty output
# and exit 0 if the host has none).
set -euo pipefail
shopt -s nullglob
if [ "${1:-}" = --security ]; then want='-security'; else want=; fi
url=
for f in /etc/apt/sources.list.d/*.sources; do
	url=$(awk '
		function match_() { return uris != "" && types ~ /(^| )deb( |$)/ && (want == "" ? suites !~ /-security/ : suites ~ /-security/) }
		/^[ \t]*$/ { if (match_()) { print uris; exit } uris = suites = types = ""; next }
		/^Types:/ { $1 = ""; types = $0 }
		/^URIs:/ { uris = $2 }
		/^Suites:/ { $1 = ""; suites = $0 }
		END { if (match_()) print uris }' want="$want" "$f" | head -n1)
	[ -z "$url" ] || break
done
if [ -z "$url" ]; then
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		url=$(awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) while ($i !~ /\]$/) i++; if ($2 ~ /^\[/) i++
			if (want == "" ? $(i + 1) !~ /-security/ : $(i + 1) ~ /-security/) { print $i; exit } }' want="$want" "$f")
		[ -z "$url" ] || break
	done
fi
[ -n "$url" ] || [ -n "$want" ] || { echo "archive.sh: no Debian archive in this host's apt sources" >&2; exit 1; }
[ -z "$url" ] || echo "${url%/}"
