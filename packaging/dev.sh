#!/usr/bin/env bash
# One entry point for a newcomer and for CI: installs what the kiosk needs, then runs it.
#   packaging/dev.sh demo   start the kiosk demo (embedded API server + simulated camera)
#   packaging/dev.sh test   ruff format --check, ruff check, mypy --strict kiosk/, all tests
#   packaging/dev.sh bundle build the one-folder app with PyInstaller and smoke-test it
# It creates .venv/ in the checkout and, when run as root on Debian, installs the system
# libraries that Qt (PySide6) and zbar need. Python packages come from packaging/requirements.lock
# (exact versions with file hashes, what CI tested; packaging/lock.sh regenerates it), then the kiosk itself
# without dependencies. Re-running it is cheap: it reinstalls only when the lock or
# pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_LIBS=(libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
             libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libglib2.0-0
             libpulse0 libzbar0 binutils   # binutils: objdump, for the PyInstaller bundle test
             x11-xkb-utils                 # setxkbmap: kiosk doctor's keyboard-layout check
             xvfb xdotool openbox x11-utils  # tests/desktop/: X server, keys, window manager
             mosquitto                     # the MQTT broker the fleet tests start on 127.0.0.1
             tinyproxy)                    # the HTTP proxy tests/network/test_proxy.py starts

install_debian_libs() {
    command -v dpkg-query >/dev/null 2>&1 || return 0
    local missing=()
    for pkg in "${DEBIAN_LIBS[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -eq 0 ]; then
        echo "Installing Debian libraries: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "Missing Debian libraries (run as root, or: sudo apt-get install ${missing[*]})" >&2
    fi
}

install_python_env() {
    local venv=.venv stamp=.venv/.installed-from lock=packaging/requirements.lock
    local want
    want="$(cat pyproject.toml "$lock" | sha256sum | cut -d' ' -f1) lock"
    if [ ! -x "$venv/bin/python" ]; then
        python3 -m venv "$venv"
    fi
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        "$venv/bin/python" -m pip install -q --upgrade pip
        "$venv/bin/python" -m pip install -q -r "$lock"
        "$venv/bin/python" -m pip install -q --no-deps -e .
        echo "$want" > "$stamp"
    fi
}

install_debian_libs
install_python_env

case "${1:-}" in
    demo)
        shift
        exec .venv/bin/kiosk demo "$@"
        ;;
    test)
        shift
        .venv/bin/ruff format --check .   # the tree is ruff-formatted (line length 100)
        .venv/bin/ruff check .
        .venv/bin/mypy kiosk/   # strict: see [tool.mypy] in pyproject.toml
        QT_QPA_PLATFORM=offscreen exec .venv/bin/python -m pytest "$@"
        ;;
    bundle)
        shift
        # PyInstaller (the "packaging" extra) is installed with everything else: the test suite
        # builds the bundle too (tests/ops/test_packaging.py). On Linux it reads libraries with
        # objdump (Debian package binutils, in DEBIAN_LIBS)
        if ! command -v objdump >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
            if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq binutils >/dev/null
            else echo "PyInstaller needs objdump: sudo apt-get install binutils" >&2; fi
        fi
        exec .venv/bin/python packaging/build_bundle.py "$@"
        ;;
    *)
        echo "usage: packaging/dev.sh demo|test|bundle [args...]" >&2
        exit 2
        ;;
esac
