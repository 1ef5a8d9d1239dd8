#!/usr/bin/env bash
# Packaging tests, TAP on stdout: DKMS builds the module from the installed source tree for every
# kernel of the matrix whose headers are here (in a private DKMS tree, signed with a throwaway
# key), then `make install DESTDIR=...` puts the expected files in place with the right modes,
# the unit passes systemd-analyze verify, sysusers.d/tmpfiles.d work on a scratch root, and
# `make uninstall` removes everything again; `make deb` builds both Debian packages, lintian-clean,
# with the expected files and maintainer scripts, and DKMS builds the module from the dkms package's
# tree.  Needs root (DKMS, file ownership); skips otherwise.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
export OUT=${OUT:-$repo/build}
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() {	# check DESCRIPTION COMMAND...: one test line from a command's exit status
	local what=$1
	shift
	if "$@" >"$tmp/cmd.log" 2>&1; then ok "$what"; else notok "$what"; sed 's/^/# /' "$tmp/cmd.log" | tail -n 20; fi
}
no_alias() {	# no_alias KO WHAT: no MODULE_DEVICE_TABLE, so udev never loads it for a device
	local aliases
	aliases=$(modinfo -F alias "$1" 2>&1)
	if [ -z "$aliases" ]; then ok "$2 declares no device alias (udev does not autoload it)"
	else notok "$2 declares no device alias (udev does not autoload it): $(echo "$aliases" | wc -l) aliases, first '$(echo "$aliases" | head -n1)'"; fi
}
mode_is() {	# mode_is PATH OCTAL: the file's permission bits, and owned by root
	[ -e "$1" ] && [ "$(stat -c %a "$1")" = "$2" ] && [ "$(stat -c %u:%g "$1")" = 0:0 ]
}

echo "TAP version 13"
if [ "$(id -u)" != 0 ]; then
	echo "ok 1 - packaging tests # SKIP needs root (dkms, file ownership)"
	echo "1..1"
	exit 0
