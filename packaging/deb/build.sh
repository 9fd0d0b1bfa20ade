#!/usr/bin/env bash
# Build the Debian package dist/duty-console_VERSION_ARCH.deb with dpkg-deb (run by `make deb`).
#
# Layout of the package:
#   /usr/lib/duty-console/venv     a private venv on Debian's python3.11: the dependencies of
#                                  pyproject.toml, minus the parts of Qt the console never loads
#                                  (packaging/qt_trim.py), byte-compiled
#   /usr/lib/duty-console/app      console/ and resources/ as in the source tree (found through a .pth)
#   /usr/bin/duty-console          runs `python -m console` in that venv
#   /lib/systemd/system            duty-hub.service, duty-hub@.service, duty-gateway.service
#   /usr/lib/sysusers.d            the duty-console system user
#   /etc/duty-console              duty-console.toml (a conffile), secrets/ (made by postinst)
#   /var/lib/duty-console          the hub's state (made by postinst, kept on purge)
#   /usr/share/applications, icons, duty-console/autostart, duty-console/grafana, doc
#
# The dependency venv is cached in build/deb/ by a hash of what goes into it (dependencies,
# Python version, trim list): a rebuild after a code change only copies the app and packs.
#
# Environment: DEB_COMPRESS = gzip (default: every dpkg reads it, UOS and Kylin included; ~30 s) | xz (the
#              smallest download, minutes to pack 450 MB) | zstd (dpkg >= 1.21.18 only) | none
#              DEB_OUT = output folder (default dist)
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
PY=${DEB_PYTHON:-/usr/bin/python3.11}
COMPRESS=${DEB_COMPRESS:-gzip}
OUT=${DEB_OUT:-dist}
PREFIX=/usr/lib/duty-console

command -v dpkg-deb >/dev/null || { echo "deb: dpkg-deb is not installed (apt-get install dpkg)" >&2; exit 2; }
[[ -x $PY ]] || { echo "deb: $PY is not there (apt-get install python3.11 python3.11-venv)" >&2; exit 2; }

VERSION=$($PY -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
ARCH=$(dpkg --print-architecture)
PYVER=$($PY -c 'import sys; print(f"python{sys.version_info.major}.{sys.version_info.minor}")')
mapfile -t DEPS < <($PY -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))')

KEY=$( { printf '%s\n' "${DEPS[@]}"; $PY --version; cat packaging/qt_trim.py; } | sha256sum | cut -c1-16)
CACHE=$ROOT/build/deb/venv-$KEY
SP_REL=lib/$PYVER/site-packages

if [[ ! -f $CACHE/.complete ]]; then
    echo "deb: building the dependency venv ($KEY)"
    rm -rf "$CACHE"
    mkdir -p "$(dirname "$CACHE")"
    "$PY" -m venv "$CACHE"
    "$CACHE/bin/python" -m pip install -q --no-compile "${DEPS[@]}"
    "$CACHE/bin/python" -m pip uninstall -q -y pip setuptools >/dev/null 2>&1 || true
    "$PY" packaging/qt_trim.py "$CACHE/$SP_REL"
    rm -f "$CACHE"/bin/activate* "$CACHE"/bin/pip* "$CACHE"/bin/pyside6-*
    # The venv will live at $PREFIX/venv: its scripts' first lines and pyvenv.cfg say so.
    grep -rlI --null "$CACHE" "$CACHE/bin" "$CACHE/pyvenv.cfg" | xargs -0 -r sed -i "s#$CACHE#$PREFIX/venv#g"
    # The app is beside the venv; a relative .pth keeps that true wherever the tree is unpacked.
    echo "../../../../app" > "$CACHE/$SP_REL/duty_console_app.pth"
    "$PY" -m compileall -q -j0 -s "$CACHE" -p "$PREFIX/venv" "$CACHE/$SP_REL" >/dev/null || true
    touch "$CACHE/.complete"
fi

