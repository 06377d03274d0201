#!/usr/bin/env bash
# Installs a built .deb on a clean system made with debootstrap, as a trainee's apt would
# (its Depends fetched from the distribution's archive), and runs the packaged client's
# self-check there with no display (Qt offscreen). Needs root and the archive.
#
#   sudo installer/linux/check-clean-install.sh dist/vocational-learning-client_*.deb \
#        bookworm|jammy|noble [ROOT]
#
# The key store part of the self-check fails in a bare root (no Secret Service is
# running there); every other part must pass.
set -euo pipefail
deb=$(realpath "$1")
suite=${2:-bookworm}
root=${3:-$(mktemp -d)/$suite}
case "$suite" in
  bookworm) mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}; components=main; script="" ;;
  jammy | noble)
    mirror=${UBUNTU_MIRROR:-http://archive.ubuntu.com/ubuntu}
    components=main,universe # libVLC is in universe
    script=/usr/share/debootstrap/scripts/gutsy # every Ubuntu suite uses it
    ;;
  *) echo "unknown suite $suite" >&2; exit 2 ;;
esac
if [ ! -x "$root/usr/bin/apt-get" ]; then
  # shellcheck disable=SC2086 # an empty $script is no argument
  debootstrap --variant=minbase --components="$components" "$suite" "$root" "$mirror" $script
fi
if [ "$suite" != bookworm ]; then
  echo "deb $mirror $suite main universe" >"$root/etc/apt/sources.list"
  echo "deb $mirror $suite-updates main universe" >>"$root/etc/apt/sources.list"
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
echo "$suite: apt install took $(( $(date +%s) - started )) s; glibc $(chroot "$root" ldd --version | head -1 | grep -o '[0-9.]*$')"
set +e
chroot "$root" env HOME=/root QT_QPA_PLATFORM=offscreen vocational-learning-client \
  --self-check --data-dir /root/client-data
code=$?
set -e
echo "self-check exit code: $code"
chroot "$root" dpkg -r vocational-learning-client >/dev/null
test -d "$root/root/client-data" && echo "removed the package; the data folder stays"