fi
tmp=$(mktemp -d /tmp/ia-packaging.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
version=$(cat VERSION)
kernels=${KERNELS:-$(scripts/kernels.sh 2>/dev/null)}
kernels=$(echo $kernels)

# ---- (a) DKMS, from the tree make install-dkms makes, in a private dkms tree ----
src=$tmp/src/usr/src
mkdir -p "$tmp/dkms"
dkms_args=(-m inputaudit -v "$version" --sourcetree "$src" --dkmstree "$tmp/dkms")
check "dkms.conf PACKAGE_VERSION is VERSION ($version)" grep -qx "PACKAGE_VERSION=\"$version\"" dkms.conf
check "make install-dkms puts the module source in /usr/src/inputaudit-$version" \
	make -s install-dkms DESTDIR="$tmp/src"
missing=
for f in dkms.conf VERSION Kbuild kmod/Kbuild kmod/main.c include/inputaudit.h; do
	[ -f "$src/inputaudit-$version/$f" ] || missing+=" $f"
done
if [ -z "$missing" ]; then ok "the dkms source tree has dkms.conf, Kbuild, kmod/, include/"
else notok "the dkms source tree lacks$missing"; fi
# dkms_built ABI MODDIR DKMS...: checks of one kernel's build; MODDIR is where the built module is (seen
# from here), DKMS the dkms command to ask for its status (with its arguments).
dkms_built() {
	local abi=$1 moddir=$2 ko vermagic signer
	shift 2
	ko=$(ls "$moddir/"inputaudit.ko* 2>/dev/null | head -n1)
	if [ -z "$ko" ]; then
		notok "dkms built inputaudit.ko for $abi"
		return 1
	fi
	ok "dkms built $(basename "$ko") for $abi"
	vermagic=$(modinfo -F vermagic "$ko" 2>/dev/null)
	if [ "${vermagic%% *}" = "$abi" ]; then ok "its vermagic is $abi"
	else notok "its vermagic is $abi (got '$vermagic')"; fi
	no_alias "$ko" "the dkms-built module for $abi"
	signer=$(modinfo -F signer "$ko" 2>/dev/null)
	if [ "$signer" = "DKMS module signing key" ]; then ok "dkms signed it with the MOK key"
	else notok "dkms signed it with the MOK key (signer '$signer')"; fi
	if "$@" status -k "$abi" 2>/dev/null | grep -q ": built"; then
		ok "dkms status: built for $abi"
	else
		notok "dkms status: built for $abi"
	fi
}
sid_kernels=
if ! command -v dkms >/dev/null; then
	skip "dkms build" "dkms is not installed (scripts/deps.sh installs it)"
else
	check "dkms add" dkms add "${dkms_args[@]}"
	# A throwaway signing key: DKMS makes it (and signs with it) unless framework.conf names one.
	export mok_signing_key=$tmp/mok.key mok_certificate=$tmp/mok.der
	for abi in $kernels; do
		if [ ! -f "/lib/modules/$abi/build/Makefile" ] && [ ! -f "/usr/src/linux-headers-$abi/Makefile" ]; then
			sid_kernels+=" $abi"	# Debian unstable's: below
			continue
		fi
		ksrc=/lib/modules/$abi/build
		[ -f "$ksrc/Makefile" ] || ksrc=/usr/src/linux-headers-$abi
		check "dkms build for $abi" dkms build "${dkms_args[@]}" -k "$abi" --kernelsourcedir "$ksrc"
		dkms_built "$abi" "$tmp/dkms/inputaudit/$version/$abi/x86_64/module" dkms "${dkms_args[@]}" ||
			sed 's/^/# /' "$tmp/dkms/inputaudit/$version/build/make.log" 2>/dev/null | tail -n 20
	done
	check "dkms remove --all" dkms remove "${dkms_args[@]}" --all
	if [ -e "$tmp/dkms/inputaudit/$version" ]; then notok "dkms remove left nothing behind"
	else ok "dkms remove left nothing behind"; fi
	unset mok_signing_key mok_certificate
fi
# Debian unstable's kernel (scripts/kernels.sh): its headers need unstable's compiler, so unstable's dkms
# builds the same source tree in the unstable chroot (scripts/sid-run.sh), as a fleet's DKMS would there.
for abi in $sid_kernels; do
	if ! root=$(scripts/sid-chroot.sh "$abi" 2>"$tmp/cmd.log"); then
		notok "dkms build for $abi: no unstable chroot"; sed 's/^/# /' "$tmp/cmd.log" | tail -n 20
		continue
	fi
	mkdir -p "$root/build"
	top=$(mktemp -d "$root/build/dkms.XXXXXX")
	in=/build/${top##*/}
	cp -a "$tmp/src/usr/src" "$top/src"
	mkdir "$top/dkms"
	run=(scripts/sid-run.sh "$abi" env "mok_signing_key=$in/mok.key" "mok_certificate=$in/mok.der" dkms)
	args=(-m inputaudit -v "$version" --sourcetree "$in/src" --dkmstree "$in/dkms")
	check "dkms add (unstable's dkms, for $abi)" "${run[@]}" add "${args[@]}"
	check "dkms build for $abi (in Debian unstable)" "${run[@]}" build "${args[@]}" -k "$abi" \
		--kernelsourcedir "/usr/src/linux-headers-$abi"
	dkms_built "$abi" "$top/dkms/inputaudit/$version/$abi/x86_64/module" "${run[@]}" "${args[@]}" ||
		sed 's/^/# /' "$top/dkms/inputaudit/$version/build/make.log" 2>/dev/null | tail -n 20
	check "dkms remove --all ($abi)" "${run[@]}" remove "${args[@]}" --all
	rm -rf "$top"
done

# ---- (c) make deb: the two packages, their contents and scripts, lintian, DKMS from the package ----
# scripts/deb.sh (what make deb runs) builds in a copy of the tree, here under $tmp (or DEB_OUT: make
# check keeps them for the deployed-system test): about a minute.
deb=${DEB_OUT:-$tmp/deb}
if ! command -v dpkg-buildpackage >/dev/null || ! command -v dh_dkms >/dev/null || ! command -v lintian >/dev/null; then
	skip "make deb" "dpkg-dev, debhelper, dh-dkms or lintian missing (scripts/deps.sh installs them)"
else
	check "make deb (scripts/deb.sh) builds the packages, lintian without errors" env NO_DEPS=1 scripts/deb.sh "$deb"
	daemon_deb=$(ls "$deb"/inputauditd_*_amd64.deb 2>/dev/null | head -n1)
	dkms_deb=$(ls "$deb"/inputaudit-dkms_*_all.deb 2>/dev/null | head -n1)
	for d in "$daemon_deb" "$dkms_deb"; do
		v=$(dpkg-deb -f "$d" Package Version 2>/dev/null | tr '\n' ' ')
		case $v in
		"Package: inputauditd Version: $version "|"Package: inputaudit-dkms Version: $version ") ok "${v% } (VERSION)" ;;
		*) notok "the packages' version is VERSION ($version): '${d##*/}' says '$v'" ;;
		esac
	done
	if [ -f "$deb/lintian.log" ] && ! grep -q '^E: ' "$deb/lintian.log"; then
		ok "lintian: no errors ($(grep -c '^W: ' "$deb/lintian.log") warnings, $(grep -c '^O: ' "$deb/lintian.log") overridden)"
	else
		notok "lintian: no errors"; grep '^E: ' "$deb/lintian.log" 2>/dev/null | sed 's/^/# /'
	fi
	# has_files DEB PATH...: dpkg-deb -c lists every PATH
	has_files() {
		local d=$1 list f missing=
		shift
		list=$(dpkg-deb -c "$d" 2>/dev/null | awk '{print $NF}')
		for f; do grep -qx "\./$f" <<<"$list" || missing+=" $f"; done
		[ -z "$missing" ] || { echo "missing:$missing"; return 1; }
	}
	check "inputauditd holds the daemon, inputauditctl, unit, sysusers.d, tmpfiles.d, config, modprobe.d, manuals" \
		has_files "$daemon_deb" usr/sbin/inputauditd usr/sbin/inputauditctl lib/systemd/system/inputauditd.service \
		usr/lib/sysusers.d/inputaudit.conf usr/lib/tmpfiles.d/inputaudit.conf etc/inputaudit/inputauditd.conf \
		etc/modprobe.d/inputaudit.conf usr/share/man/man8/inputauditd.8.gz usr/share/man/man8/inputauditctl.8.gz
	check "inputaudit-dkms holds /usr/src/inputaudit-$version with dkms.conf and the module's sources" \
		has_files "$dkms_deb" "usr/src/inputaudit-$version/dkms.conf" "usr/src/inputaudit-$version/Kbuild" \
		"usr/src/inputaudit-$version/kmod/Kbuild" "usr/src/inputaudit-$version/kmod/main.c" \
		"usr/src/inputaudit-$version/VERSION" \
		"usr/src/inputaudit-$version/kmod/conftest/baseline.c" "usr/src/inputaudit-$version/include/inputaudit.h"
	check "no kernel module is built into either package" sh -c \
		"! dpkg-deb -c '$daemon_deb' | grep -q '\\.ko' && ! dpkg-deb -c '$dkms_deb' | grep -q '\\.ko'"
	check "/etc/inputaudit is 0750 and the config 0640 in the package" sh -c \
		"dpkg-deb -c '$daemon_deb' | grep -q '^drwxr-x--- root/root .* ./etc/inputaudit/\$' &&
		 dpkg-deb -c '$daemon_deb' | grep -q '^-rw-r----- root/root .* ./etc/inputaudit/inputauditd.conf\$'"
	mkdir -p "$tmp/ctrl/d" "$tmp/ctrl/k"
	dpkg-deb -e "$daemon_deb" "$tmp/ctrl/d" 2>/dev/null
	dpkg-deb -e "$dkms_deb" "$tmp/ctrl/k" 2>/dev/null
	check "conffiles: /etc/inputaudit/inputauditd.conf and /etc/modprobe.d/inputaudit.conf" sh -c \
		"grep -qx /etc/inputaudit/inputauditd.conf '$tmp/ctrl/d/conffiles' &&
		 grep -qx /etc/modprobe.d/inputaudit.conf '$tmp/ctrl/d/conffiles'"
	check "inputauditd's postinst: systemd-sysusers, then systemd-tmpfiles, then enables and starts the unit" sh -c \
		"grep -n -e 'systemd-sysusers .*inputaudit.conf' -e 'systemd-tmpfiles .*--create inputaudit.conf' \
		      -e \"deb-systemd-helper enable 'inputauditd.service'\" -e \"deb-systemd-invoke .*'inputauditd.service'\" \
		      '$tmp/ctrl/d/postinst' | cut -d: -f1 | sort -n -c && [ \$(grep -c -e systemd-sysusers -e 'systemd-tmpfiles .*--create' \
		      -e 'deb-systemd-helper enable' -e 'deb-systemd-invoke' '$tmp/ctrl/d/postinst') = 4 ]"
	check "inputaudit-dkms's postinst runs DKMS for inputaudit $version; prerm removes it" sh -c \
		"grep -qx 'DKMS_NAME=inputaudit' '$tmp/ctrl/k/postinst' && grep -qx 'DKMS_VERSION=$version' '$tmp/ctrl/k/postinst' &&
		 grep -q '/usr/lib/dkms/common.postinst' '$tmp/ctrl/k/postinst' &&
		 grep -qx 'DKMS_VERSION=$version' '$tmp/ctrl/k/prerm' && grep -q 'dkms remove -m \$DKMS_NAME' '$tmp/ctrl/k/prerm'"
	# DKMS builds the module from the package's /usr/src tree (unpacked, no maintainer scripts), for
	# the first kernel of the matrix whose headers are here, in a private DKMS tree.
	dpkg-deb -x "$dkms_deb" "$tmp/pkgroot"
	habi=
	for abi in $kernels; do
		if [ -f "/lib/modules/$abi/build/Makefile" ]; then habi=$abi; break; fi
	done
	if [ -z "$habi" ] || ! command -v dkms >/dev/null; then
		skip "dkms build from the package's tree" "no kernel headers of the matrix here, or no dkms"
	else
		mkdir -p "$tmp/pkgdkms"
		pargs=(-m inputaudit -v "$version" --sourcetree "$tmp/pkgroot/usr/src" --dkmstree "$tmp/pkgdkms")
		export mok_signing_key=$tmp/mok.key mok_certificate=$tmp/mok.der
		check "dkms add (the inputaudit-dkms package's tree)" dkms add "${pargs[@]}"
		check "dkms build for $habi from the package's tree" dkms build "${pargs[@]}" -k "$habi" \
			--kernelsourcedir "/lib/modules/$habi/build"
		dkms_built "$habi" "$tmp/pkgdkms/inputaudit/$version/$habi/x86_64/module" dkms "${pargs[@]}" ||
			sed 's/^/# /' "$tmp/pkgdkms/inputaudit/$version/build/make.log" 2>/dev/null | tail -n 20
		check "dkms remove --all (the package's tree)" dkms remove "${pargs[@]}" --all
		unset mok_signing_key mok_certificate
	fi
