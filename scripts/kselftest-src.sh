#!/usr/bin/env bash
# Extract the kselftest harness headers and checkpatch.pl from Debian's linux-source tarball into $CACHE/linux-src.
set -euo pipefail
CACHE=${CACHE:-${HOME:-/root}/.cache/inputaudit}
dest=$CACHE/linux-src
files=(tools/testing/selftests/kselftest_harness.h tools/testing/selftests/kselftest.h
       scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch)

have() { for f in "${files[@]}"; do [ -s "$dest/$f" ] || return 1; done; }
have && exit 0
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock-linux-src"
flock 9			# another build may be extracting already
have && exit 0

tarball=$(ls /usr/src/linux-source-6.*.tar.xz 2>/dev/null | sort -V | tail -n1)
[ -n "$tarball" ] || { echo "kselftest-src: no /usr/src/linux-source-6.*.tar.xz; run scripts/deps.sh" >&2; exit 1; }
top=$(basename "$tarball" .tar.xz)
echo "kselftest-src: extracting ${#files[@]} files from $tarball (takes about a minute)"
tmp=$(mktemp -d "$CACHE/.linux-src.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
tar -xJf "$tarball" -C "$tmp" --strip-components=1 --occurrence=1 \
	--checkpoint=10000 --checkpoint-action=dot "${files[@]/#/$top/}"
echo
chmod 755 "$tmp"
echo "$top" >"$tmp/VERSION"
rm -rf "$dest"
mv "$tmp" "$dest"
echo "kselftest-src: $dest ready"
