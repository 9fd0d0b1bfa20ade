#!/usr/bin/env bash
# PNGs of the live console on the embedded demo: main window in Chinese and English,
# and wall mode, each after 45 s of the marathon morning (the dog reaches the cordon at 20 s).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/screenshots}
mkdir -p "$out"
tmp=$(mktemp -d)
shoot() {  # name, extra args...
    local name=$1; shift
    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/duty-console demo --smoke 45 --shot "$out/$name.png" \
        --local-db "sqlite:///$tmp/$name-console.db" --db "sqlite:///$tmp/$name-hub.db" "$@" 2>/dev/null \
        | grep '^smoke:' || true
}
shoot main_zh &
shoot main_en --lang en &
wait
shoot wall_zh --wall
rm -rf "$tmp"
ls -l "$out"