fi

# ---- (b) make install into a DESTDIR ----
abi=${kernels%% *}
if [ -z "$abi" ]; then
	skip "make install" "no kernel ABI resolved (scripts/kernels.sh)"
	echo "1..$n"
	exit $((fails > 0))
fi
root=$tmp/root
check "make install DESTDIR=... KVER=$abi" make -s install DESTDIR="$root" KVER="$abi"
ko=$root/lib/modules/$abi/extra/inputaudit.ko
check "module in /lib/modules/$abi/extra, 0644" mode_is "$ko" 644
check "module vermagic is $abi" sh -c "modinfo -F vermagic '$ko' | grep -q '^$abi '"
no_alias "$ko" "the installed module"
check "inputauditd in /usr/sbin, 0755" mode_is "$root/usr/sbin/inputauditd" 755
check "inputauditd is dynamically linked against libseccomp, libcap-ng, libbpf" \
	sh -c "readelf -d '$root/usr/sbin/inputauditd' | grep -q 'NEEDED.*libseccomp' &&
	       readelf -d '$root/usr/sbin/inputauditd' | grep -q 'NEEDED.*libcap-ng' &&
	       readelf -d '$root/usr/sbin/inputauditd' | grep -q 'NEEDED.*libbpf'"
check "inputauditd's libraries all resolve" sh -c "! ldd '$root/usr/sbin/inputauditd' | grep -q 'not found'"
if [ -f "$OUT/userspace/inputauditctl" ]; then
	check "inputauditctl in /usr/sbin, 0755" mode_is "$root/usr/sbin/inputauditctl" 755
