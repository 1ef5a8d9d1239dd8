#!/usr/bin/env bash
# Build the Debian packages: scripts/deb.sh OUTDIR (make deb).
#
# 1. Build dependencies (debian/control's Build-Depends and the tools below) are installed with
#    apt-get when missing, as scripts/deps.sh does (root; NO_DEPS=1 skips this step).
# 2. The tracked files (git ls-files, as they are in the working tree, and untracked ones that
#    .gitignore does not exclude) are copied to OUTDIR/src, and debian/changelog is written there
#    from VERSION: the packages' version is VERSION.
# 3. dpkg-buildpackage -us -uc -b builds in OUTDIR/src; the .deb files land in OUTDIR.
#    DEB_VERSION=V builds them as version V instead (the copy's VERSION and dkms.conf say V).
# 4. lintian checks them; any error (E:) fails.  Warnings are fixed or overridden with a reason
#    in debian/*.lintian-overrides.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: scripts/deb.sh OUTDIR}
cd "$repo"
version=$(cat VERSION)
say() { printf '  %-9s %s\n' "$1" "$2"; }

# ---- 1. build dependencies ----
tools=(dpkg-dev debhelper dh-dkms fakeroot lintian git)
installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]; }
if [ "${NO_DEPS:-}" != 1 ]; then
	missing=()
	for p in "${tools[@]}"; do installed "$p" || missing+=("$p"); done
	# Build-Depends: every name, alternatives and versions stripped (all are plain names in Debian 12,
	# or virtual ones that debhelper and dh-dkms provide).
	for p in $(sed -n '/^Build-Depends:/,/^[A-Z]/p' debian/control | sed 's/^Build-Depends://; /^[A-Z]/d' |
		tr ',' '\n' | sed 's/[(|].*//; s/[[:space:]]//g' | grep -v '^$'); do
		case $p in
		debhelper-compat) p=debhelper ;;
		dh-sequence-dkms) p=dh-dkms ;;
		dh-sequence-*) p=debhelper ;;
		esac
		installed "$p" || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		[ "$(id -u)" -eq 0 ] || { echo "deb: missing ${missing[*]}; run as root (or NO_DEPS=1)" >&2; exit 1; }
		echo "deb: installing ${missing[*]}"
		apt-get update -qq
		apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends "${missing[@]}"
	fi
fi

# ---- 2. the source copy and its changelog ----
git rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
	{ echo "deb: $repo is not a git checkout: the package is built from its tracked files" >&2; exit 1; }
grep -qx "PACKAGE_VERSION=\"$version\"" dkms.conf ||
	{ echo "deb: dkms.conf PACKAGE_VERSION is not $version (VERSION)" >&2; exit 1; }
[ ! -e debian/changelog ] ||
	{ echo "deb: debian/changelog is written from VERSION at build time; remove the committed one" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out/src"
say COPY "$out/src"
# Untracked files that .gitignore does not exclude come along too (new files not yet added).
git ls-files -z --cached --others --exclude-standard | xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\\0" "$f"; done' sh |
	xargs -0 cp -p --parents -t "$out/src" --
# DEB_VERSION: another version for these packages than VERSION (the deployed-system test builds a
# newer one to upgrade to): the copy's VERSION and dkms.conf say it.
if [ -n "${DEB_VERSION:-}" ] && [ "$DEB_VERSION" != "$version" ]; then
	[[ $DEB_VERSION =~ ^[0-9][0-9A-Za-z.+~]*$ ]] || { echo "deb: DEB_VERSION '$DEB_VERSION' is not a version" >&2; exit 1; }
	version=$DEB_VERSION
	echo "$version" >"$out/src/VERSION"
	sed -i "s/^PACKAGE_VERSION=.*/PACKAGE_VERSION=\"$version\"/" "$out/src/dkms.conf"
	say VERSION "$version (DEB_VERSION)"
fi
commit=$(git rev-parse --short=12 HEAD)
dirty=$(git status --porcelain --untracked-files=no | grep -q . && echo ", with uncommitted changes" || true)
maintainer=$(sed -n 's/^Maintainer: //p' debian/control)
# The commit's date: the same tree gives the same changelog (dpkg takes SOURCE_DATE_EPOCH from it).
date=$(git log -1 --format=%aD HEAD)
cat >"$out/src/debian/changelog" <<CHANGELOG
inputaudit ($version) unstable; urgency=medium

  * Built from commit $commit$dirty (make deb).

 -- $maintainer  $date
CHANGELOG

# ---- 3. build ----
say DEB "dpkg-buildpackage -us -uc -b ($out/build.log)"
if ! (cd "$out/src" && dpkg-buildpackage -us -uc -b >"$out/build.log" 2>&1); then
	tail -n 40 "$out/build.log" >&2
	echo "deb: dpkg-buildpackage failed; the whole log: $out/build.log" >&2
	exit 1
fi
[ "${V:-}" = 1 ] && cat "$out/build.log"
debs=("$out"/inputauditd_"$version"_*.deb "$out"/inputaudit-dkms_"$version"_all.deb)
for d in "${debs[@]}"; do
	[ -f "$d" ] || { echo "deb: $d was not built" >&2; exit 1; }
	say DEB "$d"
done

# ---- 4. lintian ----
say LINTIAN "${debs[*]##*/} ($out/lintian.log)"
lintian --fail-on error --display-info --show-overrides "${debs[@]}" >"$out/lintian.log" 2>&1 && rc=0 || rc=$?
grep -v '^N: ' "$out/lintian.log" | grep -E '^[EW]: ' | sed 's/^/  /' || true
if [ $rc -ne 0 ] || grep -q '^E: ' "$out/lintian.log"; then
	echo "deb: lintian reports errors ($out/lintian.log)" >&2
	exit 1
fi
