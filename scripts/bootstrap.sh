#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian machine: system libraries for Qt (as root),
# then .venv with the project installed in editable mode. Re-runs are fast: apt is
# skipped when every package is present, pip when pyproject.toml has not changed.
set -euo pipefail

cd "$(dirname "$0")/.."

APT_PACKAGES=(
    libxcb-icccm4 libxcb-keysyms1 libpulse0 xvfb xauth fonts-wqy-microhei
    libegl1 libgl1 libfontconfig1 libfreetype6 libxkbcommon0 libglib2.0-0
    libdbus-1-3 libx11-6 libx11-xcb1 libxkbcommon-x11-0 libxcb-cursor0
    libxcb-image0 libxcb-randr0 libxcb-render-util0 libxcb-shape0
    libxcb-xfixes0 libxcb-xkb1 libxcb-sync1 libxcb-glx0 libxcb-shm0 libxcb-util1
    # real video servers for tests/video: ffmpeg (HTTP MJPEG/MPEG-TS with -listen 1) and
    # GStreamer's RTSP server under the system python3 (x264enc is in -ugly)
    ffmpeg gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly
    # H.265 and the looped clips of tests/video/rtsp_server.py: x265enc, h264parse, h265parse
    gstreamer1.0-plugins-bad
    # the field page's browser tests (tests/field): Playwright drives this chromium, never its own
    chromium
    gir1.2-gst-rtsp-server-1.0 python3-gi
    # the hub's store on PostgreSQL: tests/conftest.py and `duty-console city` initdb a cluster in a temp dir
    postgresql-15
    # `make deb` builds the package's venv on Debian's python3.11; tests/packaging verifies its units
    # (systemd-analyze) and installs it into a temp root (systemd-sysusers)
    python3.11-venv systemd
)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
    for pkg in "${APT_PACKAGES[@]}"; do
        status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
        [[ "$status" == "installed" ]] || missing+=("$pkg")
    done
fi

if ((${#missing[@]})); then
    if [[ $(id -u) -eq 0 ]]; then
        echo "bootstrap: installing ${#missing[@]} apt packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q
        apt-get install -y -q --no-install-recommends "${missing[@]}"
    else
        echo "bootstrap: missing system packages (Qt may not start); run as root:" >&2
        echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    fi
fi

PYTHON=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
    echo "bootstrap: creating .venv with $PYTHON"
    "$PYTHON" -m venv .venv
fi

STAMP=.venv/.installed
if [[ ! -f "$STAMP" || pyproject.toml -nt "$STAMP" ]]; then
    echo "bootstrap: pip install -e '.[test]'"
    .venv/bin/python -m pip install -q -e '.[test]'
    touch "$STAMP"
fi
