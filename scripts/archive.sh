#!/usr/bin/env bash
# Print the URL of the Debian package archive this host's apt uses (not the security archive), read from
# its apt sources at run time: the project never names a host.  Both formats: deb822 (*.sources) and
# one-line (sources.list, *.list).
set -euo pipefail
shopt -s nullglob
url=
for f in /etc/apt/sources.list.d/*.sources; do
	url=$(awk '
		/^[ \t]*$/ { if (uris != "" && suites !~ /-security/ && types ~ /(^| )deb( |$)/) { print uris; exit } uris = suites = types = ""; next }
		/^Types:/ { $1 = ""; types = $0 }
		/^URIs:/ { uris = $2 }
		/^Suites:/ { $1 = ""; suites = $0 }
		END { if (uris != "" && suites !~ /-security/ && types ~ /(^| )deb( |$)/) print uris }' "$f" | head -n1)
	[ -z "$url" ] || break
done
if [ -z "$url" ]; then
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		url=$(awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) while ($i !~ /\]$/) i++; if ($2 ~ /^\[/) i++
			if ($(i + 1) !~ /-security/) { print $i; exit } }' "$f")
		[ -z "$url" ] || break
	done
fi
[ -n "$url" ] || { echo "archive.sh: no Debian archive in this host's apt sources" >&2; exit 1; }
echo "${url%/}"
