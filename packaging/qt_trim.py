"""What of PySide6 the console never loads: one list for the PyInstaller bundle and the Debian package.

The console uses QtCore, QtGui, QtWidgets, QtMultimedia (the critical-alert sound and its
FFmpeg backend), QtNetwork, QtOpenGL/QtSvg/QtPrintSupport (pyqtgraph may probe them) and
QtTest (the smoke run's key presses). The PySide6 wheels carry all of Qt besides: WebEngine
(a Chromium, ~270 MB with its resources and locales), QML/Quick and their tooling, 3D,
Designer, and Qt's translations in 40 languages.

`packaging/duty-console.spec` imports this module (PyInstaller: module excludes and a filter
on collected files); `packaging/deb/build.sh` runs it on the package's venv (`python3
packaging/qt_trim.py SITE_PACKAGES` deletes what is listed and prints what it saved).
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import sys
from pathlib import Path

#: Qt modules the console never imports
QT_UNUSED = [
    "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender",
    "QtBluetooth", "QtCanvasPainter", "QtCharts", "QtConcurrent", "QtDataVisualization",
    "QtDesigner", "QtGraphs", "QtGraphsWidgets", "QtHelp", "QtHttpServer", "QtLocation",
    "QtMultimediaWidgets", "QtNetworkAuth", "QtNfc", "QtPdf", "QtPdfWidgets", "QtPositioning",
    "QtQml", "QtQuick", "QtQuick3D", "QtQuickControls2", "QtQuickTest", "QtQuickWidgets",
    "QtRemoteObjects", "QtScxml", "QtSensors", "QtSerialBus", "QtSerialPort",
    "QtSpatialAudio", "QtSql", "QtStateMachine", "QtSvgWidgets",
    "QtTextToSpeech", "QtUiTools", "QtWebChannel", "QtWebEngineCore", "QtWebEngineQuick",
    "QtWebEngineWidgets", "QtWebSockets", "QtWebView", "QtXml", "QtAxContainer",
]

#: native Qt pieces that the excluded modules would not take with them by themselves (substrings of a
#: path below PySide6/): QML tooling, 3D, WebEngine, Wayland and plugins a widgets app on xcb/offscreen
#: does not load. QtMultimedia's FFmpeg plugin links libQt6Qml/Quick, so those two stay.
DROP = (
    "libQt63D", "libQt6Quick3D", "libQt6WebEngine", "libQt6Pdf", "libQt6VirtualKeyboard",
    "libQt6Designer", "libQt6Charts", "libQt6DataVisualization", "libQt6Graphs",
    "libQt6Location", "libQt6Positioning", "libQt6Bluetooth", "libQt6Nfc", "libQt6Sensors",
    "libQt6SerialPort", "libQt6SerialBus", "libQt6RemoteObjects", "libQt6Scxml",
    "libQt6Help", "libQt6TextToSpeech", "libQt6WebSockets", "libQt6WebChannel",
    "libQt6WebView", "libQt6Sql", "libQt6Lottie", "libQt6Labs",
    "libQt6QmlCompiler", "libQt6QuickControls2", "libQt6QuickDialogs2", "libQt6QuickTemplates2",
    "libQt6ShaderTools", "libQt6SpatialAudio", "libQt6HttpServer", "libQt6CanvasPainter",
    "/qml/", "/plugins/qmltooling/", "/plugins/sceneparsers/", "/plugins/geometryloaders/",
    "/plugins/renderers/", "/plugins/renderplugins/", "/plugins/assetimporters/",
    "/plugins/geoservices/", "/plugins/position/", "/plugins/sensors/", "/plugins/canbus/",
    "/plugins/sqldrivers/", "/plugins/texttospeech/", "/plugins/webview/",
    "/plugins/designer/", "/plugins/scxmldatamodel/", "libqtvirtualkeyboardplugin",
    "/platformthemes/libqgtk3",  # the console sets its own Fusion dark theme; avoids host GTK
)
#: Qt's own translations: only the languages the console speaks
QT_TRANSLATIONS = "/PySide6/Qt/translations/"
LANGS = ("_zh_CN.qm", "_en.qm")

#: in a venv (not in the bundle, which collects only what is imported): the wheel's developer tools,
#: headers, type stubs, WebEngine's helper process and resources, and build-time metadata
VENV_ONLY = (
    "/PySide6/assistant", "/PySide6/balsam", "/PySide6/balsamui", "/PySide6/designer",
    "/PySide6/linguist", "/PySide6/lrelease", "/PySide6/lupdate", "/PySide6/qmlformat",
    "/PySide6/qmllint", "/PySide6/qmlls", "/PySide6/qsb", "/PySide6/svgtoqml",
    "/PySide6/include/", "/PySide6/typesystems/", "/PySide6/glue/", "/PySide6/doc/", "/PySide6/scripts/",
    "/PySide6/Qt/libexec/", "/PySide6/Qt/metatypes/", "/PySide6/Qt/resources/",
    "/PySide6/Qt/translations/qtwebengine_locales/", "/plugins/qmllint/",
    "/plugins/wayland-graphics-integration-server/",
)


def keep(dest: str) -> bool:
    """Whether a file at this path (below site-packages or the bundle) is one the console may load."""
    dest = "/" + dest.replace(os.sep, "/").lstrip("/")
    if QT_TRANSLATIONS in dest and not dest.endswith(LANGS):
        return False
    return not any(d in dest for d in DROP)


@functools.lru_cache(maxsize=None)
def needed(path: str) -> frozenset[str]:
    """The shared libraries an ELF file names as NEEDED (binutils' readelf; empty without it)."""
    import re
    import subprocess

    try:
        out = subprocess.run(["readelf", "-d", path], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    return frozenset(re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", out))


def orphans(kept: dict[str, str], dropped: dict[str, str]) -> set[str]:
    """Names of libraries collected only because a dropped binary needed them (dest -> source paths).

    PyInstaller collects a plugin's dependencies before the filter above drops the plugin: the GTK
    theme plugin alone brings GTK, GDK, Pango, Cairo, ATK and X extensions (~17 MB) that nothing
    kept loads. Only libraries reachable from dropped binaries and from no kept one are named.
    """
    by_name = {dest.rsplit("/", 1)[-1]: src for dest, src in {**kept, **dropped}.items()}

    def closure(roots: dict[str, str]) -> set[str]:
        seen: set[str] = set()
        todo = [src for src in roots.values()]
        while todo:
            for lib in needed(todo.pop()):
                if lib not in seen and lib in by_name:
                    seen.add(lib)
                    todo.append(by_name[lib])
        return seen

    gone: set[str] = set()
    while True:  # a library only an orphan needs is an orphan too (GTK needs GDK needs Pango ...)
        roots = {d: src for d, src in kept.items() if d not in gone}
        found = closure({**dropped, **{d: src for d, src in kept.items() if d in gone}}) - closure(roots)
        found = {d for d in kept if "/" not in d and d in found}  # top-level libraries only
        if found <= gone:
            return gone
        gone |= found


def _unused_module(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return rel.count("/") == 1 and rel.startswith("PySide6/") and name.split(".", 1)[0] in QT_UNUSED \
        and (name.endswith(".abi3.so") or name.endswith(".pyi"))


def venv_drops(site_packages: Path) -> list[Path]:
    """Files and folders of PySide6 in a venv the console never loads."""
    out: list[Path] = []
    root = site_packages / "PySide6"
    for dirpath, dirnames, filenames in os.walk(root):
        for d in list(dirnames):
            rel = "/" + str((Path(dirpath) / d).relative_to(site_packages)) + "/"
            if any(v in rel for v in VENV_ONLY) or any(x in rel for x in DROP if x.endswith("/")):
                out.append(Path(dirpath) / d)
                dirnames.remove(d)
        for f in filenames:
            path = Path(dirpath) / f
            rel = str(path.relative_to(site_packages))
            if not keep(rel) or any(v in "/" + rel for v in VENV_ONLY) or _unused_module(rel) \
                    or (rel.endswith(".pyi") and rel.count("/") == 1):
                out.append(path)
    return out


def link_duplicates(lib: Path) -> int:
    """Wheels cannot hold symlinks: libfoo.so, .so.61 and .so.61.19 are three copies. Keep one, link
    the others to it (what the system's own packages do); returns the bytes saved."""
    by_hash: dict[tuple[int, str], Path] = {}
    saved = 0
    for path in sorted(lib.glob("*.so*"), key=lambda p: (len(p.name), p.name)):
        if path.is_symlink() or not path.is_file() or path.stat().st_size < 1 << 20:
            continue
        key = (path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest())
        first = by_hash.setdefault(key, path)
        if first is not path:
            saved += path.stat().st_size
            path.unlink()
            path.symlink_to(first.name)
    return saved


def trim_venv(site_packages: Path) -> int:
    """Delete what the console never loads from a venv's PySide6; returns the bytes saved."""
    saved = 0
    for path in venv_drops(site_packages):
        if path.is_dir():
            saved += sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())
            shutil.rmtree(path)
        elif path.exists():
            saved += path.stat().st_size
            path.unlink()
    lib = site_packages / "PySide6" / "Qt" / "lib"
    if lib.is_dir():
        saved += link_duplicates(lib)
    return saved


if __name__ == "__main__":
    saved = trim_venv(Path(sys.argv[1]))
    print(f"qt_trim: {saved / 1e6:.0f} MB of PySide6 the console never loads removed from {sys.argv[1]}")
