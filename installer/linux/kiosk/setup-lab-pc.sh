#!/usr/bin/env bash
# Sets up a training centre's lab PC for the kiosk session (README.md beside this script,
# "Setting up a lab PC"). Run as root after installing the client's .deb:
#
#   sudo /opt/vocational-learning-client/kiosk/setup-lab-pc.sh --profile provisioning.json
#
# It makes the client's group and the kiosk account, the PC's machine key (never
# replaced once made: a new key would lock every store made with the old one), copies
# the institution's signed profile, and installs the session entry, the Xorg snippet
# and (where lightdm is) the automatic login. Run again, it changes nothing that is
# already right and says so.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
app_name=vocational-learning-client
session_name=vocational-learning-kiosk

usage() {
  cat <<EOF
usage: $0 [options]

  --root DIR         write everything under DIR instead of / (an image being prepared,
                     a test); needs --no-accounts unless DIR is /
  --group NAME       the client's group: its members may read the machine key
                     (default vocational-learners); every learner account joins it
  --kiosk-user NAME  the account that logs in by itself into the kiosk (default kiosk)
  --no-accounts      do not create the group or the account (they exist already)
  --profile FILE     the institution's signed provisioning profile (kiosk = true,
                     key_store = "machine_file"), copied to
                     /etc/$app_name/provisioning.json
  --lightdm          install lightdm's automatic login even if /etc/lightdm is missing
  -h, --help         this text
EOF
}

root=/
group=vocational-learners
kiosk_user=kiosk
accounts=1
profile=''
lightdm=''
while [ $# -gt 0 ]; do
  case $1 in
    --root) root=${2:?--root needs a folder}; shift 2 ;;
    --group) group=${2:?--group needs a name}; shift 2 ;;
    --kiosk-user) kiosk_user=${2:?--kiosk-user needs a name}; shift 2 ;;
    --no-accounts) accounts=''; shift ;;
    --profile) profile=${2:?--profile needs a file}; shift 2 ;;
    --lightdm) lightdm=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

say() { printf '%s\n' "$*"; }
fail() { printf 'setup-lab-pc: %s\n' "$*" >&2; exit 1; }

root=${root%/}
as_root=''
[ "$(id -u)" -eq 0 ] && as_root=1
if [ -z "$root" ]; then # the machine itself
  [ -n "$as_root" ] || fail "run it as root (sudo $0 ...)"
elif [ -n "$accounts" ]; then
  fail "--root $root: make the group and the account inside that system, then pass --no-accounts"
fi
case $group$kiosk_user in
  *[!a-z0-9_.-]*) fail "group and account names are lower-case letters, digits, _ . -" ;;
esac
if [ -n "$profile" ] && [ ! -f "$profile" ]; then fail "no profile file $profile"; fi

etc=$root/etc/$app_name
key=$etc/machine.key

# --- the group and the kiosk account ------------------------------------------------
if [ -n "$accounts" ]; then
  if getent group "$group" >/dev/null; then
    say "group $group: exists"
  else
    groupadd --system "$group"
    say "group $group: created"
  fi
  if getent passwd "$kiosk_user" >/dev/null; then
    say "account $kiosk_user: exists"
  else
    # No password (locked): it can only log in by lightdm's automatic login.
    useradd --create-home --shell /bin/bash --comment "Lab PC kiosk" "$kiosk_user"
    say "account $kiosk_user: created, with no password (automatic login only)"
  fi
  case " $(id -nG "$kiosk_user") " in
    *" $group "*) say "account $kiosk_user: in group $group" ;;
    *)
      usermod --append --groups "$group" "$kiosk_user"
      say "account $kiosk_user: added to group $group"
      ;;
  esac
else
  getent group "$group" >/dev/null || fail "no group $group (leave out --no-accounts to create it)"
  say "accounts: left as they are (--no-accounts)"
fi

# --- the machine key ----------------------------------------------------------------
install -d -m 0755 "$etc"
protect_key() { # root (when run as root), the client's group, 0640
  if [ -n "$as_root" ]; then chown "root:$group" "$1"; else chgrp "$group" "$1"; fi
  chmod 0640 "$1"
}
if [ -L "$key" ] || { [ -e "$key" ] && [ ! -f "$key" ]; }; then
  fail "$key is not a plain file: remove it by hand (the client refuses it)"