else
	skip "inputauditctl in /usr/sbin" "inputauditctl is not built in this tree"
fi
check "/etc/inputaudit is 0750" mode_is "$root/etc/inputaudit" 750
if [ -f etc/inputauditd.conf ]; then
	check "/etc/inputaudit/inputauditd.conf is 0640" mode_is "$root/etc/inputaudit/inputauditd.conf" 640
else
	skip "/etc/inputaudit/inputauditd.conf" "no etc/inputauditd.conf in this tree"
fi
unit=$root/usr/lib/systemd/system/inputauditd.service
missing=
check "systemd unit in /usr/lib/systemd/system, 0644" mode_is "$unit" 644
for key in ProtectSystem=strict ProtectHome=yes PrivateTmp=yes NoNewPrivileges=yes \
	LockPersonality=yes MemoryDenyWriteExecute=yes SystemCallArchitectures=native \
	'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' 'CapabilityBoundingSet=CAP_BPF' \
	'ExecReload=+/bin/kill -HUP $MAINPID' Restart=on-failure LimitCORE=0 \
	LogRateLimitIntervalSec=0 \
	'ReadWritePaths=/var/log/inputaudit /var/spool/inputaudit /run/inputaudit' \
	'ReadWritePaths=-/var/lib/prometheus/node-exporter'; do
	grep -qF "$key" "$unit" || missing+=" '$key'"
