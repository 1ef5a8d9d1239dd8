#!/usr/bin/env bash
# Run apt-get or apt-cache against Debian unstable (sid) of the host's package archive, with a private
# apt state under $CACHE/sid/apt, so the host's own apt configuration never sees unstable:
#   sid-apt.sh apt-cache depends linux-headers-amd64
#   sid-apt.sh apt-get download linux-binary-ABI
# The package lists are fetched on first use and again when older than a day (SID_APT_MAX_AGE, minutes);
# when the archive cannot be reached the lists already there are used.  The archive is a snapshot, so its
# unstable Release file may be past its validity date: allowed here, for unstable only.
set -euo pipefail
CACHE=${CACHE:-${HOME:-/root}/.cache/inputaudit}
here=$(cd "$(dirname "$0")" && pwd)
dir=$CACHE/sid/apt
max_age=${SID_APT_MAX_AGE:-1440}

opts=(-o "Dir::Etc::SourceList=$dir/sources.list" -o "Dir::Etc::SourceParts=-"
      -o "Dir::State=$dir/state" -o "Dir::State::Status=$dir/state/status"
      -o "Dir::Cache=$dir/cache" -o "Acquire::Check-Valid-Until=false"
      -o "APT::Sandbox::User=root" -o "Debug::NoLocking=1" -o "APT::Architecture=amd64"
      -o "APT::Architectures::=amd64")

mkdir -p "$dir/state/lists/partial" "$dir/cache/archives/partial"
exec 8>"$dir/.lock"
flock 8
if [ ! -s "$dir/sources.list" ]; then
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $("$here/archive.sh") sid main" \
		>"$dir/sources.list"
fi
touch "$dir/state/status"
if ! compgen -G "$dir/state/lists/*_Packages*" >/dev/null ||
	[ -n "$(find "$dir/state" -maxdepth 0 -mmin +"$max_age")" ]; then
	if apt-get "${opts[@]}" -qq update >&2; then
		touch "$dir/state"
	elif compgen -G "$dir/state/lists/*_Packages*" >/dev/null; then
		echo "sid-apt: cannot update unstable's package lists; using the ones from $(date -r "$dir/state" +%F)" >&2
	else
		echo "sid-apt: cannot fetch unstable's package lists" >&2
		exit 1
	fi
fi
flock -u 8
exec "$@" "${opts[@]}"