elif [ -e "$key" ]; then
  # A new key would lock every store made with this one: it is never replaced here.
  protect_key "$key"
  say "machine key $key: kept, not replaced (a new key would lock every study store"
  say "  made with it); group $group and mode 0640 set again"
else
  # Made under umask 077 (mktemp: mode 0600), so it is never readable by others, then
  # linked into place: link() never replaces a file that appeared meanwhile.
  made=$(umask 077 && mktemp "$etc/.machine.key.XXXXXX")
  trap 'rm -f "$made"' EXIT
  head -c 32 /dev/urandom | base64 >"$made"
  [ "$(base64 -d <"$made" | wc -c)" -eq 32 ] || fail "the new machine key came out wrong"
  protect_key "$made"
  if ln "$made" "$key" 2>/dev/null; then
    say "machine key $key: made (32 random bytes, group $group, mode 0640)"
  else
    say "machine key $key: appeared meanwhile, kept as it is"
  fi
  rm -f "$made"
  trap - EXIT
fi

# --- files to put in place ------------------------------------------------------------
put() { # $1 source, $2 target: installs mode 0644, says whether it changed
  if [ -f "$2" ] && cmp -s "$1" "$2"; then
    say "$2: already in place"
  else
    install -D -m 0644 "$1" "$2"
    say "$2: installed"
  fi
}

if [ -n "$profile" ]; then
  put "$profile" "$etc/provisioning.json"
  if command -v python3 >/dev/null; then
    # Not a signature check (the client does that): the settings a lab PC needs.
    python3 - "$etc/provisioning.json" "/etc/$app_name/machine.key" <<'EOF' || :
import json, sys
profile = json.load(open(sys.argv[1], encoding="utf-8")).get("profile", {})
wanted = {"kiosk": True, "key_store": "machine_file"}
for name, value in wanted.items():
    if profile.get(name) != value:
        print(f"WARNING: the profile's {name} is {profile.get(name)!r}, a lab PC needs {value!r}")
path = profile.get("machine_key_path", sys.argv[2])
if path != sys.argv[2]:
    print(f"WARNING: the profile's machine_key_path is {path}, this script made {sys.argv[2]}")
if not profile.get("kiosk_exit_pin"):
    print("WARNING: the profile has no kiosk_exit_pin: nobody can close the client")
EOF
  fi
elif [ -f "$etc/provisioning.json" ]; then
  say "$etc/provisioning.json: kept (no --profile given)"
else
  say "WARNING: no profile: copy the institution's signed profile to $etc/provisioning.json"
fi

put "$here/$session_name.desktop" "$root/usr/share/xsessions/$session_name.desktop"
put "$here/50-$session_name.conf" "$root/etc/X11/xorg.conf.d/50-$session_name.conf"

if [ -n "$lightdm" ] || [ -d "$root/etc/lightdm" ]; then
  autologin=$(mktemp)
  sed "s/^autologin-user=.*/autologin-user=$kiosk_user/" "$here/lightdm-kiosk.conf" >"$autologin"
  put "$autologin" "$root/etc/lightdm/lightdm.conf.d/50-$session_name.conf"
  rm -f "$autologin"
else
  say "lightdm: not installed; log $kiosk_user in by itself into the session"
  say "  '$session_name' with your display manager (README.md), or install lightdm"
  say "  and run this again"
fi

# --- what the session needs on this machine ---------------------------------------
session=$root/opt/$app_name/kiosk/kiosk-session
[ -x "$session" ] || say "WARNING: $session is missing: install the client's .deb"
if [ -z "$root" ]; then
  missing=()
  for tool in openbox:openbox xprop:x11-utils xset:x11-xserver-utils setxkbmap:x11-xkb-utils; do
    command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "WARNING: the kiosk session needs: apt-get install ${missing[*]}"
  fi
fi
say "done: add every learner's account to $group (usermod -aG $group NAME)"
