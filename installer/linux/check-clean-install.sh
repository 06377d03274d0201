#!/usr/bin/env bash
# Installs a built .deb on a clean Debian 12 made with debootstrap, as a trainee's apt
# would (its Depends fetched from the archive), and runs the packaged client's
# self-check there with no display (Qt offscreen). Needs root and the Debian archive.
#
#   sudo installer/linux/check-clean-install.sh dist/vocational-learning-client_*.deb [ROOT]
#
# The key store part of the self-check fails in a bare root (no Secret Service is
# running there); every other part must pass.
set -euo pipefail
deb=$(realpath "$1")
root=${2:-$(mktemp -d)/bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
if [ ! -x "$root/usr/bin/apt-get" ]; then
  debootstrap --variant=minbase bookworm "$root" "$mirror"
fi
cleanup() { umount "$root/proc" "$root/dev/pts" "$root/dev" 2>/dev/null || true; }
trap cleanup EXIT
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
cp "$deb" "$root/tmp/client.deb"
cp /etc/resolv.conf "$root/etc/resolv.conf"
chroot "$root" apt-get update -qq
started=$(date +%s)
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq /tmp/client.deb
echo "apt install took $(( $(date +%s) - started )) s; installed size: $(chroot "$root" du -sh /opt/vocational-learning-client | cut -f1)"
set +e
chroot "$root" env HOME=/root QT_QPA_PLATFORM=offscreen vocational-learning-client \
  --self-check --data-dir /root/client-data
code=$?
set -e
echo "self-check exit code: $code"
chroot "$root" dpkg -r vocational-learning-client >/dev/null
test -d "$root/root/client-data" && echo "removed the package; the data folder stays"