STAGE=$ROOT/build/deb/duty-console_${VERSION}_${ARCH}
rm -rf "$STAGE"
mkdir -p "$STAGE$PREFIX"
cp -al "$CACHE" "$STAGE$PREFIX/venv"  # hard links: the cache is never written through them
rm -f "$STAGE$PREFIX/venv/.complete"

# the application, as laid out in the source tree (console/app/config.py and i18n.py find resources/ there)
APP=$STAGE$PREFIX/app
mkdir -p "$APP"
tar -C "$ROOT" --exclude=__pycache__ --exclude='*.pyc' --exclude='resources/i18n/*.ts' \
    --exclude='resources/i18n/*.py' -cf - console resources | tar -C "$APP" -xf -
"$PY" -m compileall -q -j0 -s "$STAGE" -p / "$APP/console" >/dev/null
DIST=$STAGE$PREFIX/venv/$SP_REL/duty_console-$VERSION.dist-info
mkdir -p "$DIST"
printf 'Metadata-Version: 2.1\nName: duty-console\nVersion: %s\n' "$VERSION" > "$DIST/METADATA"
echo "dpkg" > "$DIST/INSTALLER"

install -D -m 0755 /dev/stdin "$STAGE/usr/bin/duty-console" <<EOF
#!/bin/sh
# duty-console from its private venv ($PREFIX); -P: a console/ folder in the current directory is not it
exec $PREFIX/venv/bin/python -P -m console "\$@"
EOF
install -D -m 0644 -t "$STAGE/lib/systemd/system" packaging/systemd/duty-hub.service \
    packaging/systemd/duty-hub@.service packaging/systemd/duty-gateway.service
install -D -m 0644 -t "$STAGE/usr/lib/sysusers.d" packaging/sysusers.d/duty-console.conf
install -D -m 0644 packaging/etc/duty-console.toml "$STAGE/etc/duty-console/duty-console.toml"
install -D -m 0644 -t "$STAGE/usr/share/applications" packaging/desktop/duty-console.desktop
install -D -m 0644 -t "$STAGE/usr/share/duty-console/autostart" packaging/desktop/duty-console-wall.desktop
install -D -m 0644 -t "$STAGE/usr/share/icons/hicolor/scalable/apps" packaging/desktop/duty-console.svg
install -D -m 0644 -t "$STAGE/usr/share/duty-console/grafana" packaging/grafana/duty-hub.json
DOC=$STAGE/usr/share/doc/duty-console
install -D -m 0644 packaging/deb/README.Debian "$DOC/README.Debian"
install -D -m 0644 packaging/etc/hub-center.toml "$DOC/examples/hub-center.toml"
install -D -m 0644 packaging/deb/copyright "$DOC/copyright"

mkdir -p "$STAGE/DEBIAN"
install -m 0755 -t "$STAGE/DEBIAN" packaging/deb/postinst packaging/deb/prerm packaging/deb/postrm
echo /etc/duty-console/duty-console.toml > "$STAGE/DEBIAN/conffiles"
SIZE=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$SIZE/" packaging/deb/control.in \
    > "$STAGE/DEBIAN/control"
(cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z \
    | xargs -0 md5sum > DEBIAN/md5sums)

mkdir -p "$OUT"
DEB=$OUT/duty-console_${VERSION}_${ARCH}.deb
rm -f "$DEB"
case $COMPRESS in
    xz) ZARGS=(-Zxz -z6) ;;
    gzip) ZARGS=(-Zgzip -z6) ;;
    zstd) ZARGS=(-Zzstd -z3) ;;
    none) ZARGS=(-Znone) ;;
    *) echo "deb: DEB_COMPRESS=$COMPRESS: use xz, gzip, zstd or none" >&2; exit 2 ;;
esac
dpkg-deb --root-owner-group "${ZARGS[@]}" --build "$STAGE" "$DEB" >/dev/null
echo "deb: $DEB ($(du -h "$DEB" | cut -f1), installed $((SIZE / 1024)) MB, compression $COMPRESS)"
