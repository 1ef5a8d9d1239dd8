#!/usr/bin/env bash
# Print the kernel test matrix (one ABI per line): the 6.1 ABI of linux-headers-amd64, the newest 6.12 ABI,
# and the newest kernel of Debian unstable (the ABI its linux-headers-amd64 depends on; built for in an
# unstable chroot, scripts/kbuild.sh).  Names are resolved from the package archive at run time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

# 6.1: the ABI the headers metapackage currently depends on.
abi61=$(apt-cache depends linux-headers-amd64 2>/dev/null |
	sed -n 's/^ *Depends: linux-headers-\(6\.1\.[0-9]*-[0-9]*-amd64\)$/\1/p' | head -n1)

# 6.12: the newest linux-headers-6.12.N+debXX-amd64 that apt can install.
abi612=$(apt-cache pkgnames linux-headers-6.12. 2>/dev/null |
	sed -n 's/^linux-headers-\(6\.12\.[0-9]*+deb[0-9]*-amd64\)$/\1/p' | sort -rV |
	while read -r a; do
		if apt-cache show "linux-headers-$a" >/dev/null 2>&1; then echo "$a"; break; fi
	done)

# Unstable's newest: what its linux-headers-amd64 depends on (scripts/sid-apt.sh keeps unstable's lists).
abisid=$("$here/sid-apt.sh" apt-cache depends linux-headers-amd64 2>/dev/null |
	sed -n 's/^ *Depends: linux-headers-\([0-9][0-9.]*[^ ]*-amd64\)$/\1/p' | head -n1) || true

if [ -z "$abi61" ] || [ -z "$abi612" ]; then
	echo "kernels.sh: cannot resolve kernel ABIs from apt (6.1='$abi61' 6.12='$abi612'); run apt-get update" >&2
	exit 1
fi
if [ -z "$abisid" ]; then
	echo "kernels.sh: cannot resolve Debian unstable's newest kernel (scripts/sid-apt.sh apt-cache depends linux-headers-amd64)" >&2
	exit 1
fi
printf '%s\n' "$abi61" "$abi612" "$abisid"
