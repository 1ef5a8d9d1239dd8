#!/usr/bin/env bash
# scripts/deploy-image.sh's customize hook: what the deployed-system image holds beyond its packages.
#   deploy-image-setup.sh ROOT
set -euo pipefail
r=${1:?usage: deploy-image-setup.sh ROOT}
echo deploy >"$r/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tdeploy\n' >"$r/etc/hosts"
printf '/dev/vda / ext4 rw,errors=remount-ro 0 1\n' >"$r/etc/fstab"
# QEMU's user network: a static address, no DHCP wait.
mkdir -p "$r/etc/systemd/network"
printf '[Match]\nName=en* eth*\n\n[Network]\nAddress=10.0.2.15/24\nGateway=10.0.2.2\nDNS=10.0.2.3\n' \
	>"$r/etc/systemd/network/10-qemu.network"
mkdir -p "$r/etc/systemd/system/multi-user.target.wants"
ln -sf /lib/systemd/system/systemd-networkd.service \
	"$r/etc/systemd/system/multi-user.target.wants/systemd-networkd.service"
# The test's entry: the payload disk's program, at the end of the boot, then power off.
cat >"$r/etc/systemd/system/inputaudit-deploy-entry.service" <<'EOF'
[Unit]
Description=inputaudit deployed-system test entry (the payload disk's program)
After=multi-user.target
ConditionPathExists=/dev/vdb

[Service]
Type=oneshot
ExecStartPre=/bin/mkdir -p /run/payload
ExecStartPre=/bin/mount -o ro /dev/vdb /run/payload
ExecStart=/run/payload/entry
ExecStopPost=/bin/systemctl --no-block poweroff
StandardOutput=journal+console
StandardError=journal+console
TimeoutStartSec=infinity
EOF
# The boot's goal is deploy.target: multi-user.target (everything a fleet's machine runs), then the
# entry, ordered after it.
mkdir -p "$r/etc/systemd/system/deploy.target.wants"
cat >"$r/etc/systemd/system/deploy.target" <<'EOF'
[Unit]
Description=inputaudit deployed-system test
Requires=multi-user.target
After=multi-user.target
AllowIsolate=yes
EOF
ln -sf ../inputaudit-deploy-entry.service "$r/etc/systemd/system/deploy.target.wants/"
ln -sf deploy.target "$r/etc/systemd/system/default.target"
# Quiet, fast boot: no timers that run apt or man-db in the middle of a test.
for t in apt-daily.timer apt-daily-upgrade.timer man-db.timer e2scrub_all.timer fstrim.timer; do
	ln -sf /dev/null "$r/etc/systemd/system/$t"
done
# Offline: the image knows no archive.
rm -f "$r/etc/apt/sources.list"
rm -rf "$r"/var/lib/apt/lists/*_Packages "$r"/var/cache/apt/archives/*.deb
