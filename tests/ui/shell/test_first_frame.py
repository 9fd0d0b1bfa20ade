"""The start's first frame: the real main window paints before the heavy modules are loaded (P5).

Each check runs in a fresh interpreter (an import made by another test would hide one made
here) and reports what `sys.modules` held at the window's first paint and after the panes
that come later were built.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

#: modules the first frame must go without (each costs 0.1-0.3 s on the 2-core machine)
HEAVY = ("pyqtgraph", "sqlalchemy", "av", "numpy", "console.store", "console.video.pool", "console.hub.server")

_WINDOW = textwrap.dedent("""
    import json, sys
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication
    from console.client.controller import Controller
    from console.client.replica import Replica
    from console.client.session import Session
    from console.ui.shell.watchdog import GuiWatchdog
    from console.app.console import make_window

    HEAVY = json.loads(sys.argv[1])
    app = QApplication([])
    replica = Replica()
    session = Session("ws://127.0.0.1:1", "demo-commander", replica)  # never started: no hub needed
    controller = Controller(replica, session)
    settings = QSettings(sys.argv[2], QSettings.Format.IniFormat)
    window = make_window(replica, controller, session, None, GuiWatchdog(), wall=False, settings=settings,
                         defer_panes=True)
    seen = {}

    def painted():
        seen["at_first_paint"] = [m for m in HEAVY if m in sys.modules]
        seen["panes_at_first_paint"] = sorted(window.panes)
        seen["docks"] = sorted(window.docks)
        window.build_deferred_panes()
        seen["panes_after"] = sorted(window.panes)
        seen["after"] = [m for m in HEAVY if m in sys.modules]
        seen["camera_wall_in_centre"] = window.camera_wall is not None and window.camera_wall.isVisibleTo(window)
        app.quit()

    window.sig_first_paint.connect(painted)
    QTimer.singleShot(20_000, app.quit)  # never hang: the parent then reports no paint
    app.exec()
    print("RESULT " + json.dumps(seen), flush=True)
""")


def _run(code: str, *args: str) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env,
                          timeout=60, cwd=Path(__file__).resolve().parents[3])
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert lines, f"no result (exit {proc.returncode}):\n{proc.stderr[-2000:]}"
    return json.loads(lines[-1].removeprefix("RESULT "))


def test_window_shell_paints_before_heavy_modules_load(tmp_path):
    seen = _run(_WINDOW, json.dumps(HEAVY), str(tmp_path / "settings.ini"))
    assert "at_first_paint" in seen, "the window never painted"
    assert seen["at_first_paint"] == [], f"loaded before the first frame: {seen['at_first_paint']}"
    assert seen["panes_at_first_paint"] == ["alerts"]
    # the docks are all there from the first frame (empty), so the layout does not jump
    assert seen["docks"] == sorted(["alerts", "incident", "map", "roster", "diagnostics", "kpi", "cases", "board",
                                    "drills", "drillbar"])
    # and right after it, the real panes: the map and KPIs (pyqtgraph) and the camera wall are built
    assert seen["panes_after"] == sorted(["alerts", "incident", "diagnostics", "cameras", "roster", "map",
                                          "kpi", "cases", "board", "drills", "drillbar"])
    assert "pyqtgraph" in seen["after"]
    assert seen["camera_wall_in_centre"] is True


_CLI_CHECK = textwrap.dedent("""
    import json, sys
    from console import cli

    HEAVY = json.loads(sys.argv[1])
    import argparse
    parser = argparse.ArgumentParser()
    cli._hub_args(parser)  # the hub's own flags, as `demo` declares them
    a = parser.parse_args(["--scenario", "marathon", "--port", "0"])
    problem = cli._check_hub_args(a, "duty-console demo")
    a.tls_cert = "x.pem"  # half a TLS pair: the same check must still refuse it
    half = cli._check_hub_args(a, "duty-console demo")
    print("RESULT " + json.dumps({"problem": problem, "half": half,
                                  "loaded": [m for m in HEAVY if m in sys.modules]}), flush=True)
""")


def test_demo_argument_check_loads_no_hub_modules():
    seen = _run(_CLI_CHECK, json.dumps(HEAVY + ("console.hub.core", "console.scenarios.world")))
    assert seen["problem"] is None
    assert seen["half"] == "duty-console demo: --tls-cert and --tls-key go together"
    assert seen["loaded"] == []
