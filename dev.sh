#!/usr/bin/env bash
# The project's two set-up commands (see README):
#   ./dev.sh demo   install what is missing, then run the client on its embedded demo
#   ./dev.sh test   install what is missing, then run the whole test suite under Xvfb
# and ./dev.sh bench (all benchmarks), ./dev.sh lint, ./dev.sh package (the Linux
# bundle and .deb in dist/, and a check of the Windows installer script).
# Every step is idempotent: apt packages are installed only when missing, the virtual
# environment is rebuilt only when the dependency files change (or is broken).
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
VENV=${VENV:-$ROOT/.venv}

# Each entry is a package, or alternatives separated by "|" where distributions renamed
# one (Ubuntu 24.04's 64-bit time_t transition added the t64 names).
APT_PACKAGES=(
  # libVLC and the plugins it cannot start or draw without; cvlc for the benchmark
  libvlc5 vlc-plugin-base vlc-plugin-video-output vlc-bin
  # Qt's xcb platform plugin
  libgl1 libegl1 "libglib2.0-0t64|libglib2.0-0" libfontconfig1 libfreetype6
  "libdbus-1-3" libx11-6 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-glx0 libxcb-icccm4
  libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render0 libxcb-render-util0
  libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1 libxcb-xfixes0 libxcb-xkb1
  libxkbcommon0 libxkbcommon-x11-0
  # fonts: Latin and the Chinese UI
  fonts-dejavu-core fonts-noto-cjk
  # a virtual display with a real window manager, and a way to drive it
  xvfb openbox xdotool x11-utils
  # D-Bus (screen-lock and suspend signals are tested on private buses) and a real
  # Secret Service key store, which keeps the database key (no plaintext fallback)
  dbus gnome-keyring
)
# Only the test suite needs these: the platform server is tested on a real PostgreSQL
# (a private cluster the tests start on loopback) as well as on SQLite.
# opencv-doc ships real face photos (messi5.jpg, basketball*.png) for the face tests.
# x11vnc is a real remote-desktop server for the environment-signal tests; shellcheck
# checks the kiosk session scripts.
APT_TEST_PACKAGES=(postgresql opencv-doc x11vnc shellcheck)
# Packaging (./dev.sh package, and the suite's packaged-client test): makensis checks the
# Windows installer script; PyInstaller reads shared libraries with objdump (binutils).
APT_PACKAGE_PACKAGES=(nsis binutils)

# Real photos of one person taken apart (obama*.jpg) exist offline only in the
# face_recognition 1.3.0 source archive on PyPI: fetched once, hash-checked, kept outside
# the venv (a venv rebuild must not lose it). tests/support/face_images.py reads the tarball.
FACE_TEST_DATA_DIR=${FACE_TEST_DATA_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vocational-learning-client/face-test-data}
export FACE_TEST_DATA_DIR
ensure_face_test_data() {
  local sdist="$FACE_TEST_DATA_DIR/face_recognition-1.3.0.tar.gz" req
  [ -f "$sdist" ] && return 0
  log "fetching the face test photos (face_recognition 1.3.0 source archive, hash-checked)"
  mkdir -p "$FACE_TEST_DATA_DIR"
  req=$(mktemp)
  echo "face_recognition==1.3.0 --hash=sha256:5e5efdd1686aa566af0d3cc1313b131e4b197657a8ffd03669e6d3fad92705ec" >"$req"
  "$VENV/bin/pip" download --quiet --no-deps --no-binary :all: --require-hashes -r "$req" \
    -d "$FACE_TEST_DATA_DIR"
  rm -f "$req"
}

