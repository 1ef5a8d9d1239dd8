#!/usr/bin/env bash
# The deployed-system test (make deploy-check; make check runs it): the packages that `make deb`
# builds, installed and run in a booted Debian 12 system exactly as a fleet runs them.  TAP on stdout.
#   run-deploy.sh [--prepare]     --prepare: steps 1-3 only (make check runs it early, in the background)
#   1. the packages: made now with `make deb` (build/deb); DEBS=DIR takes them from DIR instead
#      (make check: the ones its packaging tests built)
#   2. the image: scripts/deploy-image.sh (Debian 12 with systemd, udev, rsyslog, dkms, the kernel and
#      its headers, the node exporter, and the daemon package's dependencies; cached)
#   3. the same packages built as version VERSION+deploy1, to upgrade to (build/deb-upgrade)
#   4. the payload disk: both versions of both packages, deploy_guest, the guest's entry script,
#      the fleet's config and its TLS material (a CA, the guest's client certificate and key)
#   5. deploy_host starts the collector (rsyslogd on the host's loopback, syslog over TLS requiring
#      the guest's client certificate) and QEMU (TCG, systemd as
#      PID 1, QEMU's USB keyboard attached at boot, user networking to the collector); deploy_guest's
#      TAP and its requests come over the second serial port; then deploy_host checks the collector.
# DEPLOY_TIMEOUT: seconds for the whole boot and run (default 1500).  The console log is in
# build/deploy/console.log.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-$repo/build}
work=$OUT/deploy
DEPLOY_TIMEOUT=${DEPLOY_TIMEOUT:-1500}
cd "$repo"
start=$SECONDS
# One run at a time per build tree: a second one would remove this one's sockets (QEMU unlinks them
# when it exits, whoever made them last).
mkdir -p "$OUT"
exec 8>"$OUT/.deploy.lock"
flock -n 8 || { echo "# deploy: another run-deploy.sh is running in $OUT; waiting" >&2; flock 8; }
prepare=0
[ "${1:-}" != --prepare ] || prepare=1

# ---- 1. packages ----
debs=${DEBS:-$OUT/deb}
version=$(cat VERSION)
dkms_deb=$debs/inputaudit-dkms_${version}_all.deb
daemon_deb=$debs/inputauditd_${version}_amd64.deb
if [ -z "${DEBS:-}" ]; then
	echo "# deploy: make deb" >&2
	make -s deb >&2
fi
[ -s "$dkms_deb" ] && [ -s "$daemon_deb" ] || { echo "deploy: no packages in $debs" >&2; exit 1; }

# ---- 2. the image, with what the daemon package depends on (the guest is offline) ----
deps=$(dpkg-deb -f "$daemon_deb" Depends | tr ',' '\n' | sed 's/|.*//; s/(.*//; s/[[:space:]]//g' |
	grep -v -e '^$' -e '^inputaudit' | tr '\n' ' ')
img=$(scripts/deploy-image.sh $deps | tail -n1)
echo "# deploy: image $img ($(cat "$img/release")), ready at $((SECONDS - start))s" >&2

# ---- 3. a newer version of both packages to upgrade to (made once per run of this script, or by
# --prepare before it) ----
up=$OUT/deb-upgrade
upversion=$version+deploy1
if [ ! -s "$up/inputauditd_${upversion}_amd64.deb" ] || [ ! -s "$up/inputaudit-dkms_${upversion}_all.deb" ] ||
	[ "$up/inputauditd_${upversion}_amd64.deb" -ot "$daemon_deb" ]; then
	echo "# deploy: the upgrade's packages (version $upversion)" >&2
	NO_DEPS=1 DEB_VERSION="$upversion" scripts/deb.sh "$up" >&2
fi
if [ "$prepare" = 1 ]; then
	echo "# deploy: prepared in $((SECONDS - start))s" >&2
	exit 0
fi

# ---- 4. the payload disk ----
make -s deploy-tests >&2
rm -rf "$work"
mkdir -p "$work/payload/upgrade"
cp "$dkms_deb" "$daemon_deb" "$OUT/selftests/deploy/deploy_guest" \
	selftests/deploy/entry selftests/deploy/fleet.conf "$work/payload/"
cp "$up/inputaudit-dkms_${upversion}_all.deb" "$up/inputauditd_${upversion}_amd64.deb" "$work/payload/upgrade/"
# The fleet's TLS material (README "Secure transport"), made for this run: a CA, the collector's
# certificate (subjectAltName collector.inputaudit.test, for deploy_host's rsyslogd) and the
# guest's client certificate (deploy-guest.inputaudit.test, the collector's permitted peer).  The
# guest gets the CA, its certificate and its key (installed root-owned 0600 there).
mkdir -p "$work/tls" "$work/payload/tls"
(
	cd "$work/tls"
	umask 077
	openssl req -x509 -new -newkey rsa:2048 -nodes -days 2 -subj "/CN=inputaudit deploy test CA" \
		-keyout ca.key -out ca.pem 2>/dev/null
	for leaf in collector deploy-guest; do
		openssl req -new -newkey rsa:2048 -nodes -subj "/CN=$leaf" -keyout "$leaf.key" \
			-out "$leaf.csr" 2>/dev/null
		printf 'subjectAltName=DNS:%s.inputaudit.test\n' "$leaf" >"$leaf.ext"
		openssl x509 -req -in "$leaf.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
			-extfile "$leaf.ext" -out "$leaf.pem" 2>/dev/null
	done
	chmod 0644 ./*.pem
)
cp "$work/tls/ca.pem" "$work/tls/deploy-guest.pem" "$work/tls/deploy-guest.key" "$work/payload/tls/"
truncate -s 64M "$work/payload.img"
mke2fs -q -t ext4 -L payload -d "$work/payload" "$work/payload.img"

# ---- 5. boot and run ----
qemu=(qemu-system-x86_64 -machine pc -accel "${VM_ACCEL:-tcg,thread=single}" -smp 2 -m 2048
	-nodefaults -display none -no-reboot
	-kernel "$img/vmlinuz" -initrd "$img/initrd.img"
	-append "root=/dev/vda rw console=ttyS0 panic=-1 loglevel=4 systemd.show_status=auto"
	-drive "file=$img/disk.img,format=raw,if=virtio,snapshot=on"
	-drive "file=$work/payload.img,format=raw,if=virtio,readonly=on"
	-netdev user,id=net0 -device virtio-net-pci,netdev=net0
	-device VGA,id=video0
	-device qemu-xhci,id=xhci -device usb-kbd,id=usbkbd,bus=xhci.0,display=video0
	-serial "file:$work/console.log"
	-chardev "socket,id=control,path=$work/control.sock,server=on,wait=on" -serial chardev:control
	-qmp "unix:$work/qmp.sock,server=on,wait=off")
echo "# deploy: booting (console log $work/console.log)" >&2
TMPDIR=$work "$OUT/selftests/deploy/deploy_host" "$work" "$DEPLOY_TIMEOUT" -- "${qemu[@]}"
echo "# deploy: boot+run done at $((SECONDS - start))s" >&2