done
if [ -z "$missing" ]; then ok "the unit has the hardening settings"
else notok "the unit lacks$missing"; fi
if command -v systemd-analyze >/dev/null; then
	# Verified with ExecStart= pointing at the installed binary (it is not in /usr/sbin here).
	mkdir -p "$tmp/unit"
	sed "s|/usr/sbin/inputauditd|$root/usr/sbin/inputauditd|" "$unit" >"$tmp/unit/inputauditd.service"
	check "systemd-analyze verify accepts the unit" systemd-analyze verify "$tmp/unit/inputauditd.service"
else
	skip "systemd-analyze verify" "no systemd-analyze"
fi
check "modprobe.d example in /etc/modprobe.d, 0644, all commented" sh -c \
	"[ \"\$(stat -c %a '$root/etc/modprobe.d/inputaudit.conf')\" = 644 ] &&
	 ! grep -qv -e '^#' -e '^\$' '$root/etc/modprobe.d/inputaudit.conf' &&
	 grep -q '^#options inputaudit ' '$root/etc/modprobe.d/inputaudit.conf'"
sysusers=$root/usr/lib/sysusers.d/inputaudit.conf
tmpfiles=$root/usr/lib/tmpfiles.d/inputaudit.conf
check "sysusers.d file, 0644" mode_is "$sysusers" 644
check "tmpfiles.d file, 0644" mode_is "$tmpfiles" 644
check "README in /usr/share/doc/inputaudit" mode_is "$root/usr/share/doc/inputaudit/README.md" 644
if command -v systemd-sysusers >/dev/null && command -v systemd-tmpfiles >/dev/null; then
	sys=$tmp/sysroot
	mkdir -p "$sys/etc"
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$sys/etc/passwd"
	printf 'root:x:0:\nadm:x:4:\n' >"$sys/etc/group"
	check "systemd-sysusers creates the inputaudit user" systemd-sysusers --root="$sys" "$sysusers"
	check "the inputaudit user has no shell and is a system user" sh -c \
		"grep -Eq '^inputaudit:x:[0-9]+:[0-9]+:[^:]*:/nonexistent:/usr/sbin/nologin\$' '$sys/etc/passwd' &&
		 [ \$(sed -n 's/^inputaudit:x:\([0-9]*\):.*/\1/p' '$sys/etc/passwd') -lt 1000 ]"
	check "systemd-tmpfiles creates the directories" systemd-tmpfiles --root="$sys" --create "$tmpfiles"
	uid=$(sed -n 's/^inputaudit:x:\([0-9]*\):.*/\1/p' "$sys/etc/passwd")
	for d in var/log/inputaudit:750:4 var/spool/inputaudit:700:$uid run/inputaudit:700:$uid; do
		IFS=: read -r path mode gid <<<"$d"
		got=$(stat -c %a:%u:%g "$sys/$path" 2>/dev/null)
		if [ "$got" = "$mode:$uid:$gid" ]; then ok "/$path is $mode, owned by inputaudit"
		else notok "/$path is $mode:$uid:$gid (got '$got')"; fi
	done
	# Nothing for node exporter's textfile directory: the unit's ExecStartPre gives the user its
	# ACL entry (host test test_metrics runs that line; the deployed-system test the unit).
	check "tmpfiles.d leaves node exporter's directory alone (unsafe path transition there)" \
		sh -c "! grep -q '^[^#].*/var/lib/prometheus' '$tmpfiles'"
else
	skip "systemd-sysusers and systemd-tmpfiles" "not installed"
fi
bad=$(find "$root" \( -perm -o+w -o ! -user 0 \) ! -type l 2>/dev/null)
if [ -z "$bad" ]; then ok "nothing installed is world-writable or not root's"
else notok "nothing installed is world-writable or not root's: $bad"; fi

check "make uninstall DESTDIR=..." make -s uninstall DESTDIR="$root" KVER="$abi"
left=$(find "$root" -type f 2>/dev/null)
if [ -z "$left" ]; then ok "make uninstall removed every installed file"
else notok "make uninstall removed every installed file (left: $left)"; fi

echo "1..$n"
exit $((fails > 0))
