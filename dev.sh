#!/usr/bin/env bash
# The project's two set-up commands (see README):
#   ./dev.sh demo   install what is missing, then run the client on its embedded demo
#   ./dev.sh test   install what is missing, then run the whole test suite under Xvfb
# and ./dev.sh bench (all benchmarks), ./dev.sh lint.
# Every step is idempotent: apt packages are installed only when missing, the virtual
# environment is rebuilt only when the dependency files change.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
VENV=${VENV:-$ROOT/.venv}
PY=${PYTHON:-python3}

APT_PACKAGES=(
  # libVLC and the plugins it cannot start or draw without
  libvlc5 vlc-plugin-base vlc-plugin-video-output vlc-bin
  # Qt's xcb platform plugin
  libgl1 libegl1 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3 libx11-6 libx11-xcb1
  libxcb1 libxcb-cursor0 libxcb-glx0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1
  libxcb-util1 libxcb-xfixes0 libxcb-xkb1 libxkbcommon0 libxkbcommon-x11-0
  # fonts: Latin and the Chinese UI
  fonts-dejavu-core fonts-noto-cjk
  # a virtual display with a real window manager, and a way to drive it
  xvfb openbox xdotool x11-utils
  # D-Bus daemon: screen-lock and suspend signals are tested on private buses
  dbus
  # Python venv support on bare Debian/Ubuntu
  python3-venv
)

log() { printf '\033[1m[dev.sh]\033[0m %s\n' "$*" >&2; }

ensure_apt() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  # python3-venv is only needed when the interpreter cannot create a venv by itself
  if "$PY" -c 'import ensurepip, venv' 2>/dev/null; then
    missing=("${missing[@]/python3-venv}")
  fi
  local real=()
  for p in "${missing[@]}"; do [ -n "$p" ] && real+=("$p"); done
  [ ${#real[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  log "installing system packages: ${real[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${real[@]}"
}

ensure_venv() {
  local stamp="$VENV/.dev-stamp"
  local want
  want=$(cat pyproject.toml requirements-nodeps.txt | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$VENV/bin/python" ]; then
    return 0
  fi
  log "creating the virtual environment in $VENV"
  [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip wheel
  "$VENV/bin/python" -m pip install -q -e ".[dev,server]"
  "$VENV/bin/python" -m pip install -q --no-deps -r requirements-nodeps.txt
  echo "$want" > "$stamp"
}

compile_translations() {
  # .qm files are build products: compiled from the .ts sources on every set-up
  local ts
  for ts in resources/i18n/*.ts; do
    [ -e "$ts" ] || continue
    local qm="${ts%.ts}.qm"
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

# Start Xvfb and openbox on a free display for the duration of the job, so window
# minimise and activation are real window-manager events.
XVFB_PID="" WM_PID=""
start_display() {
  local n=99
  while [ -e "/tmp/.X${n}-lock" ] || [ -e "/tmp/.X11-unix/X${n}" ]; do n=$((n + 1)); done
  Xvfb ":$n" -screen 0 1600x1000x24 -nolisten tcp -ac >/dev/null 2>&1 &
  XVFB_PID=$!
  export DISPLAY=":$n"
  for _ in $(seq 100); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
  xdpyinfo >/dev/null 2>&1 || { log "Xvfb did not start on $DISPLAY"; exit 1; }
  openbox >/dev/null 2>&1 &
  WM_PID=$!
  # wait until openbox owns the screen (it sets _NET_SUPPORTING_WM_CHECK on the root)
  for _ in $(seq 100); do
    xprop -root _NET_SUPPORTING_WM_CHECK 2>/dev/null | grep -q 'window id' && break
    sleep 0.1
  done
  trap stop_display EXIT
  log "virtual display $DISPLAY with openbox"
}
stop_display() {
  [ -n "$WM_PID" ] && kill "$WM_PID" 2>/dev/null || true
  [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null || true
}

cmd=${1:-demo}
shift || true
case "$cmd" in
  demo)
    setup
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
      # A headless machine: prove the demo runs by writing a screenshot.
      start_display
      shot="$ROOT/demo-screenshot.png"
      log "no display: running the demo on a virtual one; screenshot -> $shot"
      "$VENV/bin/python" -m app --demo --screenshot "$shot" --quit-after 8 "$@"
    else
      exec "$VENV/bin/python" -m app --demo "$@"
    fi
    ;;
  test)
    setup
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check .
    start_display
    if [ $# -eq 0 ]; then
      # The whole suite also proves full branch coverage of the pure rules in records/.
      set -- --cov --cov-report=term --cov-fail-under=100
    fi
    "$VENV/bin/python" -m pytest "$@"
    ;;
  bench)
    setup
    start_display
    for b in bench/*.py; do
      case "$b" in */_*) continue ;; esac
      log "benchmark $b"
      "$VENV/bin/python" "$b"
    done
    ;;
  lint)
    setup
    "$VENV/bin/ruff" check . && "$VENV/bin/ruff" format --check .
    ;;
  *)
    echo "usage: ./dev.sh {demo|test|bench|lint} [args]" >&2
    exit 2
    ;;
esac