log() { printf '\033[1m[dev.sh]\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

APT_UPDATED=""
apt_install() {
  [ $# -eq 0 ] && return 0
  log "installing system packages: $*"
  if [ -z "$APT_UPDATED" ]; then
    as_root apt-get update -qq
    APT_UPDATED=1
  fi
  # env inside as_root: sudo resets the environment, and a debconf prompt would hang.
  as_root env DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=a \
    apt-get install -y -qq --no-install-recommends "$@"
}

ensure_apt() {
  local missing=() entry alternative chosen
  for entry in "${APT_PACKAGES[@]}"; do
    chosen=""
    IFS='|' read -r -a alternatives <<<"$entry"
    for alternative in "${alternatives[@]}"; do
      if apt_installed "$alternative"; then chosen=$alternative; break; fi
    done
    [ -n "$chosen" ] && continue
    if [ ${#alternatives[@]} -gt 1 ]; then
      [ -n "$APT_UPDATED" ] || { as_root apt-get update -qq; APT_UPDATED=1; }
      for alternative in "${alternatives[@]}"; do
        if apt-cache show "$alternative" >/dev/null 2>&1; then chosen=$alternative; break; fi
      done
      missing+=("${chosen:-${alternatives[0]}}")
    else
      missing+=("$entry")
    fi
  done
  apt_install "${missing[@]+"${missing[@]}"}"
}

# A Python of at least 3.11 that can make a venv: the system one on Debian 12 and
# Ubuntu 24.04; python3.11 from the archive on Ubuntu 22.04, whose python3 is 3.10.
find_python() {
  local candidate
  for candidate in ${PYTHON:-} python3 python3.12 python3.11; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] < (3, 13)))'; then
      PY=$candidate
      return 0
    fi
  done
  apt_install python3.11 python3.11-venv
  PY=python3.11
}

ensure_venv_support() {
  "$PY" -c 'import ensurepip, venv' 2>/dev/null && return 0
  local version
  version=$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  if apt-cache show "python$version-venv" >/dev/null 2>&1; then
    apt_install "python$version-venv"
  else
    apt_install python3-venv
  fi
}

ensure_venv() {
  local stamp="$VENV/.dev-stamp" want
  want=$(cat pyproject.toml requirements-nodeps.txt | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] &&
    "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
    return 0
  fi
  find_python
  ensure_venv_support
  log "creating the virtual environment in $VENV with $PY"
  rm -f "$stamp"
  # --clear: a venv left half-made by an interrupted run is made again, not reused
  "$PY" -m venv --clear "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip wheel
  "$VENV/bin/python" -m pip install -q -e ".[dev,server,package]"
  "$VENV/bin/python" -m pip install -q --no-deps -r requirements-nodeps.txt
  echo "$want" >"$stamp"
}

compile_translations() {
  # .qm files are build products: compiled from the .ts sources on every set-up
  local ts qm
  for ts in resources/i18n/*.ts; do
    [ -e "$ts" ] || continue
    qm="${ts%.ts}.qm"
    if [ ! -f "$qm" ] || [ "$ts" -nt "$qm" ]; then
      "$VENV/bin/pyside6-lrelease" -silent "$ts" -qm "$qm"
    fi
  done
}

setup() {
  ensure_apt
  ensure_venv
  compile_translations
}

# Xvfb and openbox on a display of their own for the duration of the job, so window
# minimise and activation are real window-manager events. Xvfb picks a free display
# itself (-displayfd), so two runs at once cannot take the same one.
XVFB_PID="" WM_PID="" DISPLAY_FILE=""
stop_display() {
  [ -n "$WM_PID" ] && kill "$WM_PID" 2>/dev/null || true
  [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null || true
  [ -n "$DISPLAY_FILE" ] && rm -f "$DISPLAY_FILE"
  return 0
}
start_display() {
  trap stop_display EXIT
  DISPLAY_FILE=$(mktemp)
  Xvfb -displayfd 5 -screen 0 1600x1000x24 -nolisten tcp -ac 5>"$DISPLAY_FILE" \
    >/dev/null 2>&1 &
  XVFB_PID=$!
  local number=""
  for _ in $(seq 100); do
    number=$(tr -dc '0-9' <"$DISPLAY_FILE")
    [ -n "$number" ] && break
    kill -0 "$XVFB_PID" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$number" ] || { log "Xvfb did not start"; exit 1; }
  export DISPLAY=":$number"
  # Qt must use X11 here even inside a Wayland desktop session: libVLC draws into an
  # X window and xdotool drives this display.
  unset WAYLAND_DISPLAY
  export QT_QPA_PLATFORM=xcb
  openbox >/dev/null 2>&1 &
  WM_PID=$!
  # openbox owns the screen once it sets _NET_SUPPORTING_WM_CHECK on the root window
  local ready=""
  for _ in $(seq 100); do
    if xprop -root _NET_SUPPORTING_WM_CHECK 2>/dev/null | grep -q 'window id'; then
      ready=1
      break
    fi
    sleep 0.1
  done
  [ -n "$ready" ] || { log "openbox did not start on $DISPLAY"; exit 1; }
  log "virtual display $DISPLAY with openbox"
}

# A real Secret Service (gnome-keyring) on a private session bus for the demo where the
# machine has no desktop session: the client keeps its database key there, never in a
# file of its own. The demo's keyring and data live in .demo/ so that a second run can
# open the records of the first (the keyring's password is the demo machine's secret,
# like the kiosk set-up the README describes).
DEMO_DIR="$ROOT/.demo"
with_keyring() {
  mkdir -p "$DEMO_DIR/keyring" "$DEMO_DIR/data"
  chmod 700 "$DEMO_DIR"
  if [ ! -s "$DEMO_DIR/keyring-password" ]; then
    (umask 077 && head -c 24 /dev/urandom | base64 >"$DEMO_DIR/keyring-password")
  fi
  # The login collection is unlocked a moment after the daemon answers: wait for it.
  XDG_DATA_HOME="$DEMO_DIR/keyring" APP_DATA_DIR="$DEMO_DIR/data" dbus-run-session -- sh -c '
    gnome-keyring-daemon --unlock --components=secrets <"$1" >/dev/null
    python=$2
    shift 2
    for _ in $(seq 50); do
      "$python" -c "import keyring; keyring.get_password(\"probe\", \"probe\")" \
        2>/dev/null && break
      sleep 0.2
    done
    exec "$@"' sh "$DEMO_DIR/keyring-password" "$VENV/bin/python" "$@"
}

cmd=${1:-demo}
shift || true
case "$cmd" in
  demo)
    setup
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
      # A headless machine: prove the demo runs by taking the tour on a virtual display
      # and writing a screenshot of each screen.
      start_display
      shots="$ROOT/demo-screens"
      log "no display: the demo tour runs on a virtual one; screenshots -> $shots"
      with_keyring "$VENV/bin/python" -m app --demo --tour --screenshots-dir "$shots" \
        --quit-when-done "$@"
    elif [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
      # A display but no desktop session bus (a bare X server): bring a key store.
      with_keyring "$VENV/bin/python" -m app --demo --tour "$@"
    else
      "$VENV/bin/python" -m app --demo --tour "$@"  # the desktop's own key store
    fi
    ;;
  test)
    APT_PACKAGES+=("${APT_TEST_PACKAGES[@]}" "${APT_PACKAGE_PACKAGES[@]}")
    setup
    ensure_face_test_data
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check .
    "$VENV/bin/mypy"
    start_display
    if [ $# -eq 0 ]; then
      # The whole suite also proves full branch coverage of the pure rules in records/.
      # --durations: every run shows where the suite's time goes (CI has a 15-minute aim).
      set -- --cov --cov-report=term --cov-fail-under=100 --durations=15
    fi
    # A worker per core (pytest-xdist); the tests with windows all run in one of them
    # (tests/conftest.py schedules them). `-n 0` after the arguments runs in one process.
    "$VENV/bin/python" -m pytest -n auto "$@"
    ;;
  bench)
    APT_PACKAGES+=("${APT_TEST_PACKAGES[@]}")
    setup
    ensure_face_test_data
    start_display
    for b in bench/*.py; do
      case "$b" in */_*) continue ;; esac
      log "benchmark $b"
      "$VENV/bin/python" "$b"
    done
    ;;
  package)
    APT_PACKAGES+=("${APT_PACKAGE_PACKAGES[@]}")
    setup
    "$VENV/bin/python" installer/build.py --out "$ROOT/dist" "$@"
    ;;
  lint)
    setup
    "$VENV/bin/ruff" check . && "$VENV/bin/ruff" format --check . && "$VENV/bin/mypy"
    ;;
  *)
    echo "usage: ./dev.sh {demo|test|bench|lint|package} [args]" >&2
    exit 2
    ;;
esac
